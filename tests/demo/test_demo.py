"""The demo's seed scenario (CONTRACT § Demo): `hankeflow demo --no-serve [--at ISO]` replays a
dated timeline through the engine itself, up to the demo's clock."""
from __future__ import annotations

import datetime as dt
import email
import email.policy
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so
from click.testing import CliRunner

from models import (AuditEntry, Call, Certificate, Cohort, ConsensusScore, EvaluatorAssignment,
                    InfoEvent, MicroCredentialDescription, Milestone, OutboxMessage, Pilot,
                    Report, RequirementCheck, ReviewScore, Submission, SubmissionVersion, User)
from workflow import seed
from workflow.cli import main
from workflow.directory import valid_business_id
from workflow.engine import history
from workflow.evaluation.aggregation import display
from workflow.evaluation.ranking import build_ranking
from workflow.framework import framework
from workflow.framework.validation import missing_elements
from workflow.permissions import can_read_content
from workflow.pilots import ministry
from workflow.pilots.certificates import verify
from workflow.pilots.signing import verify_proof
from workflow.timeutil import helsinki_date, standstill_last_day

ESR = seed.ESR_TITLE
JOTPA = seed.JOTPA_TITLE


# Helpers -------------------------------------------------------------------------------------

def call(session: so.Session, title: str) -> Call:
    return session.scalars(sa.select(Call).where(Call.title == title)).one()


def by_org(session: so.Session, title: str) -> dict[str, Submission]:
    """The call's submissions by the seed's organisation key."""
    keys = {o["business_id"]: o["key"] for o in seed.ORGANISATIONS}
    rows = session.scalars(sa.select(Submission).join(Call).where(Call.title == title))
    return {keys[s.organisation.business_id]: s for s in rows}


def states(session: so.Session, title: str) -> dict[str, str]:
    return {key: s.state for key, s in by_org(session, title).items()}


def user(session: so.Session, key: str) -> User:
    email = next(p["email"] for p in seed.PEOPLE if p["key"] == key)
    return session.scalars(sa.select(User).where(User.email == email)).one()


def descriptions(session: so.Session, tender: Submission) -> list[MicroCredentialDescription]:
    return list(session.scalars(sa.select(MicroCredentialDescription).where(
        MicroCredentialDescription.submission_id == tender.id)
        .order_by(MicroCredentialDescription.position)))


def triggers(session: so.Session, obj: Call | Submission | Report) -> list[str]:
    return [e.trigger for e in history(session, obj)]


def snapshot(factory: so.sessionmaker[so.Session]) -> dict[str, list[tuple]]:
    """Everything the replay decided, without ids (and random certificate ids, signatures)
    that are not part of the story."""
    def rows(session: so.Session, model: type, *columns: str) -> list[tuple]:
        return [tuple(getattr(row, c) for c in columns)
                for row in session.scalars(sa.select(model).order_by(model.id))]

    with factory() as session:
        return {
            "calls": [(c.title, c.state, c.tenders_opened_at, c.decision_delivered_at,
                       c.standstill_last_day, c.contract_signed_at)
                      for c in session.scalars(sa.select(Call).order_by(Call.id))],
            "submissions": [(s.call.title, s.organisation.business_id, s.state, s.submitted_at,
                             s.content_sha256, s.granted_amount, s.final_report)
                            for s in session.scalars(
                                sa.select(Submission).order_by(Submission.id))],
            "audit": [(e.object_type, e.at, e.actor.email if e.actor else None, e.trigger,
                       e.from_state, e.to_state, e.comment, e.content_sha256)
                      for e in session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id))],
            "checks": rows(session, RequirementCheck, "submission_id", "criterion_id", "passed",
                           "reason", "checked_at"),
            "scores": rows(session, ReviewScore, "assignment_id", "criterion_id", "score",
                           "justification"),
            "consensus": rows(session, ConsensusScore, "submission_id", "criterion_id", "score",
                              "justification", "set_at"),
            "descriptions": rows(session, MicroCredentialDescription, "submission_id", "position",
                                 "data", "submitted_data", "submitted_at"),
            "pilots": rows(session, Pilot, "submission_id", "description_id"),
            "cohorts": rows(session, Cohort, "pilot_id", "name", "planned_start", "planned_end",
                            "actual_start", "actual_end", "participants_approved",
                            "participants_started", "participants_completed"),
            "milestones": rows(session, Milestone, "pilot_id", "title", "due_at", "done_at"),
            "certificates": rows(session, Certificate, "cohort_id", "learner_name",
                                 "learner_email", "grade", "completed_on", "issued_at"),
            "reports": rows(session, Report, "kind", "report_type", "submission_id", "pilot_id",
                            "sequence", "state", "due_at", "data", "submitted_at",
                            "accepted_at"),
        }


