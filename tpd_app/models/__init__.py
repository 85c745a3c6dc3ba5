"""SQLModel tables; importing this package registers them all on `SQLModel.metadata`."""

from tpd_app.models.tables import (
    AuditLog,
    BusinessAccount,
    LoginSession,
    LoginTicket,
    Teacher,
    Unit,
)

__all__ = ["AuditLog", "BusinessAccount", "LoginSession", "LoginTicket", "Teacher", "Unit"]
