"""The named errors of the registration rules; each carries a message and, if any, a field."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from participation.core.errors import DomainError


class RegistrationError(DomainError):
    """A registration rule was broken; ``field`` names the form field it belongs to, if any."""


class RegistrationClosed(RegistrationError):
    """The event takes no registrations now; ``reason`` says why."""

    def __init__(self, reason: str, message=None):
        super().__init__(message or CLOSED_MESSAGES.get(reason, CLOSED_MESSAGES["closed"]))
        self.reason = reason


class EventFull(RegistrationError):
    """No place is free and the action cannot use the waiting list."""


class AlreadyRegistered(RegistrationError):
    """The person already holds an active registration for this event."""


class InvalidManageLink(RegistrationError):
    """The manage link is forged, damaged, or no longer valid; ``reason`` says which."""

    def __init__(self, reason: str = "invalid"):
        message = (
            _l("This link has expired: the event is over and the registration has been removed.")
            if reason == "expired"
            else _l("This link is not valid. Use the link in your most recent mail about this "
                    "registration, exactly as it was sent.")
        )
        super().__init__(message)
        self.reason = reason


class CapacityTooLow(RegistrationError):
    """The capacity asked for is below the number of people already confirmed."""


CLOSED_MESSAGES = {
    "not_yet_open": _l("Registration for this event has not opened yet."),
    "closed": _l("Registration for this event is closed."),
    "paused": _l("Registration for this event is paused by the organisers. Try again later."),
    "past": _l("This event has already taken place; registration is no longer possible."),
    "cancelled": _l("This event has been cancelled; registration is not possible."),
    "draft": _l("This event is not published; registration is not possible."),
}
