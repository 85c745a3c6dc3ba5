"""The county reporting API, `/api/v1` (後端資訊傳報, SPEC §3.5): what a county's own training system (or a
national platform) sends — its courses, upserted by its own ids, and their attendance lists, put whole.

FastAPI describes it (`/api/v1/openapi.json`, browsable at `/api/v1/docs` with files served by the app
itself). A call authenticates with `Authorization: Bearer tpd_…` (a client made on the network's page
/reporting/clients) and then runs as the client's owner unit through the permission matrix. Errors are
`application/problem+json` in the caller's language (`Accept-Language`: zh-TW unless it asks for English).
Endpoints are plain functions: FastAPI runs them in its thread pool, off the event loop the pages share.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlmodel import Session

from tpd_app.domain.courses import MAX_CAPACITY, MAX_SESSIONS, AudienceLevel, CourseKind
from tpd_app.domain.errors import DomainError, Forbidden, NotAuthenticated, NotFound, ValidationFailed
from tpd_app.domain.permissions import Actor
from tpd_app.domain.units import COUNTIES
from tpd_app.i18n import translate
from tpd_app.models import ApiClient
from tpd_app.services.hours.attendance import MAX_ENTRIES
from tpd_app.services.platform.db import transaction
from tpd_app.services.reporting import clients, intake, readback

PREFIX = "/api/v1"
PROBLEM = "application/problem+json"
#: Per client and worker: a sustained rate and the burst above it, then 429 with Retry-After.
RATE_PER_SECOND = 20.0
RATE_BURST = 40
EXTERNAL_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"
#: Items in one batch (the 4 MiB body limit applies as well).
MAX_BATCH = 200

Kind = Literal[tuple(k.value for k in CourseKind)]  # type: ignore[valid-type]
Level = Literal[tuple(v.value for v in AudienceLevel)]  # type: ignore[valid-type]
County = Literal[tuple(COUNTIES)]  # type: ignore[valid-type]


class Problem(BaseModel):
    """An error (RFC 9457): `key` names the message, `detail` says it in the caller's language."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    key: str
    errors: list[dict[str, str]] = []


class SessionDoc(BaseModel):
    model_config = ConfigDict(extra="forbid")
    day: date = Field(description="The day, ISO (2026-11-20).")
    start: str = Field(pattern=r"^\d{2}:\d{2}$", examples=["13:30"])
    end: str = Field(pattern=r"^\d{2}:\d{2}$", examples=["16:30"])
    lecturer: str = Field(default="", max_length=100)


class CourseDoc(BaseModel):
    """A course as the county's system holds it: the fields and rules of the network's course form."""

    model_config = ConfigDict(extra="forbid")
    organizer_code: str = Field(min_length=1, max_length=32, description="The organizing school's code (學校代碼).")
    title: str = Field(min_length=1, max_length=200)
    kind: Kind  # type: ignore[valid-type]
    hours: float = Field(gt=0, le=999, description="Hours offered, in half hours (1.5).")
    capacity: int = Field(ge=1, le=MAX_CAPACITY)
    credits: int = Field(default=0, ge=0, le=20)
    topics: list[str] = Field(min_length=1, max_length=20, description="Topic codes (課程類別), e.g. special_ed.")
    audience_levels: list[Level] = Field(min_length=1, max_length=4)  # type: ignore[valid-type]
    sessions: list[SessionDoc] = Field(min_length=1, max_length=MAX_SESSIONS)
    description: str = Field(default="", max_length=4000)
    venue: str = Field(default="", max_length=300)
    online_url: str = Field(default="", max_length=300)
    audience_subjects: str = Field(default="", max_length=200)
    audience_roles: str = Field(default="", max_length=200)
    contact_name: str = Field(min_length=1, max_length=100)
    contact_phone: str = Field(min_length=1, max_length=40)
    contact_email: str = Field(min_length=1, max_length=200)
    online_registration: bool = False
    registration_opens: date | None = None
    registration_closes: date | None = None
    eligible_counties: list[County] = Field(default=[], max_length=22)  # type: ignore[valid-type]
    eligible_levels: list[Level] = Field(default=[], max_length=4)  # type: ignore[valid-type]
    eligible_school_codes: list[str] = Field(default=[], max_length=200)


