"""What the test folders share, so that no folder keeps a copy of another's helpers.

tests/ is on sys.path: pytest's default ("prepend") import mode puts the folder of
tests/conftest.py there, as it puts each test folder there (folders have no __init__.py, so
module basenames are unique across tests/). `from support... import ...` therefore works in
every folder, whether the whole suite runs or one folder alone.

- here: the password of every user the factories make, helsinki(), the scenes' dates;
- support.web: the page tests' fixtures (`app`, `csrf_app`, `client`, `login`, `anonymous`,
  `instance`) and helpers (`body`, `csrf_token`, `cell`, `make_app`, `sign_in`);
- support.evaluation: criteria with known names and the evaluation scenes (fixtures);
- support.pilots: a Jotpa procurement's `Flow` to its contract and pilot delivery,
  micro-credential descriptions, and the shared schemas with their validators.
- support.mail: a real SMTP server (`smtp_server`, told to refuse for a while), `settings`
  pointing at it, `run_sweep()`, the `outbox(...)` rows and `reminders_to(address)`; and
  `send_mail(session)`, the scheduler's delivery to a server that accepts everything (a
  procurement's standstill counts from the sending of its decision letters).

The modules with fixtures are plugins registered by tests/conftest.py (`pytest_plugins`): their
fixtures are available in every folder, and a folder's conftest.py overrides any of them.
"""
from __future__ import annotations

import datetime as dt

from workflow.timeutil import HELSINKI

PASSWORD = "correct horse battery staple"  # of every user tests/conftest.py's make_user makes


def helsinki(*args: int) -> dt.datetime:
    """An instant given as Helsinki wall-clock time: helsinki(2024, 6, 3, 16, 15)."""
    return dt.datetime(*args, tzinfo=HELSINKI).astimezone(dt.timezone.utc)


# The root conftest's make_call: an ESR call open from 11.3.2024 to 3.6.2024 16.15.
ESR_OPENS = helsinki(2024, 3, 11, 9, 0)
ESR_DEADLINE = helsinki(2024, 6, 3, 16, 15)
# The Jotpa procurement of the evaluation and pilot scenes: tenders from 15.5. to 4.6.2024 16.15.
JOTPA_OPENS = helsinki(2024, 5, 15, 9, 0)
JOTPA_DEADLINE = helsinki(2024, 6, 4, 16, 15)
