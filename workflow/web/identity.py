"""Who is signed in: the bridge between Flask-Login and our `User` model.

Flask-Login keeps `get_id()` in the session and the remember cookie. Ours is
"<user id>:<session key>": a password change rotates `User.session_key`, so every other session
and remember cookie of that user stops matching and is signed out.

Views ask `actor()` for the `User` (or None) and pass it to the permission questions.
"""
from __future__ import annotations

import hmac

import sqlalchemy as sa
from flask_login import UserMixin, current_user

from models import User

from ..app import db
from .extensions import login_manager

MAX_ID = 2**31 - 1  # an integer column: larger ids cannot exist (and PostgreSQL would refuse them)


class WebUser(UserMixin):
    """A signed-in `User` as Flask-Login sees it. `.user` is the model instance."""

    def __init__(self, user: User) -> None:
        self.user = user

    def get_id(self) -> str:
        return f"{self.user.id}:{self.user.session_key}"

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.user.is_active

    # Templates read `current_user.name`, `current_user.has_role("admin")` and so on.
    def __getattr__(self, name: str):
        return getattr(self.user, name)


@login_manager.user_loader
def load_user(token: str) -> WebUser | None:
    user_id, _, session_key = token.partition(":")
    if not user_id.isdigit() or not session_key or int(user_id) > MAX_ID:
        return None
    user = db().scalar(sa.select(User).where(User.id == int(user_id)))
    if user is None or not user.is_active or not hmac.compare_digest(user.session_key, session_key):
        return None
    return WebUser(user)


def actor() -> User | None:
    """The signed-in user of this request, or None for an anonymous visitor."""
    if current_user and current_user.is_authenticated:
        return current_user.user
    return None
