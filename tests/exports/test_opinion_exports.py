"""Policy staff download opinions as CSV, XLSX and JSON, with a data dictionary."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import openpyxl
import pytest
import sqlalchemy as sa

from participation.accounts.models import AgeBand, Role
from participation.audit.models import AuditEntry
from participation.database import utcnow
from participation.events.models import EventStatus
from participation.extensions import db
from participation.feedback.models import OpinionSource, OpinionStatus, Stance

BOM = "\ufeff"


@pytest.fixture
def staff(make_user):
    return make_user(roles=(Role.STAFF,))


@pytest.fixture
def admin(make_user):
    return make_user(roles=(Role.ADMIN,))


@pytest.fixture
def opinions(make_action, make_opinion, make_user, make_event):
    """Two actions under two priorities, with opinions of every kind."""
    youth = make_action(code="YC01", title_nl="Jeugd", title_en="Youth")
    climate = make_action(code="CL01", title_nl="Klimaat", title_en="Climate")
    event = make_event(slug="climate-cafe", title="Climate café", actions=[climate],
                       starts_at=utcnow() - timedelta(days=2))
    author = make_user(name="Ann Author", email="ann@example.org")
    make_opinion(youth, user=author, stance=Stance.SUPPORT, body="=HYPERLINK(\"http://x\")",
                 postcode="9000", age_band=AgeBand.AGE_25_34, locale="en")
    make_opinion(climate, user=author, stance=Stance.OPPOSE, body="Too slow", event=event,
                 source=OpinionSource.AFTER_EVENT, created_at=utcnow() - timedelta(days=40))
    make_opinion(climate, stance=Stance.MIXED, body="Hidden text", status=OpinionStatus.HIDDEN,
                 hidden_reason="spam")
    make_opinion(climate, stance=Stance.SUPPORT, body="Table 2 agreed", event=event,
                 source=OpinionSource.AT_EVENT)
    db.session.commit()
    return {"youth": youth, "climate": climate, "event": event, "author": author}


def read_csv(response) -> list[dict]:
    text = response.get_data().decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_csv_export_has_a_bom_every_opinion_and_no_personal_data_for_staff(
    client, login, staff, opinions
):
    login(staff)
    response = client.get("/staff/exports/opinions.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "opinions-dictionary" in response.headers["Link"]
    rows = read_csv(response)
    assert len(rows) == 4
    assert "author_email" not in rows[0] and "author_name" not in rows[0]
    body = response.get_data().decode("utf-8")
    assert "ann@example.org" not in body and "Ann Author" not in body
    first = rows[0]
    assert first["action_code"] == "YC01" and first["stance"] == "support"
    # One author in 9000 and in 25-34: too small a group to show outside admin exports.
    assert first["postcode"] == "<5" and first["age_band"] == "<5"
    assert first["language"] == "en"
    assert first["priority"] == opinions["youth"].priority.slug
    recorded = next(r for r in rows if r["source"] == "at_event")
    assert recorded["author_pseudonym"] == "" and recorded["event"] == "climate-cafe"


def test_formulas_are_neutralised_in_csv_and_raw_text_in_xlsx_and_json(
    client, login, staff, opinions
):
    login(staff)
    rows = read_csv(client.get("/staff/exports/opinions.csv"))
    assert rows[0]["text"] == "'=HYPERLINK(\"http://x\")"
    data = client.get("/staff/exports/opinions.json").get_json()
    assert data[0]["text"] == "=HYPERLINK(\"http://x\")"
    book = openpyxl.load_workbook(io.BytesIO(client.get("/staff/exports/opinions.xlsx").data))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("text") + 1)
    assert cell.value == "=HYPERLINK(\"http://x\")" and cell.data_type == "s"


def test_the_same_author_has_the_same_pseudonym_and_it_is_not_their_email(
    client, login, staff, opinions
):
    login(staff)
    rows = read_csv(client.get("/staff/exports/opinions.csv"))
    ann = [r["author_pseudonym"] for r in rows if r["action_code"] in ("YC01",)
           or r["text"] == "Too slow"]
    assert len(ann) == 2 and ann[0] == ann[1] and len(ann[0]) == 16
    assert "ann" not in ann[0] and str(opinions["author"].id) != ann[0]


def test_admins_get_the_authors_name_and_email(client, login, admin, opinions):
    login(admin)
    rows = read_csv(client.get("/staff/exports/opinions.csv"))
    first = rows[0]
    assert first["author_name"] == "Ann Author" and first["author_email"] == "ann@example.org"
    assert first["postcode"] == "9000" and first["age_band"] == "25_34"
    book = openpyxl.load_workbook(io.BytesIO(client.get("/staff/exports/opinions.xlsx").data))
    header = [c.value for c in book.worksheets[0][1]]
    assert "author_email" in header


def test_xlsx_export_has_the_rows_and_the_data_dictionary_sheet(client, login, staff, opinions):
    login(staff)
    response = client.get("/staff/exports/opinions.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    header, data = rows[0], rows[1:]
    assert len(data) == 4
    assert data[0][header.index("action_code")] == "YC01"
    dictionary = list(book.worksheets[1].iter_rows(values_only=True))
    assert dictionary[0] == ("column", "description", "personal_data")
    described = {row[0] for row in dictionary[1:]}
    assert described == set(header)


def test_json_export_is_an_array_of_objects(client, login, staff, opinions):
    login(staff)
    response = client.get("/staff/exports/opinions.json")
    data = json.loads(response.get_data())
    assert response.mimetype == "application/json"
    assert [item["action_code"] for item in data] == ["YC01", "CL01", "CL01", "CL01"]
    assert data[0]["hidden_reason"] is None


@pytest.mark.parametrize("query, texts", [
    ("stance=oppose", {"Too slow"}),
    ("action=YC01", {"=HYPERLINK(\"http://x\")"}),
    ("event=climate-cafe", {"Too slow", "Table 2 agreed"}),
    ("status=hidden", {"Hidden text"}),
    ("status=published&stance=support", {"=HYPERLINK(\"http://x\")", "Table 2 agreed"}),
])
def test_filters_narrow_the_export(client, login, staff, opinions, query, texts):
    login(staff)
    data = client.get(f"/staff/exports/opinions.json?{query}").get_json()
    assert {item["text"].removeprefix("'") for item in data} == texts


def test_priority_and_date_filters_narrow_the_export(client, login, staff, opinions):
    login(staff)
    slug = opinions["climate"].priority.slug
    data = client.get(f"/staff/exports/opinions.json?priority={slug}").get_json()
    assert {item["action_code"] for item in data} == {"CL01"}
    since = (utcnow() - timedelta(days=10)).date().isoformat()
    data = client.get(f"/staff/exports/opinions.json?date_from={since}").get_json()
    assert "Too slow" not in {item["text"] for item in data} and len(data) == 3
    until = (utcnow() - timedelta(days=30)).date().isoformat()
    data = client.get(f"/staff/exports/opinions.json?date_to={until}").get_json()
    assert [item["text"] for item in data] == ["Too slow"]


def test_a_bad_filter_shows_the_form_with_errors(client, login, staff, opinions):
    login(staff)
    response = client.get("/staff/exports/opinions.csv?date_from=2026-02-01&date_to=2026-01-01",
                          headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert "The end date must be on or after the start date." in response.get_data(as_text=True)


@pytest.mark.parametrize("slug", ["no-such-event", "draft-plans"])
def test_a_download_naming_an_event_not_offered_is_refused_with_every_event_listed(
    client, login, staff, opinions, make_event, slug
):
    make_event(slug="draft-plans", title="Draft plans", status=EventStatus.DRAFT)
    login(staff)
    response = client.get(f"/staff/exports/opinions.csv?event={slug}",
                          headers={"Accept-Language": "en"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    # The download checks the filter against the chosen event only; the page it shows on
    # an error offers every event again (and never a draft).
    assert "Not a valid choice" in html
    assert 'value="climate-cafe"' in html and 'value="draft-plans"' not in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0


def test_the_exports_page_sends_the_chosen_export_with_its_filters(
    client, login, staff, opinions
):
    login(staff)
    page = client.get("/staff/exports", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "author_pseudonym" in html and "author_email" not in html
    response = client.get("/staff/exports?kind=opinions&format=csv&stance=oppose&action=")
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/exports/opinions.csv?stance=oppose"


def test_every_export_is_audited_with_its_filter_and_row_count(
    client, login, staff, opinions
):
    login(staff)
    client.get("/staff/exports/opinions.csv?stance=support").get_data()
    client.get("/staff/exports/summary.xlsx").get_data()
    entries = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [e.action for e in entries] == ["export.opinions", "export.summary"]
    first = entries[0]
    assert first.actor_id == staff.id
    assert first.details["filters"] == {"stance": "support"}
    assert first.details["format"] == "csv" and first.details["personal_data"] is False
    assert first.details["rows"] == 2 and first.details["completed"] is True
    assert entries[1].details["format"] == "xlsx" and entries[1].details["rows"] > 0


def test_data_dictionaries_describe_every_column(client, login, staff):
    login(staff)
    rows = read_csv(client.get("/staff/exports/opinions-dictionary.csv"))
    columns = [r["column"] for r in rows]
    assert "author_pseudonym" in columns and "author_email" not in columns
    assert all(r["description"] for r in rows)
    summary = client.get("/staff/exports/summary-dictionary.json").get_json()
    assert [r["column"] for r in summary] == ["action_code", "action_title", "breakdown",
                                              "group", "opinions"]


def test_the_admin_data_dictionary_describes_the_personal_columns(client, login, admin):
    login(admin)
    rows = read_csv(client.get("/staff/exports/opinions-dictionary.csv"))
    assert {"author_name", "author_email"} <= {r["column"] for r in rows}
