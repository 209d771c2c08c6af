"""The open-data page, its downloads and the DCAT-AP catalogue."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, render_template, stream_with_context

from participation.core.page_cache import cached_page
from participation.exports import writers
from participation.opendata import dcat
from participation.opendata.datasets import DATASETS, sheet

bp = Blueprint("opendata", __name__, url_prefix="/open-data")

FORMATS = ("csv", "json")


@bp.get("")
@cached_page
def index():
    """What the open data holds, its licence, how often it changes, and the downloads."""
    return render_template("opendata/index.html", datasets=DATASETS, formats=FORMATS,
                           licence=dcat.LICENCE)


@bp.get("/<slug>.<fmt>")
def download(slug: str, fmt: str):
    """One dataset as CSV or JSON, generated from the live data."""
    if slug not in DATASETS or fmt not in FORMATS:
        abort(404)
    return Response(
        stream_with_context(writers.chunks(sheet(slug), fmt)),
        # The full type with its charset: ``mimetype=`` would add a second charset.
        content_type=writers.FORMATS[fmt][0],
        headers={
            "Content-Disposition": f'attachment; filename="{slug}.{fmt}"',
            "Cache-Control": "public, max-age=300",
            "Access-Control-Allow-Origin": "*",
        },
    )


@bp.get("/catalog.jsonld")
def catalogue():
    """The catalogue in DCAT-AP (JSON-LD) for data portals to harvest."""
    return Response(
        json.dumps(dcat.catalogue(), ensure_ascii=False, indent=1),
        mimetype="application/ld+json",
        headers={"Cache-Control": "public, max-age=3600", "Access-Control-Allow-Origin": "*"},
    )
