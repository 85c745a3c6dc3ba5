"""Tests of `tpd_app.services.courses`."""
