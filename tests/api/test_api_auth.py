"""Bearer tokens: signing in, expiry, revocation, rate limits."""
from __future__ import annotations

import datetime as dt
import hashlib

import sqlalchemy as sa

from models import ApiToken


def test_signing_in_gives_a_token_of_which_only_the_hash_is_stored(
        session, clock, make_user, api, password):
    """Does an integrator get a 12-hour token for the right credentials, with only its SHA-256
    kept in the database?"""
    user = make_user("applicant", email="Hakija@Example.fi")
    response = api.post("/tokens", {"email": "  HAKIJA@example.fi ", "password": password})
    assert response.status_code == 201
    body = response.get_json()
    assert body["token_type"] == "Bearer"
    assert body["expires_at"] == "2024-06-02T21:00:00+03:00"
    row = session.scalar(sa.select(ApiToken).where(ApiToken.user_id == user.id))
    assert row.token_sha256 == hashlib.sha256(body["token"].encode()).hexdigest()
    assert body["token"] not in repr(session.execute(sa.select(ApiToken.__table__)).all())
    me = api.get("/me", token=body["token"]).get_json()
    assert (me["email"], me["roles"]) == ("hakija@example.fi", ["applicant"])


def test_wrong_credentials_are_401_alike(make_user, api, password):
    """Are a wrong password and an unknown e-mail refused alike, without telling which?"""
    user = make_user("applicant")
    wrong = api.post("/tokens", {"email": user.email, "password": "not the password"}, lang="en")
    unknown = api.post("/tokens", {"email": "nobody@example.fi", "password": password},
                       lang="en")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_json() == unknown.get_json()
    assert wrong.get_json()["error"]["code"] == "invalid_credentials"
    assert wrong.get_json()["error"]["message"] == "The e-mail address or password is incorrect."


def test_five_failures_lock_the_address_for_a_while(clock, make_user, api, password):
    """After five failed attempts for one e-mail address within 15 minutes, is even the right
    password refused with 429 and Retry-After, until the window has passed?"""
    user = make_user("applicant")
    for _ in range(5):
        assert api.post("/tokens", {"email": user.email, "password": "x" * 12}).status_code == 401
        clock.advance(minutes=1)
    locked = api.post("/tokens", {"email": user.email, "password": password})
    assert locked.status_code == 429
    assert locked.get_json()["error"]["code"] == "too_many_attempts"
    assert 0 < int(locked.headers["Retry-After"]) <= 15 * 60
    clock.advance(seconds=int(locked.headers["Retry-After"]) + 1)
    assert api.post("/tokens", {"email": user.email, "password": password}).status_code == 201


def test_a_token_expires_after_12_hours_and_can_be_revoked(clock, make_user, api, token_for):
    """Is a token refused once 12 hours have passed, or once it has been revoked, and is the
    Authorization header's scheme checked?"""
    user = make_user("evaluator")
    token = token_for(user)
    clock.advance(hours=11, minutes=59)
    assert api.get("/me", token=token).status_code == 200
    clock.advance(minutes=1)
    expired = api.get("/me", token=token)
    assert expired.status_code == 401
    assert expired.get_json()["error"]["code"] == "invalid_token"

    token = token_for(user)
    assert api.delete("/tokens/current", token=token).status_code == 204
    assert api.get("/me", token=token).status_code == 401
    assert api.get("/me", headers={"Authorization": f"Basic {token}"}).status_code == 401
    assert api.get("/me", headers={"Authorization": "Bearer"}).status_code == 401
    assert api.get("/me", headers={"Authorization": "Bearer " + "x" * 500}).status_code == 401


def test_a_deactivated_users_token_stops_working(session, make_user, api, token_for):
    """Does deactivating a user end their API access at once?"""
    user = make_user("admin")
    token = token_for(user)
    user.is_active = False
    session.flush()
    assert api.get("/me", token=token).status_code == 401


def test_the_token_request_is_checked_like_any_body(api):
    """Are missing or mistyped credentials a 422 naming the fields?"""
    response = api.post("/tokens", {"email": 5}, lang="en")
    assert response.status_code == 422
    assert response.get_json()["error"]["details"] == {"email": "Expected text.",
                                                       "password": "Required."}


def test_an_anonymous_reader_sees_only_published_calls(world, api):
    """May anyone read the published calls without a token, but not the drafts?"""
    listed = {c["id"] for c in api.get("/calls").get_json()["items"]}
    assert listed == {world.esr.id, world.jotpa.id}
    assert api.get(f"/calls/{world.draft_call.id}").status_code == 404
    assert dt.datetime.fromisoformat(api.get(f"/calls/{world.esr.id}").get_json()["deadline"])
