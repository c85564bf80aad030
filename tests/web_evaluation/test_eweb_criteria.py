"""The criteria editor and the evaluation settings of a call."""
from __future__ import annotations

from decimal import Decimal

from workflow.evaluation import queries as q
from workflow.evaluation.consistency import NO_SCORED
from workflow.i18n import translate

from support.evaluation import criteria
from support.web import body


def rows_of(session, call) -> dict[str, str]:
    """The form as the page would post it back unchanged (plus the empty new row)."""
    form: dict[str, str] = {"version": str(call.version)}
    items = q.criteria_of(session, call.id)
    for i, c in enumerate(items):
        form.update({f"c{i}_kind": c.kind, f"c{i}_order": str(i + 1),
                     **{f"c{i}_name_{lang}": c.name[lang] for lang in ("fi", "sv", "en")}})
        for key in ("scale_min", "scale_max", "weight", "threshold"):
            value = getattr(c, key)
            form[f"c{i}_{key}"] = "" if value is None else str(value)
    form["rows"] = str(len(items) + 1)
    return form


def test_an_admin_edits_criteria_and_an_inconsistent_list_cannot_be_published(
        session, admin, make_call, login):
    """Can an administrator change a draft call's criteria on the page, see what makes the
    list inconsistent in the error summary, and is publishing refused with that reason until
    it is fixed?"""
    call = make_call("esr", state="draft")
    client = login(admin)
    page = client.get(f"/evaluation/calls/{call.id}/criteria")
    assert page.status_code == 200
    assert "Tarve ja tavoitteet" in body(page)            # the default ESR criteria
    assert 'class="govuk-error-summary"' not in body(page)

    # Every scored criterion becomes a pass/fail one: nothing left to score.
    form = rows_of(session, call)
    for i in range(int(form["rows"]) - 1):
        if form[f"c{i}_kind"] == "scored":
            form[f"c{i}_kind"] = "eligibility"
    saved = client.post(f"/evaluation/calls/{call.id}/criteria", data=form)
    assert saved.status_code == 302
    assert {c.kind for c in q.criteria_of(session, call.id)} == {"eligibility"}
    page = body(client.get(f"/evaluation/calls/{call.id}/criteria"))
    assert 'class="govuk-error-summary"' in page
    assert translate(NO_SCORED, "fi") in page

    refused = client.post(f"/calls/{call.id}/transition",
                          data={"trigger": "publish", "version": call.version})
    assert refused.status_code == 422
    assert translate(NO_SCORED, "fi") in body(refused)
    session.refresh(call)
    assert call.state == "draft"

    # A new scored criterion in the empty row, with a minimum: consistent again.
    form = rows_of(session, call)
    new = int(form["rows"]) - 1
    form.update({f"c{new}_kind": "scored", f"c{new}_name_fi": "Laatu", f"c{new}_name_sv":
                 "Kvalitet", f"c{new}_name_en": "Quality", f"c{new}_scale_min": "0",
                 f"c{new}_scale_max": "5", f"c{new}_weight": "100", f"c{new}_threshold": "2,5",
                 f"c{new}_order": "0"})
    assert client.post(f"/evaluation/calls/{call.id}/criteria", data=form).status_code == 302
    first = q.criteria_of(session, call.id)[0]
    assert (first.name["en"], first.weight, first.threshold) == ("Quality", 100, Decimal("2.5"))
    published = client.post(f"/calls/{call.id}/transition",
                            data={"trigger": "publish", "version": call.version})
    assert published.status_code == 302
    session.refresh(call)
    assert call.state == "published"


def test_the_refusal_names_the_problem_in_english(session, admin, make_call, login):
    """Is the reason for refusing to publish clear: the problem itself, in the user's
    language?"""
    admin.locale = "en"
    call = make_call("jotpa", state="planning")
    client = login(admin)
    form = rows_of(session, call)
    price = next(i for i in range(int(form["rows"]) - 1) if form[f"c{i}_kind"] == "price")
    form[f"c{price}_remove"] = "1"
    assert client.post(f"/evaluation/calls/{call.id}/criteria", data=form).status_code == 302
    page = body(client.get(f"/evaluation/calls/{call.id}/criteria"))
    assert "A procurement needs exactly one price criterion." in page
    refused = client.post(f"/calls/{call.id}/transition",
                          data={"trigger": "publish", "version": call.version})
    assert refused.status_code == 422
    assert ("A call with inconsistent criteria cannot be published: A procurement needs "
            "exactly one price criterion.") in body(refused)


