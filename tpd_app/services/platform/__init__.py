"""Platform plumbing every feature stands on: the database and its one transaction, the audit log, the
permission guard, the outbox and mail, uploads, passwords, validators, id parsing and worker offloading."""
