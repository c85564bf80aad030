"""The micro-credential description editor inside a tender, its learner's preview, and the
tender's submission that waits for complete descriptions."""
from __future__ import annotations

import html

from support.pilots import description
from support.web import body

from models import MicroCredentialDescription
from workflow.submissions import create_draft

EDITOR_FORM = {
    "title": "Tekoäly asiakastyössä",
    "country_region.country": "FI", "country_region.region": "Pirkanmaa",
    "awarding_body": "Tampereen ammattikorkeakoulu",
    "learning_outcomes": "Osaa käyttää tekoälyä asiakasviestinnässä.\nOsaa arvioida tekoälyn tuottamaa tietoa.",
    "workload.value": "5", "workload.unit": "ects",
    "level": "6",
    "assessment_type": "Projektityö ja sen esittely.",
    "participation_form": "blended",
    "quality_assurance": "",  # the mandatory element left out
    "language": "fi",
}


def draft_tender(flow, locale: str = "fi"):
    call = flow.procurement()
    bidder = flow.bidder("university", name="Tampereen ammattikorkeakoulu", locale=locale)
    tender = create_draft(flow.session, bidder, call, {"title": "Pilotit", "pilot_plan": "Suunnitelma",
                                                       "price": "48000"})
    return call, bidder, tender


def test_a_bidder_writes_a_description_and_a_missing_mandatory_element_is_named(flow, login, session):
    """Can a bidder add a micro-credential to the tender, fill in the framework's elements
    (labelled and explained in Finnish), and is an empty mandatory element named in the error
    summary, linked to its field?"""
    _, bidder, tender = draft_tender(flow)
    client = login(bidder)
    # The tender's own page leads to its descriptions.
    assert f"/tenders/{tender.id}/descriptions" in body(client.get(f"/applicant/submissions/{tender.id}"))
    response = client.post(f"/tenders/{tender.id}/descriptions")
    assert response.status_code == 302
    description_row = session.query(MicroCredentialDescription).filter_by(submission_id=tender.id).one()
    editor = f"/tenders/{tender.id}/descriptions/{description_row.id}"
    assert response.headers["Location"].endswith(editor)

    page = body(client.get(editor))
    # Labels and help texts come from the framework, in the user's language; mandatory marked.
    assert "Laadunvarmistus" in page and "Osaamistavoitteet" in page
    assert 'id="field-quality_assurance"' in page and "(pakollinen)" in page
    assert "Oppijan tunnistetiedot" in page  # shown as an element of each certificate
    # Prefilled: the bidder's organisation as the awarding body, Finland.
    assert 'value="Tampereen ammattikorkeakoulu"' in page

    response = client.post(editor, data={**EDITOR_FORM, "version": str(description_row.version),
                                         "action": "check"})
    assert response.status_code == 422
    page = html.unescape(body(response))
    assert '<a href="#field-quality_assurance">Laadunvarmistus: Pakollinen.</a>' in page
    # The draft was saved nevertheless.
    session.refresh(description_row)
    assert description_row.data["workload"] == {"value": 5, "unit": "ects"}
    assert description_row.data["learning_outcomes"][1] == "Osaa arvioida tekoälyn tuottamaa tietoa."
    assert "quality_assurance" not in description_row.data

    response = client.post(editor, data={**EDITOR_FORM, "quality_assurance": "Karvin auditoima.",
                                         "version": str(description_row.version), "action": "check"})
    assert response.status_code == 302
    session.refresh(description_row)
    assert description_row.data["quality_assurance"] == "Karvin auditoima."


def test_an_incomplete_description_blocks_the_tender_and_the_page_names_the_element(flow, login, session):
    """Is a tender whose description lacks a mandatory element refused when submitted, with
    the element named in the user's language, Finnish and English alike?"""
    for locale, label in (("fi", "Laadunvarmistus"), ("en", "Type of quality assurance")):
        _, bidder, tender = draft_tender(flow, locale=locale)
        from workflow.pilots.descriptions import add_description
        add_description(session, bidder, tender, description(quality_assurance=None))
        client = login(bidder)
        response = client.post(f"/submissions/{tender.id}/transition",
                               data={"trigger": "submit", "version": str(tender.version)})
        assert response.status_code == 422, body(response)
        page = html.unescape(body(response))
        assert label in page
        assert ("Pienen osaamiskokonaisuuden kuvaus 1" in page if locale == "fi"
                else "Micro-credential description 1 is incomplete" in page)
        session.refresh(tender)
        assert tender.state == "draft"
        # The editor's list says the same.
        listing = html.unescape(body(client.get(f"/tenders/{tender.id}/descriptions")))
        assert label in listing


