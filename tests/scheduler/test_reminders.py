"""Deadline reminders reach each applicant with a draft exactly once, at the right moment, in
their language; submitting stops them; downtime sends what is still useful."""
from __future__ import annotations

import datetime as dt

from support import ESR_DEADLINE, helsinki
from workflow.engine import fire
from workflow.scheduler.preferences import update_preferences

UTC = dt.timezone.utc
MOMENTS = {  # the ESR call closes 3.6.2024 16.15 (EEST, UTC+3)
    "14d": helsinki(2024, 5, 20, 16, 15), "7d": helsinki(2024, 5, 27, 16, 15),
    "1d": helsinki(2024, 6, 2, 16, 15), "2h": helsinki(2024, 6, 3, 14, 15),
}


def sweep_until(clock, run_sweep, end: dt.datetime, step: dt.timedelta,
                extra: list[dt.datetime] = ()) -> None:
    """Sweep every `step` up to `end`, and also a minute before and at each extra instant."""
    stops = set()
    t = clock.now()
    while t < end:
        t += step
        stops.add(t)
    for moment in extra:
        stops.update({moment - dt.timedelta(minutes=1), moment})
    for t in sorted(s for s in stops if clock.now() < s <= end):
        clock.set(t)
        run_sweep()


def test_esr_schedule_reaches_each_applicant_with_a_draft_exactly_once(
        session, clock, make_call, make_org, make_user, make_submission, run_sweep, reminders_to,
        outbox):
    """Does every applicant with a draft get the 14 d, 7 d, 1 d and 2 h reminders before the
    ESR call closes on 3.6.2024 at 16.15, each once, on time, in their language — and does
    submitting stop the rest?"""
    clock.set(helsinki(2024, 5, 1, 9, 0))
    call = make_call("esr", state="open")
    org_a, org_b, org_c, org_d = make_org(), make_org(), make_org(), make_org()
    fi_user = make_user("applicant", organisation=org_a, locale="fi")
    sv_user = make_user("applicant", organisation=org_a, locale="sv")
    en_user = make_user("applicant", organisation=org_b, locale="en")
    done_user = make_user("applicant", organisation=org_c)
    late_user = make_user("applicant", organisation=org_d, locale="en")
    draft_a = make_submission(call, fi_user)
    make_submission(call, en_user)
    make_submission(call, done_user, submit=True)
    draft_d = make_submission(call, late_user)

    sweep_until(clock, run_sweep, helsinki(2024, 5, 30, 12, 0), dt.timedelta(hours=3),
                extra=list(MOMENTS.values()))
    fire(session, draft_d, "submit", late_user)
    session.flush()
    sweep_until(clock, run_sweep, helsinki(2024, 6, 3, 18, 0), dt.timedelta(hours=3),
                extra=list(MOMENTS.values()))

    got = {user.email: reminders_to(user.email)
           for user in (fi_user, sv_user, en_user, done_user, late_user)}
    assert [len(got[u.email]) for u in (fi_user, sv_user, en_user, done_user, late_user)] == [4, 4, 4, 0, 2]
    ids = [r.message_id for mails in got.values() for r in mails]
    assert len(ids) == len(set(ids)) == 14
    # Each arrived at its moment (the sweep at the moment itself; never the minute before).
    for user in (fi_user, sv_user, en_user):
        assert [r.at for r in got[user.email]] == list(MOMENTS.values())
    assert [r.at for r in got[late_user.email]] == [MOMENTS["14d"], MOMENTS["7d"]]

    fi = [r.subject for r in got[fi_user.email]]
    assert "maanantaina 3.6.2024 klo 16.15" in fi[0]
    assert "maanantaina 3.6.2024 klo 16.15" in fi[1]
    assert "huomenna klo 16.15" in fi[2]
    assert "tänään klo 16.15" in fi[3]
    sv = [r.subject for r in got[sv_user.email]]
    assert "i morgon kl. 16.15" in sv[2] and "i dag kl. 16.15" in sv[3]
    en = [r.subject for r in got[en_user.email]]
    assert "on Monday 3 June 2024 at 16.15" in en[0]
    assert "tomorrow at 16.15" in en[2] and "today at 16.15" in en[3]
    last = got[fi_user.email][3]
    assert "2 tunnin päästä" in last.text()
    assert f"https://hankeflow.example/submissions/{draft_a.id}" in last.text()
    assert f'href="https://hankeflow.example/submissions/{draft_a.id}"' in last.html()
    assert last.message.get_content_type() == "multipart/alternative"

    # The outbox holds each reminder once; the late submitter's last two were never computed.
    sent = [r for r in outbox(kind="draft_deadline", status="sent")
            if r.recipient_id in {u.id for u in (fi_user, sv_user, en_user, done_user, late_user)}]
    assert len(sent) == 14
    assert {(r.recipient_id, r.offset_name)
            for r in outbox(recipient=late_user, kind="draft_deadline")} == {
        (late_user.id, "14d"), (late_user.id, "7d")}


