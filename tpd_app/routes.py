"""Route constants and the page of every function."""

from __future__ import annotations

from tpd_app.domain.permissions import Function as F

HOME = "/"
LOGIN = "/login"
DASHBOARD = "/home"
CATALOGUE = "/courses"
APPLY = "/apply"
TEACHER_APPLY = "/apply/teacher"
DIRECTORY = "/directory"
UNITS = "/directory/units"
AUDIT = "/audit"
TOPICS = "/course/topics"
#: Organizers' registrant lists and attendance lists, and the centres' list confirmation (SPEC §3.3).
PARTICIPANTS = "/course/participants"
REGISTRANTS = "/course/registrants"
ATTENDANCE = "/course/attendance"
CONFIRM_LISTS = "/attendance/confirm"

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


_SAFE_NEXT = frozenset({DASHBOARD, DIRECTORY, UNITS, AUDIT, TOPICS, PARTICIPANTS, CONFIRM_LISTS,
                        *FUNCTION_ROUTES.values()})


def safe_next(path: str) -> str:
    """Only our own pages are acceptable after sign-in (no open redirect)."""
    path = path.rstrip("/") if path != "/" else path
    return path if path in _SAFE_NEXT else DASHBOARD
