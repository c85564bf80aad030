"""Signing in and out: rate limits, safe `next`, session renewal, password change that signs
out everywhere else, rehashing, cookie flags, the language choice."""
from __future__ import annotations

import datetime as dt

import pytest
from argon2 import PasswordHasher
from support import PASSWORD
from support.web import body, csrf_token

from models import SignInAttempt
from workflow import passwords

NEW_PASSWORD = "a much longer new passphrase"


def _sign_in(client, email, password=PASSWORD, **extra):
    return client.post("/sign-in", data={"email": email, "password": password, **extra})


def test_a_user_signs_in_and_lands_on_their_page(session, make_user, client):
    """Does an applicant who signs in land on their organisation's page?"""
    user = make_user("applicant")
    session.commit()
    response = _sign_in(client, user.email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/applicant/"
    assert client.get("/applicant/").status_code == 200


def test_a_wrong_password_is_refused_with_a_clear_message(session, make_user, client):
    """Is a wrong password refused (401) with a message that does not tell which was wrong?"""
    user = make_user("applicant")
    session.commit()
    response = _sign_in(client, user.email, "wrong password here")
    assert response.status_code == 401
    assert "Sähköpostiosoite tai salasana on väärin." in body(response)
    unknown = _sign_in(client, "nobody@example.fi", "wrong password here")
    assert unknown.status_code == 401
    assert "Sähköpostiosoite tai salasana on väärin." in body(unknown)
    empty = client.post("/sign-in", data={})
    assert empty.status_code == 422
    assert 'href="#field-email"' in body(empty) and 'href="#field-password"' in body(empty)


def test_five_failures_per_email_lock_it_for_15_minutes(session, clock, make_user, client):
    """After 5 failed attempts for one e-mail within 15 minutes, is the 6th (even with the
    right password) refused with 429 and a clear message, and allowed again later?"""
    user = make_user("applicant")
    session.commit()
    for _ in range(5):
        assert _sign_in(client, user.email, "wrong password here").status_code == 401
    locked = _sign_in(client, user.email)
    assert locked.status_code == 429
    assert "Liian monta epäonnistunutta kirjautumisyritystä" in body(locked)
    assert int(locked.headers["Retry-After"]) > 0
    clock.advance(minutes=15, seconds=1)
    assert _sign_in(client, user.email).status_code == 302


def test_twenty_failures_from_one_address_lock_it(session, clock, make_user, client):
    """After 20 failed attempts from one address (any e-mails), is it refused with 429?"""
    user = make_user("applicant")
    session.commit()
    for n in range(20):
        assert _sign_in(client, f"guess{n}@example.fi", "wrong password here").status_code == 401
    assert _sign_in(client, user.email).status_code == 429
    other = client.application.test_client()
    response = other.post("/sign-in", data={"email": user.email, "password": PASSWORD},
                          environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert response.status_code == 302


def test_attempts_are_counted_in_the_shared_table(session, make_user, client):
    """Are attempts recorded in sign_in_attempts, so that every web process sees them?"""
    user = make_user("applicant")
    session.commit()
    _sign_in(client, user.email, "wrong password here")
    _sign_in(client, user.email)
    rows = session.query(SignInAttempt).filter_by(email=user.email).order_by(SignInAttempt.id).all()
    assert [r.succeeded for r in rows] == [False, True]
    assert rows[0].remote_addr == "127.0.0.1"


@pytest.mark.parametrize("target", ["//evil.example/", "/\\evil.example", "https://evil.example/",
                                    "javascript:alert(1)", "/\t/evil.example", "/\n/evil.example",
                                    "http:/evil", "\\\\evil"])
def test_an_off_site_next_is_refused(session, make_user, client, target):
    """Is a `next` that leads off this site ignored after signing in?"""
    user = make_user("applicant")
    session.commit()
    response = _sign_in(client, user.email, next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/applicant/"


def test_a_local_next_is_followed(session, make_user, client):
    """Is the user taken back to the page they came from?"""
    user = make_user("applicant")
    session.commit()
    first = client.get("/applicant/")
    assert first.status_code == 302
    assert first.headers["Location"] == "/sign-in?next=%2Fapplicant%2F"
    response = _sign_in(client, user.email, next="/applicant/?x=1")
    assert response.headers["Location"] == "/applicant/?x=1"


def test_signing_in_renews_the_session(session, make_user, client):
    """Is the session cleared on sign-in, so that a planted session cannot be taken over?"""
    user = make_user("applicant")
    session.commit()
    with client.session_transaction() as sess:
        sess["planted"] = "by an attacker"
    _sign_in(client, user.email)
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess["_user_id"] == f"{user.id}:{user.session_key}"


def test_a_password_change_signs_out_everywhere_else(session, app, make_user, login):
    """Does changing the password keep this session signed in and sign out the others,
    remember-me cookies included?"""
    user = make_user("applicant")
    here = login(user)
    elsewhere = app.test_client()
    assert _sign_in(elsewhere, user.email, remember="1").status_code == 302
    assert elsewhere.get_cookie("hankeflow_remember") is not None
    old_key = user.session_key

    response = here.post("/account/password", data={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD,
        "new_password_again": NEW_PASSWORD})
    assert response.status_code == 302
    assert user.session_key != old_key
    assert passwords.verify_password(user.password_hash, NEW_PASSWORD)
    assert here.get("/applicant/").status_code == 200
    assert elsewhere.get("/applicant/").status_code == 302          # signed out
    # Even a fresh session with only the old remember cookie stays out.
    remembered = app.test_client()
    remembered.set_cookie("hankeflow_remember", elsewhere.get_cookie("hankeflow_remember").value
                          if elsewhere.get_cookie("hankeflow_remember") else "x")
    assert remembered.get("/applicant/").status_code == 302


def test_a_password_change_is_validated(session, make_user, login):
    """Is a change refused without the current password, with a short password, or with a
    mistyped repeat, each with a message linked to its field?"""
    client = login(make_user("applicant"))
    wrong = client.post("/account/password", data={
        "current_password": "not it", "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD})
    assert wrong.status_code == 422 and 'href="#field-current_password"' in body(wrong)
    short = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "short", "new_password_again": "short"})
    assert short.status_code == 422 and "Käytä vähintään 12 merkkiä." in body(short)
    mismatch = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD + "x"})
    assert mismatch.status_code == 422 and 'href="#field-new_password_again"' in body(mismatch)


def test_an_outdated_hash_is_upgraded_on_sign_in(session, make_user, client, monkeypatch):
    """Is a password hash made with weaker parameters rehashed when the user signs in?"""
    user = make_user("applicant")
    old_hash = user.password_hash
    session.commit()
    monkeypatch.setattr(passwords, "hasher", PasswordHasher(time_cost=2, memory_cost=16, parallelism=1))
    assert _sign_in(client, user.email).status_code == 302
    assert user.password_hash != old_hash
    assert not passwords.needs_rehash(user.password_hash)


def test_sign_out_ends_the_session(session, make_user, login):
    """Does signing out end the session?"""
    client = login(make_user("applicant"))
    assert client.post("/sign-out").status_code == 302
    assert client.get("/applicant/").status_code == 302


def test_cookies_are_secure_outside_tests(engine, session, clock):
    """In production, are the session and remember cookies Secure, HttpOnly and SameSite=Lax,
    and is HSTS sent?"""
    from workflow.app import create_app

    app = create_app({"ENGINE": engine, "SECRET_KEY": "x" * 32, "WTF_CSRF_ENABLED": False})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["REMEMBER_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax" == app.config["REMEMBER_COOKIE_SAMESITE"]
    assert app.config["REMEMBER_COOKIE_DURATION"] == dt.timedelta(days=14)
    app.extensions["hankeflow.sessions"] = lambda: session
    app.extensions["hankeflow.close_sessions"] = False
    response = app.test_client().get("/sign-in", base_url="https://localhost")
    assert "max-age=" in response.headers["Strict-Transport-Security"]
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_needs_a_secret_key(engine, monkeypatch):
    """Does the app refuse to start in production without HANKEFLOW_SECRET_KEY?"""
    from workflow.app import create_app

    monkeypatch.delenv("HANKEFLOW_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError):
        create_app({"ENGINE": engine})


def test_an_anonymous_language_choice_is_remembered(session, client):
    """Is an anonymous visitor's language remembered in a cookie?"""
    response = client.post("/language", data={"locale": "sv", "return_to": "/sign-in"})
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"
    page = client.get("/sign-in")
    assert 'lang="sv"' in body(page) and "Logga in" in body(page)
    english = client.post("/language", data={"locale": "en", "return_to": "//evil.example"})
    assert english.headers["Location"] == "/"
    assert "Sign in" in body(client.get("/sign-in"))
    assert client.post("/language", data={"locale": "de"}).status_code == 400


def test_a_signed_in_users_language_is_their_profiles(session, make_user, login):
    """Is a signed-in user's choice stored in their profile and used on every page?"""
    user = make_user("applicant", locale="sv")
    client = login(user)
    assert "Våra ansökningar och anbud" in body(client.get("/applicant/"))
    client.post("/language", data={"locale": "en"})
    assert user.locale == "en"
    assert "Our applications and tenders" in body(client.get("/applicant/"))


def test_sign_in_with_csrf_on(session, csrf_app, make_user):
    """With CSRF protection on, does signing in work with the form's token and fail without?"""
    user = make_user("applicant")
    session.commit()
    client = csrf_app.test_client()
    refused = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert refused.status_code == 400
    token = csrf_token(client)
    ok = client.post("/sign-in", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert ok.status_code == 302
