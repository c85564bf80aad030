"""Helpers shared by the scheduler tests (the root conftest cannot be imported by name here)."""
from __future__ import annotations

import datetime as dt

from workflow.timeutil import HELSINKI


def helsinki(*args: int) -> dt.datetime:
    """An instant given as Helsinki wall-clock time: helsinki(2024, 6, 3, 16, 15)."""
    return dt.datetime(*args, tzinfo=HELSINKI).astimezone(dt.timezone.utc)


ESR_DEADLINE = helsinki(2024, 6, 3, 16, 15)  # as in the root conftest's make_call
