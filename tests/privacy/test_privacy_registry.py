"""The privacy registry classifies every column, and download, deletion and purge follow it."""

from __future__ import annotations

import json

import sqlalchemy as sa

from participation.accounts.models import Role
from participation.accounts.services import grant_role
from participation.audit.access_log import record_view
from participation.extensions import db
from participation.privacy import registry, services

from .conftest import PASSWORD


def test_every_column_of_every_model_is_classified_in_the_privacy_registry(app):
    missing = registry.unclassified_columns(db.metadata)
    assert not missing, (
        "These columns are not classified in the privacy registry: "
        + ", ".join(missing)
        + ".\nAdd each one to participation/privacy/registry.py, in the Table entry named "
        "after its table (add a Table(...) for a new table): under `columns` as "
        "Personal(purpose, exported=..., erased=...) when it says something about a person "
        "(then download, deletion and purge handle it), or under `other` when it does not."
    )


def test_the_registry_names_only_columns_that_exist(app):
    for entry in registry.REGISTRY:
        table = db.metadata.tables.get(entry.name)
        assert table is not None, f"registry names a table that does not exist: {entry.name}"
        for name in (*entry.columns, *entry.other, *entry.links):
            assert name in table.c, f"registry names {entry.name}.{name}, which does not exist"
        assert not set(entry.columns) & set(entry.other), entry.name


def test_the_download_holds_every_exported_column_of_each_section(client, login, history):
    data = services.personal_data(history.user)
    for entry in registry.REGISTRY:
        if entry.section is None:
            continue
        rows = data[entry.section]
        for row in [rows] if isinstance(rows, dict) else rows:
            exported = {n for n, c in entry.columns.items() if c.exported and n != "event_id"}
            assert exported <= set(row), (entry.name, exported - set(row))
            hidden = {n for n, c in entry.columns.items() if not c.exported}
            assert not hidden & set(row), entry.name
    assert "password_hash" not in json.dumps(data)


def test_an_admins_download_holds_no_one_elses_address_or_search(make_user, history):
    admin = make_user(email="boss@example.org", roles=(Role.ADMIN,), password=PASSWORD)
    grant_role(admin, history.user, Role.ORGANISER)
    record_view(admin, "admin.users", query={"q": "rita resident"})
    db.session.commit()
    text = json.dumps(services.personal_data(admin))
    assert "rita" not in text.lower()
    assert '"by_you": true' in text  # their own actions are still listed


def test_deleting_leaves_no_erasable_value_on_any_row_of_the_person(history):
    user_id = history.user.id
    services.delete_account(history.user, PASSWORD)
    db.session.commit()
    for entry in registry.REGISTRY:
        for link in entry.links:
            column = entry.table.c[link]
            assert db.session.scalar(
                sa.select(sa.func.count()).select_from(entry.table).where(column == user_id)
            ) == 0, f"{entry.name}.{link} still points at the deleted account"
    assert "rita@example.org" not in json.dumps([
        dict(row._mapping) for row in db.session.execute(sa.select(registry.table(
            "registrations").table))], default=str)
