"""Tests of `tpd_app.services.stats`."""
