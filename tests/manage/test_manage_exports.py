"""Attendee exports: CSV that Excel opens, XLSX, formulas neutralised, a sign-in sheet."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
import sqlalchemy as sa

from participation.audit.models import AuditEntry
from participation.extensions import db
from participation.registrations.models import RegistrationSource, RegistrationStatus

EN = {"Accept-Language": "en"}


@pytest.fixture
def event(make_event, organiser, add_registration):
    event = make_event(organisers=[organiser], slug="evening", capacity=2)
    add_registration(event, name="Zoë Ünal", email="zoe@example.org", code="ZOE234",
                     needs_step_free=True, needs_other="Vegan meal")
    add_registration(event, name="=HYPERLINK(\"http://evil.example\")", email="eve@example.org",
                     code="EVE234", needs_other="+cmd|' /C calc'!A0",
                     source=RegistrationSource.MANUAL)
    add_registration(event, name="Wanda Waiting", email="wanda@example.org", code="WAN234",
                     status=RegistrationStatus.WAITING)
    add_registration(event, name="Carl Cancelled", email="carl@example.org", code="CAR234",
                     status=RegistrationStatus.CANCELLED)
    return event


def test_csv_export_is_utf8_with_bom_and_lists_active_registrants(client, login, organiser,
                                                                  event):
    login(organiser)
    response = client.get("/manage/events/evening/attendees.csv", headers=EN)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Code", "Name", "E-mail", "Status"]
    by_code = {row[0]: row for row in rows[1:]}
    assert set(by_code) == {"ZOE234", "EVE234", "WAN234"}
    assert by_code["ZOE234"][1] == "Zoë Ünal"
    assert by_code["ZOE234"][3] == "confirmed"
    assert by_code["WAN234"][3] == "waiting list"
    assert by_code["WAN234"][4] == "1"
    assert "Vegan meal" in by_code["ZOE234"]


def test_csv_export_neutralises_formulas(client, login, organiser, event):
    login(organiser)
    text = client.get("/manage/events/evening/attendees.csv").data.decode("utf-8-sig")
    rows = {row[0]: row for row in csv.reader(io.StringIO(text))}
    assert rows["EVE234"][1] == "'=HYPERLINK(\"http://evil.example\")"
    assert rows["EVE234"][10] == "'+cmd|' /C calc'!A0"
    for row in rows.values():
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@"))


def test_xlsx_export_holds_the_same_rows_as_text_never_formulas(client, login, organiser,
                                                               event):
    login(organiser)
    response = client.get("/manage/events/evening/attendees.xlsx", headers=EN)
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    workbook = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Code", "Name", "E-mail")
    by_code = {row[0]: row for row in rows[1:]}
    assert set(by_code) == {"ZOE234", "EVE234", "WAN234"}
    assert by_code["ZOE234"][1] == "Zoë Ünal"
    assert by_code["EVE234"][1] == "=HYPERLINK(\"http://evil.example\")"
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f"


def test_sign_in_sheet_lists_confirmed_people_with_code_needs_and_signature(
    client, login, organiser, event
):
    login(organiser)
    response = client.get("/manage/events/evening/sign-in-sheet", headers=EN)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Zoë Ünal" in page and "ZOE234" in page
    assert "step-free" in page and "Vegan meal" in page
    assert "Signature" in page
    assert "Wanda Waiting" not in page and "Carl Cancelled" not in page
    assert page.index("=HYPERLINK") < page.index("Zoë Ünal")  # sorted by name


def test_every_export_is_written_to_the_audit_log(client, login, organiser, event):
    login(organiser)
    client.get("/manage/events/evening/attendees.csv")
    client.get("/manage/events/evening/attendees.xlsx")
    client.get("/manage/events/evening/sign-in-sheet")
    entries = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.action, e.details.get("format")) for e in entries] == [
        ("export.attendees", "csv"), ("export.attendees", "xlsx"),
        ("export.sign_in_sheet", None),
    ]
    assert all(e.actor_id == organiser.id and e.target_id == event.id for e in entries)


@pytest.mark.parametrize("path", ["attendees.csv", "attendees.xlsx", "sign-in-sheet"])
def test_organiser_of_another_event_cannot_export(client, login, other_organiser, event, path):
    login(other_organiser)
    assert client.get(f"/manage/events/evening/{path}").status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == 0


def test_admin_can_export_any_event(client, login, admin, event):
    login(admin)
    assert client.get("/manage/events/evening/attendees.csv").status_code == 200
