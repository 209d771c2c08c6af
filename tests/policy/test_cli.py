"""The command-line tasks for policy actions and demo data."""

from __future__ import annotations

import sqlalchemy as sa

from participation.events.models import Event
from participation.extensions import db
from participation.policy.models import PolicyAction


def test_actions_import_reports_each_bad_line_and_changes_nothing(runner, tmp_path, make_action):
    priority = make_action(code="A01").priority
    db.session.commit()
    csv_file = tmp_path / "actions.csv"
    csv_file.write_text(
        "code,priority,title_nl,title_en,summary_nl,summary_en,status,progress,feedback_open\n"
        f"A02,{priority.slug},Nieuwe actie,New action,,,planned,0,yes\n"
        f"A03,{priority.slug},Slechte actie,,,,finished,0,yes\n"
        f"A04,no-such-priority,Nog een,,,,planned,150,yes\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["actions", "import", str(csv_file)])
    assert result.exit_code == 1
    assert "line 3" in result.output and "status" in result.output
    assert "line 4" in result.output
    assert "nothing was changed" in result.output
    assert db.session.scalar(sa.select(sa.func.count(PolicyAction.id))) == 1


def test_actions_import_creates_and_updates(runner, tmp_path, make_action):
    priority = make_action(code="A01").priority
    db.session.commit()
    csv_file = tmp_path / "actions.csv"
    csv_file.write_text(
        "code,priority,title_nl,title_en,summary_nl,summary_en,status,progress,feedback_open\n"
        f"A01,{priority.slug},Bijgewerkt,Updated,,,in_progress,40,yes\n"
        f"A02,{priority.slug},Nieuwe actie,New action,,,planned,0,no\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["actions", "import", str(csv_file)])
    assert result.exit_code == 0, result.output
    assert "1 action(s) created, 1 updated" in result.output
    db.session.expire_all()
    updated = db.session.scalar(sa.select(PolicyAction).where(PolicyAction.code == "A01"))
    assert updated.title_nl == "Bijgewerkt" and updated.progress == 40


def test_demo_load_if_empty_loads_once(runner):
    first = runner.invoke(args=["demo", "load", "--if-empty"])
    assert first.exit_code == 0, first.output
    count = db.session.scalar(sa.select(sa.func.count(Event.id)))
    assert count >= 12
    second = runner.invoke(args=["demo", "load", "--if-empty"])
    assert "already holds events" in second.output
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == count