def test_after_downtime_the_one_day_reminder_goes_out_late_and_the_seven_day_one_is_skipped(
        session, clock, make_call, make_user, make_submission, run_sweep, smtp_server, outbox):
    """When the scheduler was down from 8 days before the deadline until 3 hours before it,
    does the applicant get the 1 d reminder now, worded for today, and is the 7 d one
    recorded as skipped rather than sent?"""
    clock.set(helsinki(2024, 5, 1, 9, 0))
    call = make_call("esr", state="open")
    applicant = make_user("applicant", locale="fi")
    make_submission(call, applicant)
    clock.set(MOMENTS["14d"] + dt.timedelta(minutes=5))
    run_sweep()
    assert len(smtp_server.to(applicant.email)) == 1

    clock.set(ESR_DEADLINE - dt.timedelta(hours=3))  # back up after 8 days
    run_sweep()
    assert len(smtp_server.to(applicant.email)) == 2
    late = smtp_server.to(applicant.email)[1]
    assert "tänään klo 16.15" in late.subject
    assert "3 tunnin päästä" in late.text()
    by_offset = {r.offset_name: r for r in outbox(recipient=applicant)}
    assert by_offset["1d"].status == "sent"
    assert by_offset["7d"].status == "skipped"
    assert by_offset["7d"].reason == "superseded by 1d"

    clock.set(MOMENTS["2h"])
    run_sweep()
    run_sweep()
    assert [r.offset_name for r in outbox(recipient=applicant, status="sent")] == ["14d", "1d", "2h"]
    assert len(smtp_server.to(applicant.email)) == 3


def test_optional_reminders_off_keeps_the_last_one(session, clock, make_call, make_user,
                                                   make_submission, run_sweep, smtp_server,
                                                   outbox):
    """Can an applicant switch the earlier reminders off, and still get the last one before a
    deadline they have not met?"""
    clock.set(helsinki(2024, 5, 1, 9, 0))
    call = make_call("esr", state="open")
    applicant = make_user("applicant")
    make_submission(call, applicant)
    update_preferences(session, applicant, optional_reminders=False)
    session.flush()
    sweep_until(clock, run_sweep, helsinki(2024, 6, 3, 17, 0), dt.timedelta(hours=12),
                extra=list(MOMENTS.values()))
    assert [r.offset_name for r in outbox(recipient=applicant, status="sent")] == ["2h"]
    skipped = outbox(recipient=applicant, status="skipped")
    assert [r.offset_name for r in skipped] == ["14d", "7d", "1d"]
    assert {r.reason for r in skipped} == {"optional reminders off"}
    assert len(smtp_server.to(applicant.email)) == 1


def test_a_second_computation_changes_nothing(session, clock, make_call, make_user,
                                              make_submission, outbox):
    """Is computing the same moment twice harmless (nothing new in the outbox)?"""
    from workflow.scheduler.reminders import RULES_BY_KIND, compute_rule

    clock.set(helsinki(2024, 5, 1, 9, 0))
    call = make_call("esr", state="open")
    draft = make_submission(call, make_user("applicant"))
    clock.set(MOMENTS["7d"])
    rule = RULES_BY_KIND["draft_deadline"]
    first = compute_rule(session, rule, clock.now())
    second = compute_rule(session, rule, clock.now())
    assert (first.pending, first.skipped, first.superseded) == (1, 1, 1)
    assert (second.pending, second.skipped, second.batches) == (0, 0, 0)
    assert len(outbox(kind="draft_deadline", object_id=draft.id)) == 2
