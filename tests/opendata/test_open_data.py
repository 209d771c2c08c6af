"""The open-data page, its CSV and JSON downloads and its DCAT-AP catalogue."""

from __future__ import annotations

import csv
import io
import json

from participation.events.models import EventStatus
from participation.extensions import db
from participation.feedback.models import Stance
from participation.opendata.datasets import suppress_small_groups


def test_open_data_page_says_what_licence_frequency_and_formats_and_links_downloads(client):
    html = client.get("/open-data", headers={"Accept-Language": "en"}).get_data(as_text=True)
    for text in ("Licence", "Updated", "Formats", "modellicentie-gratis-hergebruik"):
        assert text in html
    for path in ("/open-data/events.csv", "/open-data/policy-actions.json",
                 "/open-data/opinion-counts.csv", "/open-data/catalog.jsonld", "/api/v1/"):
        assert path in html


def test_events_download_holds_published_events_only_in_csv_and_json(client, make_event,
                                                                     make_action):
    action = make_action(code="A01")
    make_event(title="Open", actions=[action])
    make_event(title="=cmd|' /C calc'!A0")
    make_event(title="Draft", status=EventStatus.DRAFT)
    db.session.commit()
    response = client.get("/open-data/events.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert {r["title_nl"] for r in rows} == {"Open", "'=cmd|' /C calc'!A0"}
    assert next(r for r in rows if r["title_nl"] == "Open")["actions"] == "A01"
    items = client.get("/open-data/events.json").get_json()
    assert {i["title_en"] for i in items} >= {"Open"}
    assert "email" not in json.dumps(items)


def test_opinion_counts_hide_small_groups_and_the_group_that_would_give_them_away(
    client, make_action, make_opinion
):
    action = make_action(code="A02")
    for postcode in ["9000"] * 6 + ["9040"] * 7 + ["9050"] * 2:
        make_opinion(action, postcode=postcode, stance=Stance.SUPPORT)
    db.session.commit()
    rows = client.get("/open-data/opinion-counts.json").get_json()
    by_group = {(r["breakdown"], r["group"]): r["opinions"] for r in rows}
    assert by_group[("total", "all")] == 15
    assert by_group[("postcode", "9050")] == "<5"
    # 9050 alone hidden would be 15 - 6 - 7: the smallest other group is hidden too.
    assert by_group[("postcode", "9000")] == "<5"
    assert by_group[("postcode", "9040")] == 7


def test_secondary_suppression_leaves_breakdowns_with_two_small_groups_alone():
    groups = [{"opinions": 2}, {"opinions": 3}, {"opinions": 9}]
    assert [g["opinions"] for g in suppress_small_groups(groups)] == ["<5", "<5", 9]


def test_unknown_dataset_or_format_is_not_found(client):
    assert client.get("/open-data/users.csv").status_code == 404
    assert client.get("/open-data/events.xlsx").status_code == 404


def test_dcat_catalogue_describes_every_dataset_with_downloads_that_work(client):
    response = client.get("/open-data/catalog.jsonld")
    assert response.mimetype == "application/ld+json"
    catalogue = response.get_json()
    assert catalogue["@type"] == "dcat:Catalog"
    assert {d["dct:identifier"] for d in catalogue["dcat:dataset"]} == {
        "events", "policy-actions", "opinion-counts"}
    for dataset in catalogue["dcat:dataset"]:
        # DCAT-AP's mandatory and recommended properties of a dataset.
        assert {t["@language"] for t in dataset["dct:title"]} == {"nl", "en"}
        assert dataset["dct:description"] and dataset["dct:publisher"]["foaf:name"]
        assert dataset["dcat:contactPoint"]["vcard:hasEmail"]["@id"].startswith("mailto:")
        for distribution in dataset["dcat:distribution"]:
            url = distribution["dcat:downloadURL"]["@id"]
            assert distribution["dct:license"]["@id"].startswith("https://")
            path = url.removeprefix("http://localhost")
            assert client.get(path).status_code == 200
    [service] = catalogue["dcat:service"]
    assert client.get(service["dcat:endpointDescription"]["@id"].removeprefix(
        "http://localhost")).status_code == 200
