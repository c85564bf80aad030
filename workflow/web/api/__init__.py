"""The JSON API, `/api/v1` (CONTRACT.md § JSON API). See README.md in this folder.

`workflow.web.register()` registers `bp` when this package exists.
"""
from __future__ import annotations

from . import auth, calls, errors, openapi, submissions, workflow  # noqa: F401  (routes)
from . import ranking  # noqa: F401,E402  (GET /calls/{id}/ranking, issue 5)
from . import pilots  # noqa: F401,E402  (issue 6: OCDS, certificates, pilots, reports)
from . import attachments  # noqa: F401,E402  (files of submissions)
from .blueprint import bp

__all__ = ["bp"]
