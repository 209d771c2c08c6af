"""Venues, and the districts (wijken) of Ghent they lie in."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from participation.database import flag, utcnow
from participation.extensions import db
from participation.localized import Bilingual

#: The 25 districts (wijken) of Ghent as the city's own statistics name them, by short name.
#: Proper names, the same in Dutch and English.
DISTRICTS: dict[str, str] = {
    "binnenstad": "Binnenstad",
    "bloemekenswijk": "Bloemekenswijk",
    "brugse-poort-rooigem": "Brugse Poort - Rooigem",
    "dampoort": "Dampoort",
    "drongen": "Drongen",
    "elisabethbegijnhof-papegaai": "Elisabethbegijnhof - Papegaai",
    "gentbrugge": "Gentbrugge",
    "kanaaldorpen-en-zone": "Kanaaldorpen en -zone",
    "ledeberg": "Ledeberg",
    "macharius-heirnis": "Macharius - Heirnis",
    "mariakerke": "Mariakerke",
    "moscou-vogelhoek": "Moscou - Vogelhoek",
    "muide-meulestede-afrikalaan": "Muide - Meulestede - Afrikalaan",
    "nieuw-gent-uz": "Nieuw Gent - UZ",
    "oostakker": "Oostakker",
    "oud-gentbrugge": "Oud Gentbrugge",
    "rabot-blaisantvest": "Rabot - Blaisantvest",
    "sint-amandsberg": "Sint-Amandsberg",
    "sint-denijs-westrem": "Sint-Denijs-Westrem",
    "sluizeken-tolhuis-ham": "Sluizeken - Tolhuis - Ham",
    "stationsbuurt-noord": "Stationsbuurt-Noord",
    "stationsbuurt-zuid": "Stationsbuurt-Zuid",
    "watersportbaan-ekkergem": "Watersportbaan - Ekkergem",
    "wondelgem": "Wondelgem",
    "zwijnaarde": "Zwijnaarde",
}

_DISTRICT_LIST = ", ".join(f"'{slug}'" for slug in DISTRICTS)


class Venue(Bilingual, db.Model):
    """A place where events happen, typed once and picked by organisers for each event."""

    __tablename__ = "venues"
    __table_args__ = (
        sa.CheckConstraint(f"district IS NULL OR district IN ({_DISTRICT_LIST})",
                           name="known_district"),
        sa.CheckConstraint("latitude IS NULL OR (latitude >= -90 AND latitude <= 90)",
                           name="latitude_range"),
        sa.CheckConstraint("longitude IS NULL OR (longitude >= -180 AND longitude <= 180)",
                           name="longitude_range"),
        sa.CheckConstraint("(latitude IS NULL) = (longitude IS NULL)", name="both_coordinates"),
        sa.CheckConstraint("length(name) > 0", name="name_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    address: Mapped[str] = mapped_column(sa.String(300))
    #: WGS 84 degrees; both or neither.
    latitude: Mapped[float | None] = mapped_column(sa.Float)
    longitude: Mapped[float | None] = mapped_column(sa.Float)
    #: Short name of a Ghent district (see ``DISTRICTS``); empty outside Ghent.
    district: Mapped[str | None] = mapped_column(sa.String(40), index=True)
    step_free: Mapped[bool] = flag()
    hearing_loop: Mapped[bool] = flag()
    accessible_toilet: Mapped[bool] = flag()
    accessibility_nl: Mapped[str | None] = mapped_column(sa.Text)
    accessibility_en: Mapped[str | None] = mapped_column(sa.Text)
    #: How to get there: public transport, bike parking, entrance.
    getting_there_nl: Mapped[str | None] = mapped_column(sa.Text)
    getting_there_en: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def district_name(self) -> str | None:
        return DISTRICTS.get(self.district) if self.district else None

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def map_url(self) -> str | None:
        """The venue on OpenStreetMap."""
        if not self.has_coordinates:
            return None
        lat, lon = f"{self.latitude:.6f}", f"{self.longitude:.6f}"
        return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=18/{lat}/{lon}"
