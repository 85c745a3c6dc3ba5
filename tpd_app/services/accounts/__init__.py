"""Accounts: signing in, business accounts and their activation chain, own profile and unit contact data,
teacher accounts and their import, the school directory, the audit-log viewer (SPEC §1.2, §3.4)."""
