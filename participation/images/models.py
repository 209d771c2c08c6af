"""Uploaded images and the renditions the platform made of them."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.database import utcnow
from participation.extensions import db
from participation.localized import Bilingual

#: The formats the platform writes, and the only types it serves images with.
FORMATS = {"webp": "image/webp", "jpeg": "image/jpeg"}


class Image(Bilingual, db.Model):
    """An image as the platform re-encoded it (never the uploaded bytes), with its alt text."""

    __tablename__ = "images"
    __table_args__ = (
        sa.CheckConstraint("width > 0 AND height > 0", name="positive_size"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Random, unguessable part of the image's address; a new upload gets a new key, so
    #: browsers may keep an image forever.
    key: Mapped[str] = mapped_column(sa.String(32), unique=True)
    width: Mapped[int]
    height: Mapped[int]
    #: Widths of the renditions, smallest first, e.g. "480 960 1600".
    widths: Mapped[str] = mapped_column(sa.String(60))
    alt_nl: Mapped[str] = mapped_column(sa.String(300), default="")
    alt_en: Mapped[str | None] = mapped_column(sa.String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    renditions: Mapped[list[ImageRendition]] = relationship(
        back_populates="image", cascade="all, delete-orphan", passive_deletes=True,
        lazy="noload",
    )

    @property
    def width_list(self) -> list[int]:
        return [int(w) for w in self.widths.split()]

    def height_at(self, width: int) -> int:
        """Return the height of the rendition of this width."""
        return max(round(self.height * width / self.width), 1)


class ImageRendition(db.Model):
    """One width of an image in one format, as bytes the platform wrote."""

    __tablename__ = "image_renditions"
    __table_args__ = (
        sa.CheckConstraint("format IN ('webp', 'jpeg')", name="known_format"),
        sa.CheckConstraint("width > 0", name="positive_width"),
    )

    image_id: Mapped[int] = mapped_column(
        sa.ForeignKey("images.id", ondelete="CASCADE"), primary_key=True
    )
    width: Mapped[int] = mapped_column(primary_key=True)
    format: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)

    image: Mapped[Image] = relationship(back_populates="renditions")
