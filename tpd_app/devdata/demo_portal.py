"""Demo announcements (最新消息): a few of the national centre's, one pinned, and one of the Taipei bureau's for
its own schools and teachers, so the home page and /news show what they will hold; a few FAQ entries; the
usage rules in two versions and the privacy policy; two video guides (made by scripts/make_demo_videos.py)
with captions and transcripts."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import NamedTuple

from sqlmodel import Session, select

from tpd_app.domain.portal import Status
from tpd_app.domain.timeutil import taipei_today, utcnow
from tpd_app.models import Announcement, AnnouncementRevision, FaqEntry, RuleVersion, Unit, VideoGuide
from tpd_app.services.platform import documents
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


_USAGE_V1 = """一、教育部為推動教師專業發展，建置全國教師在職進修資訊網（以下簡稱本網），特訂定本要點。

二、本網使用者包括教師、各級學校、研習辦理單位及各級審核單位。

三、使用者應妥善保管帳號及密碼，不得借予他人使用。

四、研習辦理單位應於研習結束後，依實際參加情形上傳研習名單。"""
_USAGE_V2 = _USAGE_V1 + """

五、使用者於本網登錄之個人資料，僅供研習報名、時數登錄及統計之用，並依個人資料保護法處理。

六、使用者有疑義時，請先查閱本網問答集，或以「來信指教」洽詢；研習課程及時數問題，請洽辦理單位。"""
_USAGE_CHANGES = "- 新增第五點：個人資料的使用範圍。\n- 新增第六點：疑義洽詢的管道。"
_PRIVACY = """本網依個人資料保護法蒐集、處理及利用個人資料，僅用於教師研習報名、研習時數登錄、統計及通知。

- 身分證統一編號僅由教師本人、任教學校與審核單位依其權限查看。
- 除法令另有規定外，不提供予第三人。"""


class DemoGuide(NamedTuple):
    file: str
    title: str
    steps: list[str]
    audience: str
    page: str
    description: str


DEMO_GUIDES = [
    DemoGuide("register-for-a-course.webm", "如何報名研習",
              ["1. 登入：教師帳號（身分證統一編號）", "2. 研習課程查詢：輸入關鍵字或課程代碼",
               "3. 按「報名」，等待辦理單位審核", "4. 研習後，時數登錄於「研習紀錄」"],
              "teachers", "/me/register", "教師從查詢研習到時數登錄的四個步驟。"),
    DemoGuide("register-a-course.webm", "辦理單位：登錄研習課程",
              ["1. 研習課程登錄：填寫課程資料與場次", "2. 儲存草稿，或送出審核",
               "3. 審核通過後，課程公開報名", "4. 研習後上傳實際參加名單"],
              "schools", "/course/register", "學校與研習辦理單位登錄課程、送審與上傳名單的流程。"),
]
_MEDIA = Path(__file__).resolve().parent / "media"
#: Each step of a demo video shows for two seconds (scripts/make_demo_videos.py).
_STEP_SECONDS = 2


def _captions(steps: list[str]) -> bytes:
    cues = [f"00:{i * _STEP_SECONDS:02d}.000 --> 00:{(i + 1) * _STEP_SECONDS:02d}.000\n{step}"
            for i, step in enumerate(steps)]
    return ("WEBVTT\n\n" + "\n\n".join(cues) + "\n").encode()


def _load_rules_and_guides(session: Session) -> int:
    today = taipei_today()
    session.add(RuleVersion(document="usage", version=1, title="全國教師在職進修資訊網使用管理要點", body=_USAGE_V1,
                            effective_on=today - timedelta(days=700), published=True, published_at=utcnow()))
    session.add(RuleVersion(document="usage", version=2, title="全國教師在職進修資訊網使用管理要點", body=_USAGE_V2,
                            changes=_USAGE_CHANGES, effective_on=today - timedelta(days=3), published=True,
                            published_at=utcnow()))
    session.add(RuleVersion(document="privacy", version=1, title="隱私權保護政策", body=_PRIVACY,
                            effective_on=today - timedelta(days=700), published=True, published_at=utcnow()))
    for order, guide in enumerate(DEMO_GUIDES):
        video = (_MEDIA / guide.file).read_bytes()
        transcript = "\n".join(guide.steps)  # "1. …" lines: a numbered list
        session.add(VideoGuide(title=guide.title, description=guide.description, audience=guide.audience,
                               page=guide.page, duration_seconds=len(guide.steps) * _STEP_SECONDS + 1,
                               video_stored_name=documents.store(video, ".webm"), video_content_type="video/webm",
                               captions_stored_name=documents.store(_captions(guide.steps), ".vtt"),
                               transcript=transcript, sort_order=order * 10, published=True))
    return 3 + len(DEMO_GUIDES)


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
    return len(made) + len(_FAQ) + _load_rules_and_guides(session)
