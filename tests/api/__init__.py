"""Tests of the HTTP endpoints in `tpd_app.api`."""