def run_cli(*args: str, env: dict[str, str] | None = None):
    result = CliRunner().invoke(main, ["demo", "--no-serve", *args], env=env)
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result


def demo_database(instance: Path) -> so.sessionmaker[so.Session]:
    engine = sa.create_engine(f"sqlite:///{instance / 'demo.sqlite3'}")
    return so.sessionmaker(engine)


# The data ------------------------------------------------------------------------------------

def test_the_organisations_have_valid_business_ids_and_every_role_is_there():
    """Does the scenario have valid organisations of every kind and people of every role?"""
    assert all(valid_business_id(o["business_id"]) for o in seed.ORGANISATIONS)
    assert {o["kind"] for o in seed.ORGANISATIONS} == {
        "university", "university_of_applied_sciences", "vocational_provider",
        "training_company", "authority"}
    roles = Counter(r for p in seed.PEOPLE for r in p["roles"])
    assert roles["admin"] >= 2 and roles["evaluator"] >= 3
    assert len({p["organisation"] for p in seed.PEOPLE if "applicant" in p["roles"]}) >= 4
    assert {p["locale"] for p in seed.PEOPLE} == {"fi", "sv", "en"}
    assert len(seed.DEMO_PASSWORD) >= 12


def test_the_contract_date_follows_the_standstill_rule():
    """Is the contract signed on a working day after the standstill's last day, as computed?"""
    last_day = standstill_last_day(seed.JOTPA_DECISION_DELIVERED)
    signed = helsinki_date(seed.JOTPA_CONTRACT_SIGNED)
    assert signed > last_day
    assert signed == seed.first_working_day_after(last_day)


# The CLI -------------------------------------------------------------------------------------

def test_the_demo_command_loads_the_scenario_and_prints_the_accounts(tmp_path):
    """Can a newcomer run `hankeflow demo --no-serve` and get the scenario and the accounts?"""
    result = run_cli(env={"HANKEFLOW_INSTANCE_PATH": str(tmp_path)})

    assert seed.DEMO_PASSWORD in result.output
    for person in seed.PEOPLE:
        assert person["email"] in result.output
    assert f"ESR call “{ESR}”: open" in result.output
    assert f"Jotpa procurement “{JOTPA}”: tendering" in result.output
    with demo_database(tmp_path)() as session:
        assert call(session, ESR).state == "open"
        assert call(session, JOTPA).state == "tendering"
        assert Counter(states(session, ESR).values()) == {"submitted": 4, "draft": 2}


def test_the_demo_command_works_from_a_fresh_directory(tmp_path, monkeypatch):
    """Does `hankeflow demo --no-serve` work in a fresh directory, with instance/ made there?"""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HANKEFLOW_INSTANCE_PATH", raising=False)
    monkeypatch.delenv("HANKEFLOW_DATABASE_URL", raising=False)

    run_cli()

    assert (tmp_path / "instance" / "demo.sqlite3").is_file()


