"""Files attached to a submission (an ESR application or a Jotpa tender).

The bytes live on disk, content-addressed by their SHA-256 (workflow/attachments.py); a row
says which file, under which name, belongs to which submission. Rows are never deleted:
removing a file from the working copy sets `removed_at`, and the submitted versions keep
referring to it by id in their manifests (`SubmissionVersion.attachments`).
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from .base import Base

if TYPE_CHECKING:
    from .submission import Submission
    from .user import User


class Attachment(Base):
    __tablename__ = "attachments"
    __table_args__ = (
        sa.CheckConstraint("size > 0", name="size_positive"),
        sa.CheckConstraint("length(filename) > 0", name="filename_present"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    submission_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("submissions.id"), index=True)
    # The uploader's name for the file, cleaned (workflow.attachments.clean_filename).
    filename: so.Mapped[str] = so.mapped_column(sa.String(200))
    # Detected from the bytes, never taken from the client.
    media_type: so.Mapped[str] = so.mapped_column(sa.String(100))
    size: so.Mapped[int]  # bytes
    sha256: so.Mapped[str] = so.mapped_column(sa.String(64))
    uploaded_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    uploaded_at: so.Mapped[dt.datetime]
    removed_at: so.Mapped[dt.datetime | None]

    submission: so.Mapped[Submission] = so.relationship(back_populates="attachments")
    uploaded_by: so.Mapped[User] = so.relationship()

    def manifest_entry(self) -> dict[str, object]:
        """This file as a submitted version lists it."""
        return {"id": self.id, "filename": self.filename, "media_type": self.media_type,
                "size": self.size, "sha256": self.sha256}

    def __repr__(self) -> str:
        return f"<Attachment {self.id} submission={self.submission_id} {self.filename!r}>"
