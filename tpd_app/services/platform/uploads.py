"""Uploaded spreadsheets: checked before a byte is parsed, read row by row, and kept privately while the
user decides whether to import the good rows.

The upload component's size and type limits run in the browser only, so everything is checked here
again: extension, size, that it is a zip, how many entries it has and how large they unpack (a zip
bomb), and the number of rows. Reflex pickles page state on every event, so a file of up to 2 MB does
not belong there: the state keeps only the random name of the kept file, and files older than a day
are removed whenever a new one is kept.
"""

from __future__ import annotations

import io
import time
import uuid
import zipfile
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from tpd_app.domain.errors import ValidationFailed
from tpd_app.settings import get_settings

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_BYTES = 2 * 1024 * 1024
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_ZIP_ENTRIES = 200
MAX_ROWS = 1000
MAX_AGE_SECONDS = 24 * 3600


def upload_problem(filename: str, data: bytes) -> str | None:
    """An i18n key for why this upload is refused before parsing, or None."""
    if not filename.lower().endswith(".xlsx"):
        return "import.error.type"
    if len(data) > MAX_BYTES:
        return "import.error.size"
    if not data.startswith(b"PK") or not zipfile.is_zipfile(io.BytesIO(data)):
        return "import.error.type"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except zipfile.BadZipFile:
        return "import.error.type"
    if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
        return "import.error.unpacked"
    return None


def read_rows(data: bytes, columns: tuple[tuple[str, str], ...]) -> list[dict[str, Any]]:
    """The data rows of the first sheet as dicts keyed by column name (header checked against `columns`).

    Raises:
        ValidationFailed: not a readable workbook, wrong header, no rows, or too many rows.
    """
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on malformed files
        raise ValidationFailed({"file": "import.error.unreadable"}) from error
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = [str(c).strip() if c is not None else "" for c in next(rows, ())]
        if header[:len(columns)] != [label for _, label in columns]:
            raise ValidationFailed({"file": "import.error.header"})
        result: list[dict[str, Any]] = []
        for cells in rows:
            if all(c is None or str(c).strip() == "" for c in cells):
                continue
            if len(result) >= MAX_ROWS:
                raise ValidationFailed({"file": "import.error.rows"})
            padded = list(cells) + [None] * len(columns)
            result.append({key: padded[i] for i, (key, _) in enumerate(columns)})
    finally:
        book.close()
    if not result:
        raise ValidationFailed({"file": "import.error.empty"})
    return result


def pending_imports_dir() -> Path:
    """Where checked spreadsheets wait for their confirmation (private, beside the attachments)."""
    return get_settings().private_dir / "pending-imports"


def _dir() -> Path:
    path = pending_imports_dir()
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _path(name: str) -> Path | None:
    # Only names we made (32 hex digits) are ever opened: the name is never joined unchecked.
    if len(name) != 32 or not all(c in "0123456789abcdef" for c in name):
        return None
    return _dir() / name


def keep(data: bytes) -> str:
    """Store the bytes under a new random name and return it."""
    folder = _dir()
    cutoff = time.time() - MAX_AGE_SECONDS
    for old in folder.iterdir():
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    name = uuid.uuid4().hex
    (folder / name).write_bytes(data)
    return name


def read(name: str) -> bytes | None:
    """The stored bytes, or None when the name is unknown, malformed or expired."""
    path = _path(name)
    return path.read_bytes() if path is not None and path.exists() else None


def discard(name: str) -> None:
    """Remove a stored file (nothing happens for unknown names)."""
    path = _path(name)
    if path is not None:
        path.unlink(missing_ok=True)