class CourseResult(BaseModel):
    external_id: str
    code: str = Field(description="The network's course code (課程代碼).")
    status: str
    result: Literal["created", "updated", "unchanged"]


class AttendanceRow(BaseModel):
    model_config = ConfigDict(extra="forbid")
    national_id: str = Field(min_length=1, max_length=20)
    name: str = Field(default="", max_length=100, description="Checked against the teacher's name when given.")
    hours: float | None = Field(default=None, gt=0, le=999, description="Hours credited; blank: the course's.")


class AttendanceDoc(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rows: list[AttendanceRow] = Field(max_length=MAX_ENTRIES)


class RowResult(BaseModel):
    row: str
    national_id: str = Field(description="Masked (A12****789).")
    result: Literal["accepted", "rejected"]
    problem: str = Field(description="The message key of a rejected row.")
    message: str = ""


class AttendanceResult(BaseModel):
    external_id: str
    code: str
    result: Literal["created", "replaced", "unchanged"]
    accepted: int
    rejected: int
    rows: list[RowResult]


class BatchItem(BaseModel):
    """One course or one list. Its document is checked on its own, so a wrong item is answered without
    stopping the others."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["course", "attendance"]
    external_id: str = Field(max_length=64, description="The course's id in your own system.")
    course: dict[str, Any] | None = Field(default=None, description="kind course: a CourseDoc.")
    rows: list[dict[str, Any]] | None = Field(default=None, max_length=MAX_ENTRIES,
                                              description="kind attendance: the list's AttendanceRow items.")


class BatchDoc(BaseModel):
    model_config = ConfigDict(extra="forbid")
    items: list[BatchItem] = Field(min_length=1, max_length=MAX_BATCH)


class ItemResult(BaseModel):
    index: int = Field(description="The item's place in the request, from 0.")
    kind: str
    external_id: str
    status: int = Field(description="What the item alone would have been answered: 200, or the error's status.")
    course: CourseResult | None = None
    attendance: AttendanceResult | None = None
    problem: Problem | None = None


class BatchResult(BaseModel):
    accepted: int
    refused: int
    items: list[ItemResult]


class RecordOut(BaseModel):
    id: int = Field(description="Increases with each record written; a correction is a new record.")
    national_id: str = Field(description="Whole when your system sent the list, else masked (A12****789).")
    name: str
    masked: bool
    course_code: str
    school_code: str
    hours: float
    credited_on: date
    school_year: int = Field(description="ROC school year (學年度).")
    confirmed_at: datetime
    superseded: bool = Field(description="A later record of the same teacher and course replaced this one.")


class RecordPage(BaseModel):
    records: list[RecordOut]
    next: str = Field(description="Send as `after` to read on (the same when nothing new came).")
    more: bool


class CourseOut(BaseModel):
    code: str
    external_id: str | None = Field(description="Your own id, for courses your system sent.")
    title: str
    status: str
    kind: str
    organizer_code: str
    organizer_name: str
    first_date: date | None
    last_date: date | None
    hours: float
    capacity: int
    updated_at: datetime


class CoursePage(BaseModel):
    courses: list[CourseOut]
    next: str
    more: bool


class Me(BaseModel):
    name: str
    key_id: str
    owner: str
    scopes: list[str]


_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem, "content": {PROBLEM: {}}, "description": text}
    for code, text in ((401, "No token, or one not accepted"), (403, "Outside the client's scopes or jurisdiction"),
                       (404, "No such course"), (409, "Not possible now (e.g. the course has not ended)"),
                       (413, "Body too large"), (422, "Invalid fields, with their paths"), (429, "Too many calls"))}


def _lang(request: Request) -> str:
    accept = request.headers.get("accept-language", "").lower()
    return "en" if accept.startswith("en") else "zh-TW"


def _problem(request: Request, status: int, key: str, errors: list[dict[str, str]] | None = None,
             **params: object) -> Problem:
    lang = _lang(request)
    return Problem(title=translate(f"api.status.{status}", lang), status=status, key=key,
                   detail=translate(key, lang, **params), errors=errors or [])


def problem(request: Request, status: int, key: str, errors: list[dict[str, str]] | None = None,
            headers: dict[str, str] | None = None, **params: object) -> JSONResponse:
    body = _problem(request, status, key, errors, **params)
    return JSONResponse(body.model_dump(), status_code=status, media_type=PROBLEM, headers=headers)


def _problem_of(request: Request, error: DomainError) -> Problem:
    """A refusal of the use cases as the problem the API answers."""
    if isinstance(error, NotAuthenticated):
        return _problem(request, 401, error.key)
    if isinstance(error, Forbidden):
        return _problem(request, 403, error.key, **error.params)
    if isinstance(error, NotFound):
        return _problem(request, 404, error.key)
    if isinstance(error, ValidationFailed):
        lang = _lang(request)
        fields = [{"field": f, "key": k, "message": translate(k, lang, **error.params)}
                  for f, k in error.field_errors.items()]
        return _problem(request, 422, error.key, fields, **error.params)
    return _problem(request, 409, error.key, **error.params)


def _field_errors(errors: Any, prefix: str = "") -> list[dict[str, str]]:
    """Pydantic's errors as the problem's field list (`sessions.0.day`)."""
    return [{"field": prefix + ".".join(str(p) for p in e.get("loc", ()) if p != "body"),
             "key": str(e.get("type", "")), "message": str(e.get("msg", ""))} for e in list(errors)[:200]]


class _Limiter:
    """A token bucket per client (in this worker)."""

    def __init__(self) -> None:
        self._buckets: dict[int, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def wait_for(self, client_id: int) -> float:
        """0 when the call may go now, else the seconds until it may."""
        now = time.monotonic()
        with self._lock:
            tokens, at = self._buckets.get(client_id, (float(RATE_BURST), now))
            tokens = min(float(RATE_BURST), tokens + (now - at) * RATE_PER_SECOND)
            if tokens < 1:
                self._buckets[client_id] = (tokens, now)
                return (1 - tokens) / RATE_PER_SECOND
            self._buckets[client_id] = (tokens - 1, now)
            return 0.0


_limiter = _Limiter()
_bearer = HTTPBearer(auto_error=False, description="`tpd_<key id>_<secret>`, made on /reporting/clients")


class _Caller:
    def __init__(self, session: Session, actor: Actor, client: ApiClient, ip: str) -> None:
        self.session, self.actor, self.client, self.ip = session, actor, client, ip


class _RateLimited(Exception):
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds


def _authenticated(request: Request,
                   credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> tuple[Actor, int]:
    """Who calls, before anything else is looked at (a caller without a good token learns nothing more)."""
    if credentials is None:
        raise NotAuthenticated("api.error.no_token")
    with transaction() as session:
        actor, client = clients.authenticate(session, credentials.credentials,
                                             ip=request.client.host if request.client else "")
    if wait := _limiter.wait_for(client.id or 0):
        raise _RateLimited(wait)
    return actor, client.id or 0


@contextmanager
def _calling(request: Request, caller: tuple[Actor, int]) -> Iterator[_Caller]:
    """The call's work in one transaction (a refusal rolls it all back, then what was refused is kept)."""
    ip = request.client.host if request.client else ""
    try:
        with transaction() as session:
            client = session.get(ApiClient, caller[1])
            if client is None:
                raise NotAuthenticated("api.error.token")
            yield _Caller(session, caller[0], client, ip)
            clients.count_call(session, client, ip)
    except DomainError as refused:
        intake.keep_refusal(refused)
        raise


Token = Annotated[tuple[Actor, int], Depends(_authenticated)]
ExternalId = Annotated[str, Path(pattern=EXTERNAL_ID_PATTERN, description="The course's id in your own system.")]
Cursor = Annotated[str | None, Query(max_length=200, description="The `next` of the previous page.")]


def build() -> FastAPI:
    app = FastAPIOffline(
        title="TPD 全國教師在職進修資訊網 — county reporting API (後端資訊傳報)", version="1.0",
        description=("For the systems of counties that report back-end and for national platforms. "
                     "Get a client (token) from your unit's page /reporting/clients; send courses by your own id "
                     "(the same request twice leaves one course), then each ended course's attendance list whole. "
                     "Lists stay provisional until your county confirms the month they were sent in. "
                     f"Limits: {RATE_PER_SECOND:g} calls/s per client (bursts of {RATE_BURST}), "
                     f"{MAX_ENTRIES} rows per list, 4 MiB per request."),
        openapi_url="/openapi.json", docs_url="/docs", redoc_url=None, static_url="/docs-static",
        responses=_ERRORS)

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, error: DomainError) -> JSONResponse:
        body = _problem_of(request, error)
        headers = {"WWW-Authenticate": "Bearer"} if body.status == 401 else None
        return JSONResponse(body.model_dump(), status_code=body.status, media_type=PROBLEM, headers=headers)

    @app.exception_handler(_RateLimited)
    async def rate_limited(request: Request, error: _RateLimited) -> JSONResponse:
        return problem(request, 429, "api.error.rate", headers={"Retry-After": str(max(1, round(error.seconds)))})

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        return problem(request, 422, "error.validation", _field_errors(error.errors()))

    @app.get("/me", response_model=Me, summary="The client the token belongs to")
    def me(request: Request, token: Token) -> Me:
        with _calling(request, token) as caller:
            return Me(name=caller.client.name, key_id=caller.client.key_id, scopes=list(caller.client.scopes),
                      owner=clients.owner_name(caller.session, caller.client))

    @app.put("/courses/{external_id}", response_model=CourseResult, summary="Create or update a course",
             description="Upsert by your own id; the same document twice changes nothing. Published at once, "
                         "as reviewed by your county.")
    def put_course(external_id: ExternalId, document: CourseDoc, request: Request, token: Token) -> CourseResult:
        with _calling(request, token) as caller:
            result = intake.push_course(caller.session, caller.actor, caller.client, external_id,
                                        document.model_dump(mode="json"), ip=caller.ip)
        return CourseResult(**result)

    @app.put("/courses/{external_id}/attendance", response_model=AttendanceResult,
             summary="Put a course's whole attendance list",
             description="Replaces the list with the accepted rows; each row is answered. Provisional until "
                         "your county confirms this month.")
    def put_attendance(external_id: ExternalId, document: AttendanceDoc, request: Request,
                       token: Token) -> Response:
        rows = _plain_rows(document)
        with _calling(request, token) as caller:
            outcome = intake.push_attendance(caller.session, caller.actor, caller.client, external_id, rows,
                                             ip=caller.ip)
        # The answer as the use case made it (the response_model documents it and the contract tests hold
        # the two together): a 2,000-row answer is not built into models and encoded a second time.
        return Response(json.dumps(_with_messages(request, outcome), ensure_ascii=False),
                        media_type="application/json")

    @app.post("/batches", response_model=BatchResult, summary="Send many courses and lists at once",
              description=f"Up to {MAX_BATCH} items, done in order, each on its own: a refused item is answered "
                          "with its problem and never undoes or blocks the others (send a course before its "
                          "list). The answer is 200 with a result per item.")
    def post_batch(document: BatchDoc, request: Request, token: Token) -> BatchResult:
        with _calling(request, token) as caller:
            client_id, ip = caller.client.id or 0, caller.ip
        results = [_batch_item(request, token[0], client_id, ip, index, item)
                   for index, item in enumerate(document.items)]
        accepted = sum(1 for r in results if r.status == 200)
        return BatchResult(accepted=accepted, refused=len(results) - accepted, items=results)

    @app.get("/records", response_model=RecordPage, summary="Read back your teachers' confirmed records",
             description="Records of the teachers of the schools your unit reviews, in the order they were "
                         "written, from the cursor `after` on (leave it out to start). Personal data is masked "
                         "unless your system sent the list. Needs the records:read scope.")
    def get_records(request: Request, token: Token, after: Cursor = None,
                    limit: Annotated[int | None, Query(ge=1, le=readback.MAX_PAGE)] = None) -> RecordPage:
        with _calling(request, token) as caller:
            page = readback.records(caller.session, caller.actor, caller.client, after=after, limit=limit,
                                    ip=caller.ip)
        return RecordPage(**page)

    @app.get("/courses", response_model=CoursePage, summary="Read back the courses that changed",
             description="Courses organized in your jurisdiction, in the order they last changed, from the cursor "
                         "`after` on; a course that changes again comes again. Needs the records:read scope.")
    def get_courses(request: Request, token: Token, after: Cursor = None,
                    limit: Annotated[int | None, Query(ge=1, le=readback.MAX_PAGE)] = None) -> CoursePage:
        with _calling(request, token) as caller:
            page = readback.courses(caller.session, caller.actor, caller.client, after=after, limit=limit,
                                    ip=caller.ip)
        return CoursePage(**page)

    return app


