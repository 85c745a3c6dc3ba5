"""Documents people attach (to a course, to an announcement): checked by their bytes on the server, stored
privately under generated names, served only by the feature that decides who may see them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from tpd_app.domain.errors import ValidationFailed
from tpd_app.settings import get_settings

MAX_BYTES = 5 * 1024 * 1024
_ZIP = b"PK\x03\x04"
#: Extension -> (content type, magic bytes the file must start with). The browser's claimed
#: type and the upload component's `accept` are ignored: only the bytes count.
ALLOWED: dict[str, tuple[str, bytes]] = {
    ".pdf": ("application/pdf", b"%PDF-"),
    ".png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", _ZIP),
    ".odt": ("application/vnd.oasis.opendocument.text", _ZIP),
}


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed the checks: its cleaned name, its type by its bytes, and its stored extension."""

    name: str
    content_type: str
    extension: str
    size: int


@dataclass(frozen=True)
class FileToServe:
    path: Path
    name: str
    content_type: str


def storage_dir() -> Path:
    """The private directory (never Reflex's public upload folder)."""
    path = get_settings().attachments_dir
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def clean_name(name: str) -> str:
    base = Path(str(name or "")).name.replace("\x00", "").strip()
    return base[-200:] or "attachment"


def check(filename: str, data: bytes, *, field: str = "attachment",
          allowed: dict[str, tuple[str, bytes]] | None = None, max_bytes: int = MAX_BYTES) -> CheckedFile:
    """The file if its extension is allowed, its size within the limit and its bytes match its type.

    Raises:
        ValidationFailed: `{field: attachment.error.type | size | content}`.
    """
    kinds = ALLOWED if allowed is None else allowed
    name = clean_name(filename)
    extension = Path(name).suffix.lower()
    if extension not in kinds:
        raise ValidationFailed({field: "attachment.error.type"})
    if not data or len(data) > max_bytes:
        raise ValidationFailed({field: "attachment.error.size"})
    content_type, magic = kinds[extension]
    if not data.startswith(magic):
        raise ValidationFailed({field: "attachment.error.content"})
    return CheckedFile(name=name, content_type=content_type, extension=extension, size=len(data))


def store(data: bytes, extension: str) -> str:
    """Write the bytes under a new generated name in the private directory; returns that name."""
    stored = uuid.uuid4().hex + extension
    (storage_dir() / stored).write_bytes(data)
    return stored


def discard(stored_name: str) -> None:
    (storage_dir() / stored_name).unlink(missing_ok=True)


def serve(stored_name: str, name: str, content_type: str) -> FileToServe | None:
    """The stored file to send, or None when it is gone from the disk."""
    path = storage_dir() / stored_name
    return FileToServe(path=path, name=name, content_type=content_type) if path.is_file() else None
