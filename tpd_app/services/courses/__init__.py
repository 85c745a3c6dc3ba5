"""Courses: registering, editing and cancelling (lifecycle), review and auto-review, the public
catalogue, topics and attachments (SPEC §3.1, §4).

`access` holds every loader that fetches a course *and* checks the caller's right to it: the only
door to a course row, used by `hours` too. Calls out of this package (docs/ARCHITECTURE.md): a course
change tells `hours.registration` (cancelled registrations, seats for the waiting list) and
`hours.subscriptions` (approved courses for subscribers), and keeps `stats.rollups` current.
"""
