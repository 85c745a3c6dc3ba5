"""Demo courses in every status, made through the real use cases (so history and audit exist too).

The demo school (和平國小, 臺北市) has courses in every status for 臺北市政府教育局 to review;
other organizers add approved courses so the public catalogue has something to show.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, select

from tpd_app.domain.courses import Action
from tpd_app.domain.permissions import Actor
from tpd_app.domain.timeutil import taipei_today
from tpd_app.models import BusinessAccount, Course, Unit
from tpd_app.services.accounts.auth import actor_for_account
from tpd_app.services.courses import lifecycle, review

LECTURERS = ["陳怡安教授", "林俊傑校長", "黃淑貞主任", "張家豪老師", "李美慧督學", "王志成講師", "吳佩蓉諮商心理師"]


def course_data(title: str, first: date, *, kind: str = "lecture", topics: list[str], levels: list[str],
                hours: str = "3", sessions: int = 1, venue: str = "", description: str = "",
                online: bool = True, contact: tuple[str, str, str] = ("蔡佩玲", "02-27325678", "teach@demo.tpd.edu.tw"),
                rng: random.Random | None = None) -> dict[str, Any]:
    """A complete course form: `sessions` afternoons a week apart starting on `first`."""
    rng = rng or random.Random(0)
    per_session = -(-int(float(hours) * 60) // sessions)
    start_minutes = 9 * 60 if per_session > 240 else 13 * 60 + 30
    start = f"{start_minutes // 60:02d}:{start_minutes % 60:02d}"
    end_minutes = start_minutes + per_session
    end = f"{end_minutes // 60:02d}:{end_minutes % 60:02d}"
    return {
        "title": title, "kind": kind, "topics": topics, "audience_levels": levels, "hours": hours,
        "capacity": str(rng.choice([30, 40, 60, 80, 120])), "venue": venue or "本校視聽教室",
        "description": description or f"{title}。邀請實務專家分享，並安排分組討論與實作。",
        "audience_roles": "現職教師、代理代課教師",
        "sessions": [{"day": (first + timedelta(days=7 * i)).isoformat(), "start": start, "end": end,
                      "lecturer": rng.choice(LECTURERS)} for i in range(sessions)],
        "online_registration": online,
        # Open for a month before the start: the demo's nearer courses take registrations today.
        "registration_opens": (first - timedelta(days=30)).isoformat() if online else "",
        "registration_closes": (first - timedelta(days=2)).isoformat() if online else "",
        "contact_name": contact[0], "contact_phone": contact[1], "contact_email": contact[2],
    }


def _actor(session: Session, username: str) -> Actor:
    account = session.exec(select(BusinessAccount).where(BusinessAccount.username == username)).one()
    unit = session.get(Unit, account.unit_id)
    assert unit is not None
    return actor_for_account(account, unit)


def _course_id(session: Session, code: str) -> int:
    return session.exec(select(Course.id).where(Course.code == code)).one() or 0


def load_demo_courses(session: Session, *, seed: int = 2026) -> int:
    """Courses in every status plus approved courses of other organizers; returns how many."""
    rng = random.Random(seed)
    today = taipei_today()
    school = _actor(session, "demo-school-contact")
    bureau = _actor(session, "demo-county_bureau")
    national = _actor(session, "demo-national_center")
    made = 0

    def register(actor: Actor, data: dict[str, Any], *, submit: bool = True, days_before: int = 30) -> int:
        nonlocal made
        first = date.fromisoformat(data["sessions"][0]["day"]) if data.get("sessions") else today
        code = lifecycle.register_course(session, actor, data, submit=submit,
                                       today=min(today, first - timedelta(days=days_before)))
        made += 1
        return _course_id(session, code)

    el, jh = ["elementary"], ["junior_high"]
    # 臺北市 auto-reviews learning communities (社群): the demo shows an auto-approved course.
    review.save_autoreview(session, bureau, "selected", [], ["community"])

    for title, offset, kind, topics, hours, sessions in [
        ("特殊教育知能研習：融合教育班級經營實務", 40, "lecture", ["special_ed"], "3", 1),
        ("性別平等教育：校園性別事件處理與預防", 55, "lecture", ["gender_equality"], "3", 1),
        ("環境教育：校園淨零與氣候變遷調適", -20, "workshop", ["environment"], "6", 2),
        ("資訊安全與個人資料保護研習", -60, "lecture", ["cyber_security"], "2", 1),
    ]:
        course_id = register(school, course_data(title, today + timedelta(days=offset), kind=kind, topics=topics,
                                                 levels=el, hours=hours, sessions=sessions, rng=rng))
        review.decide(session, bureau, course_id, Action.APPROVE)

    register(school, course_data("國語文閱讀理解教師專業學習社群", today + timedelta(days=30), kind="community",
                                 topics=["curriculum"], levels=el, hours="2", rng=rng))
    for title, offset in [("家庭教育：親師溝通與家長參與", 35), ("數位學習精進：生成式 AI 融入教學", 45),
                          ("國小數學素養導向評量設計工作坊", 50)]:
        register(school, course_data(title, today + timedelta(days=offset), topics=["family"] if "家庭" in title
                                     else ["digital_learning"] if "數位" in title else ["assessment"],
                                     levels=el, rng=rng))
    returned = register(school, course_data("戶外教育課程設計研習", today + timedelta(days=28), kind="workshop",
                                            topics=["environment", "curriculum"], levels=el, hours="3", rng=rng))
    review.decide(session, bureau, returned, Action.RETURN, "請補充講師學經歷，並確認研習時數與場次時間相符。")
    rejected = register(school, course_data("教師聯誼餐敘", today + timedelta(days=33), topics=["leadership"],
                                            levels=el, hours="2", rng=rng))
    review.decide(session, bureau, rejected, Action.REJECT, "內容屬聯誼活動，非教師專業發展研習。")
    cancelled = register(school, course_data("防災教育與急救訓練", today + timedelta(days=25),
                                             topics=["first_aid"], levels=el, rng=rng))
    review.decide(session, bureau, cancelled, Action.APPROVE)
    lifecycle.cancel_course(session, school, cancelled, "講師臨時無法出席，改期另行登錄。")
    register(school, {"title": "115學年度新進教師輔導研習（籌備中）", "kind": "lecture"}, submit=False)

    others = [
        ("demo-teacher_ed_university", "國立臺灣師範大學：雙語教學策略工作坊", "workshop", ["bilingual"],
         ["junior_high", "senior_high"], "6", 2, "臺師大教育大樓 202 教室"),
        ("demo-teacher_ed_university", "學習評量與差異化教學", "lecture", ["assessment"], jh, "3", 1,
         "臺師大綜合大樓國際會議廳"),
        ("demo-social_ed_org", "科工館 STEAM 探究教學研習", "workshop", ["curriculum"], el + jh, "6", 1,
         "國立科學工藝博物館南館"),
        ("demo-subject_center", "高中數學學科中心：素養導向試題研發", "workshop", ["assessment"], ["senior_high"],
         "6", 2, "臺南一中圖書館"),
        ("demo-experimental_org", "實驗教育自主學習引導者培力", "lecture", ["curriculum"], el + jh, "3", 1,
         "臺北市自主學習實驗教育機構"),
        ("demo-county_bureau", "臺北市國中小校長領導研習", "conference", ["leadership"], el + jh, "6", 1,
         "臺北市教師研習中心"),
    ]
    for username, title, kind, topics, levels, hours, sessions, venue in others:
        actor = _actor(session, username)
        course_id = register(actor, course_data(title, today + timedelta(days=rng.randint(20, 80)), kind=kind,
                                                topics=topics, levels=levels, hours=hours, sessions=sessions,
                                                venue=venue, rng=rng,
                                                contact=("承辦人", "07-7172930", "contact@demo.tpd.edu.tw")))
        reviewer_unit = session.get(Course, course_id).reviewer_unit_id  # type: ignore[union-attr]
        decider = national if reviewer_unit == national.unit.id else _reviewer(session, reviewer_unit)
        review.decide(session, decider, course_id, Action.APPROVE)
    return made


def _reviewer(session: Session, unit_id: int | None) -> Actor:
    account = session.exec(select(BusinessAccount).where(BusinessAccount.unit_id == unit_id)).first()
    assert account is not None, f"no demo account reviews unit {unit_id}"
    unit = session.get(Unit, account.unit_id)
    assert unit is not None
    return actor_for_account(account, unit)
