"""Tests of `tpd_app.services.accounts`."""
