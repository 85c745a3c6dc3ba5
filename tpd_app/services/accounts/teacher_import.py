"""Bulk teacher entry from an Excel template (教師資料登錄, 批次匯入), with a row-by-row report.

The file is checked by `platform.uploads` (type, size, zip, rows) before openpyxl parses a byte.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from openpyxl import Workbook
from sqlmodel import Session

from tpd_app.domain.accounts import ImportOutcome
from tpd_app.domain.errors import ValidationFailed
from tpd_app.domain.national_id import mask_national_id, normalize_national_id
from tpd_app.domain.permissions import Actor, Function
from tpd_app.domain.units import TEACHER_UNITS
from tpd_app.services.accounts.teachers import add_teacher, own_school, teacher_problems
from tpd_app.services.platform import audit
from tpd_app.services.platform.uploads import MAX_ROWS, read_rows, upload_problem

COLUMNS = (("national_id", "身分證字號"), ("name", "姓名"), ("birth_date", "出生日期"),
           ("email", "電子郵件"), ("phone", "電話"))


def template_bytes() -> bytes:
    """The empty template: one header row, and a sheet explaining each column."""
    book = Workbook()
    sheet = book.active
    sheet.title = "教師資料"
    sheet.append([label for _, label in COLUMNS])
    for column, width in zip("ABCDE", (14, 12, 12, 28, 16), strict=True):
        sheet.column_dimensions[column].width = width
    notes = book.create_sheet("說明")
    for line in ("每列一位教師，第一列為標題請勿修改。",
                 "身分證字號：必填，需通過檢查碼；已登錄於其他學校的教師請改用「教師調入」。",
                 "姓名：必填。出生日期：例 1988-05-17 或 77/05/17（民國）。",
                 f"電子郵件、電話：選填。每檔最多 {MAX_ROWS} 列。"):
        notes.append([line])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def import_teachers(session: Session, actor: Actor, filename: str, data: bytes, *,
                    ip: str = "", progress: Callable[[int, int], None] | None = None) -> list[dict[str, str]]:
    """Add every valid row as a teacher of the own school; report each row (added or why not);
    `progress(done, total)` hears of each hundred rows.

    Rows are checked one by one (checksum, duplicates in the file and in the database, dates);
    valid rows are added, invalid ones reported, in one transaction.

    Raises:
        Forbidden: the actor lacks `teachers.enter`.
        ValidationFailed: the file as a whole is refused (type, size, header, row count).
    """
    school = own_school(session, actor, Function.TEACHERS_ENTER, ip=ip)
    if school.type not in TEACHER_UNITS:
        raise ValidationFailed({"file": "import.error.type"})
    if problem := upload_problem(filename, data):
        raise ValidationFailed({"file": problem})
    report: list[dict[str, str]] = []
    seen: set[str] = set()
    added = 0
    rows = list(read_rows(data, COLUMNS))
    for number, raw in enumerate(rows, start=2):
        if progress and number % 100 == 0:
            progress(number - 2, len(rows))
        national_id = normalize_national_id(str(raw.get("national_id") or ""))
        shown = mask_national_id(national_id)
        if national_id in seen:
            errors = {"national_id": "teachers.error.duplicate_in_file"}
        else:
            values, errors = teacher_problems(session, {k: "" if v is None else v for k, v in raw.items()})
        if errors:
            field, key = next(iter(errors.items()))
            report.append({"row": str(number), "national_id": shown, "name": str(raw.get("name") or "")[:100],
                           "outcome": ImportOutcome.ERROR.value, "field": field, "message": key})
            continue
        seen.add(values["national_id"])
        add_teacher(session, actor, school, values, ip=ip)
        added += 1
        report.append({"row": str(number), "national_id": shown, "name": values["name"],
                       "outcome": ImportOutcome.ADDED.value, "field": "", "message": "import.row_added"})
    audit.record(session, action="teacher.import", actor=actor, target_type="unit", target_id=school.id or "",
                 after={"file": filename[:100], "rows": len(report), "added": added}, ip=ip)
    return report
