"""Settings from the environment (CONTRACT § Configuration)."""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path


@dataclasses.dataclass(frozen=True)
class Settings:
    instance_path: Path
    database_url: str
    secret_key: str | None
    smtp_url: str | None
    mail_from: str
    base_url: str
    timezone: str
    # Reverse proxies in front of the web that set X-Forwarded-For/-Proto/-Host (0: none, the
    # client's address is the socket's). Sign-in rate limits count per client address.
    trusted_proxies: int = 0

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        instance = Path(env.get("HANKEFLOW_INSTANCE_PATH") or Path.cwd() / "instance").resolve()
        return cls(
            instance_path=instance,
            database_url=env.get("HANKEFLOW_DATABASE_URL") or f"sqlite:///{instance / 'hankeflow.sqlite3'}",
            secret_key=env.get("HANKEFLOW_SECRET_KEY") or None,
            smtp_url=env.get("HANKEFLOW_SMTP_URL") or None,
            mail_from=env.get("HANKEFLOW_MAIL_FROM") or "hankeflow@localhost",
            base_url=(env.get("HANKEFLOW_BASE_URL") or "http://127.0.0.1:5000").rstrip("/"),
            timezone=env.get("HANKEFLOW_TIMEZONE") or "Europe/Helsinki",
            trusted_proxies=_count(env, "HANKEFLOW_TRUSTED_PROXIES"),
        )


def _count(env: dict[str, str], name: str) -> int:
    text = (env.get(name) or "0").strip()
    if not text.isdigit() or int(text) > 10:
        raise ValueError(f"{name} must be a number of proxies from 0 to 10, not {text!r}")
    return int(text)


# Attachments of a submission (workflow/attachments.py; README § Configuration). Sizes in
# bytes; "MB" for people is 2**20 bytes, as file managers count.
MEGABYTE = 2**20
MAX_ATTACHMENT_BYTES = 10 * MEGABYTE       # one file
MAX_ATTACHMENTS = 20                       # files in a submission's working copy
MAX_ATTACHMENTS_TOTAL_BYTES = 100 * MEGABYTE
# Everything ever attached to one submission, removed files included: stored files are never
# deleted, so this bounds the disk one submission can take.
MAX_UPLOADED_BYTES = 3 * MAX_ATTACHMENTS_TOTAL_BYTES
# An upload request may be this much larger than the file (multipart framing, CSRF token,
# version): above it the request is refused with 413 before it is read.
UPLOAD_REQUEST_MARGIN = MEGABYTE
