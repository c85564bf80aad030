"""Behind a reverse proxy (HANKEFLOW_TRUSTED_PROXIES): the sign-in rate limit counts each
client, not the proxy; without the setting a client cannot dodge the limit with a forged
X-Forwarded-For header."""
from __future__ import annotations

import pytest
from support import PASSWORD
from support.web import make_app

from workflow.config import Settings

PROXY = {"REMOTE_ADDR": "10.0.0.1"}


def _app(engine, session, **config):
    return make_app(engine, session, WTF_CSRF_ENABLED=False, **config)


def _fail_twenty_times(client, forwarded_for):
    for n in range(20):
        response = client.post("/sign-in", data={"email": f"guess{n}@example.fi",
                                                 "password": "wrong password here"},
                               environ_base=PROXY, headers={"X-Forwarded-For": forwarded_for})
        assert response.status_code == 401


def _sign_in(client, user, forwarded_for):
    return client.post("/sign-in", data={"email": user.email, "password": PASSWORD},
                       environ_base=PROXY, headers={"X-Forwarded-For": forwarded_for})


def test_behind_a_trusted_proxy_one_guessing_client_does_not_lock_out_the_others(
        engine, session, clock, make_user):
    """An operator runs the web behind one proxy: a client guessing passwords is locked out,
    while another client arriving through the same proxy still signs in."""
    user = make_user("applicant")
    session.commit()
    app = _app(engine, session, TRUSTED_PROXIES=1)
    _fail_twenty_times(app.test_client(), "203.0.113.5")
    assert _sign_in(app.test_client(), user, "203.0.113.5").status_code == 429
    assert _sign_in(app.test_client(), user, "198.51.100.7").status_code == 302


def test_without_trusted_proxies_a_forged_header_does_not_dodge_the_limit(
        engine, session, clock, make_user):
    """Without HANKEFLOW_TRUSTED_PROXIES, X-Forwarded-For is ignored: a guesser who changes
    the header on every try is still counted by its own address."""
    user = make_user("applicant")
    session.commit()
    app = _app(engine, session)
    client = app.test_client()
    for n in range(20):
        client.post("/sign-in", data={"email": f"guess{n}@example.fi", "password": "x" * 12},
                    environ_base=PROXY, headers={"X-Forwarded-For": f"192.0.2.{n}"})
    assert _sign_in(client, user, "192.0.2.99").status_code == 429


@pytest.mark.parametrize("value", ["-1", "many", "11"])
def test_a_bad_proxy_count_stops_the_start_with_a_clear_message(value):
    """An operator who mistypes the setting learns it at start, not by a silent default."""
    with pytest.raises(ValueError, match="HANKEFLOW_TRUSTED_PROXIES"):
        Settings.from_env({"HANKEFLOW_TRUSTED_PROXIES": value})
