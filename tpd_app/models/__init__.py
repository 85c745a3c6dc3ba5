"""SQLModel tables; importing this package registers them all on `SQLModel.metadata`."""

from tpd_app.models.courses import (
    AutoReviewSetting,
    CatalogueEntry,
    Course,
    CourseAttachment,
    CourseDecision,
    CourseSession,
    CourseTopic,
    CourseTopicLink,
)
from tpd_app.models.tables import (
    AuditLog,
    BusinessAccount,
    LoginSession,
    LoginTicket,
    Teacher,
    Unit,
)

#: Tables created by raw SQL in migrations (SQLite FTS5 and its shadow tables), not by models.
UNMANAGED_TABLE_PREFIXES: tuple[str, ...] = ("catalogue_fts",)

__all__ = [
    "UNMANAGED_TABLE_PREFIXES",
    "AuditLog",
    "AutoReviewSetting",
    "BusinessAccount",
    "CatalogueEntry",
    "Course",
    "CourseAttachment",
    "CourseDecision",
    "CourseSession",
    "CourseTopic",
    "CourseTopicLink",
    "LoginSession",
    "LoginTicket",
    "Teacher",
    "Unit",
]
