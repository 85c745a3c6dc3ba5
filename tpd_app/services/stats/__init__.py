"""Statistics: scoped dashboards from the rollups, their charts, and the Excel exports (SPEC §3.6)."""
