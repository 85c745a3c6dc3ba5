"""A national-volume data generator for load tests and the catalogue benchmark.

Writes approved courses straight into the tables (bypassing the use cases, which would take
hours at this size): every county gets synthetic schools, each course one session, a
catalogue entry and its full-text row. Never run it on a real database.
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from tpd_app.domain.courses import LEVEL_BITS, CourseKind, course_code
from tpd_app.domain.search_text import index_tokens
from tpd_app.domain.timeutil import roc_year, taipei_today, utcnow
from tpd_app.domain.units import COUNTIES, UnitType
from tpd_app.models import CatalogueEntry, Course, CourseSession, CourseTopic, CourseTopicLink, Unit
from tpd_app.services.platform.db import ids_given

_LEVEL_WORD = {"kindergarten": "幼兒園", "elementary": "國小", "junior_high": "國中", "senior_high": "高中"}
_SUBJECTS = ["國語文", "英語文", "數學", "自然科學", "社會", "藝術", "健康與體育", "綜合活動", "科技", "本土語文",
             "生活課程", "特殊需求", "閱讀", "資訊", "輔導"]
_THEMES = ["素養導向教學設計", "差異化教學", "學習評量實務", "班級經營", "跨領域課程統整", "探究與實作",
           "數位學習與 AI 應用", "適性輔導", "公開授課與觀議課", "教師專業學習社群", "課程地圖規劃",
           "議題融入教學", "戶外教育", "校本課程發展", "學生自主學習", "教學科技工具", "雙語教學"]
_TOPIC_PHRASES = {
    "special_ed": "特殊教育知能", "gender_equality": "性別平等教育", "environment": "環境教育",
    "family": "家庭教育", "cyber_security": "資訊安全", "sexual_assault_prevention": "性侵害防治",
    "traffic_safety": "交通安全教育", "first_aid": "急救訓練", "human_rights": "人權教育",
}
_KIND_WORD = {"lecture": "研習", "workshop": "工作坊", "conference": "研討會", "community": "社群",
              "observation": "觀議課", "online": "線上課程", "field_trip": "參訪"}


def _schools(session: Session, rng: random.Random, per_county: int) -> list[Unit]:
    bureaus = {u.county: u for u in session.exec(select(Unit).where(Unit.type == UnitType.COUNTY_BUREAU.value))}
    existing = list(session.exec(select(Unit).where(Unit.code.startswith("G"))))  # type: ignore[union-attr]
    if existing:
        return existing
    rows = []
    for county, (name, _) in COUNTIES.items():
        bureau = bureaus.get(county)
        for n in range(per_county):
            level = rng.choice(list(_LEVEL_WORD))
            rows.append(Unit(type=UnitType.SCHOOL.value, code=f"G{county}{n:04d}", county=county, school_level=level,
                             name=f"{name}第{n + 1}{_LEVEL_WORD[level]}", reviewer_id=bureau.id if bureau else None,
                             parent_id=bureau.id if bureau else None))
    session.add_all(rows)
    session.flush()
    return rows


#: Relative course volume per calendar month: busy at the start of each semester and in the summer
#: and winter breaks, quiet around exams and New Year (an assumption, not a measured curve).
SEASON = {1: 1.3, 2: 1.1, 3: 1.0, 4: 0.9, 5: 0.9, 6: 0.7, 7: 1.4, 8: 1.5, 9: 1.1, 10: 1.0, 11: 0.9, 12: 0.6}
#: Relative topic frequency: curriculum and teaching dominate, statutory topics are frequent but smaller.
TOPIC_WEIGHTS = {"curriculum": 8, "assessment": 4, "digital_learning": 5, "counselling": 3, "bilingual": 3,
                 "special_ed": 4, "gender_equality": 3, "environment": 4, "family": 2, "cyber_security": 2,
                 "sexual_assault_prevention": 1, "traffic_safety": 1, "first_aid": 1, "human_rights": 1}


def _seasonal_day(rng: random.Random, start: date, span: int) -> date:
    """A day in [start, start + span) drawn with the `SEASON` weights (rejection sampling)."""
    top = max(SEASON.values())
    while True:
        day = start + timedelta(days=rng.randrange(span))
        if rng.random() * top <= SEASON[day.month]:
            return day


def generate_courses(session: Session, *, count: int, years: int = 5, seed: int = 7, schools_per_county: int = 150,
                     batch: int = 20_000, progress: bool = False, seasonal: bool = False) -> int:
    """Insert `count` approved courses spread over the last `years` years (and a few months ahead).

    `seasonal` draws dates and topics with the `SEASON` / `TOPIC_WEIGHTS` distributions instead of uniformly.
    """
    rng = random.Random(seed)
    schools = _schools(session, rng, schools_per_county)
    topics = {t.code: t for t in session.exec(select(CourseTopic))}
    topic_codes = list(topics)
    weights = [TOPIC_WEIGHTS.get(code, 1) for code in topic_codes]
    kinds = [k.value for k in CourseKind]
    today = taipei_today()
    start = today - timedelta(days=365 * years)
    span = 365 * years + 120
    next_id = (session.exec(select(sa.func.max(Course.id))).one() or 0) + 1
    conn = session.connection()
    is_sqlite = conn.dialect.name == "sqlite"
    now = utcnow()
    made, began = 0, time.monotonic()
    while made < count:
        courses, sessions, entries, fts, links = [], [], [], [], []
        for course_id in range(next_id, next_id + min(batch, count - made)):
            school = rng.choice(schools)
            first = _seasonal_day(rng, start, span) if seasonal else start + timedelta(days=rng.randrange(span))
            topic = rng.choices(topic_codes, weights)[0] if seasonal else rng.choice(topic_codes)
            kind = rng.choice(kinds)
            level = school.school_level or "elementary"
            phrase = _TOPIC_PHRASES.get(topic) or rng.choice(_THEMES)
            title = f"{roc_year(first.year)}年度{_LEVEL_WORD[level]}{rng.choice(_SUBJECTS)}{phrase}{_KIND_WORD[kind]}"
            if rng.random() < 0.5:
                title += f"：{rng.choice(_THEMES)}"
            description = f"{title}。{rng.choice(_THEMES)}與{rng.choice(_THEMES)}，含實作與分組討論。"
            hours = rng.choice([60, 90, 120, 180, 180, 360])
            opens, closes = first - timedelta(days=20), first - timedelta(days=3)
            code = course_code(roc_year(first.year), course_id)
            courses.append({"id": course_id, "code": code, "organizer_unit_id": school.id,
                            "reviewer_unit_id": school.reviewer_id, "status": "approved", "title": title,
                            "kind": kind, "description": description, "venue": f"{school.name}會議室",
                            "online_url": "", "first_date": first, "last_date": first, "hours_minutes": hours,
                            "credits": 0, "capacity": 40, "audience_levels": [level], "audience_subjects": "",
                            "audience_roles": "", "online_registration": True, "registration_opens": opens,
                            "registration_closes": closes, "eligible_counties": [], "eligible_levels": [],
                            "eligible_school_codes": [], "contact_name": "承辦人", "contact_phone": "02-23456789",
                            "contact_email": "contact@example.edu.tw", "late_allowed_reason": "",
                            "decision_reason": "", "created_at": now, "updated_at": now})
            end = 13 * 60 + 30 + hours
            sessions.append({"course_id": course_id, "day": first, "start_time": "13:30",
                             "end_time": f"{end // 60:02d}:{end % 60:02d}", "lecturer": ""})
            topic_row = topics[topic]
            links.append({"course_id": course_id, "topic_id": topic_row.id})
            search_text = f"{title} {school.name} {topic_row.name_zh} {topic_row.name_en} {description}"
            entries.append({"id": course_id, "course_id": course_id, "code": code, "title": title,
                            "organizer_name": school.name, "county": school.county, "kind": kind,
                            "level_mask": LEVEL_BITS.get(level, 0), "topic_codes": f"|{topic}|", "first_date": first,
                            "last_date": first, "hours_minutes": hours, "online_registration": True,
                            "registration_opens": opens, "registration_closes": closes,
                            "search_text": search_text, "detail": {"code": code, "title": title},
                            "published_at": now})
            if is_sqlite:
                fts.append({"id": course_id, "tokens": index_tokens(search_text)})
        conn.execute(sa.insert(Course.__table__), courses)  # type: ignore[attr-defined]
        conn.execute(sa.insert(CourseSession.__table__), sessions)  # type: ignore[attr-defined]
        conn.execute(sa.insert(CatalogueEntry.__table__), entries)  # type: ignore[attr-defined]
        conn.execute(sa.insert(CourseTopicLink.__table__), links)  # type: ignore[attr-defined]
        if fts:
            conn.execute(sa.text("INSERT INTO catalogue_fts(rowid, tokens) VALUES (:id, :tokens)"), fts)
        made += len(courses)
        next_id += len(courses)
        if progress:
            print(f"  {made:>9,} courses  ({time.monotonic() - began:5.1f} s)", flush=True)
    ids_given(session, Course.__tablename__, CatalogueEntry.__tablename__)
    return made


def optimize(session: Session) -> None:
    """Merge the full-text index segments and refresh planner statistics after a bulk load."""
    if session.connection().dialect.name == "sqlite":
        session.execute(sa.text("INSERT INTO catalogue_fts(catalogue_fts) VALUES ('optimize')"))
        session.execute(sa.text("ANALYZE"))
