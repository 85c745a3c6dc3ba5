"""Hours: online registration and the waiting list, subscriptions, attendance lists and their confirmation,
and the lifelong training record (SPEC §1.3, §3.2, §3.3).

Courses are reached only through `courses.access`; a confirmed list updates `stats.rollups` in the
same transaction.
"""