def _plain_rows(document: AttendanceDoc) -> list[dict[str, Any]]:
    """The checked rows as the use case takes them (faster than `model_dump` for 2,000 rows)."""
    return [{"national_id": r.national_id, "name": r.name, "hours": r.hours} for r in document.rows]


def _with_messages(request: Request, outcome: dict[str, Any]) -> dict[str, Any]:
    """Each refused row's problem said in the caller's language."""
    lang = _lang(request)
    for row in outcome["rows"]:
        row["message"] = translate(row["problem"], lang) if row["problem"] else ""
    return outcome


def _attendance_result(request: Request, outcome: dict[str, Any]) -> AttendanceResult:
    return AttendanceResult(**_with_messages(request, outcome))


def _batch_item(request: Request, actor: Actor, client_id: int, ip: str, index: int,
                item: BatchItem) -> ItemResult:
    """One item of a batch in its own transaction: what it did, or why it was refused."""
    answer = ItemResult(index=index, kind=item.kind, external_id=item.external_id, status=200)
    try:
        if item.kind == "course":
            if item.course is None:
                raise ValidationFailed({"course": "api.error.batch_body"})
            course = CourseDoc.model_validate(item.course).model_dump(mode="json")
        else:
            if item.rows is None:
                raise ValidationFailed({"rows": "api.error.batch_body"})
            rows = _plain_rows(AttendanceDoc.model_validate({"rows": item.rows}))
        with transaction() as session:
            client = session.get(ApiClient, client_id)
            if client is None:
                raise NotAuthenticated("api.error.token")
            if item.kind == "course":
                answer.course = CourseResult(**intake.push_course(session, actor, client, item.external_id,
                                                                  course, ip=ip))
            else:
                answer.attendance = _attendance_result(request, intake.push_attendance(
                    session, actor, client, item.external_id, rows, ip=ip))
    except ValidationError as invalid:
        answer.problem = _problem(request, 422, "error.validation",
                                  _field_errors(invalid.errors(), "course." if item.kind == "course" else ""))
    except DomainError as refused:
        intake.keep_refusal(refused)
        answer.problem = _problem_of(request, refused)
    if answer.problem is not None:
        answer.status = answer.problem.status
    return answer
