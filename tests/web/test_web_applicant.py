"""The applicant's story through the web pages: draft, submit with a receipt, resubmit,
the deadline at 16.15, withdrawing, answering a completion request, validation."""
from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa
from support.web import body

from models import Submission, SubmissionVersion
from workflow.content import content_sha256
from workflow.engine import fire
from workflow.timeutil import HELSINKI

ESR_FORM = {"title": "Mikrotutkinnot työelämään", "summary": "Tiivistelmä",
            "objectives": "Tavoitteet", "budget_total": "250 000,00"}


def helsinki(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=HELSINKI).astimezone(dt.timezone.utc)


def _start(client, call) -> int:
    response = client.post(f"/applicant/calls/{call.id}/submissions")
    assert response.status_code == 302
    return int(re.search(r"/submissions/(\d+)/edit", response.headers["Location"]).group(1))


def test_an_applicant_drafts_submits_and_gets_a_receipt(session, clock, make_call, make_user, login):
    """Can an applicant draft an application, submit it after confirming, and get a receipt
    with the server time and a SHA-256 of the content?"""
    call = make_call("esr", state="open")
    applicant = make_user("applicant")
    client = login(applicant)

    index = client.get("/applicant/")
    assert index.status_code == 200
    assert call.title in body(index)
    assert "3.6.2024 klo 16.15" in body(index)           # the deadline, Finnish style
    assert "1 päivä 7 tuntia" in body(index)               # time left at 2.6. 9.00

    submission_id = _start(client, call)
    saved = client.post(f"/applicant/submissions/{submission_id}/edit",
                        data={**ESR_FORM, "action": "save"})
    assert saved.status_code == 302
    submission = session.get(Submission, submission_id)
    assert submission.content["budget_total"] == "250000.00"

    to_confirm = client.post(f"/applicant/submissions/{submission_id}/edit",
                             data={**ESR_FORM, "action": "continue"})
    assert to_confirm.status_code == 302
    assert "trigger=submit" in to_confirm.headers["Location"]
    confirm = client.get(to_confirm.headers["Location"])
    assert confirm.status_code == 200
    assert "Mikrotutkinnot työelämään" in body(confirm)    # the content to check

    submitted = client.post(f"/submissions/{submission_id}/transition",
                            data={"trigger": "submit", "version": submission.version})
    assert submitted.status_code == 302
    assert submitted.headers["Location"].endswith(f"/applicant/submissions/{submission_id}/receipt")
    assert submission.state == "submitted"

    receipt = client.get(submitted.headers["Location"])
    assert receipt.status_code == 200
    assert content_sha256(submission.content) in body(receipt)
    assert "2.6.2024 klo 9.00" in body(receipt)
    assert "Kuittaus" in body(receipt) or "kuittaus" in body(receipt).lower()


def test_an_applicant_resubmits_while_the_call_is_open(session, clock, make_call, make_submission, login):
    """Can an applicant change a submitted application and submit it again before the
    deadline, with a new receipt for the new version?"""
    call = make_call("esr", state="open")
    submission = make_submission(call, submit=True)
    client = login(submission.created_by)
    clock.advance(hours=2)

    edit = client.post(f"/applicant/submissions/{submission.id}/edit",
                       data={**ESR_FORM, "title": "Uusi nimi", "action": "continue"})
    assert edit.status_code == 302
    response = client.post(f"/submissions/{submission.id}/transition",
                           data={"trigger": "submit", "version": submission.version})
    assert response.status_code == 302
    versions = session.scalars(sa.select(SubmissionVersion).where(
        SubmissionVersion.submission_id == submission.id).order_by(SubmissionVersion.number)).all()
    assert [v.number for v in versions] == [1, 2]
    assert versions[1].content["title"] == "Uusi nimi"
    page = client.get(f"/applicant/submissions/{submission.id}")
    assert versions[0].sha256 in body(page) and versions[1].sha256 in body(page)
    old_receipt = client.get(f"/applicant/submissions/{submission.id}/versions/1/receipt")
    assert old_receipt.status_code == 200 and versions[0].sha256 in body(old_receipt)


def test_an_applicant_is_refused_after_16_15_in_finnish(session, clock, make_call, make_submission, login):
    """Is an applicant who submits at 16.15 refused, with the reason in Finnish?"""
    call = make_call("esr", state="open")
    submission = make_submission(call)
    client = login(submission.created_by)
    clock.set(helsinki(2024, 6, 3, 16, 15))

    response = client.post(f"/submissions/{submission.id}/transition",
                           data={"trigger": "submit", "version": submission.version})
    assert response.status_code == 409
    assert "Määräaika päättyi 3.6.2024 klo 16.15 (Suomen aikaa)." in body(response)
    assert submission.state == "draft"
    # No submit button is offered any more, and editing says why it is closed.
    page = client.get(f"/applicant/submissions/{submission.id}")
    assert "trigger=submit" not in body(page)
    edit = client.post(f"/applicant/submissions/{submission.id}/edit", data=ESR_FORM)
    assert edit.status_code == 409
    assert "Määräaika päättyi" in body(edit)


def test_an_applicant_is_refused_after_16_15_in_english_when_chosen(session, clock, make_call,
                                                                     make_submission, login):
    """Is the refusal after the deadline in English for an applicant who chose English?"""
    call = make_call("esr", state="open")
    submission = make_submission(call)
    client = login(submission.created_by)
    assert client.post("/language", data={"locale": "en", "return_to": "/applicant/"}).status_code == 302
    assert submission.created_by.locale == "en"
    clock.set(helsinki(2024, 6, 3, 16, 15, 1))

    response = client.post(f"/submissions/{submission.id}/transition",
                           data={"trigger": "submit", "version": submission.version})
    assert response.status_code == 409
    assert "The deadline passed at 3 June 2024 at 16:15 (Finnish time)." in body(response) or \
        "The deadline passed at 3.6.2024 klo 16.15 (Finnish time)." in body(response)
    assert 'lang="en"' in body(response)