def test_the_demo_command_replays_the_whole_story(tmp_path):
    """Does `--at 2025-12-31T12:00+02:00` replay the whole story without an error?"""
    result = run_cli("--at", "2025-12-31T12:00+02:00",
                     env={"HANKEFLOW_INSTANCE_PATH": str(tmp_path)})

    assert f"{len(seed.TIMELINE)} of {len(seed.TIMELINE)} steps replayed" in result.output
    assert f"ESR call “{ESR}”: archived" in result.output
    assert f"Jotpa procurement “{JOTPA}”: closed" in result.output
    assert "70.00 | funding line | 4. Järvi-Suomen ammattikorkeakoulu Oy 61.50" in result.output
    assert "pilots: 3; cohorts: 6; certificates: 123; pilot reports: accepted 6" in result.output
    # The certificates were signed with the demo instance's own key.
    assert (tmp_path / "keys").is_dir()
    # The letters the story wrote were delivered: every applicant of each bidder whose tender
    # was opened got the procurement decision, in their own language.
    mails = [email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
             for path in (tmp_path / "mail").glob("*.eml")]
    decided = [m for m in mails if m["Subject"] in {
        f"{word}: {JOTPA}" for word in ("Hankintapäätös", "Upphandlingsbeslut",
                                        "Procurement decision")}]
    assert sorted(m["To"].addresses[0].addr_spec for m in decided) == sorted(
        p["email"] for p in seed.PEOPLE if "applicant" in p["roles"]
        and p["organisation"] in ("jsamk", "tampere", "osaamispolku", "koskilaakso"))
    assert "Mail: " in result.output and " 0 not delivered" in result.output


def test_the_demo_command_refuses_a_bad_instant(tmp_path):
    """Does a mistyped --at get a clear error instead of a traceback?"""
    result = CliRunner().invoke(main, ["demo", "--no-serve", "--at", "3.6.2024"],
                                env={"HANKEFLOW_INSTANCE_PATH": str(tmp_path)})
    assert result.exit_code == 2
    assert "not an ISO 8601 instant" in result.output


# At the default clock, 2.6.2024 9.00 ------------------------------------------------------------

def test_at_the_default_clock_the_esr_call_is_open_with_drafts_and_submissions(at_default_clock):
    """On 2.6.2024, is the ESR call open with drafts and submitted applications, one of them
    resubmitted?"""
    factory, report = at_default_clock
    with factory() as session:
        esr = call(session, ESR)
        assert esr.state == "open"
        assert states(session, ESR) == {
            "helsinki": "submitted", "tampere": "submitted", "koskilaakso": "submitted",
            "osaamispolku": "submitted", "jsamk": "draft", "kustlinjen": "draft"}
        helsinki = by_org(session, ESR)["helsinki"]
        versions = session.scalars(sa.select(SubmissionVersion).where(
            SubmissionVersion.submission_id == helsinki.id)
            .order_by(SubmissionVersion.number)).all()
        assert len(versions) == 2 and versions[-1].sha256 == helsinki.content_sha256
        assert versions[-1].content["budget_total"] == "465000.00"
    assert "Next in the story: 3.6.2024" in report


def test_at_the_default_clock_tenders_are_being_prepared(at_default_clock):
    """On 2.6.2024, is the procurement tendering, with drafts and one sealed tender?"""
    factory, _ = at_default_clock
    with factory() as session:
        procurement = call(session, JOTPA)
        assert procurement.state == "tendering"
        assert procurement.hilma_notice_id == seed.JOTPA_HILMA_NOTICE
        assert procurement.questions_until > seed.hki(2024, 6, 2, 9)
        assert procurement.deadline > procurement.questions_until
        info = session.scalars(
            sa.select(InfoEvent).where(InfoEvent.call_id == procurement.id)).one()
        assert (info.starts_at, info.ends_at, info.location) == (
            seed.hki(2024, 4, 22, 10), seed.hki(2024, 4, 22, 11), "Teams")
        assert states(session, JOTPA) == {"jsamk": "submitted", "tampere": "draft",
                                          "osaamispolku": "draft"}
        sealed = by_org(session, JOTPA)["jsamk"]
        assert not can_read_content(user(session, "mikael"), sealed)
        assert can_read_content(user(session, "daniel"), sealed)