def test_the_preview_shows_the_description_as_the_learner_will_see_it(flow, login, session):
    """Does the preview show the title and every filled element, values readable (workload
    with its unit, choices by their labels) in the description's language?"""
    _, bidder, tender = draft_tender(flow, locale="en")
    from workflow.pilots.descriptions import add_description
    row = add_description(session, bidder, tender, description())
    client = login(bidder)
    response = client.get(f"/tenders/{tender.id}/descriptions/{row.id}/preview")
    assert response.status_code == 200
    page = html.unescape(body(response))
    assert "Tekoäly asiakastyössä" in page
    assert "5 opintopistettä (op)" in page          # the description is in Finnish
    assert "Monimuotona" in page and "EQF-taso 6" in page
    assert "Osaa arvioida tekoälyn tuottaman tiedon luotettavuutta." in page
    assert 'lang="fi"' in page and "Preview for the learner" in page  # the page around it: English


def test_another_organisation_gets_404_on_the_descriptions(flow, login, session, admin):
    """Are a tender's descriptions unknown to another organisation's bidder (404 on every page
    and form), and sealed from administrators before the opening (403)?"""
    call, bidder, tender = draft_tender(flow)
    from workflow.pilots.descriptions import add_description
    row = add_description(session, bidder, tender, description())
    other = login(flow.bidder())
    base = f"/tenders/{tender.id}/descriptions"
    for path in (base, f"{base}/{row.id}", f"{base}/{row.id}/preview", f"{base}/{row.id}/remove"):
        assert other.get(path).status_code == 404, path
    assert other.post(base).status_code == 404
    assert other.post(f"{base}/{row.id}", data=EDITOR_FORM).status_code == 404
    assert other.post(f"{base}/{row.id}/remove").status_code == 404
    jotpa = login(admin)
    assert jotpa.get(f"{base}/{row.id}/preview").status_code == 403
    assert jotpa.get(f"{base}/{row.id}").status_code == 403
    session.refresh(row)
    assert row.data["title"] == "Tekoäly asiakastyössä"


def test_bad_values_are_refused_with_the_field_named_never_a_500(flow, login, session):
    """Is a workload beyond the unit's range, an unknown choice, an over-long title or a
    broken id refused with a 4xx and the field marked?"""
    _, bidder, tender = draft_tender(flow)
    from workflow.pilots.descriptions import add_description
    row = add_description(session, bidder, tender, description())
    client = login(bidder)
    editor = f"/tenders/{tender.id}/descriptions/{row.id}"
    cases = [({"workload.value": "80"}, "workload"), ({"workload.value": "viisi"}, "workload"),
             ({"workload.value": "1e30"}, "workload"), ({"workload.value": "NaN"}, "workload"),
             ({"level": "11"}, "level"), ({"title": "x" * 500}, "title"),
             ({"country_region.country": "XX"}, "country_region"),
             ({"workload.unit": "hours"}, "workload")]
    for changes, field in cases:
        response = client.post(editor, data={**EDITOR_FORM, "quality_assurance": "QA", **changes})
        assert response.status_code == 422, (changes, body(response)[:300])
        assert f'href="#field-{field}"' in body(response) and f'id="field-{field}"' in body(response), changes
    session.refresh(row)
    assert row.data["workload"] == {"value": 5, "unit": "ects"}
    assert client.post(editor, data={**EDITOR_FORM, "version": "999"}).status_code == 409
    for path in (f"/tenders/{tender.id}/descriptions/{2**40}", f"/tenders/{2**40}/descriptions",
                 f"/tenders/{tender.id}/descriptions/abc", f"/tenders/{tender.id}/descriptions/0/preview"):
        assert client.get(path).status_code == 404, path


def test_a_description_can_be_removed_and_no_longer_after_the_deadline(flow, login, session, clock):
    """Can the bidder remove a description while the tender can be edited, and is the editor
    closed (409, with the reason) after the deadline?"""
    call, bidder, tender = draft_tender(flow)
    from workflow.pilots.descriptions import add_description
    first = add_description(session, bidder, tender, description())
    second = add_description(session, bidder, tender, description(title="Datan visualisointi"))
    client = login(bidder)
    base = f"/tenders/{tender.id}/descriptions"
    assert "Datan visualisointi" in body(client.get(f"{base}/{second.id}/remove"))
    assert client.post(f"{base}/{second.id}/remove").status_code == 302
    assert session.get(MicroCredentialDescription, second.id) is None
    clock.set(call.deadline)
    response = client.get(f"{base}/{first.id}")
    assert response.status_code == 409 and "määräaika" in body(response).lower()
    assert client.post(base).status_code == 409


def test_a_submitted_tender_says_its_descriptions_count_when_submitted_again(flow, login, session):
    """After the tender is submitted, does the editor still open before the deadline and warn
    that changes count only when the tender is submitted again?"""
    call = flow.procurement()
    bidder = flow.bidder(locale="en")
    tender = flow.tender(call, bidder)
    row = session.query(MicroCredentialDescription).filter_by(submission_id=tender.id).one()
    client = login(bidder)
    for path in (f"/tenders/{tender.id}/descriptions", f"/tenders/{tender.id}/descriptions/{row.id}"):
        page = body(client.get(path))
        assert "changes count only when you submit the tender again" in page, path
