"""Password hashing with Argon2id (argon2-cffi's defaults, RFC 9106 low-memory profile)."""
from __future__ import annotations

import contextlib
from collections.abc import Iterator

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

hasher = PasswordHasher()
MIN_LENGTH = 12
# Argon2 at its cheapest: for accounts that tests and benchmarks make by the hundred, where
# hashing is not what is measured. Never for real accounts.
CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def hash_password(password: str) -> str:
    return hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return hasher.check_needs_rehash(password_hash)


@contextlib.contextmanager
def cheap_hashing() -> Iterator[None]:
    """Hash with `CHEAP` inside the block (benchmarks loading thousands of users)."""
    global hasher
    saved, hasher = hasher, CHEAP
    try:
        yield
    finally:
        hasher = saved