def test_at_the_default_clock_tenders_describe_their_micro_credentials(at_default_clock):
    """On 2.6.2024, does the sealed tender hold its two complete, submitted micro-credential
    descriptions, while Osaamispolku's draft still lacks mandatory elements?"""
    factory, _ = at_default_clock
    with factory() as session:
        tenders = by_org(session, JOTPA)
        described = {key: descriptions(session, tender) for key, tender in tenders.items()}
        assert [d.data["title"] for d in described["jsamk"]] == [
            "Data literacy for SMEs", "Data visualisation for SMEs"]
        for description in described["jsamk"]:
            assert description.submitted_data == description.data
            assert missing_elements(description.submitted_data, framework()) == []
        assert described["tampere"] == []
        (draft,) = described["osaamispolku"]
        assert draft.submitted_data is None
        assert {"workload", "level", "quality_assurance"} <= set(
            missing_elements(draft.data, framework()))


# The whole story ------------------------------------------------------------------------------

def test_the_esr_call_ends_decided_and_archived(whole_story):
    """Has the ESR call run its course: closed by the clock, evaluated, decided, archived?"""
    factory, _ = whole_story
    with factory() as session:
        esr = call(session, ESR)
        assert esr.state == "archived"
        close = next(e for e in history(session, esr) if e.trigger == "close")
        assert close.actor_id is None and close.at == seed.ESR_DEADLINE
        assert states(session, ESR) == {
            "helsinki": "closed", "tampere": "closed", "koskilaakso": "closed",
            "jsamk": "rejected", "osaamispolku": "ineligible", "kustlinjen": "withdrawn"}
        applications = by_org(session, ESR)
        assert {k: str(s.granted_amount) for k, s in applications.items() if s.granted_amount} == {
            "helsinki": "398000.00", "tampere": "352500.00", "koskilaakso": "214000.00"}
        for key, trigger in (("osaamispolku", "mark_ineligible"), ("jsamk", "reject")):
            entry = next(e for e in history(session, applications[key]) if e.trigger == trigger)
            assert entry.comment, f"{key}: {trigger} without a reason"
        # Ineligible with the failed criterion and its reason, as recorded in the check.
        (reason,) = seed.ESR_INELIGIBLE["osaamispolku"].values()
        ineligible = next(e for e in history(session, applications["osaamispolku"])
                          if e.trigger == "mark_ineligible")
        assert "Hakija on oikeutettu ESR+-rahoitukseen" in ineligible.comment
        assert reason in ineligible.comment
        checks = session.scalars(sa.select(RequirementCheck).where(
            RequirementCheck.submission_id.in_([a.id for a in applications.values()]))).all()
        assert Counter(c.passed for c in checks) == {True: 14, False: 1}


def test_completion_and_final_report_corrections_are_in_the_history(whole_story):
    """Was Tampere asked to complete (and did), and Helsinki's final report returned once?"""
    factory, _ = whole_story
    with factory() as session:
        applications = by_org(session, ESR)
        tampere = triggers(session, applications["tampere"])
        assert tampere.index("return_for_completion") < tampere.index("complete") < tampere.index(
            "mark_eligible")
        helsinki = [t for t in triggers(session, applications["helsinki"])
                    if "final_report" in t]
        assert helsinki == ["final_report_edited", "submit_final_report", "return_final_report",
                            "final_report_edited", "submit_final_report", "accept_final_report"]
        returned = next(e for e in history(session, applications["helsinki"])
                        if e.trigger == "return_final_report")
        assert returned.comment == seed.HELSINKI_FINAL_RETURN
        report = applications["helsinki"].final_report
        assert report["framework_feedback"]["workload"]["rating"] == "partly"
        assert set(report["indicators"]) == set(seed.ESR_FINAL_REPORTS["helsinki"]["indicators"])


def test_evaluators_never_review_their_own_organisation_and_a_conflict_is_replaced(whole_story):
    """Is every application reviewed by two cleared evaluators, none from its own organisation,
    with Erik's declared conflict replaced by another evaluator?"""
    factory, _ = whole_story
    with factory() as session:
        applications = by_org(session, ESR)
        per_evaluator: Counter[str] = Counter()
        for key in ("helsinki", "tampere", "jsamk", "koskilaakso"):
            application = applications[key]
            done = [a for a in application.assignments if a.completed_at is not None]
            assert len(done) >= 2, key
            for assignment in application.assignments:
                per_evaluator[assignment.evaluator.email] += 1
                assert assignment.evaluator.organisation_id != application.organisation_id
        assert all(n >= 2 for n in per_evaluator.values()) and len(per_evaluator) >= 4
        erik = user(session, "erik")
        conflicted = session.scalars(sa.select(EvaluatorAssignment).where(
            EvaluatorAssignment.conflict.is_(True))).one()
        assert conflicted.evaluator_id == erik.id and conflicted.conflict_reason
        assert conflicted.submission_id == applications["jsamk"].id
        replacement = user(session, "sarah")
        assert replacement.id in {a.evaluator_id for a in applications["jsamk"].assignments
                                  if a.completed_at is not None}


