"""來信指教 (the help desk, issue 18): the public form and the asker's private link (`tickets`), the queue of
the unit an enquiry is routed to (`queue`)."""
