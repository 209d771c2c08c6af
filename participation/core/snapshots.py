"""Rows kept in memory as plain data and put back into a request's session without a query.

A page that every signed-in visitor asks for needs rows that rarely change (the signed-in
user, the policy action on the page, the visitor's own opinions). They are kept in a memo
(``core.page_cache``) as plain column values, never as ORM objects (an instance belongs to
one session), and each request gets its own instance, merged into its session as if it had
been loaded: relationships then load lazily as usual, and changes are saved as usual.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from participation.extensions import db

T = TypeVar("T")


def columns(obj: Any) -> dict[str, Any]:
    """The column values of a loaded instance, as plain data to keep."""
    return {attr.key: getattr(obj, attr.key) for attr in sa.inspect(type(obj)).column_attrs}


def materialise(model: type[T], values: dict[str, Any], **related: Any) -> T:
    """Put a kept row into this request's session as if loaded, without a query.

    The instance already in the session (loaded or materialised earlier in the request) wins.
    ``related`` sets relationships from other kept rows: instances built from kept values
    (new, they are put into the session with it) or lists of them.
    """
    mapper = sa.inspect(model)
    if not mapper.configured:  # no query has set the models up yet in this process
        sa.orm.configure_mappers()
    key = mapper.identity_key_from_primary_key(
        tuple(values[mapper.get_property_by_column(column).key] for column in mapper.primary_key))
    found = db.session.identity_map.get(key)
    if found is not None:
        return found
    obj = _as_loaded(mapper, values)
    for name, value in related.items():
        # Set as loaded too: no history, nothing to flush, no back reference to follow.
        sa.orm.attributes.set_committed_value(obj, name, value)
        for instance in value if isinstance(value, list) else [value]:
            if instance is not None and sa.inspect(instance).transient:
                make_transient_to_detached(instance)
                db.session.add(instance)
    db.session.add(obj)
    return obj


def refresh(obj: Any, row: Mapping[str, Any]) -> None:
    """Set columns read afresh (``row``: by column name) on an instance as a load does:
    committed values, no history, what was expired loaded again."""
    attributes = _attribute_names(sa.inspect(obj).mapper)
    for column, value in row.items():
        set_committed_value(obj, attributes[column], value)


@functools.cache
def _attribute_names(mapper) -> dict[str, str]:
    """Column name -> attribute name, per model."""
    return {prop.columns[0].key: prop.key for prop in mapper.column_attrs}


def build(model: type[T], values: dict[str, Any]) -> T:
    """An instance built from kept values, to pass as ``related`` to :func:`materialise`."""
    return _as_loaded(sa.inspect(model), values, detached=False)


def _as_loaded(mapper, values: dict[str, Any], detached: bool = True):
    obj = mapper.class_manager.new_instance()
    state = sa.inspect(obj)
    # As a load does: committed values, no history. Lists and dicts (JSON columns) are
    # copied: a request changing its instance in place must not change what is kept.
    state.dict.update({key: value.copy() if isinstance(value, (list, dict)) else value
                       for key, value in values.items()})
    if detached:
        make_transient_to_detached(obj)
    return obj
