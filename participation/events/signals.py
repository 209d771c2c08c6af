"""What an organiser's change to an event means for the domains above events.

Registrations depend on events, never the other way round. So when an organiser changes the
number of places or cancels an event, events announces it here and the registration rules
(connected by ``participation.registrations.services``, which every app imports) do their
part: refuse too few places, promote from the waiting list, cancel and mail registrants.
A receiver refuses the change by raising a ``DomainError``.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: Sent with ``capacity`` (None = unlimited) before an event's number of places changes.
capacity_changing = _signals.signal("event-capacity-changing")
#: Sent with ``now`` before an event is cancelled.
cancelling = _signals.signal("event-cancelling")
#: Sent with ``copy`` after an event is duplicated: the registration form's questions follow.
duplicated = _signals.signal("event-duplicated")


def announce(signal, event, **details) -> None:
    """Send ``signal`` about ``event``; fail loudly if no domain listens (a wiring mistake)."""
    if not signal.receivers:
        raise RuntimeError(f"nothing handles {signal.name}: import the registration rules")
    signal.send(event, **details)
