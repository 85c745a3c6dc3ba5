"""Tests of `tpd_app.models`: the tables keep what code writes to them."""
