"""Courses: registering, editing and cancelling (lifecycle), review and auto-review, the public
catalogue, topics and attachments (SPEC §3.1, §4).

`access` holds every loader that fetches a course *and* checks the caller's right to it: the only
door to a course row. The one sanctioned call out of this package is `lifecycle` → `hours.registration`
(cancelling a course cancels its registrations; added seats go to the waiting list).
"""
