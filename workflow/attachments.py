"""Attachments on submissions: files beside the form's content, exactly as sealed as it.

- **Who**: the own organisation adds and removes files on the working copy under the same
  rules as `submissions.update_content` (editable state, strictly before the deadline, the
  version it saw); reading a file or even its name needs `permissions.can_read_content` (a
  sealed tender's files reach nobody outside the bidder's organisation before the opening).
- **What**: at most `MAX_ATTACHMENTS` files of `MAX_ATTACHMENT_BYTES` each and
  `MAX_ATTACHMENTS_TOTAL_BYTES` together (workflow/config.py), of the `ACCEPTED` types. The
  type is detected from the bytes (the `filetype` package, ZIP members for office files, a
  text check for TXT/CSV), never taken from the client, and the file name's extension must
  agree with it.
- **Where**: `FileStore` keeps the bytes under `<instance>/uploads/ab/abcdef…`, named by their
  SHA-256: written to a temporary file beside them, fsynced, then renamed into place
  (`os.replace`, atomic), so a crash leaves either the whole file or none (at most a stray
  `uploads/.upload-*` temporary file, safe to delete). An identical file is stored once. The
  application never deletes a stored file: submitted versions refer to them, and a file whose
  row was rolled back is merely unused. Reading verifies the SHA-256; a damaged or missing
  file is refused (`attachment_unavailable`), never served.
- **Versions**: submitting copies the working copy's manifest into the version
  (effects.record_receipt) and the receipt's SHA-256 covers it (content.receipt_sha256).
  Removing a file only sets `removed_at`: the rows stay for the versions that list them.

Every change touches the submission (`updated_at`), so its version column moves: concurrent
uploads, removals and submits of one submission are serialised by the optimistic lock.
"""
from __future__ import annotations

import codecs
import contextlib
import dataclasses
import hashlib
import logging
import lzma
import os
import re
import tempfile
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import filetype
import sqlalchemy as sa
import sqlalchemy.orm as so

from models import Attachment, Submission, SubmissionVersion, User

from . import clock
from .config import (MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MAX_ATTACHMENTS_TOTAL_BYTES,
                     MAX_UPLOADED_BYTES, MEGABYTE, Settings)
from .engine import record_event
from .errors import WorkflowError, not_allowed
from .guards import editing_refusal
from .i18n import N_
from .permissions import can_read_content, is_own_organisation, is_sealed
from .submissions import readable_copy

log = logging.getLogger(__name__)

MAX_FILENAME = 200
MAX_ID = 2**31 - 1
CHUNK = 64 * 1024


@dataclasses.dataclass(frozen=True)
class FileType:
    label: str                    # what people call it: "PDF"
    media_type: str
    extensions: tuple[str, ...]   # lower case, without the dot


OOXML = "application/vnd.openxmlformats-officedocument."
ODF = "application/vnd.oasis.opendocument."
ACCEPTED: tuple[FileType, ...] = (
    FileType("PDF", "application/pdf", ("pdf",)),
    FileType("DOCX", OOXML + "wordprocessingml.document", ("docx",)),
    FileType("XLSX", OOXML + "spreadsheetml.sheet", ("xlsx",)),
    FileType("PPTX", OOXML + "presentationml.presentation", ("pptx",)),
    FileType("ODT", ODF + "text", ("odt",)),
    FileType("ODS", ODF + "spreadsheet", ("ods",)),
    FileType("PNG", "image/png", ("png",)),
    FileType("JPEG", "image/jpeg", ("jpg", "jpeg")),
    FileType("TXT", "text/plain", ("txt",)),
    FileType("CSV", "text/csv", ("csv",)),
)
BY_EXTENSION = {ext: t for t in ACCEPTED for ext in t.extensions}
BY_MEDIA_TYPE = {t.media_type: t for t in ACCEPTED}
TEXT_TYPES = frozenset({"text/plain", "text/csv"})
ACCEPTED_LABELS = ", ".join(t.label for t in ACCEPTED)
# ZIP members that name an office document's kind (for files the `filetype` signatures miss).
OOXML_PARTS = {"word/": "DOCX", "xl/": "XLSX", "ppt/": "PPTX"}

CHOOSE_FILE = N_("Choose a file to upload.")
EMPTY_FILE = N_("The file is empty.")
TOO_LARGE = N_("The file is larger than %(megabytes)s MB.")
TOO_MANY = N_("A submission can have at most %(count)s attachments. Remove one first.")
TOTAL_TOO_LARGE = N_("The attachments of a submission can total at most %(megabytes)s MB.")
ALLOWANCE_USED = N_("This submission has used its upload allowance of %(megabytes)s MB (removed "
                    "files count too, as they are kept). Ask the administrator for help.")
