"""Small helpers of the notification page tests (fixtures are in conftest.py)."""
from __future__ import annotations

import re

from flask.testing import FlaskClient

CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client: FlaskClient, path: str = "/sign-in") -> str:
    """A CSRF token for this client's session, read from a page's form."""
    match = CSRF_INPUT.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def body(response) -> str:
    return response.get_data(as_text=True)
