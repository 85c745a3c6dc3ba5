"""The signed-in home page as a work queue: what waits for this account, each count with the page that
shows it. The services count (each for the functions the actor holds); the state puts them in order."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Queue(StrEnum):
    """One kind of waiting work; its label is `queue.<value>`, its urgent part `queue.<value>.urgent`."""

    COURSES_TO_REVIEW = "courses_to_review"
    LISTS_TO_CONFIRM = "lists_to_confirm"
    RETURNED_COURSES = "returned_courses"
    LISTS_OVERDUE = "lists_overdue"
    LISTS_DUE = "lists_due"
    REGISTRANTS_WAITING = "registrants_waiting"
    TEACHERS_BELOW = "teachers_below"
    ACCOUNT_APPLICATIONS = "account_applications"
    UNIT_APPLICATIONS = "unit_applications"
    TEACHER_APPLICATIONS = "teacher_applications"
    CHIEF_CHANGES = "chief_changes"
    ENQUIRIES = "enquiries"
    UPCOMING_COURSES = "upcoming_courses"
    WAITING_POSITIONS = "waiting_positions"
    HOURS_MISSING = "hours_missing"


#: Days ahead that make waiting work urgent: a course starting, a list falling due.
SOON_DAYS = 7


@dataclass(frozen=True)
class QueueItem:
    """`count` things wait (`urgent` of them soon or late); `figure` replaces the count where the work
    is an amount (hours still missing)."""

    queue: Queue
    count: int
    urgent: int = 0
    figure: str = ""

    @property
    def waiting(self) -> bool:
        return self.count > 0


def in_order(items: list[QueueItem]) -> list[QueueItem]:
    """Urgent work first, then what waits, then the empty queues; each group in the order of `Queue`."""
    rank = {queue: index for index, queue in enumerate(Queue)}
    return sorted(items, key=lambda item: (0 if item.urgent else 1 if item.waiting else 2, rank[item.queue]))
