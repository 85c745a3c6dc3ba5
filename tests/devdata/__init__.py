"""Tests of `tpd_app.devdata`: the demo and national-scale generators."""
