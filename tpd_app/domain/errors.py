"""Domain errors. Each carries an i18n message key so the UI can say it in the user's language."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a user can cause; `key` names the message in `tpd_app/i18n`."""

    key = "error.generic"

    def __init__(self, key: str | None = None, **params: object) -> None:
        self.key = key or self.key
        self.params = params
        super().__init__(self.key)


class NotAuthenticated(DomainError):
    """No valid login session: the caller must sign in (again)."""

    key = "error.not_authenticated"


class PasswordChangeRequired(DomainError):
    """An administrator reset the password: nothing but changing it (and signing out) until it is changed."""

    key = "password.error.change_first"


class Forbidden(DomainError):
    """The permission matrix or jurisdiction refuses the call."""

    key = "error.forbidden"


class InvalidCredentials(DomainError):
    """Sign-in failed; one generic message whatever the cause."""

    key = "login.error.invalid"


class ValidationFailed(DomainError):
    """Input was rejected; `field_errors` maps field names to message keys."""

    key = "error.validation"

    def __init__(self, field_errors: dict[str, str], **params: object) -> None:
        super().__init__(None, **params)
        self.field_errors = field_errors


class NotFound(DomainError):
    """The object does not exist (or the caller may not know that it does)."""

    key = "error.not_found"
