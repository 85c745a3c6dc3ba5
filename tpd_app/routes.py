"""Route constants, the page of every function, and the rules of the pages outside the matrix."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tpd_app.domain.accounts import may_view_audit
from tpd_app.domain.courses import may_manage_topics
from tpd_app.domain.helpdesk import handles_enquiries
from tpd_app.domain.newsletter import may_contribute, may_edit_newsletter
from tpd_app.domain.permissions import Actor
from tpd_app.domain.permissions import Function as F
from tpd_app.domain.portal import keeps_public_pages, may_publish
from tpd_app.domain.reporting import may_manage_clients, may_set_modes
from tpd_app.domain.sso import may_set_policy
from tpd_app.domain.workqueue import Queue

HOME = "/"
LOGIN = "/login"
#: Single sign-on (教育雲端帳號): where an identity the provider vouched for chooses or proves her account; the
#: endpoints that send her to the provider and sign her out there; which kinds must use it (the national centre).
LOGIN_SSO = "/login/sso"
SSO_START = "/api/auth/sso/start"
SSO_LOGOUT = "/api/auth/sso/logout"
SSO_POLICY = "/accounts/sso"
DASHBOARD = "/home"
CATALOGUE = "/courses"
APPLY = "/apply"
TEACHER_APPLY = "/apply/teacher"
#: 忘記密碼 and the page its mailed link opens (public).
FORGOT = "/forgot"
RESET = "/reset"
DIRECTORY = "/directory"
UNITS = "/directory/units"
AUDIT = "/audit"
TOPICS = "/course/topics"
#: Organizers' registrant lists and attendance lists, and the centres' list confirmation (SPEC §3.2, §3.3).
PARTICIPANTS = "/course/participants"
REGISTRANTS = "/course/registrants"
ATTENDANCE = "/course/attendance"
CONFIRM_LISTS = "/attendance/confirm"
COURSE_EDIT = "/course/edit"
STATS_REPORT = "/stats/report"
#: Back-end reporting (SPEC §3.5): a unit's API clients; how each county reports (the national centre).
REPORTING_CLIENTS = "/reporting/clients"
REPORTING_MODES = "/reporting/modes"
REPORTING_MONTHS = "/reporting/months"
#: Public information (seed 參.二.(二).13–18): 最新消息 for everyone, kept by the centres.
NEWS = "/news"
PORTAL_ANNOUNCEMENTS = "/portal/announcements"
FAQ = "/faq"
PORTAL_FAQ = "/portal/faq"
RULES = "/rules"
PORTAL_RULES = "/portal/rules"
GUIDES = "/guides"
PORTAL_GUIDES = "/portal/guides"
#: 來信指教 (issue 18): the public contact form, the asker's private link, the queue of the unit it went to.
HELP = "/help"
HELP_TICKET = "/help/ticket"
HELPDESK = "/helpdesk"
#: 教師專業發展電子報: the public archive (an issue: /newsletter/<id>), the page a mailed link opens (confirm,
#: unsubscribe), the editor's page (the national centre) and the contributors' (regional centres).
NEWSLETTER = "/newsletter"
NEWSLETTER_LINK = "/newsletter-subscription"
PORTAL_NEWSLETTER = "/portal/newsletter"
PORTAL_NEWSLETTER_CONTRIBUTE = "/portal/newsletter/contribute"

#: The page of each function key (business and teacher functions).
FUNCTION_ROUTES: dict[F, str] = {
    F.COURSE_REGISTER: "/course/register",
    F.COURSE_MANAGE: "/course/manage",
    F.COURSE_REVIEW: "/course/review",
    F.AUTOREVIEW_SETTINGS: "/autoreview/settings",
    F.AUTOREVIEW_BROWSE: "/autoreview/browse",
    F.COURSE_BROWSE_OWN: "/course/own",
    F.ACCOUNTS_OWN_UNIT: "/accounts/unit",
    F.ACCOUNTS_SUBORDINATE: "/accounts/subordinate",
    F.TEACHERS_ENTER: "/teachers/new",
    F.TEACHERS_MANAGE: "/teachers",
    F.TEACHERS_RECORDS: "/teachers/records",
    F.UNIT_CONTACT: "/unit/contact",
    F.COUNTY_REPORT_PERMISSIONS: "/county/report-permissions",
    F.PROFILE_EDIT: "/profile",
    F.PROFILE_PASSWORD: "/profile/password",
    F.STATS_NATIONAL: "/stats/national",
    F.STATS_COUNTY: "/stats/county",
    F.STATS_SCHOOL: "/stats/school",
    F.STATS_SUBJECT_CENTER: "/stats/subject-center",
    F.TEACHER_RECORDS: "/me/records",
    F.TEACHER_REGISTER: "/me/register",
    F.TEACHER_REGISTRATIONS: "/me/registrations",
    F.TEACHER_SUBSCRIPTIONS: "/me/subscriptions",
}


@dataclass(frozen=True)
class PageRule:
    """A signed-in page that is not a function's own page: the function its guard checks (None: anyone
    signed in) and, for pages in the menu, where the menu lists it and for whom."""

    function: F | None
    nav_group: str = ""
    nav_key: str = ""
    label_key: str = ""
    #: A narrower rule than the function, for the menu only; the service enforces the same rule.
    shown_to: Callable[[Actor], bool] | None = None


#: The pages outside the matrix. Navigation and the page guards both read this table, and a structure
#: test holds each page's state to the function named here.
PAGE_RULES: dict[str, PageRule] = {
    PARTICIPANTS: PageRule(F.COURSE_MANAGE, "attendance", "participants", "participants.title"),
    CONFIRM_LISTS: PageRule(F.COURSE_REVIEW, "attendance", "confirm_lists", "attendance.title.queue"),
    DIRECTORY: PageRule(F.ACCOUNTS_SUBORDINATE, "oversight", "directory", "directory.title"),
    AUDIT: PageRule(None, "oversight", "audit", "audit.title", shown_to=may_view_audit),
    TOPICS: PageRule(F.COURSE_REVIEW, "oversight", "topics", "topics.title", shown_to=may_manage_topics),
    REPORTING_CLIENTS: PageRule(F.COURSE_REVIEW, "oversight", "api_clients", "reporting.clients.title",
                                shown_to=may_manage_clients),
    REPORTING_MONTHS: PageRule(F.COURSE_REVIEW, "oversight", "reported_months", "reporting.months.title",
                               shown_to=may_manage_clients),
    REPORTING_MODES: PageRule(F.COURSE_REVIEW, "oversight", "reporting_modes", "reporting.modes.title",
                              shown_to=may_set_modes),
    PORTAL_ANNOUNCEMENTS: PageRule(F.COURSE_REVIEW, "portal", "announcements", "portal.admin.title",
                                   shown_to=may_publish),
    PORTAL_FAQ: PageRule(F.COURSE_REVIEW, "portal", "faq", "faq.admin.title", shown_to=keeps_public_pages),
    PORTAL_RULES: PageRule(F.COURSE_REVIEW, "portal", "rules", "rules.admin.title", shown_to=keeps_public_pages),
    PORTAL_GUIDES: PageRule(F.COURSE_REVIEW, "portal", "guides", "guides.admin.title", shown_to=keeps_public_pages),
    HELPDESK: PageRule(F.UNIT_CONTACT, "helpdesk", "helpdesk", "helpdesk.queue.title", shown_to=handles_enquiries),
    PORTAL_NEWSLETTER: PageRule(F.COURSE_REVIEW, "portal", "newsletter", "newsletter.editor.title",
                                shown_to=may_edit_newsletter),
    PORTAL_NEWSLETTER_CONTRIBUTE: PageRule(F.COURSE_REVIEW, "portal", "newsletter_contribute",
                                           "newsletter.contribute.title", shown_to=may_contribute),
    SSO_POLICY: PageRule(F.ACCOUNTS_SUBORDINATE, "oversight", "sso_policy", "sso.policy.title",
                         shown_to=may_set_policy),
    REGISTRANTS: PageRule(F.COURSE_BROWSE_OWN),
    ATTENDANCE: PageRule(F.COURSE_MANAGE),
    UNITS: PageRule(F.ACCOUNTS_SUBORDINATE),
    COURSE_EDIT: PageRule(F.COURSE_MANAGE),
}


def page_function(path: str) -> F | None:
    """The function the guard of a page outside the matrix checks (what its state declares)."""
    return PAGE_RULES[path].function


_SAFE_NEXT = frozenset({DASHBOARD, DIRECTORY, UNITS, AUDIT, TOPICS, PARTICIPANTS, CONFIRM_LISTS,
                        REPORTING_CLIENTS, REPORTING_MODES, REPORTING_MONTHS, NEWS, PORTAL_ANNOUNCEMENTS, FAQ,
                        PORTAL_FAQ, RULES, PORTAL_RULES, GUIDES, PORTAL_GUIDES, HELP, HELPDESK,
                        NEWSLETTER, PORTAL_NEWSLETTER, PORTAL_NEWSLETTER_CONTRIBUTE, SSO_POLICY,
                        *FUNCTION_ROUTES.values()})


def safe_next(path: str) -> str:
    """Only our own pages are acceptable after sign-in (no open redirect)."""
    path = path.rstrip("/") if path != "/" else path
    return path if path in _SAFE_NEXT else DASHBOARD


#: Where each work queue of the home page is handled: the page that lists what waits, filtered.
QUEUE_ROUTES: dict[Queue, str] = {
    Queue.COURSES_TO_REVIEW: FUNCTION_ROUTES[F.COURSE_REVIEW],
    Queue.LISTS_TO_CONFIRM: CONFIRM_LISTS,
    Queue.RETURNED_COURSES: FUNCTION_ROUTES[F.COURSE_MANAGE] + "?status=returned",
    Queue.LISTS_OVERDUE: PARTICIPANTS,
    Queue.LISTS_DUE: PARTICIPANTS,
    Queue.REGISTRANTS_WAITING: PARTICIPANTS,
    Queue.TEACHERS_BELOW: FUNCTION_ROUTES[F.TEACHERS_RECORDS] + "?below=1",
    Queue.ACCOUNT_APPLICATIONS: FUNCTION_ROUTES[F.ACCOUNTS_SUBORDINATE],
    Queue.CHIEF_CHANGES: FUNCTION_ROUTES[F.ACCOUNTS_SUBORDINATE],
    Queue.UNIT_APPLICATIONS: FUNCTION_ROUTES[F.ACCOUNTS_OWN_UNIT],
    Queue.ENQUIRIES: HELPDESK + "?status=new",
    Queue.TEACHER_APPLICATIONS: FUNCTION_ROUTES[F.TEACHERS_MANAGE],
    Queue.UPCOMING_COURSES: FUNCTION_ROUTES[F.TEACHER_REGISTRATIONS],
    Queue.WAITING_POSITIONS: FUNCTION_ROUTES[F.TEACHER_REGISTRATIONS],
    Queue.HOURS_MISSING: FUNCTION_ROUTES[F.TEACHER_RECORDS],
}
