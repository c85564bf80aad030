"""The pages of issue 6: micro-credentials from the tender to the certificate, and the reports.

    /tenders/<id>/descriptions[/<id>[/preview|/remove]]  the bidder's micro-credential
                                        descriptions: editor (framework elements as fields) and
                                        the learner's preview (descriptions.py)
    /pilots/, /pilots/contracts/<tender id>, /pilots/<id>  delivery under a contract: cohorts,
                                        milestones, certificates issued (delivery.py)
    /certificates/<uuid>[/open-badge.json|/elm.jsonld|/revoke]  the printable certificate with
                                        its annex and the two credential documents
    /verify/<uuid>                      the public verification page (certificates.py)
    /reports/<id>[/transition]          Jotpa interim/final and ESR progress reports: the form,
                                        and the report's workflow steps (reports.py)
    /projects/<id>/reports, /projects/<id>/final-report  an ESR project's reports (reports.py)
    /ministry/pilots[.csv]              every pilot side by side, read-only (ministry.py)

Views are thin: load (404 for those who may not know the object) → check → the services of
workflow/pilots/ and engine.fire() → respond. workflow/web/README.md has the conventions.
"""
from __future__ import annotations

from .blueprint import bp

from . import admin_section, certificates, delivery, descriptions, ministry, reports  # noqa: E402,F401,I001  (the views)

__all__ = ["bp"]
