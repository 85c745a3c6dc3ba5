"""Tests of `tpd_app.services.hours`."""
