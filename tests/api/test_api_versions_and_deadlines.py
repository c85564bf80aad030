"""Stale versions are 409 conflict; the 16.15 deadline is 409 deadline_passed, in the
request's language."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from workflow.timeutil import HELSINKI


def helsinki(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=HELSINKI).astimezone(dt.timezone.utc)


def test_a_stale_version_in_the_body_is_a_conflict(world, api, token_for):
    """If someone else saved the application after I loaded it, is my save refused with 409
    conflict rather than overwriting theirs?"""
    token = token_for(world.users["own"])
    seen = api.get(f"/submissions/{world.esr_a.id}", token=token).get_json()["version"]
    first = api.patch(f"/submissions/{world.esr_a.id}",
                      {"content": {"title": "Ensimmäinen"}, "version": seen}, token=token)
    assert first.status_code == 200 and first.get_json()["version"] == seen + 1
    second = api.patch(f"/submissions/{world.esr_a.id}",
                       {"content": {"title": "Toinen"}, "version": seen}, token=token, lang="en")
    assert second.status_code == 409
    assert second.get_json()["error"] == {
        "code": "conflict", "details": {},
        "message": "Someone else changed this in the meantime. Reload it and try again."}
    assert world.esr_a.content["title"] == "Ensimmäinen"


def test_if_match_carries_the_version_and_etag_gives_it(world, api, token_for):
    """Does the ETag of an object work as If-Match, and a stale one give 409?"""
    token = token_for(world.users["own"])
    etag = api.get(f"/submissions/{world.esr_a.id}", token=token).headers["ETag"]
    ok = api.patch(f"/submissions/{world.esr_a.id}", {"content": {"title": "Uusi"}},
                   token=token, headers={"If-Match": etag})
    assert ok.status_code == 200 and ok.headers["ETag"] != etag
    stale = api.patch(f"/submissions/{world.esr_a.id}", {"content": {"title": "Vanha"}},
                      token=token, headers={"If-Match": etag})
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "conflict"
    disagree = api.patch(f"/submissions/{world.esr_a.id}",
                         {"content": {"title": "x"}, "version": 1},
                         token=token, headers={"If-Match": ok.headers["ETag"]})
    assert disagree.status_code == 422


def test_a_stale_version_on_a_transition_and_a_call_is_a_conflict(world, api, token_for):
    """Are a transition and a call change with a stale version refused with 409 conflict?"""
    own, admin = token_for(world.users["own"]), token_for(world.users["admin"])
    response = api.post(f"/submissions/{world.esr_a.id}/transitions",
                        {"trigger": "withdraw", "version": world.esr_a.version - 1}, token=own)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "conflict"
    assert world.esr_a.state == "submitted"
    response = api.patch(f"/calls/{world.draft_call.id}", {"title": "Uusi"}, token=admin,
                         headers={"If-Match": f'"{world.draft_call.version + 5}"'})
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "conflict"


@pytest.mark.parametrize("write", ["patch_submission", "transition", "patch_call"])
def test_a_concurrent_change_caught_by_the_database_is_a_conflict(write, world, session, api,
                                                                   token_for):
    """When another process changes the row between my read and my write (the database's
    version check fails, not my own comparison), is it 409 conflict, not a 500?"""
    own, admin = token_for(world.users["own"]), token_for(world.users["admin"])
    table, obj = (("calls", world.draft_call) if write == "patch_call"
                  else ("submissions", world.esr_a))
    session.commit()
    # Another process: the row's version moves on behind this session's back.
    session.execute(sa.text(f"UPDATE {table} SET version = version + 1 WHERE id = :id"),
                    {"id": obj.id})
    if write == "patch_submission":
        response = api.patch(f"/submissions/{obj.id}", {"content": {"title": "x"}}, token=own)
    elif write == "transition":
        response = api.post(f"/submissions/{obj.id}/transitions", {"trigger": "withdraw"},
                            token=own)
    else:
        response = api.patch(f"/calls/{obj.id}", {"title": "x"}, token=admin)
    assert response.status_code == 409, response.get_json()
    assert response.get_json()["error"]["code"] == "conflict"


def test_submitting_at_1615_is_too_late_in_finnish_by_default(world, clock, api, token_for):
    """Is a submission the server receives at 16.15.00 on the deadline day refused with 409
    deadline_passed, in Finnish unless the request asks for English (or Swedish)?"""
    clock.set(helsinki(2024, 6, 3, 16, 14, 59))
    token = token_for(world.users["own"])  # tokens live 12 hours: one from this morning
    path = f"/submissions/{world.esr_a.id}/transitions"
    assert api.post(path, {"trigger": "submit"}, token=token).status_code == 200

    clock.set(helsinki(2024, 6, 3, 16, 15))
    finnish = api.post(path, {"trigger": "submit"}, token=token)
    assert finnish.status_code == 409
    assert finnish.headers["Content-Language"] == "fi"
    error = finnish.get_json()["error"]
    assert error["code"] == "deadline_passed"
    assert error["message"] == "Määräaika päättyi 3.6.2024 klo 16.15 (Suomen aikaa)."

    english = api.post(path, {"trigger": "submit"}, token=token, lang="en-GB,en;q=0.9")
    assert english.get_json()["error"]["message"] == (
        "The deadline passed at 3 June 2024 at 16:15 (Finnish time).")
    swedish = api.post(path, {"trigger": "submit"}, token=token, lang="sv-FI")
    assert swedish.get_json()["error"]["message"].startswith("Tidsfristen")
    german = api.post(path, {"trigger": "submit"}, token=token, lang="de")
    assert german.get_json()["error"]["message"] == error["message"]

    late_draft = api.post(f"/calls/{world.esr.id}/submissions", {}, token=token, lang="en")
    assert late_draft.status_code == 409
    assert late_draft.get_json()["error"]["code"] == "deadline_passed"
    late_edit = api.patch(f"/submissions/{world.esr_a.id}", {"content": {"title": "x"}},
                          token=token)
    assert late_edit.status_code == 409
    assert world.esr_a.submitted_at == helsinki(2024, 6, 3, 16, 14, 59)


def test_the_transitions_list_follows_the_clock(world, clock, api, token_for):
    """Does the list of what I may do drop `submit` once the deadline has passed?"""
    clock.set(world.esr.deadline - dt.timedelta(seconds=1))
    token = token_for(world.users["own"])
    path = f"/submissions/{world.esr_a.id}/transitions"
    before = {t["trigger"] for t in api.get(path, token=token).get_json()["items"]}
    clock.set(world.esr.deadline)
    after = {t["trigger"] for t in api.get(path, token=token).get_json()["items"]}
    assert before == {"submit", "withdraw"} and after == set()
