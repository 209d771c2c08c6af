"""Accepting an uploaded image: check it by its content, re-encode it, keep a few widths.

The uploaded bytes are never stored or served. Pillow decodes them (only JPEG, PNG and WebP
are accepted, whatever the file is called or claims to be), the orientation recorded in EXIF
is applied, and the picture is written again as WebP and JPEG at a few widths without any
metadata (EXIF, GPS, XMP, comments).
"""

from __future__ import annotations

import io
import secrets
import warnings
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError

from participation.core.errors import DomainError
from participation.extensions import db
from participation.images.models import FORMATS, Image, ImageRendition

ACCEPTED = {"JPEG", "PNG", "WEBP"}
#: Widths made of every image (never wider than the original).
WIDTHS = (480, 960, 1600)
#: Refuse pictures above this many pixels before decoding them (decompression bombs).
MAX_PIXELS = 40_000_000
MIN_SIDE = 200
MAX_BYTES = 8 * 1024 * 1024
ALT_MAX = 300


class ImageError(DomainError):
    """The upload is not an image the platform accepts; ``field`` names the form field."""


@dataclass
class AltText:
    """The text that says what the image shows, per language."""

    nl: str | None = None
    en: str | None = None


def _decode(data: bytes) -> PILImage.Image:
    if len(data) > MAX_BYTES:
        raise ImageError(_l("The image is too large: at most 8 MB."), field="image")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            picture = PILImage.open(io.BytesIO(data), formats=sorted(ACCEPTED))
            if picture.format not in ACCEPTED:
                raise ImageError(_l("Upload a JPEG, PNG or WebP image."), field="image")
            if picture.width * picture.height > MAX_PIXELS:
                raise ImageError(_l("The image has too many pixels: at most 40 "
                                             "megapixels."), field="image")
            picture.load()
    except ImageError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError,
            PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        raise ImageError(_l("Upload a JPEG, PNG or WebP image."), field="image") from None
    if min(picture.size) < MIN_SIDE:
        raise ImageError(_l("The image is too small: at least 200 pixels wide and "
                                     "high."), field="image")
    return ImageOps.exif_transpose(picture)


def _flatten(picture: PILImage.Image) -> PILImage.Image:
    """Return the picture in RGB, transparent parts on white."""
    if picture.mode in ("RGBA", "LA") or (picture.mode == "P" and "transparency" in
                                          picture.info):
        rgba = picture.convert("RGBA")
        background = PILImage.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return picture.convert("RGB")


def _encode(picture: PILImage.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    if fmt == "webp":
        picture.save(buffer, "WEBP", quality=80, method=2)
    else:
        picture.save(buffer, "JPEG", quality=82, optimize=True, progressive=True)
    return buffer.getvalue()


def check_alt(alt: AltText, languages: tuple[str, ...]) -> AltText:
    """Require the alt text in each of ``languages``; return it trimmed."""
    cleaned = AltText(*((value or "").strip() or None for value in (alt.nl, alt.en)))
    for language in languages:
        value = getattr(cleaned, language)
        if not value:
            raise ImageError(_l("Say what the image shows, for people who "
                                                   "cannot see it."), field=f"alt_{language}")
        if len(value) > ALT_MAX:
            raise ImageError(_l("Write at most 300 characters."), field=f"alt_{language}")
    return cleaned


def store_image(data: bytes, alt: AltText, languages: tuple[str, ...] = ("nl",)) -> Image:
    """Check an upload, re-encode it in a few widths and store it with its alt text."""
    alt = check_alt(alt, languages)
    picture = _flatten(_decode(data))
    widths = sorted({w for w in WIDTHS if w < picture.width} | {min(picture.width, WIDTHS[-1])})
    image = Image(key=secrets.token_hex(16), width=picture.width, height=picture.height,
                  widths=" ".join(str(w) for w in widths), alt_nl=alt.nl or alt.en or "",
                  alt_en=alt.en)
    db.session.add(image)
    db.session.flush()
    for width in widths:
        scaled = picture if width == picture.width else picture.resize(
            (width, image.height_at(width)), PILImage.Resampling.LANCZOS)
        for fmt in FORMATS:
            db.session.add(ImageRendition(image_id=image.id, width=width, format=fmt,
                                          data=_encode(scaled, fmt)))
    db.session.flush()
    return image


def rendition(key: str, width: int, fmt: str) -> bytes | None:
    """Return the bytes of one rendition, or None."""
    return db.session.scalar(
        sa.select(ImageRendition.data)
        .join(Image, Image.id == ImageRendition.image_id)
        .where(Image.key == key, ImageRendition.width == width, ImageRendition.format == fmt)
    )


def delete_image(image: Image) -> None:
    """Remove an image and its renditions."""
    db.session.execute(sa.delete(ImageRendition).where(ImageRendition.image_id == image.id))
    db.session.delete(image)
    db.session.flush()
