"""Fixtures of the pilot tests: a signing key in a temporary instance folder, and the shared
schemas (../shared/schemas beside the checkout). The procurement `flow` is
tests/support/pilots.py's."""
from __future__ import annotations

from pathlib import Path

import pytest

from support import pilots
from workflow.pilots.signing import Signer


@pytest.fixture
def signer(tmp_path: Path) -> Signer:
    return Signer.from_instance(tmp_path / "instance")


@pytest.fixture(scope="session")
def load_schema():
    """load_schema("ocds-1.1.5/release-schema.json") → the shared schema, read."""
    return pilots.load_schema
