"""The blueprint of the issue-6 pages (registered by workflow.web.register())."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("pilots", __name__)