def test_the_procurement_ends_closed_with_a_contract_after_the_standstill(whole_story):
    """Has the procurement run its course, with the contract signed only after the standstill?"""
    factory, _ = whole_story
    with factory() as session:
        procurement = call(session, JOTPA)
        assert procurement.state == "closed"
        assert procurement.tenders_opened_at == seed.JOTPA_DEADLINE
        opening = next(e for e in history(session, procurement) if e.trigger == "open_tenders")
        assert opening.actor_id is None
        assert procurement.standstill_last_day == standstill_last_day(
            procurement.decision_delivered_at)
        assert helsinki_date(procurement.contract_signed_at) > procurement.standstill_last_day
        # The decision letters left by mail when the decision was delivered: the standstill
        # counts from their sending (DOMAIN §4).
        letters = session.scalars(sa.select(OutboxMessage).where(
            OutboxMessage.kind == "procurement_decision")).all()
        assert letters and {(m.status, m.sent_at) for m in letters} == {
            ("sent", seed.JOTPA_DECISION_DELIVERED)}
        assert states(session, JOTPA) == {
            "jsamk": "awarded", "tampere": "awarded", "osaamispolku": "not_awarded",
            "koskilaakso": "excluded", "helsinki": "withdrawn"}
        tenders = by_org(session, JOTPA)
        assert triggers(session, tenders["jsamk"]).count("submit") == 2
        exclusion = next(e for e in history(session, tenders["koskilaakso"])
                         if e.trigger == "exclude")
        (reason,) = seed.TENDER_EXCLUDED["koskilaakso"].values()
        assert reason in exclusion.comment
        decided = next(e for e in history(session, procurement) if e.trigger == "decide")
        assert decided.comment == seed.TENDER_DECISION
        # The last accepted final report closed the procurement through its own step.
        close = history(session, procurement)[-1]
        assert (close.trigger, close.actor.email) == ("close", "mikael.lindqvist@jotpa.example")


def test_the_applications_are_ranked_with_a_consensus_and_a_funding_line(whole_story):
    """Does the ranking exist at the end, every score justified, the evaluators' disagreement
    on Koskilaakso's results resolved by a consensus score, and the funding line drawn where
    the budget runs out, with the grants within it?"""
    factory, _ = whole_story
    with factory() as session:
        esr = call(session, ESR)
        ranking = build_ranking(session, esr)
        keys = {o["business_id"]: o["key"] for o in seed.ORGANISATIONS}
        assert [keys[r.submission.organisation.business_id] for r in ranking.rows] == [
            "helsinki", "tampere", "koskilaakso", "jsamk"]
        assert [str(display(r.result.total)) for r in ranking.rows] == [
            "86.50", "81.00", "70.00", "61.50"]
        assert [r.reviews for r in ranking.rows] == [2, 2, 2, 2]
        assert ranking.funding_line_after == 3
        assert ranking.rows[3].funding.reason == "budget"
        # Koskilaakso: 1 and 4 on "Results and impact" — a disagreement, resolved by consensus.
        koskilaakso = ranking.rows[2].result
        flagged = [line for line in koskilaakso.criteria if line.disagreement]
        assert len(flagged) == 1 and flagged[0].from_consensus and flagged[0].score == 3
        assert sorted(flagged[0].evaluator_scores) == [1, 4]
        assert sum(line.disagreement for r in ranking.rows for line in r.result.criteria) == 1
        consensus = session.scalars(sa.select(ConsensusScore)).one()
        assert consensus.justification and consensus.set_by_id == user(session, "anna").id
        scores = session.scalars(sa.select(ReviewScore)).all()
        assert len(scores) == 4 * 2 * 4 + 3 * 2 * 2
        assert all(s.score is not None and s.justification.strip() for s in scores)
        # Grants: each within the amount applied for, together within the budget.
        granted = sum(r.submission.granted_amount for r in ranking.rows[:3])
        assert granted <= esr.budget
        for row in ranking.rows[:3]:
            counted = session.scalars(sa.select(SubmissionVersion).where(
                SubmissionVersion.submission_id == row.submission.id)
                .order_by(SubmissionVersion.number.desc())).first()
            assert row.submission.granted_amount <= Decimal(counted.content["budget_total"])


