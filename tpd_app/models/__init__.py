"""SQLModel tables; importing this package registers them all on `SQLModel.metadata`."""

from tpd_app.models.accounts import (
    AccountApplication,
    ChiefChangeRequest,
    DirectoryChange,
    OutboxMessage,
    TeacherApplication,
    TeacherPlacement,
)
from tpd_app.models.tables import (
    AuditLog,
    BusinessAccount,
    LoginSession,
    LoginTicket,
    Teacher,
    Unit,
)

__all__ = [
    "AccountApplication",
    "AuditLog",
    "BusinessAccount",
    "ChiefChangeRequest",
    "DirectoryChange",
    "LoginSession",
    "LoginTicket",
    "OutboxMessage",
    "Teacher",
    "TeacherApplication",
    "TeacherPlacement",
    "Unit",
]
