"""Back-end reporting (後端資訊傳報, SPEC §3.5): how each county reports, the API clients of the counties'
own systems, what those systems send (courses, attendance lists), and the month-by-month confirmation
that credits what they sent.

Courses are written through `courses` and lists confirmed through `hours.attendance`, so the rules of the
network's own pages hold for what arrives through the API.
"""
