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
        )
