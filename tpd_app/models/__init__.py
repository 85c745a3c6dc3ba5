"""SQLModel tables; importing this package registers them all on `SQLModel.metadata`."""

from tpd_app.models.accounts import (
    AccountApplication,
    BusinessAccount,
    ChiefChangeRequest,
    LoginSession,
    LoginThrottle,
    LoginTicket,
    PasswordReset,
    Teacher,
    TeacherApplication,
    TeacherPlacement,
)
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
from tpd_app.models.helpdesk import HelpdeskMessage, HelpdeskTicket
from tpd_app.models.hours import (
    AttendanceEntry,
    AttendanceEvent,
    AttendanceList,
    CalendarFeed,
    ComplianceReminder,
    ComplianceRuleRow,
    CourseRegistration,
    RegistrationTally,
    ReportPermission,
    Subscription,
    SubscriptionNotice,
)
from tpd_app.models.ledger import TrainingRecord
from tpd_app.models.newsletter import NewsletterArticle, NewsletterIssue, NewsletterRequest, NewsletterSubscriber
from tpd_app.models.platform import AuditLog, ChoreRun, OutboxMessage
from tpd_app.models.portal import (
    Announcement,
    AnnouncementAttachment,
    AnnouncementRevision,
    FaqEntry,
    FaqVote,
    RuleNotice,
    RuleVersion,
    VideoGuide,
)
from tpd_app.models.reporting import (
    ApiClient,
    CountyReporting,
    ReportedCourse,
    ReportedMonth,
    ReportedMonthLook,
    ReportRejection,
)
from tpd_app.models.sso import SsoLink, SsoPending, SsoPolicy, SsoRequest
from tpd_app.models.stats import (
    DIST_CAP_MINUTES,
    StatsCourseFact,
    StatsMonth,
    StatsRoster,
    StatsTeacherDist,
    StatsTeacherPeriod,
    StatsUnit,
    StatsUnitYear,
    StatsYear,
)
from tpd_app.models.units import DirectoryChange, Unit

#: Tables created by raw SQL in migrations (SQLite FTS5 and its shadow tables), not by models.
UNMANAGED_TABLE_PREFIXES: tuple[str, ...] = ("catalogue_fts",)
#: Indexes created by raw SQL for one dialect (PostgreSQL trigram search), not by models.
UNMANAGED_INDEXES: frozenset[str] = frozenset({"ix_catalogue_entry_search_trgm"})


def include_in_schema_compare(name: str | None, type_: str, _parents: object) -> bool:
    """Alembic `include_name`: leave the raw-SQL search tables and indexes out of comparisons."""
    if type_ == "table" and name and name.startswith(UNMANAGED_TABLE_PREFIXES):
        return False
    return not (type_ == "index" and name in UNMANAGED_INDEXES)


__all__ = [
    "DIST_CAP_MINUTES",
    "UNMANAGED_INDEXES",
    "UNMANAGED_TABLE_PREFIXES",
    "AccountApplication",
    "Announcement",
    "AnnouncementAttachment",
    "AnnouncementRevision",
    "ApiClient",
    "AttendanceEntry",
    "AttendanceEvent",
    "AttendanceList",
    "AuditLog",
    "AutoReviewSetting",
    "BusinessAccount",
    "CalendarFeed",
    "CatalogueEntry",
    "ChiefChangeRequest",
    "ChoreRun",
    "ComplianceReminder",
    "ComplianceRuleRow",
    "CountyReporting",
    "Course",
    "CourseAttachment",
    "CourseDecision",
    "CourseRegistration",
    "CourseSession",
    "CourseTopic",
    "CourseTopicLink",
    "DirectoryChange",
    "FaqEntry",
    "FaqVote",
    "HelpdeskMessage",
    "HelpdeskTicket",
    "LoginSession",
    "LoginThrottle",
    "LoginTicket",
    "NewsletterArticle",
    "NewsletterIssue",
    "NewsletterRequest",
    "NewsletterSubscriber",
    "OutboxMessage",
    "PasswordReset",
    "RegistrationTally",
    "ReportPermission",
    "ReportRejection",
    "ReportedCourse",
    "ReportedMonth",
    "ReportedMonthLook",
    "RuleNotice",
    "RuleVersion",
    "SsoLink",
    "SsoPending",
    "SsoPolicy",
    "SsoRequest",
    "StatsCourseFact",
    "StatsMonth",
    "StatsRoster",
    "StatsTeacherDist",
    "StatsTeacherPeriod",
    "StatsUnit",
    "StatsUnitYear",
    "StatsYear",
    "Subscription",
    "SubscriptionNotice",
    "Teacher",
    "TeacherApplication",
    "TeacherPlacement",
    "TrainingRecord",
    "Unit",
    "VideoGuide",
    "include_in_schema_compare",
]
