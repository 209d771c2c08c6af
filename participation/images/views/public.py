"""Serving the renditions the platform made, with the type it wrote and long cache headers."""

from __future__ import annotations

from flask import Blueprint, Response, abort

from participation.images import services
from participation.images.models import FORMATS

bp = Blueprint("images", __name__)


@bp.get("/images/<key>/<int:width>.<fmt>")
def rendition(key: str, width: int, fmt: str):
    """One rendition of an image; its address never changes content, so it is kept a year."""
    if fmt not in FORMATS or len(key) != 32:
        abort(404)
    data = services.rendition(key, width, fmt)
    if data is None:
        abort(404)
    return Response(data, mimetype=FORMATS[fmt], headers={
        "Cache-Control": "public, max-age=31536000, immutable",
        "Content-Disposition": "inline",
        # An image is never a document: nothing in it may run or load anything.
        "Content-Security-Policy": "default-src 'none'; sandbox",
    })
