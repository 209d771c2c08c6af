"""Uploaded images: checked by their content, re-encoded without metadata, served in widths
with the type the platform wrote, shown with srcset and alt text, shared with a preview."""

from __future__ import annotations

import io
import random

import pytest
from PIL import Image as PILImage
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from participation.accounts.models import Role
from participation.events import images as event_images
from participation.events.models import EventLanguage
from participation.extensions import db
from participation.images import services
from participation.images.models import Image, ImageRendition
from participation.images.services import AltText, ImageError

EN = {"Accept-Language": "en"}


def photo_bytes(width=1200, height=800, fmt="JPEG", exif_gps=True, orientation=None) -> bytes:
    """A photo as a camera would write it: with EXIF (GPS position, orientation)."""
    picture = PILImage.new("RGB", (width, height), (200, 30, 30))
    picture.paste((30, 30, 200), (0, 0, width // 2, height))
    exif = PILImage.Exif()
    if exif_gps:
        exif[0x8825] = {1: "N", 2: (51.0, 3.0, 0.0), 3: "E", 4: (3.0, 43.0, 0.0)}
        exif[0x010F] = "PhoneMaker"
    if orientation:
        exif[0x0112] = orientation
    buffer = io.BytesIO()
    picture.save(buffer, fmt, exif=exif.tobytes()) if fmt != "PNG" else picture.save(buffer, fmt)
    return buffer.getvalue()


def test_upload_is_re_encoded_in_widths_without_exif_and_turned_upright(app):
    image = services.store_image(photo_bytes(2000, 1000, orientation=6), AltText("Een foto"))
    db.session.commit()
    # Orientation 6 means "turn 90° clockwise to show": the stored image is upright.
    assert (image.width, image.height) == (1000, 2000)
    assert image.width_list == [480, 960, 1000]
    renditions = list(db.session.scalars(db.select(ImageRendition)))
    assert {(r.width, r.format) for r in renditions} == {
        (w, f) for w in (480, 960, 1000) for f in ("webp", "jpeg")}
    for rendition in renditions:
        decoded = PILImage.open(io.BytesIO(rendition.data))
        assert decoded.format == rendition.format.upper()
        assert not decoded.getexif(), "metadata must be gone"
        assert b"PhoneMaker" not in rendition.data


@pytest.mark.parametrize("data", [
    b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
    b"GIF89a" + b"\x00" * 100,
    b"%PDF-1.4 not an image",
    b"\xff\xd8\xff\xe0 truncated jpeg",
])
def test_anything_but_a_real_jpeg_png_or_webp_is_refused(app, data):
    with pytest.raises(ImageError) as error:
        services.store_image(data, AltText("x"))
    assert error.value.field == "image"


def test_a_gif_renamed_to_jpg_is_refused_by_its_content(app):
    buffer = io.BytesIO()
    PILImage.new("RGB", (400, 400)).save(buffer, "GIF")
    with pytest.raises(ImageError):
        services.store_image(buffer.getvalue(), AltText("x"))


def test_tiny_huge_and_oversized_images_are_refused(app, monkeypatch):
    with pytest.raises(ImageError, match="te klein"):
        services.store_image(photo_bytes(100, 100), AltText("x"))
    monkeypatch.setattr(services, "MAX_PIXELS", 1000 * 1000)
    with pytest.raises(ImageError, match="te veel pixels"):
        services.store_image(photo_bytes(1200, 1000), AltText("x"))
    monkeypatch.setattr(services, "MAX_BYTES", 1000)
    with pytest.raises(ImageError, match="te groot"):
        services.store_image(photo_bytes(400, 400), AltText("x"))


def test_alt_text_is_required_in_each_language_of_the_event(app, make_event):
    event = make_event(language=EventLanguage.BILINGUAL)
    with pytest.raises(ImageError) as error:
        event_images.set_event_image(event, photo_bytes(), AltText("Een zaal", " "), by=None)
    assert error.value.field == "alt_en"


def test_renditions_are_served_with_the_platforms_type_and_a_year_of_cache(client):
    image = services.store_image(photo_bytes(fmt="PNG"), AltText("Een plein"))
    db.session.commit()
    response = client.get(f"/images/{image.key}/480.webp")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/webp"
    assert "immutable" in response.headers["Cache-Control"]
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert client.get(f"/images/{image.key}/480.svg").status_code == 404
    assert client.get(f"/images/{image.key}/481.jpeg").status_code == 404
    assert client.get(f"/images/{'0' * 32}/480.jpeg").status_code == 404


def test_organiser_uploads_an_image_that_cards_and_the_page_show_with_srcset(
    client, login, make_user, make_event
):
    organiser = login(make_user(roles=[Role.ORGANISER]))
    event = make_event(organisers=[organiser], title="Klimaatcafé")
    db.session.commit()
    big = photo_bytes(3000, 2000)
    assert len(big) > 0
    response = client.post(f"/manage/events/{event.slug}/image", data={
        "image": (io.BytesIO(big), "photo.jpg"), "alt_nl": "Mensen rond een tafel"},
        content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    image = db.session.scalars(db.select(Image)).one()
    page = client.get(f"/events/{event.slug}", headers=EN).get_data(as_text=True)
    assert f"/images/{image.key}/1600.webp 1600w" in page
    assert 'alt="Mensen rond een tafel"' in page
    assert f'<meta property="og:image" content="http://localhost/images/{image.key}/1600.jpeg"' \
        in page
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    assert f"/images/{image.key}/480.jpeg 480w" in client.get("/events").get_data(as_text=True)


def test_upload_errors_name_the_field_and_keep_the_alt_text(client, login, make_user,
                                                           make_event):
    organiser = login(make_user(roles=[Role.ORGANISER]))
    event = make_event(organisers=[organiser])
    db.session.commit()
    response = client.post(f"/manage/events/{event.slug}/image", headers=EN, data={
        "image": (io.BytesIO(b"<svg/>"), "logo.png"), "alt_nl": "Het logo"},
        content_type="multipart/form-data")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Upload a JPEG, PNG or WebP image." in html and 'value="Het logo"' in html


def test_events_without_an_image_show_their_topics(client, make_event, make_topic):
    topic = make_topic()
    event_images.set_topic_image(topic, photo_bytes(), AltText("Bladeren", "Leaves"))
    event = make_event(topic=topic)
    db.session.commit()
    page = client.get(f"/events/{event.slug}", headers=EN).get_data(as_text=True)
    assert 'alt="Leaves"' in page


def test_replacing_an_image_removes_the_old_one(client, make_event):
    event = make_event()
    first = event_images.set_event_image(event, photo_bytes(), AltText("Een"), by=None)
    key = first.key
    event_images.set_event_image(event, photo_bytes(), AltText("Twee"), by=None)
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count(Image.id))) == 1
    assert client.get(f"/images/{key}/480.jpeg").status_code == 404


def test_photos_above_the_site_wide_request_limit_can_be_uploaded(client, login, make_user,
                                                                 make_event, app):
    organiser = login(make_user(roles=[Role.ORGANISER]))
    event = make_event(organisers=[organiser])
    db.session.commit()
    noise = PILImage.frombytes("RGB", (1000, 1000), random.Random(18).randbytes(3_000_000))
    buffer = io.BytesIO()
    noise.save(buffer, "PNG")
    data = buffer.getvalue()
    assert len(data) > app.config["MAX_CONTENT_LENGTH"]
    # Encoded in memory: the test client would spool a large body to a file it never closes.
    boundary, body = encode_multipart(MultiDict({
        "image": FileStorage(io.BytesIO(data), "scan.png"), "alt_nl": "Ruis"}))
    response = client.post(f"/manage/events/{event.slug}/image", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 302
    # Elsewhere the site-wide limit still holds.
    response = client.post(f"/manage/events/{event.slug}/edit",
                           data={"title": "x" * (app.config["MAX_CONTENT_LENGTH"] + 10)})
    assert response.status_code == 413
