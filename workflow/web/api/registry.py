"""The collections whose objects have a state machine: `calls`, `submissions`, and what later
issues add. Each registers how to load one object for a user (404 for those who may not know
it exists) and how to represent it; the transitions and history endpoints (workflow.py) and the
OpenAPI document (openapi.py) are generic over this registry."""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from models import User

from .errors import not_found


@dataclasses.dataclass(frozen=True)
class Collection:
    name: str                                           # the path segment, e.g. "calls"
    schema: str                                         # OpenAPI schema name of one object
    noun: str                                           # for the docs, e.g. "call"
    workflows: tuple[str, ...]                          # names in workflow.definitions.WORKFLOWS
    load: Callable[[int, User | None], Any]             # the object, or raises 404
    represent: Callable[[Any, User | None, str], dict[str, Any]]


COLLECTIONS: dict[str, Collection] = {}


def register(collection: Collection) -> Collection:
    COLLECTIONS[collection.name] = collection
    return collection


def collection(name: str) -> Collection:
    found = COLLECTIONS.get(name)
    if found is None:
        raise not_found()
    return found
