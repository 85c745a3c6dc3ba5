"""Demo e-newsletter (教師專業發展電子報): two published issues with articles from the national centre and the
regional centres, one contribution of the Taipei bureau waiting for review, and a few confirmed subscribers
(the demo teacher by her tick box, two visitors), so /newsletter, its search and the editor's page show what
they will hold."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from tpd_app.domain.newsletter import ArticleStatus, IssueStatus, SendState, SubscriberStatus
from tpd_app.domain.timeutil import utcnow
from tpd_app.models import NewsletterArticle, NewsletterIssue, NewsletterSubscriber, Teacher, Unit
from tpd_app.services.newsletter.issues import index_text

_ISSUES = [
    (1, 40, "新學年研習總覽", "新學年開始，本期整理各類研習的報名方式與研習時數採計的重點。", [
        ("national_center", "新學年研習報名一次看懂",
         "從「研習課程查詢」依縣市、對象與類別找課程。",
         "新學年各類研習陸續開放報名：\n\n- 依**縣市**、**研習對象**與**課程類別**查詢\n"
         "- 額滿可候補，有人取消時依序遞補\n- 報名紀錄在「報名紀錄」查看"),
        ("county_bureau", "臺北市素養導向教學共備社群成果",
         "臺北市 30 所學校的教師社群分享一學年的共備歷程。",
         "本市推動跨校共備社群一年，教師們以**觀議課**與**教案共寫**累積了許多實踐經驗。"),
    ]),
    (2, 10, "特殊教育知能專題", "本期聚焦特殊教育知能研習：法定時數、課程設計與各地的實例。", [
        ("national_center", "特殊教育知能研習時數怎麼算",
         "法定研習時數的累計方式與查詢。",
         "特殊教育知能研習時數於名單確認後寫入研習紀錄；教師可在「研習紀錄」查詢累計時數。"),
        ("k12ea", "國立高中融合教育工作坊紀實",
         "國教署所屬學校的融合教育工作坊。",
         "工作坊邀請資源班教師分享**差異化教學**的策略，並進行分組演練。"),
    ]),
]
_PENDING = ("county_bureau", "臺北市戶外教育研習心得分享", "",
            "本學期臺北市辦理三場戶外教育研習，參與教師帶著學生走讀社區，整理出可複製的課程模組。")
_VISITORS = ("reader@example.com", "parent.wang@example.org")


def _unit(session: Session, unit_type: str) -> Unit | None:
    query = select(Unit).where(Unit.type == unit_type)
    if unit_type == "county_bureau":
        query = query.where(Unit.county == "TPE")
    return session.exec(query.order_by(Unit.id)).first()


def load_demo_newsletter(session: Session) -> int:
    """Add the demo issues, the waiting contribution and the subscribers; how many articles."""
    now, made = utcnow(), 0
    for number, days_ago, title, intro, articles in _ISSUES:
        published = now - timedelta(days=days_ago)
        issue = NewsletterIssue(number=number, title=title, intro=intro, status=IssueStatus.PUBLISHED.value,
                                published_at=published, send_state=SendState.SENT.value, sent_at=published,
                                sent_count=len(_VISITORS) + 1, created_at=published, updated_at=published)
        session.add(issue)
        session.flush()
        for position, (unit_type, article_title, summary, body) in enumerate(articles, start=1):
            unit = _unit(session, unit_type)
            if unit is None:
                continue
            session.add(NewsletterArticle(unit_id=unit.id or 0, title=article_title, summary=summary, body=body,
                                          status=ArticleStatus.ACCEPTED.value, issue_id=issue.id,
                                          position=position, submitted_at=published, updated_at=published))
            made += 1
        session.flush()
        issue.search_text = index_text(session, issue)
        session.add(issue)
    unit_type, title, summary, body = _PENDING
    taipei = _unit(session, unit_type)
    if taipei is not None:
        session.add(NewsletterArticle(unit_id=taipei.id or 0, title=title, summary=summary, body=body,
                                      status=ArticleStatus.SUBMITTED.value, submitted_at=now - timedelta(days=2),
                                      updated_at=now - timedelta(days=2)))
        made += 1
    teacher = session.exec(select(Teacher).where(Teacher.national_id == "A123456789")).first()
    confirmed = SubscriberStatus.CONFIRMED.value
    if teacher is not None and teacher.email:
        session.add(NewsletterSubscriber(email=teacher.email.lower(), teacher_id=teacher.id, status=confirmed,
                                         confirmed_at=now))
    for email in _VISITORS:
        session.add(NewsletterSubscriber(email=email, status=confirmed, confirmed_at=now))
    session.flush()
    return made
