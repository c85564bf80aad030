"""Micro-credential descriptions in a Jotpa tender: editing, validation, submitting."""
from __future__ import annotations

import pytest
from support.pilots import description

from models import AuditEntry, MicroCredentialDescription
from workflow.content import content_sha256
from workflow.engine import fire
from workflow.errors import WorkflowError
from workflow.pilots.descriptions import (add_description, learner_preview, list_descriptions,
                                          remove_description, update_description)


def refusal(session, tender, actor) -> WorkflowError:
    with pytest.raises(WorkflowError) as caught:
        fire(session, tender, "submit", actor)
    return caught.value


@pytest.mark.parametrize("locale, label", [
    ("fi", "Osaamistavoitteet"), ("sv", "Lärandemål"), ("en", "Learning outcomes")])
def test_an_incomplete_description_is_refused_naming_the_missing_element(
        session, flow, locale, label):
    """Is a tender whose micro-credential lacks its learning outcomes refused, with the
    missing element named in the bidder's language?"""
    call = flow.procurement()
    bidder = flow.bidder(locale=locale)
    tender = flow.tender(call, bidder, descriptions=[description(learning_outcomes=None)],
                         submit=False)
    err = refusal(session, tender, bidder)
    assert err.code == "content_missing"
    assert label in err.message(bidder.locale)
    assert "1" in err.message(bidder.locale)
    assert err.details == {"descriptions.1.learning_outcomes": "required"}
    assert tender.state == "draft" and tender.submitted_at is None


def test_every_missing_mandatory_element_is_listed(session, flow):
    """Does the refusal list every missing mandatory element, in framework order?"""
    call = flow.procurement()
    bidder = flow.bidder()
    tender = flow.tender(call, bidder, descriptions=[{"title": "Vain nimi"}], submit=False)
    err = refusal(session, tender, bidder)
    keys = [k.split(".")[-1] for k in err.details]
    assert keys == ["learning_outcomes", "workload", "level", "assessment_type",
                    "participation_form", "quality_assurance"]
    assert "Typ av bedömning" in err.message("sv") and "Laadunvarmistus" in err.message("fi")
    assert "Type of quality assurance" in err.message("en")


def test_a_tender_needs_at_least_one_description(session, flow):
    """Can a Jotpa tender be submitted without describing any micro-credential?"""
    call = flow.procurement()
    bidder = flow.bidder()
    tender = flow.tender(call, bidder, descriptions=[], submit=False)
    err = refusal(session, tender, bidder)
    assert err.code == "content_missing" and err.details == {"descriptions": "required"}
    assert "kuvaus" in err.message("fi")


def test_the_second_incomplete_description_is_named_by_its_number(session, flow):
    """With two descriptions, is the incomplete second one named as number 2?"""
    call = flow.procurement()
    bidder = flow.bidder()
    tender = flow.tender(call, bidder, descriptions=[description(), description(level=None)],
                         submit=False)
    err = refusal(session, tender, bidder)
    assert err.details == {"descriptions.2.level": "required"}
    assert "2" in err.message("en") and "Level (EQF/NQF)" in err.message("en")


@pytest.mark.parametrize("workload, ok", [
    ({"value": 1, "unit": "ects"}, True), ({"value": 59, "unit": "ects"}, True),
    ({"value": "2,5", "unit": "ects"}, True), ({"value": 60, "unit": "ects"}, False),
    ({"value": 0, "unit": "ects"}, False), ({"value": "viisi", "unit": "ects"}, False),
    ({"value": 5, "unit": "osp"}, False), ({"value": 5, "unit": "years"}, False)])
def test_a_university_states_its_workload_in_ects_credits_from_1_to_59(session, flow, workload, ok):
    """Is a higher-education workload outside 1–59 ECTS credits (or in another unit)
    refused when the description is saved?"""
    call = flow.procurement()
    bidder = flow.bidder("university")
    tender = flow.tender(call, bidder, descriptions=[], submit=False)
    if ok:
        saved = add_description(session, bidder, tender, description(workload=workload))
        assert saved.data["workload"]["value"] in (1, 59, 2.5)
    else:
        with pytest.raises(WorkflowError) as caught:
            add_description(session, bidder, tender, description(workload=workload))
        assert caught.value.code == "invalid_input" and "workload" in caught.value.details


