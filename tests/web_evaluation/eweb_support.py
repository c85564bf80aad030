"""Plain helpers of the evaluation pages' tests (the fixtures are in conftest.py)."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

import sqlalchemy.orm as so
from flask.testing import FlaskClient

from models import Call, Criterion
from workflow.evaluation import queries as q
from workflow.timeutil import HELSINKI

PASSWORD = "correct horse battery staple"  # the password of tests/conftest.py's make_user
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


def helsinki(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=HELSINKI).astimezone(dt.timezone.utc)


def csrf_token(client: FlaskClient, path: str = "/sign-in") -> str:
    match = CSRF_INPUT.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def body(response) -> str:
    return response.get_data(as_text=True)


def cell(html: str, element_id: str) -> str:
    """The text of the element with this id, tags removed and spaces collapsed (an element
    of the same name must not be nested in it)."""
    match = re.search(rf'<(\w+)[^>]*\bid="{re.escape(element_id)}"[^>]*>', html)
    assert match, f"no element #{element_id}"
    end = html.index(f"</{match.group(1)}>", match.end())
    return " ".join(re.sub(r"<[^>]+>", " ", html[match.end():end]).split())


def name(en: str) -> dict[str, str]:
    return {"fi": f"{en} (fi)", "sv": f"{en} (sv)", "en": en}


# Four scored ESR criteria, 100 points in all, the first with a minimum of 2 of 5.
ESR_CRITERIA = [
    {"kind": "eligibility", "name": name("Eligible applicant")},
    {"kind": "eligibility", "name": name("Fits the call")},
    {"kind": "scored", "name": name("Need"), "scale_min": 0, "scale_max": 5, "weight": "30",
     "threshold": "2"},
    {"kind": "scored", "name": name("Implementation"), "scale_min": 0, "scale_max": 5,
     "weight": "30"},
    {"kind": "scored", "name": name("Impact"), "scale_min": 0, "scale_max": 5, "weight": "25"},
    {"kind": "scored", "name": name("Horizontal"), "scale_min": 0, "scale_max": 3,
     "weight": "15"},
]
# Jotpa: 60 quality points and 40 price points.
JOTPA_CRITERIA = [
    {"kind": "exclusion", "name": name("No exclusion ground")},
    {"kind": "suitability", "name": name("Experience")},
    {"kind": "scored", "name": name("Plan quality"), "scale_min": 0, "scale_max": 5,
     "weight": "40"},
    {"kind": "scored", "name": name("Framework use"), "scale_min": 0, "scale_max": 5,
     "weight": "20"},
    {"kind": "price", "name": name("Price"), "weight": "40"},
]
JOTPA_OPENS = helsinki(2024, 5, 15, 9, 0)
JOTPA_DEADLINE = helsinki(2024, 6, 4, 16, 15)


def criteria(session: so.Session, call: Call) -> dict[str, Criterion]:
    """The call's criteria by English name."""
    return {c.name["en"]: c for c in q.criteria_of(session, call.id)}


def scores(*values: int, names: Sequence[str] = ("Need", "Implementation", "Impact",
                                                  "Horizontal")) -> dict[str, int]:
    return dict(zip(names, values))


def quality(*values: int) -> dict[str, int]:
    return scores(*values, names=("Plan quality", "Framework use"))
