"""Certificates: the printable certificate with its annex, its two credential documents, its
revocation, and the public verification page.

    GET  /certificates/<uuid>                 the certificate and its annex, to print (the
                                              supplier and administrators; anyone else is sent
                                              to the verification page, which the printed link
                                              on the certificate also reaches)
    GET  /certificates/<uuid>/open-badge.json the signed Open Badges 3.0 credential as issued
    GET  /certificates/<uuid>/elm.jsonld      the European Learning Model credential
    GET|POST /certificates/<uuid>/revoke      revoke it, with a reason
    GET  /verify/<uuid>                       public: valid / revoked / invalid, and what it states

The certificate speaks the description's language (as its credentials do); the page around it
speaks the user's.
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from models import Certificate

from ...app import db
from ...errors import WorkflowError
from ...framework import framework
from ...framework.validation import display_value
from ...i18n import N_, translate
from ...pilots import access
from ...pilots.certificates import (COMPLETED, PASS, european_learning_model, find_certificate,
                                    revoke_certificate, verify)
from ...timeutil import format_day, format_instant, helsinki_date
from ..helpers import ErrorSummary, signed_in
from ..identity import actor
from ..locale import current_locale
from .blueprint import bp
from .common import base_url, load_certificate_or_404

# Words on the certificate itself, in the certificate's language.
CERTIFICATE_TITLE = N_("Certificate")
ANNEX_TITLE = N_("Annex: the micro-credential")
ANNEX_INTRO = N_("The elements of the micro-credential (Council Recommendation 2022/C 243/02, Annex I).")
NOT_STATED = N_("Not stated")
VERIFY_AT = N_("Verify this certificate at")
ISSUED_BY = N_("Issued by")
CERTIFICATE_ID = N_("Certificate identifier")


def annex(certificate: Certificate) -> tuple[str, list[dict[str, Any]]]:
    """(language, every Annex I element with its label and value) as the certificate states
    it: the description frozen at issuing, and the learner's own elements."""
    snapshot = certificate.description_snapshot
    data = snapshot["data"]
    fw = framework(snapshot["framework_version"])
    language = data.get("language") or "fi"
    per_learner = {
        "learner_identification": certificate.learner_name,
        "date_of_issuing": format_day(helsinki_date(certificate.issued_at), language),
        "grade": certificate.grade or PASS[language],
    }
    if not data.get("awarding_body"):
        per_learner["awarding_body"] = certificate.awarding_body["name"]
    rows = []
    for element in fw.annex_i_elements:
        if element.key in per_learner:
            value: Any = per_learner[element.key]
        elif data.get(element.key) not in (None, "", [], {}):
            value = display_value(element, data[element.key], fw, language)
        else:
            value = translate(NOT_STATED, language)
        rows.append({"key": element.key, "label": element.label_in(language), "value": value,
                     "list": isinstance(value, list), "mandatory": element.annex_i == "mandatory"})
    return language, rows


@bp.get("/certificates/<certificate_id>")
def certificate(certificate_id: str) -> Response | str:
    """The printable certificate for those who follow the pilot; everyone else (the printed
    link, a learner, an employer) gets the public verification page."""
    user = actor()
    found = find_certificate(db(), certificate_id)
    if found is None or not access.can_view_certificate(user, found):
        return redirect(url_for("pilots.verify_certificate", certificate_id=certificate_id))
    language, rows = annex(found)
    data = found.description_snapshot["data"]
    t = lambda msgid: translate(msgid, language)  # noqa: E731  (the certificate's own words)
    words = {"certificate": t(CERTIFICATE_TITLE), "completed": t(COMPLETED),
             "annex": t(ANNEX_TITLE), "annex_intro": t(ANNEX_INTRO), "verify": t(VERIFY_AT),
             "issued_by": t(ISSUED_BY), "identifier": t(CERTIFICATE_ID)}
    workload = next((r["value"] for r in rows if r["key"] == "workload"), "")
    verify_link = base_url() + url_for("pilots.verify_certificate", certificate_id=found.public_id)
    return render_template(
        "certificates/certificate.html", certificate=found, language=language, rows=rows,
        words=words, title=data.get("title", ""), workload=workload,
        awarding_body=data.get("awarding_body") or found.awarding_body["name"],
        issued_on=format_day(helsinki_date(found.issued_at), language),
        verify_link=verify_link, can_revoke=access.can_revoke_certificate(user, found))


def _download(document: dict[str, Any], filename: str, mimetype: str) -> Response:
    body = json.dumps(document, ensure_ascii=False, indent=2)
    response = current_app.response_class(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/certificates/<certificate_id>/open-badge.json")
@signed_in
def open_badge(certificate_id: str) -> Response:
    found = load_certificate_or_404(certificate_id, actor())
    return _download(found.credential, f"certificate-{found.public_id}.json", "application/json")


@bp.get("/certificates/<certificate_id>/elm.jsonld")
@signed_in
def elm(certificate_id: str) -> Response:
    found = load_certificate_or_404(certificate_id, actor())
    return _download(european_learning_model(found, base_url()),
                     f"certificate-{found.public_id}.jsonld", "application/ld+json")


@bp.route("/certificates/<certificate_id>/revoke", methods=["GET", "POST"])
@signed_in
def revoke(certificate_id: str) -> Response | tuple:
    user = actor()
    found = load_certificate_or_404(certificate_id, user)
    if found.revoked_at is not None:
        return render_template("errors/error.html", status=409, title=_("Not possible now"),
                               message=_("The certificate has already been revoked.")), 409
    errors = ErrorSummary()
    if request.method == "POST":
        try:
            revoke_certificate(db(), user, found, request.form.get("reason", ""))
        except WorkflowError as err:
            db().rollback()
            errors = ErrorSummary.from_error(err, {"reason": _("Reason")})
        else:
            db().commit()
            flash(_("The certificate has been revoked."), "success")
            return redirect(url_for("pilots.certificate", certificate_id=found.public_id))
    return render_template("certificates/revoke.html", certificate=found, errors=errors,
                           reason=request.form.get("reason", "")), (errors.status if errors else 200)


@bp.get("/verify/<certificate_id>")
def verify_certificate(certificate_id: str) -> tuple[str, int]:
    """Public: anyone with the link learns whether the certificate is valid."""
    try:
        result = verify(db(), certificate_id, current_locale())
    except WorkflowError:
        return render_template("certificates/verify.html", result=None,
                               certificate_id=certificate_id[:100]), 404
    locale = current_locale()
    shown = {**result,
             "issued_on": format_day(dt.date.fromisoformat(result["issued_on"]), locale),
             "completed_on": format_day(dt.date.fromisoformat(result["completed_on"]), locale),
             "revoked_at": (format_instant(dt.datetime.fromisoformat(result["revoked_at"]), locale)
                            if result["revoked_at"] else None)}
    return render_template("certificates/verify.html", result=shown,
                           certificate_id=result["id"]), 200
