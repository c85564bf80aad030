"""The blueprint of the JSON API. Bearer tokens, never cookies: so it is exempt from CSRF."""
from __future__ import annotations

from flask import Blueprint

from ..extensions import csrf

PREFIX = "/api/v1"
# Ids are integer columns: a larger number cannot name an object (and PostgreSQL would refuse
# to compare with it), so such a path is simply not found.
MAX_ID = 2**31 - 1
ID = f"int(min=1, max={MAX_ID})"

bp = Blueprint("api", __name__, url_prefix=PREFIX)
csrf.exempt(bp)