def test_submitting_one_second_before_16_15_counts(session, clock, make_call, make_submission, login):
    """Does a submission received at 16.14.59 count?"""
    call = make_call("esr", state="open")
    submission = make_submission(call)
    client = login(submission.created_by)
    clock.set(helsinki(2024, 6, 3, 16, 14, 59))
    response = client.post(f"/submissions/{submission.id}/transition",
                           data={"trigger": "submit", "version": submission.version})
    assert response.status_code == 302
    assert submission.state == "submitted"


def test_validation_errors_are_listed_and_linked_to_fields(session, clock, make_call, make_user, login):
    """Does an applicant who enters a non-number budget, or leaves required fields empty,
    get an error summary linked to the fields instead of a 500?"""
    call = make_call("esr", state="open")
    client = login(make_user("applicant"))
    submission_id = _start(client, call)

    bad = client.post(f"/applicant/submissions/{submission_id}/edit",
                      data={**ESR_FORM, "budget_total": "paljon", "action": "save"})
    assert bad.status_code == 422
    html = body(bad)
    assert 'class="govuk-error-summary"' in html
    assert 'href="#field-budget_total"' in html and 'id="field-budget_total"' in html
    assert "Anna luku." in html
    assert 'value="paljon"' in html                          # what was typed is kept

    missing = client.post(f"/applicant/submissions/{submission_id}/edit",
                          data={"title": "Vain nimi", "action": "continue"})
    assert missing.status_code == 422
    assert 'href="#field-summary"' in body(missing) and 'href="#field-objectives"' in body(missing)

    refused = client.post(f"/submissions/{submission_id}/transition",
                          data={"trigger": "submit"})
    assert refused.status_code == 422
    assert "Täytä ensin pakolliset kentät: Tiivistelmä, Tavoitteet" in body(refused)
    # The submit page has no such fields: the summary links to them on the edit page.
    edit_page = f"/applicant/submissions/{submission_id}/edit"
    assert f'href="{edit_page}#field-summary"' in body(refused)
    assert 'id="field-summary"' in body(client.get(edit_page))


def test_an_applicant_withdraws_with_confirmation(session, clock, make_call, make_submission, login):
    """Can an applicant withdraw a submitted application after a confirmation page?"""
    call = make_call("esr", state="open")
    submission = make_submission(call, submit=True)
    client = login(submission.created_by)
    page = client.get(f"/applicant/submissions/{submission.id}")
    assert "trigger=withdraw" in body(page)
    confirm = client.get(f"/submissions/{submission.id}/transition?trigger=withdraw")
    assert confirm.status_code == 200
    response = client.post(f"/submissions/{submission.id}/transition",
                           data={"trigger": "withdraw", "version": submission.version,
                                 "return_to": f"/applicant/submissions/{submission.id}"})
    assert response.status_code == 302
    assert submission.state == "withdrawn"


def test_an_applicant_answers_a_completion_request(session, clock, make_call, make_submission,
                                                   admin, login):
    """Can an applicant read the administrator's completion request and answer it with a
    comment, and is an empty answer refused with a clear message?"""
    call = make_call("esr", state="open")
    submission = make_submission(call, submit=True)
    clock.set(helsinki(2024, 6, 4, 9, 0))
    fire(session, call, "close", None)
    fire(session, submission, "start_eligibility_check", admin)
    fire(session, submission, "return_for_completion", admin,
         comment="Liittäkää kumppanien sitoumukset.",
         data={"due_at": "2024-06-11T16:15"})
    client = login(submission.created_by)

    page = client.get(f"/applicant/submissions/{submission.id}")
    assert "Liittäkää kumppanien sitoumukset." in body(page)
    assert "11.6.2024 klo 16.15" in body(page)
    assert "trigger=complete" in body(page)

    empty = client.post(f"/submissions/{submission.id}/transition",
                        data={"trigger": "complete", "comment": "  ", "version": submission.version})
    assert empty.status_code == 422
    assert 'href="#field-comment"' in body(empty)
    answered = client.post(f"/submissions/{submission.id}/transition",
                           data={"trigger": "complete", "comment": "Sitoumukset lähetetty.",
                                 "version": submission.version})
    assert answered.status_code == 302
    assert submission.state == "eligibility_check"
    history = client.get(f"/applicant/submissions/{submission.id}")
    assert "Sitoumukset lähetetty." in body(history)


def test_the_timeline_shows_the_history(session, clock, make_call, make_submission, login):
    """Does the submission page show a timeline of what happened, with times?"""
    call = make_call("esr", state="open")
    submission = make_submission(call, submit=True)
    client = login(submission.created_by)
    page = body(client.get(f"/applicant/submissions/{submission.id}"))
    assert "Luotu" in page and "Jätä" in page
    assert "2.6.2024 klo 9.00" in page


def test_a_stale_form_is_refused_with_a_conflict(session, clock, make_call, make_submission, login):
    """Is a form rendered before someone else's change refused (409), not applied?"""
    call = make_call("esr", state="open")
    submission = make_submission(call)
    client = login(submission.created_by)
    response = client.post(f"/applicant/submissions/{submission.id}/edit",
                           data={**ESR_FORM, "version": submission.version + 5, "action": "save"})
    assert response.status_code == 409
    assert submission.content["summary"] == "Tiivistelmä"
