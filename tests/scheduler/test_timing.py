"""Time: the EET/EEST change does not shift a reminder, time-driven transitions happen within
one sweep interval of their instant, and the runner survives a failing job."""
from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa
from apscheduler.schedulers.background import BackgroundScheduler

from models import AuditEntry
from support import helsinki
from workflow.scheduler.mailer import FileTransport
from workflow.scheduler.reminders import BEFORE_1D, BEFORE_2H, BEFORE_7D, BEFORE_14D
from workflow.scheduler.runner import DEFAULT_INTERVAL, add_jobs, guarded
from workflow.scheduler.sweep import units_on

UTC = dt.timezone.utc


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def test_day_offsets_keep_the_wall_clock_time_and_hour_offsets_are_real_time():
    """Across the spring and autumn changes, is "1 d before 16.15" still 16.15 Helsinki time
    the day before, and "2 h before" exactly two hours of real time?"""
    spring = helsinki(2024, 4, 3, 16, 15)        # EEST (UTC+3); clocks went forward 31.3.
    assert BEFORE_7D.moment(spring) == utc(2024, 3, 27, 14, 15)    # 16.15 EET (UTC+2)
    assert BEFORE_14D.moment(spring) == utc(2024, 3, 20, 14, 15)
    assert BEFORE_1D.moment(spring) == utc(2024, 4, 2, 13, 15)     # 16.15 EEST
    assert BEFORE_2H.moment(spring) == spring - dt.timedelta(hours=2)
    autumn = helsinki(2024, 10, 28, 16, 15)      # EET; clocks went back 27.10. at 04.00
    assert BEFORE_1D.moment(autumn) == utc(2024, 10, 27, 14, 15)   # 16.15 EET
    assert BEFORE_7D.moment(autumn) == utc(2024, 10, 21, 13, 15)   # 16.15 EEST
    # A deadline just after the autumn change: 2 h before is 2 h of real time, although the
    # wall clock shows 3 hours (05.00 EET minus two hours is 04.00 EEST).
    early = helsinki(2024, 10, 27, 5, 0)
    assert BEFORE_2H.moment(early) == early - dt.timedelta(hours=2) == utc(2024, 10, 27, 1, 0)


def test_the_spring_change_does_not_shift_a_reminder(session, clock, admin, make_call,
                                                     make_user, make_submission, run_sweep,
                                                     smtp_server):
    """For a call closing 3.4.2024 16.15, just after clocks went forward, does each reminder
    arrive at 16.15 Helsinki time on its day (and the 2 h one at 14.15), not an hour off?"""
    clock.set(helsinki(2024, 3, 5, 9, 0))
    call = make_call("esr", state="open", opens_at=helsinki(2024, 3, 4, 9, 0),
                     deadline=helsinki(2024, 4, 3, 16, 15))
    applicant = make_user("applicant")
    make_submission(call, applicant)
    moments = [helsinki(2024, 3, 20, 16, 15), helsinki(2024, 3, 27, 16, 15),
               helsinki(2024, 4, 2, 16, 15), helsinki(2024, 4, 3, 14, 15)]
    for moment in moments:
        for t in (moment - dt.timedelta(hours=1), moment - dt.timedelta(minutes=1), moment,
                  moment + dt.timedelta(hours=1)):
            clock.set(t)
            run_sweep()
    assert [r.at for r in smtp_server.to(applicant.email)] == moments


def test_time_driven_transitions_happen_within_one_sweep_interval(session, clock, admin,
                                                                  make_call, settings):
    """Does a published call open, and close, within one sweep interval (a minute) of its
    instant, with nobody clicking anything — once?"""
    opens, closes = helsinki(2024, 3, 11, 9, 0), helsinki(2024, 6, 3, 16, 15)
    clock.set(helsinki(2024, 3, 1, 9, 0))
    call = make_call("esr", state="published", opens_at=opens, deadline=closes)
    from workflow.scheduler.sweep import sweep

    units, transport = units_on(session), FileTransport(settings.instance_path / "mail")
    interval = dt.timedelta(seconds=DEFAULT_INTERVAL)
    for instant in (opens, closes):
        clock.set(instant - dt.timedelta(minutes=3, seconds=23))  # any phase
        while clock.now() < instant + 2 * interval:
            sweep(units, transport, settings, raise_errors=True)
            clock.advance(interval)
    entries = session.scalars(sa.select(AuditEntry).where(
        AuditEntry.object_type == "call", AuditEntry.object_id == call.id,
        AuditEntry.trigger.in_(("open", "close"))).order_by(AuditEntry.id)).all()
    assert [e.trigger for e in entries] == ["open", "close"]
    assert all(e.actor_id is None for e in entries)
    assert dt.timedelta(0) <= entries[0].at - opens < interval
    assert dt.timedelta(0) <= entries[1].at - closes < interval
    assert call.state == "closed"


def test_the_runner_sweeps_every_minute_and_survives_a_failing_job(session, settings, caplog):
    """Does the scheduler run its jobs every minute, and keep running when one of them fails?"""
    scheduler = BackgroundScheduler(timezone=UTC)
    add_jobs(scheduler, units_on(session), FileTransport(settings.instance_path), settings)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"sweep", "deliver"}
    assert all(job.trigger.interval == dt.timedelta(minutes=1) for job in jobs.values())

    def broken() -> None:
        raise RuntimeError("database went away")
    with caplog.at_level(logging.ERROR):
        guarded("sweep", broken)()  # does not raise
    assert "sweep failed" in caplog.text and "database went away" in caplog.text


def test_a_failing_piece_does_not_stop_the_others(session, clock, make_call, make_user,
                                                  make_submission, settings, monkeypatch,
                                                  smtp_server, caplog):
    """If the time-driven transitions fail (say, a bug in a guard), are the reminders still
    computed and sent in the same sweep, and the failure logged?"""
    from workflow.scheduler import sweep as sweep_module
    from workflow.scheduler.mailer import SmtpTransport

    clock.set(helsinki(2024, 5, 1, 9, 0))
    call = make_call("esr", state="open")
    applicant = make_user("applicant")
    make_submission(call, applicant)
    clock.set(helsinki(2024, 5, 20, 16, 15))

    def broken(units):
        raise RuntimeError("guard exploded")
    monkeypatch.setattr(sweep_module, "transitions", broken)
    with caplog.at_level(logging.ERROR):
        report = sweep_module.sweep(units_on(session), SmtpTransport.from_url(settings.smtp_url),
                                    settings)
    assert report.errors == ["transitions: guard exploded"]
    assert "sweep: transitions failed" in caplog.text
    assert len(smtp_server.to(applicant.email)) == 1
