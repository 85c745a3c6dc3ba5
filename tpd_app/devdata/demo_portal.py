"""Demo announcements (最新消息): a few of the national centre's, one pinned, and one of the Taipei bureau's for
its own schools and teachers, so the home page and /news show what they will hold; and a few FAQ entries."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from tpd_app.domain.portal import Status
from tpd_app.domain.timeutil import utcnow
from tpd_app.models import Announcement, AnnouncementRevision, FaqEntry, Unit
from tpd_app.services.portal.faq import index_text

_NATIONAL = [
    ("system", True, 2, "全國教師在職進修資訊網新版上線",
     "新版網站已上線，教師可於「研習紀錄」查詢歷年研習時數並下載 PDF。\n\n"
     "- 報名、取消報名與候補遞補即時通知\n- 各縣市後端資訊傳報改以 API 傳送\n\n"
     "使用上如有問題，請洽 [教育部](https://www.edu.tw) 或各縣市教育局處。"),
    ("courses", False, 5, "115 學年度第 2 學期研習開放報名",
     "第 2 學期各類研習已陸續開放報名，請至 **研習課程查詢** 依縣市、對象與類別查詢。"),
    ("rules", False, 12, "教師進修研習時數採計原則說明",
     "研習時數以名單確認後之時數登錄為準；特殊教育等法定研習時數，請依各類規定累計。"),
]
_TAIPEI = ("courses", False, 3, "臺北市 115 年度特殊教育知能研習辦理通知",
           "本市各校請鼓勵教師參加本年度特殊教育知能研習，詳細場次請見研習課程查詢。")


_FAQ = [
    ("accounts", "忘記密碼怎麼辦？",
     "請在登入頁按「忘記密碼」，輸入帳號與註冊時的電子郵件，系統會寄出重設連結（1 小時內有效）。"),
    ("accounts", "教師帳號由誰開通？", "教師帳號由任教學校開通；學校帳號由所屬縣市教育局處或國教署審核開通。"),
    ("hours", "研習時數何時會出現在我的研習紀錄？",
     "研習結束後，辦理單位上傳實際參加名單，經審核單位**名單確認**後，時數即寫入您的研習紀錄。"),
    ("registration", "報名額滿還能候補嗎？",
     "可以。額滿後報名者依序列入候補，有人取消時依候補順序遞補並以電子郵件通知。"),
    ("reporting", "縣市自有研習系統如何傳送資料？",
     "後端資訊傳報縣市由教育局處於「API 用戶端」建立用戶端，依 `/api/v1/docs` 說明傳送課程與名單，"
     "並於每月初確認上個月的資料。"),
]


def load_demo_portal(session: Session) -> int:
    """Add the demo announcements; their number."""
    centre = session.exec(select(Unit).where(Unit.type == "national_center")).first()
    taipei = session.exec(select(Unit).where(Unit.type == "county_bureau", Unit.county == "TPE")).first()
    made = [(centre, None, *a) for a in _NATIONAL if centre is not None]
    if taipei is not None:
        made.append((taipei, taipei.id, *_TAIPEI))
    now = utcnow()
    for unit, audience, category, pinned, days_ago, title, body in made:
        start = now - timedelta(days=days_ago)
        row = Announcement(publisher_unit_id=unit.id or 0, audience_unit_id=audience, category=category, title=title,
                           body=body, pinned=pinned, status=Status.PUBLISHED.value, publish_from=start,
                           created_at=start, updated_at=start)
        session.add(row)
        session.flush()
        session.add(AnnouncementRevision(announcement_id=row.id or 0, revision=1, status=row.status,
                                         category=category, title=title, body=body, pinned=pinned,
                                         publish_from=start, saved_at=start))
    for order, (category, question, answer) in enumerate(_FAQ):
        session.add(FaqEntry(category=category, question=question, answer=answer, sort_order=order * 10,
                             published=True, search_text=index_text(question, answer)))
    return len(made) + len(_FAQ)