def test_the_projects_reported_progress_on_schedule(whole_story):
    """Did each funded project submit its scheduled progress reports, accepted before its
    final report?"""
    factory, _ = whole_story
    with factory() as session:
        applications = by_org(session, ESR)
        for key in seed.ESR_GRANTS:
            reports = session.scalars(sa.select(Report).where(
                Report.submission_id == applications[key].id, Report.kind == "esr")
                .order_by(Report.sequence)).all()
            assert [(r.report_type, r.sequence, r.state) for r in reports] == [
                ("progress", 1, "accepted"), ("progress", 2, "accepted")]
            assert [r.due_at for r in reports] == seed.ESR_PROGRESS_DUE
            assert all(r.submitted_at <= r.due_at for r in reports)
            accepted = next(e for e in history(session, applications[key])
                            if e.trigger == "accept_final_report")
            assert all(r.accepted_at < accepted.at for r in reports)


def test_the_tenders_were_compared_by_quality_and_price_and_awarded_by_the_ranking(whole_story):
    """Were the qualified tenders scored on quality by two evaluators, given price points
    (the lowest price all of them), and the two best-ranked awarded?"""
    factory, _ = whole_story
    with factory() as session:
        ranking = build_ranking(session, call(session, JOTPA))
        keys = {o["business_id"]: o["key"] for o in seed.ORGANISATIONS}
        rows = {keys[r.submission.organisation.business_id]: r for r in ranking.rows}
        assert list(rows) == ["jsamk", "tampere", "osaamispolku"]
        assert {k: str(display(r.result.total)) for k, r in rows.items()} == {
            "jsamk": "88.21", "tampere": "87.57", "osaamispolku": "68.00"}
        assert {k: str(display(r.result.price_points)) for k, r in rows.items()} == {
            "jsamk": "34.21", "tampere": "29.57", "osaamispolku": "40.00"}
        assert rows["jsamk"].result.price == 79500  # the replacement counts
        assert [r.submission.state for r in ranking.rows] == ["awarded", "awarded",
                                                              "not_awarded"]
        assert all(r.reviews == 2 for r in ranking.rows)


def test_the_pilots_were_delivered_in_cohorts_with_certificates_that_verify(whole_story):
    """Did each micro-credential of an awarded tender become a pilot, delivered in cohorts with
    its milestones done, and did every learner who completed get a certificate whose
    signature verifies?"""
    factory, _ = whole_story
    with factory() as session:
        pilots = session.scalars(sa.select(Pilot).order_by(Pilot.id)).all()
        assert [p.description.data["title"] for p in pilots] == [
            "Data literacy for SMEs", "Data visualisation for SMEs", "Tekoäly asiantuntijatyössä"]
        for pilot in pilots:
            assert pilot.cohorts and all(c.actual_end is not None for c in pilot.cohorts)
            assert len(pilot.milestones) == 3 and all(m.done_at for m in pilot.milestones)
        cohorts = session.scalars(sa.select(Cohort)).all()
        certificates = session.scalars(sa.select(Certificate)).all()
        assert len(cohorts) == 6
        assert Counter(c.cohort_id for c in certificates) == {
            c.id: c.participants_completed for c in cohorts}
        assert len({c.learner_email for c in certificates}) == len(certificates) == 123
        for certificate in certificates:
            shown = verify(session, certificate.public_id, "fi")
            assert (shown["status"], shown["signature_valid"]) == ("valid", True)
            assert verify_proof(certificate.credential)
            assert certificate.completed_on == certificate.cohort.actual_end


