"""A complete, valid course form for service and state tests."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tpd_app.domain.timeutil import taipei_today

TITLE = "特殊教育知能研習：融合教育實務"


def course_form(*, days_ahead: int = 30, title: str = TITLE, **overrides: Any) -> dict[str, Any]:
    first = taipei_today() + timedelta(days=days_ahead)
    data: dict[str, Any] = {
        "title": title,
        "kind": "lecture",
        "description": "認識融合教育與個別化教育計畫。",
        "venue": "本校視聽教室",
        "online_url": "",
        "hours": "3",
        "credits": "",
        "capacity": "40",
        "audience_levels": ["elementary"],
        "audience_subjects": "",
        "audience_roles": "普通班教師",
        "topics": ["special_ed"],
        "sessions": [{"day": first.isoformat(), "start": "13:30", "end": "16:30", "lecturer": "陳教授"}],
        "online_registration": True,
        "registration_opens": (first - timedelta(days=10)).isoformat(),
        "registration_closes": (first - timedelta(days=2)).isoformat(),
        "eligible_counties": [],
        "eligible_levels": [],
        "eligible_school_codes": "",
        "contact_name": "蔡佩玲",
        "contact_phone": "02-27325678",
        "contact_email": "teach@example.edu.tw",
    }
    data.update(overrides)
    return data


def first_day(data: dict[str, Any]) -> date:
    return date.fromisoformat(data["sessions"][0]["day"])
