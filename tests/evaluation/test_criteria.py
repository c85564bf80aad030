"""Criteria per call: edited while the call is not public, checked when it is published."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from workflow.calls import create_call, update_call
from workflow.engine import available_steps, fire, history
from workflow.errors import WorkflowError
from workflow.evaluation import criteria as service
from workflow.evaluation import queries as q
from workflow.evaluation.consistency import criteria_problems

from support import helsinki
from support.evaluation import ESR_CRITERIA, JOTPA_CRITERIA, name

OPENS, DEADLINE = helsinki(2024, 8, 1, 9, 0), helsinki(2024, 9, 2, 16, 15)


@pytest.fixture
def draft_call(session, clock, admin):
    def make(kind: str = "esr", criteria=None):
        extra = ({"hilma_notice_id": "2024-1", "questions_until": DEADLINE - dt.timedelta(days=7)}
                 if kind == "jotpa" else {})
        return create_call(session, admin, kind=kind, title="Haku", opens_at=OPENS,
                           deadline=DEADLINE, criteria=criteria, **extra)
    return make


def codes(kind, items):
    return [p.code for p in criteria_problems(kind, [_Row(**i) for i in items])]


class _Row:
    def __init__(self, kind, name, weight=None, scale_min=None, scale_max=None, threshold=None):
        self.kind, self.name = kind, name
        self.weight = None if weight is None else Decimal(weight)
        self.scale_min, self.scale_max = scale_min, scale_max
        self.threshold = None if threshold is None else Decimal(threshold)


def scored(en, weight="10", low=0, high=5, threshold=None):
    return {"kind": "scored", "name": name(en), "weight": weight, "scale_min": low,
            "scale_max": high, "threshold": threshold}


def test_a_new_call_gets_the_default_criteria_and_can_be_published(session, draft_call, admin):
    """Does a call created without criteria get its kind's defaults, consistent as they are?"""
    for kind in ("esr", "jotpa"):
        call = draft_call(kind)
        rows = q.criteria_of(session, call.id)
        assert rows and service.problems(session, call) == []
        assert [c.position for c in rows] == list(range(len(rows)))
        fire(session, call, "publish", admin)
        assert call.state == "published"
    jotpa_kinds = {c.kind for c in rows}
    assert jotpa_kinds == {"exclusion", "suitability", "scored", "price"}


@pytest.mark.parametrize("kind, items, code", [
    ("esr", [{"kind": "eligibility", "name": name("Eligible")}], "no_scored_criterion"),
    ("esr", [scored("A", weight="0")], "weight_not_positive"),
    ("esr", [scored("A", weight="-5")], "weight_not_positive"),
    ("esr", [scored("A", threshold="6")], "threshold_outside_scale"),
    ("esr", [scored("A", low=1, threshold="0.5")], "threshold_outside_scale"),
    ("esr", [scored("A", low=5, high=5)], "scale_invalid"),
    ("esr", [scored("A"), scored("A")], "duplicate_name"),
    ("esr", [scored("A"), {**scored("B"), "name": {**name("B"), "sv": "A (sv)"}}],
     "duplicate_name"),
    ("esr", [{**scored("A"), "name": {"fi": "A", "sv": "", "en": "A"}}], "name_missing"),
    ("esr", [scored("A"), {"kind": "price", "name": name("Price"), "weight": "40"}],
     "kind_not_allowed"),
    ("jotpa", [scored("A")], "price_count"),
    ("jotpa", [scored("A"), {"kind": "price", "name": name("P1"), "weight": "40"},
               {"kind": "price", "name": name("P2"), "weight": "10"}], "price_count"),
    ("jotpa", [scored("A"), {"kind": "price", "name": name("P"), "weight": "40"},
               {"kind": "eligibility", "name": name("E")}], "kind_not_allowed"),
])
def test_a_call_with_inconsistent_criteria_cannot_be_published(session, draft_call, admin,
                                                                kind, items, code):
    """Can an administrator publish a call whose criteria are inconsistent? No: publishing is
    refused with the reason, and the page can list every problem first."""
    call = draft_call(kind, items)
    assert code in [p.code for p in service.problems(session, call)]
    assert "publish" not in [s.trigger for s in available_steps(admin, call, session)]
    with pytest.raises(WorkflowError) as refusal:
        fire(session, call, "publish", admin)
    assert refusal.value.code == "invalid_input"
    assert "criteria" in refusal.value.details
    assert refusal.value.message("en").startswith("A call with inconsistent criteria cannot be")
    assert call.state in ("draft", "planning")


def test_consistent_criteria_have_no_problems():
    assert codes("esr", ESR_CRITERIA) == []
    assert codes("jotpa", JOTPA_CRITERIA) == []