def test_problems_point_at_the_field(session, admin, make_call, login):
    """Does the error summary link each problem to the criterion's field?"""
    admin.locale = "en"
    call = make_call("esr", state="draft")
    client = login(admin)
    form = rows_of(session, call)
    scored = next(i for i in range(int(form["rows"]) - 1) if form[f"c{i}_kind"] == "scored")
    form[f"c{scored}_threshold"] = "9"       # outside its 0–5 scale
    form[f"c{scored}_name_sv"] = ""          # a name missing
    assert client.post(f"/evaluation/calls/{call.id}/criteria", data=form).status_code == 302
    page = body(client.get(f"/evaluation/calls/{call.id}/criteria"))
    assert f'href="#field-c{scored}_threshold"' in page
    assert "A minimum must lie within its criterion&#39;s scale." in page
    assert f'href="#field-c{scored}_name_fi"' in page
    assert 'id="field-c%d_threshold"' % scored in page


def test_malformed_criteria_are_refused_with_an_error_summary(session, admin, make_call, login):
    """Are letters as a weight, an unknown kind or a nonsense row count answered with a
    clear error summary (or ignored), never a 500, and nothing saved?"""
    admin.locale = "en"
    call = make_call("esr", state="draft")
    before = [(c.kind, c.name, c.weight) for c in q.criteria_of(session, call.id)]
    client = login(admin)
    form = rows_of(session, call)
    scored = next(i for i in range(int(form["rows"]) - 1) if form[f"c{i}_kind"] == "scored")
    form[f"c{scored}_weight"] = "kolmekymmentä"
    form["c0_kind"] = "lottery"
    form["c1_order"] = "first"
    response = client.post(f"/evaluation/calls/{call.id}/criteria", data=form)
    assert response.status_code == 422
    page = body(response)
    assert 'class="govuk-error-summary"' in page
    assert f'href="#field-c{scored}_weight"' in page and "Invalid value." in page
    assert 'href="#field-c0_kind"' in page and 'href="#field-c1_order"' in page
    assert 'value="kolmekymmentä"' in page                 # what was typed is kept
    assert [(c.kind, c.name, c.weight) for c in q.criteria_of(session, call.id)] == before
    for rows in ("-5", "x", "100000"):
        odd = client.post(f"/evaluation/calls/{call.id}/criteria",
                          data={"rows": rows, "c0_kind": "scored", "version": str(call.version)})
        assert odd.status_code < 500
    stale = client.post(f"/evaluation/calls/{call.id}/criteria",
                        data={**rows_of(session, call), "version": "999"})
    assert stale.status_code == 409
    assert "Someone else changed this" in body(stale)


def test_criteria_of_a_published_call_are_read_only(session, admin, esr_call, login):
    """Once the call is published, does the page show the criteria without a form and refuse
    a posted change?"""
    call = esr_call()
    client = login(admin)
    page = body(client.get(f"/evaluation/calls/{call.id}/criteria"))
    assert "Need (fi)" in page and 'name="c0_kind"' not in page
    response = client.post(f"/evaluation/calls/{call.id}/criteria", data=rows_of(session, call))
    assert response.status_code == 409
    assert len(criteria(session, call)) == 6


def test_evaluation_settings(session, admin, esr_call, login):
    """Can an administrator set the evaluators per submission and the disagreement margin, and
    is a margin outside 0–1 refused with the field's message?"""
    admin.locale = "en"
    call = esr_call()
    client = login(admin)
    saved = client.post(f"/evaluation/calls/{call.id}/settings",
                        data={"min_evaluators": "3", "disagreement_margin": "0,5"})
    assert saved.status_code == 302
    settings = q.settings_of(session, call.id)
    assert (settings.min_evaluators, settings.disagreement_margin) == (3, Decimal("0.5"))
    refused = client.post(f"/evaluation/calls/{call.id}/settings",
                          data={"min_evaluators": "0", "disagreement_margin": "5"})
    assert refused.status_code == 422
    page = body(refused)
    assert 'href="#field-disagreement_margin"' in page and 'href="#field-min_evaluators"' in page
    assert "Enter a share between 0 and 1" in page and "Enter a whole number from 1 to 20." in page
    assert q.settings_of(session, call.id).min_evaluators == 3
