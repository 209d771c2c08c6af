"""One rule for small groups: fewer than 5 people are never shown as a count or a value.

Reports (``feedback/reports.py``) and exports (``exports/opinions.py``) both call these
functions, so the threshold, the label and the way people are counted live here only. Only
admin exports (and reports an admin asks for) show exact figures.
"""

from __future__ import annotations

import sqlalchemy as sa

from participation.extensions import db
from participation.feedback.models import Opinion

#: Groups with fewer people than this are shown as "<5" outside admin exports and reports.
SMALL_GROUP = 5
SMALL_GROUP_LABEL = "<5"


def shown_count(number: int, exact: bool = False) -> int | str:
    """Show a group's size, or '<5' for a small group unless exact figures are allowed."""
    if not exact and 0 < number < SMALL_GROUP:
        return SMALL_GROUP_LABEL
    return number


def shown_value(value, small: set, exact: bool = False):
    """Show a person's value of a group (a postcode...), or '<5' when its group is small."""
    if not exact and value in small:
        return SMALL_GROUP_LABEL
    return value


def person():
    """The person behind an opinion: its author, or the opinion itself when recorded at an
    event (no account): each such opinion counts as one person."""
    return sa.func.coalesce(Opinion.user_id, -Opinion.id)


def people_per_group(opinions: sa.Select, column) -> list[tuple[object, int]]:
    """Count the people per value of ``column`` among the opinions ``opinions`` selects.

    ``opinions`` is a ``select`` over ``Opinion`` (with its joins and conditions); a value of
    None (not given) is a group too.
    """
    query = (opinions.with_only_columns(column, sa.func.count(sa.distinct(person())))
             .group_by(column).order_by(column))
    return [(value, number) for value, number in db.session.execute(query)]


def small_groups(opinions: sa.Select, column) -> set:
    """Return the values of ``column`` fewer than SMALL_GROUP people share among ``opinions``."""
    return {value for value, number in people_per_group(opinions, column)
            if value is not None and number < SMALL_GROUP}
