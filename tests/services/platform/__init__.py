"""Tests of `tpd_app.services.platform`."""
