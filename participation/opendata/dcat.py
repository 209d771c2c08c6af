"""The catalogue description in DCAT-AP (JSON-LD), for a city data portal to harvest."""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from participation.mail.services import public_url
from participation.opendata.datasets import DATASETS

LICENCE = "https://data.vlaanderen.be/id/licentie/modellicentie-gratis-hergebruik/v1.0"
EU = "http://publications.europa.eu/resource/authority"
MEDIA_TYPES = {"csv": "text/csv", "json": "application/json"}
FILE_TYPES = {"csv": "CSV", "json": "JSON"}

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def _both(text) -> list[dict]:
    """A text in Dutch and English, as language-tagged literals."""
    values = []
    for language in ("nl", "en"):
        with force_locale(language):
            values.append({"@value": str(text), "@language": language})
    return values


def _ref(url: str) -> dict:
    return {"@id": url}


def catalogue() -> dict:
    """Describe the platform's open data as a DCAT-AP catalogue."""
    contact = {
        "@type": "vcard:Organization",
        "vcard:fn": "Stad Gent, Internationale Relaties",
        "vcard:hasEmail": _ref(f"mailto:{current_app.config['OPEN_DATA_CONTACT_EMAIL']}"),
    }
    publisher = {"@id": "https://stad.gent", "@type": "foaf:Agent", "foaf:name": "Stad Gent"}
    languages = [_ref(f"{EU}/language/NLD"), _ref(f"{EU}/language/ENG")]
    datasets = []
    for slug, dataset in DATASETS.items():
        distributions = [
            {
                "@id": public_url("opendata.download", slug=slug, fmt=fmt),
                "@type": "dcat:Distribution",
                "dct:title": f"{slug}.{fmt}",
                "dcat:accessURL": _ref(public_url("opendata.index")),
                "dcat:downloadURL": _ref(public_url("opendata.download", slug=slug, fmt=fmt)),
                "dcat:mediaType": _ref(f"http://www.iana.org/assignments/media-types/"
                                       f"{MEDIA_TYPES[fmt]}"),
                "dct:format": _ref(f"{EU}/file-type/{FILE_TYPES[fmt]}"),
                "dct:license": _ref(LICENCE),
            }
            for fmt in ("csv", "json")
        ]
        datasets.append({
            "@id": public_url("opendata.index") + f"#{slug}",
            "@type": "dcat:Dataset",
            "dct:identifier": slug,
            "dct:title": _both(dataset.title),
            "dct:description": _both(dataset.description),
            "dct:publisher": publisher,
            "dct:language": languages,
            "dct:accrualPeriodicity": _ref(f"{EU}/frequency/CONT"),
            "dcat:theme": _ref(f"{EU}/data-theme/GOVE"),
            "dcat:keyword": list(dataset.keywords),
            "dcat:contactPoint": contact,
            "dcat:landingPage": _ref(public_url("opendata.index")),
            "dcat:distribution": distributions,
        })
    api = {
        "@id": public_url("api.openapi"),
        "@type": "dcat:DataService",
        "dct:title": _both(_l("Participation API")),
        "dcat:endpointURL": _ref(public_url("api.events").rsplit("/", 1)[0]),
        "dcat:endpointDescription": _ref(public_url("api.openapi")),
        "dct:license": _ref(LICENCE),
        "dcat:contactPoint": contact,
        "dcat:servesDataset": [_ref(d["@id"]) for d in datasets],
    }
    return {
        "@context": CONTEXT,
        "@id": public_url("opendata.catalogue"),
        "@type": "dcat:Catalog",
        "dct:title": _both(_l("Open data: have your say in Ghent")),
        "dct:description": _both(_l(
            "Events, policy actions and residents' opinions of the City of Ghent's "
            "participation platform on its international policy."
        )),
        "dct:publisher": publisher,
        "dct:language": languages,
        "dct:license": _ref(LICENCE),
        "foaf:homepage": _ref(public_url("opendata.index")),
        "dcat:dataset": datasets,
        "dcat:service": [api],
    }