NOT_ACCEPTED = N_("This file type is not accepted: %(type)s. Accepted: %(accepted)s.")
MISMATCH = N_("The file name ends in .%(extension)s, but the file's content is %(detected)s. "
              "Check that you chose the right file.")
NOT_THAT_TYPE = N_("The file name ends in .%(extension)s, but the file's content is not "
                   "%(expected)s. Check that you chose the right file.")
UNAVAILABLE = N_("The stored copy of this file is damaged or missing, so it is not served. "
                 "The administrators can restore it from a backup.")
SEALED = N_("This tender is sealed until the tenders are opened at the deadline: its "
            "attachments cannot be read before that.")
NO_EXTENSION = N_("a name without an extension")

# code → HTTP status is in errors.HTTP_STATUS.
FILE_TOO_LARGE = "file_too_large"


def limits_text() -> dict[str, object]:
    """The limits and types, for hints, the file input's `accept` and the API description."""
    return {"file_megabytes": MAX_ATTACHMENT_BYTES // MEGABYTE, "count": MAX_ATTACHMENTS,
            "total_megabytes": MAX_ATTACHMENTS_TOTAL_BYTES // MEGABYTE,
            "accepted": ACCEPTED_LABELS,
            "accept": ",".join(f".{ext}" for t in ACCEPTED for ext in t.extensions)}


def file_type_label(media_type: str) -> str:
    """What people call a stored file's type: "PDF"."""
    found = BY_MEDIA_TYPE.get(media_type)
    return found.label if found else media_type


# File names ----------------------------------------------------------------------------------

def clean_filename(raw: str | None) -> str:
    """The uploader's file name as we keep it: the last path component, NFC, without control
    or format characters (e.g. the right-to-left override that disguises "exe.pdf"), spaces
    collapsed, at most 200 characters (the extension kept). "" when nothing is left."""
    name = unicodedata.normalize("NFC", str(raw or ""))
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Cs"))
    name = " ".join(name.split())
    if not name.strip("."):
        return ""
    if len(name) > MAX_FILENAME:
        stem, dot, extension = name.rpartition(".")
        if dot and stem and 0 < len(extension) <= 10:
            name = stem[:MAX_FILENAME - len(extension) - 1].rstrip() + "." + extension
        else:
            name = name[:MAX_FILENAME].rstrip()
    return name


def extension_of(filename: str) -> str:
    stem, dot, extension = filename.rpartition(".")
    return extension.lower() if dot and stem else ""


# Storage ---------------------------------------------------------------------------------------

@dataclasses.dataclass
class Received:
    """An upload written to a temporary file, hashed and measured, not yet in the store."""

    path: Path
    sha256: str
    size: int


class FileStore:
    """Files named by their SHA-256 under `root` (`<instance>/uploads`)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    @classmethod
    def of_instance(cls, instance_path: Path | str) -> FileStore:
        return cls(Path(instance_path) / "uploads")

    @classmethod
    def configured(cls) -> FileStore:
        """The store of the configured instance (HANKEFLOW_INSTANCE_PATH), outside a request."""
        return cls.of_instance(Settings.from_env().instance_path)

    def path_of(self, sha256: str) -> Path:
        if not re.fullmatch(r"[0-9a-f]{64}", sha256):
            raise ValueError("not a SHA-256")
        return self.root / sha256[:2] / sha256

    @contextlib.contextmanager
    def receive(self, stream: BinaryIO, max_bytes: int) -> Iterator[Received]:
        """Copy the stream to a temporary file in the store, hashing it; refuse it as soon as
        it is larger than `max_bytes`. The temporary file is gone when the block ends: `keep`
        moves it into place first if the upload is accepted."""
        self.root.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".upload-", dir=self.root)
        path = Path(name)
        try:
            digest, size = hashlib.sha256(), 0
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if size > max_bytes:
                        raise WorkflowError(FILE_TOO_LARGE, TOO_LARGE,
                                            megabytes=max_bytes // MEGABYTE,
                                            details={"file": TOO_LARGE})
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            yield Received(path, digest.hexdigest(), size)
        finally:
            path.unlink(missing_ok=True)

    def keep(self, received: Received) -> Path:
        """Put a received file in its place, atomically; an identical file already there is
        kept as it is."""
        target = self.path_of(received.sha256)
        if target.is_file() and _sha256_of(target) == received.sha256:
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(received.path, target)
        _fsync_directory(target.parent)
        return target

    def read_verified(self, sha256: str) -> bytes:
        """The stored file's bytes, after checking that they still have this SHA-256. Read
        whole (a file is at most MAX_ATTACHMENT_BYTES): what is checked is what is served."""
        try:
            data = self.path_of(sha256).read_bytes()
        except OSError:
            log.error("attachment %s is missing from %s", sha256, self.root)
            raise WorkflowError("attachment_unavailable", UNAVAILABLE) from None
        found = hashlib.sha256(data).hexdigest()
        if found != sha256:
            log.error("attachment %s in %s does not match its SHA-256 (found %s)",
                      sha256, self.root, found)
            raise WorkflowError("attachment_unavailable", UNAVAILABLE)
        return data


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync_directory(path: Path) -> None:
    """Make the rename durable too (POSIX; a no-op where directories cannot be opened)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# Types -----------------------------------------------------------------------------------------