def test_criteria_are_edited_while_the_call_is_unpublished(session, draft_call, admin):
    """Can an administrator add, change, reorder and remove criteria before publishing, each
    audited?"""
    call = draft_call("esr", ESR_CRITERIA)
    added = service.add_criterion(session, admin, call, **scored("Extra", weight="5"))
    assert added.position == len(ESR_CRITERIA)
    service.update_criterion(session, admin, added, weight="7,5", threshold="1")
    assert (added.weight, added.threshold) == (Decimal("7.50"), Decimal("1.00"))
    service.update_criterion(session, admin, added, kind="price")
    assert (added.weight, added.scale_max, added.threshold) == (Decimal("7.50"), None, None)
    service.update_criterion(session, admin, added, kind="eligibility")
    assert (added.weight, added.scale_max, added.threshold) == (None, None, None)
    service.remove_criterion(session, admin, added)
    update_call(session, admin, call, criteria=[scored("Only one", weight="100")])
    assert [c.name["en"] for c in q.criteria_of(session, call.id)] == ["Only one"]
    triggers = [e.trigger for e in history(session, call)]
    assert triggers[-7:] == ["add_criterion", "edit_criterion", "edit_criterion",
                             "edit_criterion", "remove_criterion", "edit", "replace_criteria"]


def test_criteria_of_a_published_call_cannot_change(session, make_call, admin):
    """Can the criteria of a published call be changed? No: applicants rely on them."""
    call = make_call("esr", state="open")
    criterion = q.criteria_of(session, call.id)[0]
    for attempt in (lambda: service.add_criterion(session, admin, call, **scored("X")),
                    lambda: service.update_criterion(session, admin, criterion, weight="1"),
                    lambda: service.remove_criterion(session, admin, criterion),
                    lambda: service.replace_criteria(session, admin, call, [scored("X")])):
        with pytest.raises(WorkflowError) as refusal:
            attempt()
        assert refusal.value.code == "invalid_transition"


def test_only_an_administrator_edits_criteria(session, draft_call, make_user):
    call = draft_call("esr")
    for role in ("applicant", "evaluator"):
        with pytest.raises(WorkflowError) as refusal:
            service.add_criterion(session, make_user(role), call, **scored("X"))
        assert refusal.value.code == "not_allowed"


@pytest.mark.parametrize("item, field", [
    ({"kind": "nonsense", "name": name("A")}, "kind"),
    ({"kind": "scored", "name": "A", "weight": "1", "scale_min": 0, "scale_max": 5}, "name"),
    ({**scored("A"), "weight": "lots"}, "weight"),
    ({**scored("A"), "weight": 1.5}, "weight"),
    ({**scored("A"), "scale_max": None}, "scale_max"),
    ({**scored("A"), "scale_min": -1}, "scale_min"),
    ({"kind": "eligibility", "name": name("E"), "weight": "3"}, "weight"),
    ({"kind": "price", "name": name("P"), "weight": "40", "threshold": "1"}, "threshold"),
    ({**scored("A"), "colour": "red"}, "colour"),
])
def test_bad_criterion_input_is_a_clear_error(session, draft_call, admin, item, field):
    """Is a malformed criterion refused with the field named, never stored or a crash?"""
    call = draft_call("esr")
    with pytest.raises(WorkflowError) as refusal:
        service.add_criterion(session, admin, call, **item)
    assert refusal.value.code == "invalid_input" and field in refusal.value.details
    with pytest.raises(WorkflowError) as refusal:
        create_call(session, admin, kind="esr", title="Toinen", opens_at=OPENS,
                    deadline=DEADLINE, criteria=[scored("Fine"), item])
    assert any(key.startswith("criteria.1.") for key in refusal.value.details)


def test_evaluation_settings_are_checked_and_audited(session, draft_call, admin):
    call = draft_call("esr")
    defaults = q.settings_of(session, call.id)
    assert (defaults.min_evaluators, defaults.disagreement_margin) == (2, Decimal("0.4"))
    service.set_settings(session, admin, call, min_evaluators=3, disagreement_margin="0,25")
    saved = q.settings_of(session, call.id)
    assert (saved.min_evaluators, saved.disagreement_margin) == (3, Decimal("0.2500"))
    assert history(session, call)[-1].trigger == "evaluation_settings"
    for bad in ({"min_evaluators": 0}, {"disagreement_margin": "2"},
                {"abnormally_low_share": "1"}, {"abnormally_low_share": "x"}):
        with pytest.raises(WorkflowError) as refusal:
            service.set_settings(session, admin, call, **bad)
        assert refusal.value.code == "invalid_input"
