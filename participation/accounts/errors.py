"""Named errors of the accounts domain; each may name the form field it belongs to."""

from __future__ import annotations

from participation.core.errors import DomainError


class AccountError(DomainError):
    """A rule about accounts was broken; ``field`` names the form field it belongs to."""


class InvalidEmail(AccountError):
    """The e-mail address is not a valid address."""


class WeakPassword(AccountError):
    """The new password does not meet the minimum length."""


class WrongPassword(AccountError):
    """The current password given to confirm a change is wrong."""


class InvalidToken(AccountError):
    """A link from a mail is forged, already used or no longer valid."""


class ExpiredToken(InvalidToken):
    """A link from a mail was valid but is too old."""


class LastAdmin(AccountError):
    """The change would leave the platform without an administrator."""


class NotAllowed(AccountError):
    """The acting user may not do this."""