def test_a_vocational_provider_states_its_workload_in_osaamispisteet(session, flow):
    """Does a vocational provider use osaamispisteet, not ECTS credits?"""
    call = flow.procurement()
    bidder = flow.bidder("vocational_provider")
    tender = flow.tender(call, bidder, descriptions=[], submit=False)
    with pytest.raises(WorkflowError) as caught:
        add_description(session, bidder, tender, description())
    assert caught.value.details == {"workload": "This unit is not used by your kind of organisation."}
    saved = add_description(session, bidder, tender, description(workload={"value": 15, "unit": "osp"}))
    fire(session, tender, "submit", bidder)
    assert tender.state == "submitted" and saved.submitted_data["workload"]["unit"] == "osp"


def test_values_must_fit_their_elements(session, flow):
    """Are an unknown element, a value outside the allowed list and an over-long title refused?"""
    call = flow.procurement()
    bidder = flow.bidder()
    tender = flow.tender(call, bidder, descriptions=[], submit=False)
    with pytest.raises(WorkflowError) as caught:
        add_description(session, bidder, tender, description(
            participation_form="by post", title="x" * 201, colour="blue",
            country_region={"country": "US"}))
    assert set(caught.value.details) == {"participation_form", "title", "colour", "country_region"}


def test_only_the_own_organisation_edits_before_the_deadline(session, flow, admin, clock):
    """Can another bidder or an administrator edit a tender's description, or the bidder
    after the deadline?"""
    call = flow.procurement()
    bidder = flow.bidder()
    tender = flow.tender(call, bidder, submit=False)
    row = list_descriptions(session, bidder, tender)[0]
    for outsider in (flow.bidder(), admin):
        with pytest.raises(WorkflowError) as caught:
            update_description(session, outsider, row, description())
        assert caught.value.code == "not_allowed"
    # Sealed: not even an administrator reads it before the opening.
    with pytest.raises(WorkflowError):
        list_descriptions(session, admin, tender)
    clock.set(call.deadline)
    with pytest.raises(WorkflowError) as caught:
        update_description(session, bidder, row, description(title="Myöhässä"))
    assert caught.value.code == "deadline_passed"


def test_what_was_submitted_last_counts(session, flow):
    """Does submitting freeze the descriptions (with their hash in the audit row), so that
    edits after the last submission do not count?"""
    call = flow.procurement()
    bidder = flow.bidder()
    tender = flow.tender(call, bidder)
    row = session.query(MicroCredentialDescription).filter_by(submission_id=tender.id).one()
    entry = session.query(AuditEntry).filter_by(object_type="submission", object_id=tender.id,
                                                trigger="submit").one()
    sealed = [{"position": 1, "framework_version": "1", "data": row.submitted_data}]
    assert entry.data["descriptions_sha256"] == content_sha256({"micro_credentials": sealed})

    update_description(session, bidder, row, description(title="Muutettu nimi"))
    assert row.submitted_data["title"] == "Tekoäly asiakastyössä"
    # A submitted description removed from the working copy stays until the next submission.
    extra = add_description(session, bidder, tender, description(title="Toinen"))
    fire(session, tender, "submit", bidder)
    remove_description(session, bidder, extra)
    assert extra.submitted_data is not None and extra.removed_at is not None
    assert [d.title for d in list_descriptions(session, bidder, tender)] == ["Muutettu nimi"]
    fire(session, tender, "submit", bidder)
    assert session.query(MicroCredentialDescription).filter_by(submission_id=tender.id).count() == 1


def test_the_learner_preview_shows_the_description_in_the_readers_language(session, flow):
    """Does the preview show each filled element with its label and readable values?"""
    call = flow.procurement()
    bidder = flow.bidder()
    tender = flow.tender(call, bidder, submit=False)
    row = list_descriptions(session, bidder, tender)[0]
    view = learner_preview(row, "sv")
    shown = {s["key"]: s for s in view["sections"]}
    assert view["title"] == "Tekoäly asiakastyössä" and view["complete"] is True
    assert shown["workload"]["value"] == "5 studiepoäng (sp)"
    assert shown["participation_form"]["value"] == "Blandat (online och på plats)"
    assert shown["country_region"]["value"] == "Finland, Pirkanmaa"
    assert shown["learning_outcomes"]["list"] is True
    assert shown["learner_identification"]["on_certificate"] is True
    assert shown["level"]["label"] == "Nivå (EQF/NQF)"


def test_the_shared_factory_submits_a_jotpa_tender_with_a_complete_description(
        session, flow, make_submission):
    """Does make_submission (used by every engineer's tests) still submit a Jotpa tender?"""
    call = flow.procurement()
    tender = make_submission(call, submit=True)
    assert tender.state == "submitted"