def detect_type(path: Path) -> FileType | None:
    """The accepted type the bytes are, or None: signatures first, then an office file's ZIP
    members, then whether it is text (UTF-8, or Windows-1252 as Excel writes CSV)."""
    with open(path, "rb") as handle:
        head = handle.read(8192)
    guess = filetype.guess(head)
    found = BY_MEDIA_TYPE.get(guess.mime) if guess is not None else None
    if found is None and guess is not None and guess.mime == "application/zip":
        found = _office_in_zip(path)
    if found is None and _is_text(path):  # text may happen to begin like a signature
        found = BY_MEDIA_TYPE["text/plain"]
    return found


def _office_in_zip(path: Path) -> FileType | None:
    """An office file's type from its members' names; an ODF file's from its `mimetype`
    member, of which no more than 100 bytes are ever unpacked (a crafted archive could
    inflate a small upload to gigabytes). A damaged archive is no office file."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    declared = member.read(100).decode("ascii", "replace").strip()
                return BY_MEDIA_TYPE.get(declared)
    except (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError, KeyError,
            RuntimeError, ValueError, NotImplementedError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for prefix, label in OOXML_PARTS.items():
        if any(n.startswith(prefix) for n in names):
            return next(t for t in ACCEPTED if t.label == label)
    return None


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _is_text(path: Path) -> bool:
    for encoding in ("utf-8-sig", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)("strict")
        try:
            with open(path, "rb") as handle:
                while chunk := handle.read(CHUNK):
                    if _CONTROL.search(decoder.decode(chunk)):
                        return False
                if _CONTROL.search(decoder.decode(b"", final=True)):
                    return False
            return True
        except UnicodeDecodeError:
            continue
    return False


def checked_type(filename: str, path: Path) -> FileType:
    """The file's type if its name's extension is an accepted one and its bytes agree."""
    extension = extension_of(filename)
    claimed = BY_EXTENSION.get(extension)
    if claimed is None:
        raise _refused("file_type_not_accepted", NOT_ACCEPTED,
                       type=f".{extension}" if extension else NO_EXTENSION,
                       accepted=ACCEPTED_LABELS)
    detected = detect_type(path)
    if (detected is not None and claimed.media_type in TEXT_TYPES
            and detected.media_type in TEXT_TYPES):
        return claimed  # text is text: .txt or .csv as named
    if detected == claimed:
        return claimed
    if detected is None:
        raise _refused("file_type_mismatch", NOT_THAT_TYPE, extension=extension,
                       expected=claimed.label)
    raise _refused("file_type_mismatch", MISMATCH, extension=extension, detected=detected.label)


def _refused(code: str, message: str, **params: object) -> WorkflowError:
    return WorkflowError(code, message, details={"file": message}, **params)


# The service -----------------------------------------------------------------------------------

def working_attachments(session: so.Session, submission: Submission) -> list[Attachment]:
    """The files of the working copy, in upload order."""
    return list(session.scalars(
        sa.select(Attachment)
        .where(Attachment.submission_id == submission.id, Attachment.removed_at.is_(None))
        .order_by(Attachment.id)))


def manifest(attachments: list[Attachment]) -> list[dict[str, object]]:
    """What a submitted version records of its files (SubmissionVersion.attachments)."""
    return [a.manifest_entry() for a in attachments]


def _check_editable(actor: User, submission: Submission, version: int | None) -> None:
    """The rules of submissions.update_content (guards.editing_refusal)."""
    refusal = editing_refusal(actor, submission, clock.now(), version)
    if refusal:
        raise refusal


def _touch(session: so.Session, submission: Submission) -> None:
    """Move the submission's version (even when the clock has not moved), so that a
    concurrent change of the same submission fails its flush as a conflict."""
    submission.updated_at = clock.now()
    so.attributes.flag_modified(submission, "updated_at")
    session.flush()


def add_attachment(session: so.Session, actor: User, submission: Submission,
                   filename: str | None, stream: BinaryIO, *, version: int | None = None,
                   store: FileStore | None = None) -> Attachment:
    """Attach a file to the working copy. Nothing is stored when it is refused."""
    _check_editable(actor, submission, version)
    name = clean_filename(filename)
    if not name:
        raise _refused("invalid_input", CHOOSE_FILE)
    current = working_attachments(session, submission)
    if len(current) >= MAX_ATTACHMENTS:
        raise _refused("too_many_attachments", TOO_MANY, count=MAX_ATTACHMENTS)
    store = store or FileStore.configured()
    with store.receive(stream, MAX_ATTACHMENT_BYTES) as received:
        if received.size == 0:
            raise _refused("invalid_input", EMPTY_FILE)
        if sum(a.size for a in current) + received.size > MAX_ATTACHMENTS_TOTAL_BYTES:
            raise _refused("attachments_too_large", TOTAL_TOO_LARGE,
                           megabytes=MAX_ATTACHMENTS_TOTAL_BYTES // MEGABYTE)
        ever = session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Attachment.size), 0))
                              .where(Attachment.submission_id == submission.id))
        if ever + received.size > MAX_UPLOADED_BYTES:
            raise _refused("upload_allowance_used", ALLOWANCE_USED,
                           megabytes=MAX_UPLOADED_BYTES // MEGABYTE)
        kind = checked_type(name, received.path)
        store.keep(received)
    attachment = Attachment(submission=submission, filename=name,
                            media_type=kind.media_type, size=received.size,
                            sha256=received.sha256, uploaded_by_id=actor.id,
                            uploaded_at=clock.now())
    session.add(attachment)
    _touch(session, submission)
    # Neither the name nor the hash: administrators read the history of a sealed tender.
    record_event(session, submission, "add_attachment", actor,
                 data={"attachment_id": attachment.id})
    return attachment


def remove_attachment(session: so.Session, actor: User, submission: Submission,
                      attachment_id: int, *, version: int | None = None) -> Attachment:
    """Take a file out of the working copy; submitted versions keep it."""
    _check_editable(actor, submission, version)
    attachment = _get(session, attachment_id)
    if (attachment is None or attachment.submission_id != submission.id
            or attachment.removed_at is not None):
        raise WorkflowError("not_found", N_("There is no such attachment."))
    attachment.removed_at = clock.now()
    _touch(session, submission)
    record_event(session, submission, "remove_attachment", actor,
                 data={"attachment_id": attachment.id})
    return attachment


def _get(session: so.Session, attachment_id: int) -> Attachment | None:
    if not 0 < attachment_id <= MAX_ID:  # an integer column: larger ids name nothing
        return None
    return session.get(Attachment, attachment_id)


def check_readable(actor: User | None, submission: Submission) -> None:
    """Reading a file, or even its name, is reading the content. The caller has checked
    that the actor may know the submission exists (else 404)."""
    if can_read_content(actor, submission):
        return
    if is_sealed(submission):
        raise WorkflowError("sealed", SEALED)
    raise not_allowed()


def readable_attachment(session: so.Session, actor: User | None, submission: Submission,
                        attachment_id: int) -> Attachment:
    """One of the submission's files. The own organisation: any (removed ones too, submitted
    versions list them); everyone else: only files that some submitted version lists, never
    one added to the working copy since."""
    check_readable(actor, submission)
    attachment = _get(session, attachment_id)
    if (attachment is None or attachment.submission_id != submission.id
            or not (is_own_organisation(actor, submission)
                    or attachment.id in received_attachment_ids(session, submission))):
        raise WorkflowError("not_found", N_("There is no such attachment."))
    return attachment


def readable_attachments(session: so.Session, actor: User | None,
                         submission: Submission) -> list[Attachment]:
    """The files the actor is shown (workflow.submissions.readable_copy): the own
    organisation the working copy's, everyone else those of the version received last."""
    check_readable(actor, submission)
    copy = readable_copy(session, actor, submission)
    rows = {a.id: a for a in submission.attachments}
    return [rows[entry["id"]] for entry in (copy.attachments if copy else [])
            if entry["id"] in rows]


def received_attachment_ids(session: so.Session, submission: Submission) -> set[int]:
    """The files some submitted version lists: all that others may ever download."""
    manifests = session.scalars(sa.select(SubmissionVersion.attachments)
                                .where(SubmissionVersion.submission_id == submission.id))
    return {int(entry["id"]) for manifest in manifests for entry in (manifest or [])}


def attachment_bytes(attachment: Attachment, store: FileStore | None = None) -> bytes:
    """The file's bytes, verified against its SHA-256 (`attachment_unavailable` otherwise).
    Check `readable_attachment` first."""
    return (store or FileStore.configured()).read_verified(attachment.sha256)
