"""One transition, one version: an integrator who sends `version` N gets N+1 back, so that the
next write with N+1 is not a false conflict. Whatever the step's effects write (a receipt, the
sealed descriptions, the pilots, a report's figures), the object's row is updated once."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from engine_walk import every_step, helsinki

from models import Report, SubmissionVersion
from workflow.engine import fire
from workflow.pilots.delivery import add_cohort
from workflow.pilots.reports import update_report
from workflow.pilots.rules import pilots_of, report_framework
from workflow.web.api.auth import issue_token

API = "/api/v1"


def bearer(session, user) -> dict[str, str]:
    token, _ = issue_token(session, user)
    session.commit()
    return {"Authorization": f"Bearer {token}"}


def fire_by_api(client, headers, collection: str, obj, trigger: str, version: int):
    response = client.post(f"{API}/{collection}/{obj.id}/transitions",
                           json={"trigger": trigger, "version": version}, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.mark.parametrize("kind", ["esr", "jotpa"])
def test_an_integrator_who_submits_version_n_gets_n_plus_1_and_may_write_with_it(
        session, client, make_call, make_submission, kind):
    """An integrator submits an application (or a tender, whose descriptions are sealed with
    it) sending the version it read: does the answer carry exactly that version + 1, with the
    receipt, and is the next write with that version accepted rather than a conflict?"""
    call = make_call(kind, state="open" if kind == "esr" else "tendering")
    submission = make_submission(call)
    headers = bearer(session, submission.created_by)
    seen = client.get(f"{API}/submissions/{submission.id}", headers=headers).get_json()["version"]

    submitted = fire_by_api(client, headers, "submissions", submission, "submit", seen)

    assert submitted["state"] == "submitted" and submitted["receipt"]["sha256"]
    assert submitted["version"] == seen + 1
    again = client.get(f"{API}/submissions/{submission.id}", headers=headers).get_json()
    assert again["version"] == seen + 1
    withdrawn = fire_by_api(client, headers, "submissions", submission, "withdraw", seen + 1)
    assert withdrawn["state"] == "withdrawn" and withdrawn["version"] == seen + 2


def test_an_integrator_who_fires_a_step_without_effects_gets_n_plus_1(session, client, admin,
                                                                       make_call):
    """An administrator's integration publishes a call (a step without effects) with the
    version it read: is the answer that version + 1?"""
    call = make_call("esr", state="draft")
    headers = bearer(session, admin)
    seen = call.version

    published = fire_by_api(client, headers, "calls", call, "publish", seen)

    assert published["state"] == "published" and published["version"] == seen + 1


@pytest.mark.parametrize(("name", "trigger", "source", "party"), every_step(),
                         ids=[":".join(map(str, v)) for v in every_step()])
def test_every_step_raises_the_version_by_exactly_one(session, clock, walkers, name, trigger,
                                                      source, party):
    """Whatever step of the four workflows is taken, with whatever effects, is the object's
    version one higher afterwards, as stored?"""
    walk = walkers[name]
    obj = walk.reach(source)
    walk.prepare(obj, trigger)
    session.flush()
    before = obj.version
    clock.set(clock.now() + dt.timedelta(minutes=1))  # a resubmission is received later

    walk.take(obj, trigger, party)

    assert obj.version == before + 1
    session.expire(obj, ["version"])
    assert obj.version == before + 1


def test_a_pilot_report_and_the_procurement_it_closes_each_rise_by_one(session, walkers,
                                                                       admin):
    """A supplier submits a pilot's final report (its figures are frozen into it), Jotpa
    accepts it and, as it is the last one, the procurement closes: does each of the report's
    steps and the procurement's closing raise a version by exactly one?"""
    walk = walkers["jotpa-procurement"]
    procurement = walk.reach("pilot_delivery")
    fire(session, procurement, "start_final_reporting", admin)
    walk.move_clock_to(helsinki(2024, 12, 2, 10, 0))  # the cohort has ended
    (pilot,) = pilots_of(session, procurement.id)
    supplier = pilot.submission.created_by
    add_cohort(session, supplier, pilot, name="Syksy 2024", planned_start="2024-09-02",
               planned_end="2024-11-29", actual_start="2024-09-02", actual_end="2024-11-29",
               participants_approved=25, participants_started=24, participants_completed=20)
    report = session.scalars(sa.select(Report).where(Report.pilot_id == pilot.id,
                                                     Report.report_type == "final")).one()
    update_report(session, supplier, report, {
        "feedback_summary": "Palaute oli hyvää.",
        "framework_feedback": {key: {"rating": "worked"} for key in report_framework(report).keys}})
    report_version, procurement_version = report.version, procurement.version

    fire(session, report, "submit", supplier, version=report_version)
    assert report.version == report_version + 1
    assert report.data["results"]["participants_completed"] == 20  # the cohort was counted

    fire(session, report, "accept", admin, version=report_version + 1)
    assert report.version == report_version + 2
    assert procurement.state == "closed" and procurement.version == procurement_version + 1


def test_resubmitting_an_application_raises_the_version_once_per_step(session, clock, make_call,
                                                                       make_submission):
    """An applicant edits and resubmits before the deadline: is each save and each submission
    one version, so the version the web form carries stays the stored one?"""
    call = make_call("esr", state="open")
    submission = make_submission(call, submit=True)
    start = submission.version
    for n in range(2):
        clock.set(clock.now() + dt.timedelta(hours=1))
        fire(session, submission, "submit", submission.created_by, version=start + n)
    assert submission.version == start + 2
    assert session.scalars(sa.select(SubmissionVersion.number).where(
        SubmissionVersion.submission_id == submission.id)
        .order_by(SubmissionVersion.number)).all() == [1, 2, 3]
