"""What counts is the version received (DOMAIN §3): a bidder or applicant may keep editing the
working copy after submitting, but an edit not submitted before the deadline is never
published, exported or written into a decision."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

from openpyxl import load_workbook

from workflow.engine import fire
from workflow.evaluation import decisions, exports
from workflow.pilots.ocds import release_package
from workflow.submissions import update_content

from support import helsinki
from support.evaluation import quality, scores
from support.mail import send_mail

SUBMITTED = {"title": "Pilotti sellaisena kuin se jätettiin", "pilot_plan": "Suunnitelma",
             "price": "50000"}
EDITED = {"title": "Myöhemmin muokattu otsikko", "pilot_plan": "Suunnitelma",
          "price": "39000"}


def test_a_price_saved_after_submitting_is_never_published_exported_or_decided(
        session, clock, admin, procurement, make_submission, make_user, make_org, close_call,
        qualify, evaluators, review):
    """A bidder submits its tender at 50 000 €, then saves 39 000 € and a new title in its
    working copy before the deadline without submitting again: do the OCDS package (award and
    contract), the CSV and XLSX exports and the decision letter all carry the tender received,
    50 000 € and its title, and never the edit?"""
    call = procurement()
    bidder = make_user("applicant", organisation=make_org("Tarjoaja"), locale="en")
    tender = make_submission(call, bidder, content=SUBMITTED, submit=True)
    update_content(session, bidder, tender, EDITED)
    assert tender.content["title"] == EDITED["title"]       # the working copy moved on

    close_call(call)
    fire(session, call, "start_qualification", admin)
    qualify(tender)
    fire(session, call, "start_comparison", admin)
    for evaluator in evaluators(2):
        review(tender, evaluator, quality(4, 4))
    decisions.award_by_ranking(session, admin, call)
    clock.set(helsinki(2024, 6, 7, 10, 0))
    fire(session, call, "decide", admin, comment="Ainoa tarjous.")
    fire(session, call, "deliver_decision", admin)
    send_mail(session)
    clock.set(helsinki(2024, 6, 25, 9, 0))
    fire(session, call, "sign_contract", admin)

    package = release_package(session, call, "https://hankeflow.example")
    contract_release = next(r for r in package["releases"] if r["tag"] == ["contract"])
    (award,), (contract,) = contract_release["awards"], contract_release["contracts"]
    for published in (award, contract):
        assert published["title"] == SUBMITTED["title"]
        assert published["value"] == {"amount": 50000.0, "currency": "EUR"}

    rows = list(csv.reader(io.StringIO(
        exports.summary_csv(session, admin, call, "en").decode("utf-8"))))
    header, (line,) = rows[0], rows[1:]
    assert line[header.index("Title")] == SUBMITTED["title"]
    assert "50000.00" in line and "39000.00" not in line     # the offered price
    sheet = load_workbook(io.BytesIO(exports.summary_xlsx(session, admin, call, "en"))).active
    values = [cell.value for cell in sheet[2]]
    assert values[header.index("Title")] == SUBMITTED["title"]
    assert 50000 in values and 39000 not in values

    letter = decisions.decision_document(session, bidder, tender, "en").text
    assert "offered price €50,000.00" in letter and "39,000" not in letter
    for text in (str(package), letter):
        assert EDITED["title"] not in text


def test_a_funding_decision_names_the_application_received(session, admin, applications,
                                                           evaluators, review):
    """An applicant renames its application in the working copy after submitting, before the
    deadline: does the funding decision letter name the application as it was received?"""
    call, (app,) = applications("250000")
    version_title = app.content["title"]
    app.content = {**app.content, "title": "Uusi nimi, ei jätetty"}  # saved, not submitted
    session.flush()
    for evaluator in evaluators(2):
        review(app, evaluator, scores(4, 4, 4, 2))
    fire(session, app, "complete_evaluation", admin)
    fire(session, app, "approve", admin, data={"granted_amount": Decimal("250000")})

    letter = decisions.decision_document(session, app.created_by, app, "en").text
    assert f"Your application “{version_title}” has been approved." in letter
    assert "Uusi nimi" not in letter
