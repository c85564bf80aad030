"""The Flask extensions, created once and bound to each app in `create_app`.

Import them from here: `from workflow.web.extensions import csrf` (e.g. `csrf.exempt(bp)` for
a blueprint that authenticates with bearer tokens instead of a session cookie).
"""
from __future__ import annotations

from flask_babel import Babel
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()
