"""Fixtures of the pilot tests: the flow helper, a signing key in a temporary instance
folder, and the shared schemas (../shared/schemas beside the checkout)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pilot_flow import SCHEMAS, Flow

from workflow.pilots.signing import Signer


@pytest.fixture
def flow(session, clock, admin, make_user, make_org, make_call) -> Flow:
    return Flow(session, clock, admin, make_user, make_org, make_call)


@pytest.fixture
def signer(tmp_path: Path) -> Signer:
    return Signer.from_instance(tmp_path / "instance")


@pytest.fixture(scope="session")
def load_schema():
    def load(relative: str) -> dict[str, Any]:
        path = SCHEMAS / relative
        if not path.is_file():
            pytest.fail(f"shared schema missing: {path} (CI keeps shared/ beside the checkout)")
        return json.loads(path.read_text("utf-8"))
    return load
