"""How the navigation groups the functions (SPEC §2 groups, plus the teacher's own group)."""

from __future__ import annotations

from tpd_app.domain.permissions import Function as F

#: (group key, functions in display order). Group keys are i18n keys under `nav.group.`.
NAV_GROUPS: tuple[tuple[str, tuple[F, ...]], ...] = (
    (
        "teacher",
        (F.TEACHER_RECORDS, F.TEACHER_REGISTER, F.TEACHER_REGISTRATIONS, F.TEACHER_SUBSCRIPTIONS),
    ),
    (
        "courses",
        (
            F.COURSE_REGISTER,
            F.COURSE_MANAGE,
            F.COURSE_REVIEW,
            F.AUTOREVIEW_SETTINGS,
            F.AUTOREVIEW_BROWSE,
            F.COURSE_BROWSE_OWN,
        ),
    ),
    (
        "accounts",
        (
            F.ACCOUNTS_OWN_UNIT,
            F.ACCOUNTS_SUBORDINATE,
            F.TEACHERS_MANAGE,
            F.TEACHERS_ENTER,
            F.TEACHERS_RECORDS,
        ),
    ),
    ("unit_data", (F.UNIT_CONTACT, F.COUNTY_REPORT_PERMISSIONS)),
    ("personal", (F.PROFILE_EDIT, F.PROFILE_PASSWORD)),
    ("statistics", (F.STATS_NATIONAL, F.STATS_COUNTY, F.STATS_SCHOOL, F.STATS_SUBJECT_CENTER)),
)