def test_the_pilot_reports_give_framework_feedback_element_by_element(whole_story):
    """Were each pilot's interim and final reports accepted, the final one rating every
    element of the framework, some of them as problematic with a comment?"""
    factory, _ = whole_story
    with factory() as session:
        reports = session.scalars(sa.select(Report).where(Report.kind == "jotpa")).all()
        assert Counter((r.report_type, r.state) for r in reports) == {
            ("interim", "accepted"): 3, ("final", "accepted"): 3}
        keys = set(framework().keys)
        for report in reports:
            assert report.data["results"]["cohorts"] >= 1
            if report.report_type == "final":
                feedback = report.data["framework_feedback"]
                assert set(feedback) == keys
                problems = [v for v in feedback.values() if v["rating"] != "worked"]
                assert problems and all(v["comment"] for v in problems)
                assert report.data["results"]["certificates"] == report.data["results"][
                    "participants_completed"]
                assert triggers(session, report) == ["due_set", "submit", "accept"]


def test_the_ministry_view_shows_every_pilot_and_the_problematic_elements(whole_story):
    """Does the ministry's view across pilots show the three pilots with their completion and
    certificates, and the framework elements reported problematic, most first?"""
    factory, _ = whole_story
    with factory() as session:
        view = ministry.overview(session, user(session, "anna"), "en")
        rows = view["rows"]
        assert [r["title"] for r in rows] == [
            "Data literacy for SMEs", "Data visualisation for SMEs", "Tekoäly asiantuntijatyössä"]
        assert [r["supplier"] for r in rows] == ["Järvi-Suomen ammattikorkeakoulu Oy"] * 2 + [
            "Tampereen yliopisto"]
        assert [(r["participants_started"], r["participants_completed"], r["certificates"])
                for r in rows] == [(47, 41, 41), (18, 17, 17), (85, 65, 65)]
        assert all(r["final_report"] == "Accepted" and r["problem_elements"] >= 2 for r in rows)
        problematic = [e for e in view["elements"] if e["problematic"]]
        assert [e["element"] for e in problematic[:3]] == ["level", "workload", "stackability"]
        assert problematic[0]["comments"]
        assert [c["id"] for c in view["charts"]] == [
            "completion-rate", "workload-completion", "problem-elements"]
        assert len(view["charts"][2]["table"]["rows"]) == len(problematic)


# Replaying -------------------------------------------------------------------------------------

def test_replaying_is_deterministic(whole_story, fresh_database, instance):
    """Does replaying the story twice give the same states, receipts, scores, pilots, reports
    and history?"""
    factory, report = whole_story
    again = fresh_database()
    assert seed.replay(again, seed.hki(2025, 12, 31, 12), instance_path=instance) == report
    assert snapshot(again) == snapshot(factory)


def test_a_step_the_engine_refuses_stops_the_replay_and_names_the_step(fresh_database,
                                                                      instance, monkeypatch):
    """If a timeline step is refused, does the replay stop and say which step and why?"""
    def close_early(scene: seed.Scene) -> None:
        scene.fire(scene.esr_call(), "close", "anna")

    first = [s for s in seed.timeline() if s.at <= seed.ESR_OPENS]
    broken = seed.TimelineStep(seed.hki(2024, 4, 1, 12), "Anna closes the call too early",
                               close_early)
    monkeypatch.setattr(seed, "TIMELINE", [*first, broken])

    with pytest.raises(seed.ReplayError, match="Anna closes the call too early"):
        seed.replay(fresh_database(), seed.hki(2024, 6, 1, 12), instance_path=instance)


def test_a_replay_up_to_the_deadline_is_closed_by_the_clock(fresh_database, instance):
    """Does a demo started at 3.6.2024 16.16 show the ESR call closed by the clock?"""
    factory = fresh_database()
    report = seed.replay(factory, seed.ESR_DEADLINE + dt.timedelta(minutes=1),
                         instance_path=instance)
    with factory() as session:
        assert call(session, ESR).state == "closed"
        assert states(session, ESR)["jsamk"] == "submitted"
    assert "klo 16.16" in report
