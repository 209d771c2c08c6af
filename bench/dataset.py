"""A synthetic data set at the scale of the Conference on the Future of Europe.

A fresh PostgreSQL database gets the app's schema (``db.metadata.create_all``) and then
every table is filled with ``COPY ... FROM STDIN`` from generated rows, so a full load
takes seconds. The rows respect every constraint of the schema, and each event's
``confirmed_count``/``waiting_count`` equal its confirmed and waiting registrations,
as the registration rules keep them.
"""

from __future__ import annotations

import contextlib
import random
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import psycopg
import sqlalchemy as sa
from psycopg import sql

from participation.events.search import fold

#: Full scale: the Conference on the Future of Europe's platform, rounded up.
FULL_SCALE = {
    "events": 6_500,
    "registrations": 700_000,
    "users": 50_000,
    "actions": 100,
    "opinions": 200_000,
}
#: Staff account the benchmark signs in with to measure the exports.
STAFF_EMAIL = "bench-staff@example.org"
STAFF_PASSWORD = "bench-staff-password-2024"  # noqa: S105 - a throwaway benchmark account
#: The event whose 100 places the registration benchmark fights over.
CONTENTION_SLUG = "bench-contention"
CONTENTION_CAPACITY = 100
ORGANISERS = 200

TOPICS = [
    ("european-green-deal", "Europese Green Deal", "European Green Deal"),
    ("eu-climate-plan", "EU-klimaatplan", "EU climate plan"),
    ("future-of-europe", "Conferentie over de toekomst van Europa",
     "Conference on the Future of Europe"),
    ("local-international-policy", "Lokaal internationaal beleid", "Local international policy"),
    ("youth-capital", "Europese Jongerenhoofdstad", "European Youth Capital"),
]
VENUES = [
    ("De Krook", "Miriam Makebaplein 1, 9000 Gent"),
    ("Het Pand", "Onderbergen 1, 9000 Gent"),
    ("Vooruit", "Sint-Pietersnieuwstraat 23, 9000 Gent"),
    ("Wintercircus", "Lammerstraat 13, 9000 Gent"),
    ("Stadhuis", "Botermarkt 1, 9000 Gent"),
    ("Bibliotheek Ledeberg", "Ledebergplein 30, 9050 Gent"),
    ("Buurtcentrum Brugse Poort", "Phoenixstraat 1, 9000 Gent"),
    ("ICC Gent", "Van Rysselberghedreef 2, 9000 Gent"),
]
SUBJECTS = [
    "climate neutrality", "European Youth Capital", "Capital of Culture 2030", "energy renovation",
    "cross-border cooperation", "green jobs", "the future of Europe", "clean air", "mobility",
    "digital rights", "twin cities", "refugee welcome", "circular economy", "food strategy",
    "heat in the city", "migration", "democracy", "technology capital", "student life",
]
FORMATS = [
    "Citizens' panel on", "Table talk:", "Walk and talk about", "Debate:", "Workshop on",
    "Open evening on", "Youth assembly on", "Neighbourhood dialogue on",
]
WORDS = (
    "ghent europe city climate plan action neighbourhood residents youth culture energy "
    "mobility school bike tram green square river harbour market festival future "
    "participation policy budget vote voice dialogue housing jobs students elderly families "
    "heat trees water air food waste repair share digital open data privacy safety"
).split()
FIRST = "An Bart Chloé Dirk Elif Fatima Geert Hanne Ilse Jonas Karim Lotte Mehmet Nora Olivier"
LAST = "Peeters Janssens Maes Jacobs Mertens Willems Claes Goossens Wouters De Smet Aydin"
POSTCODES = ["9000", "9030", "9031", "9032", "9040", "9041", "9042", "9050", "9051", "9052"]
AGE_BANDS = ["under_18", "18_24", "25_34", "35_49", "50_64", "65_plus"]
T = "\t"
NULL = "\\N"


@dataclass
class Sizes:
    """How many rows of each kind to load."""

    events: int
    registrations: int
    users: int
    actions: int
    opinions: int

    @classmethod
    def at(cls, scale: float) -> Sizes:
        """Scale every count; a few minimums keep the data set meaningful."""
        s = {k: max(int(round(v * scale)), 1) for k, v in FULL_SCALE.items()}
        s["actions"] = max(s["actions"], 10)
        s["users"] = max(s["users"], ORGANISERS + 10)
        s["events"] = max(s["events"], 20)
        return cls(**s)


@dataclass
class Loaded:
    """What was loaded, and how long it took."""

    sizes: Sizes
    seconds: float
    rows: dict[str, int] = field(default_factory=dict)
    #: Seconds per phase of the load.
    phases: dict[str, float] = field(default_factory=dict)
    #: Slugs and codes the load test asks for.
    list_query: str = ""
    event_slug: str = ""
    action_code: str = ""


def sqlalchemy_url(dbname: str, host: str = "127.0.0.1", port: int = 5432,
                   user: str = "postgres") -> str:
    return f"postgresql+psycopg://{user}@{host}:{port}/{dbname}"


def recreate_database(dbname: str, host: str = "127.0.0.1", port: int = 5432,
                      user: str = "postgres") -> None:
    """Drop the benchmark database if it exists and create it empty."""
    with psycopg.connect(host=host, port=port, user=user, dbname="postgres",
                         autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(dbname)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))


def create_schema(url: str) -> None:
    """Create every table and index of the app, as ``db.create_all()`` does."""
    from participation import models  # noqa: F401  (register every table)
    from participation.extensions import db

    engine = sa.create_engine(url)
    try:
        db.metadata.create_all(engine)
    finally:
        engine.dispose()


def _ts(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S+00")


def _copy(conn: psycopg.Connection, table: str, columns: list[str], lines) -> int:
    """COPY text lines (tab-separated, already escaped) into a table; return the row count."""
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    )
    count = 0
    with conn.cursor() as cur, cur.copy(statement) as copy:
        chunk: list[str] = []
        for line in lines:
            chunk.append(line)
            if len(chunk) >= 20_000:
                copy.write("\n".join(chunk) + "\n")
                count += len(chunk)
                chunk = []
        if chunk:
            copy.write("\n".join(chunk) + "\n")
            count += len(chunk)
    return count


@contextlib.contextmanager
def _indexes_rebuilt_after(conn: psycopg.Connection, table: str, phase):
    """Drop a table's secondary indexes and foreign keys for a bulk load, then rebuild them.

    Building an index once over a million sorted rows is much faster than updating it a
    million times, and a foreign key added to a full table is checked in one join. Every
    constraint is checked again when it is rebuilt, so the data must still satisfy it.
    """
    constraints = conn.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('u', 'f')", (table,)
    ).fetchall()
    for name, _ in constraints:
        conn.execute(sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(
            sql.Identifier(table), sql.Identifier(name)))
    indexes = conn.execute(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
        "JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary", (table,)
    ).fetchall()
    for name, _ in indexes:
        conn.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
    yield
    with phase(f"{table}_indexes"):
        conn.execute("SET maintenance_work_mem = '256MB'")
        for _, definition in indexes:
            conn.execute(definition)
        for name, definition in constraints:
            conn.execute(sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} ").format(
                sql.Identifier(table), sql.Identifier(name)) + sql.SQL(definition))


def _split(total: int, parts: int, rng: random.Random, spread: float = 0.6) -> list[int]:
    """Split ``total`` into ``parts`` uneven whole numbers that add up exactly."""
    weights = [1 + rng.uniform(-spread, spread) for _ in range(parts)]
    scale = total / sum(weights)
    counts = [int(w * scale) for w in weights]
    for i in range(total - sum(counts)):
        counts[i % parts] += 1
    return counts


def load(url_dbname: str, scale: float = 1.0, seed: int = 2022, now: datetime | None = None,
         host: str = "127.0.0.1", port: int = 5432, user: str = "postgres") -> Loaded:
    """Recreate the database, create the schema and bulk-load the synthetic data set."""
    from participation.accounts.services import hash_password

    now = (now or datetime.now(UTC)).replace(microsecond=0)
    sizes = Sizes.at(scale)
    rng = random.Random(seed)
    started = time.perf_counter()
    phases: dict[str, float] = {}

    @contextlib.contextmanager
    def phase(name: str):
        begun = time.perf_counter()
        yield
        phases[name] = round(time.perf_counter() - begun, 2)

    with phase("schema"):
        recreate_database(url_dbname, host, port, user)
        create_schema(sqlalchemy_url(url_dbname, host, port, user))
    rows: dict[str, int] = {}

    with psycopg.connect(host=host, port=port, user=user, dbname=url_dbname) as conn:
        conn.execute("SET synchronous_commit = off")
        rows["topics"] = _copy(conn, "topics", ["id", "slug", "position", "name_nl", "name_en",
                                                "description_nl", "description_en"], (
            f"{i}{T}{slug}{T}{i}{T}{nl}{T}{en}{T}Over {nl}.{T}About {en}."
            for i, (slug, nl, en) in enumerate(TOPICS, 1)
        ))
        _load_policy(conn, sizes, rows, now)
        staff_hash = hash_password(STAFF_PASSWORD)
        with phase("users"):
            _load_users(conn, sizes, rows, rng, now, staff_hash)
        with phase("events"):
            events = _load_events(conn, sizes, rows, rng, now)
        with _indexes_rebuilt_after(conn, "registrations", phase):
            with phase("registrations"):
                _load_registrations(conn, sizes, rows, rng, now, events)
        with _indexes_rebuilt_after(conn, "opinions", phase):
            with phase("opinions"):
                _load_opinions(conn, sizes, rows, rng, now, events)
        for table in ("topics", "policy_documents", "priorities", "policy_actions", "users",
                      "events", "registrations", "opinions"):
            conn.execute(
                sql.SQL("SELECT setval(pg_get_serial_sequence({t}, 'id'), "
                        "(SELECT max(id) FROM {i}))").format(
                    t=sql.Literal(table), i=sql.Identifier(table))
            )
        conn.commit()
    with phase("vacuum_analyze"), psycopg.connect(
        host=host, port=port, user=user, dbname=url_dbname, autocommit=True
    ) as conn:
        conn.execute("VACUUM ANALYZE")
    loaded = Loaded(sizes=sizes, seconds=time.perf_counter() - started, rows=rows,
                    phases=phases)
    loaded.list_query = "/events?topic=future-of-europe&language=nl&page=3"
    loaded.event_slug = events["busy_slug"]
    loaded.action_code = "B001"
    return loaded


def _load_policy(conn, sizes: Sizes, rows: dict, now: datetime) -> None:
    created = _ts(now - timedelta(days=800))
    rows["policy_documents"] = _copy(
        conn, "policy_documents",
        ["id", "slug", "issuer_nl", "issuer_en", "title_nl", "title_en", "summary_nl",
         "summary_en", "position"],
        [f"1{T}ghent-international{T}Stad Gent{T}City of Ghent{T}Beleidsnota "
         f"Internationalisering{T}Policy note on internationalisation{T}Vier prioriteiten."
         f"{T}Four priorities.{T}1",
         f"2{T}european-green-deal{T}Europese Commissie{T}European Commission{T}De Europese "
         f"Green Deal{T}The European Green Deal{T}Klimaatneutraal tegen 2050.{T}"
         f"Climate neutral by 2050.{T}2"],
    )
    rows["priorities"] = _copy(
        conn, "priorities",
        ["id", "document_id", "slug", "position", "is_top_priority", "title_nl", "title_en",
         "summary_nl", "summary_en"],
        (f"{p}{T}{1 if p <= 4 else 2}{T}priority-{p}{T}{p}{T}{'t' if p <= 4 else 'f'}{T}"
         f"Prioriteit {p}{T}Priority {p}{T}Samenvatting {p}.{T}Summary {p}."
         for p in range(1, 9)),
    )
    statuses = ["planned", "in_progress", "done"]
    rows["policy_actions"] = _copy(
        conn, "policy_actions",
        ["id", "code", "priority_id", "title_nl", "title_en", "summary_nl", "summary_en",
         "status", "progress", "feedback_open", "created_at", "updated_at"],
        (f"{a}{T}B{a:03d}{T}{(a - 1) % 8 + 1}{T}Actie {a} over {SUBJECTS[a % len(SUBJECTS)]}"
         f"{T}Action {a} on {SUBJECTS[a % len(SUBJECTS)]}{T}Wat de stad doet.{T}"
         f"What the city does about {SUBJECTS[a % len(SUBJECTS)]}.{T}{statuses[a % 3]}{T}"
         f"{(a * 37) % 101}{T}t{T}{created}{T}{created}"
         for a in range(1, sizes.actions + 1)),
    )


def _load_users(conn, sizes: Sizes, rows: dict, rng: random.Random, now: datetime,
                staff_hash: str) -> None:
    first, last = FIRST.split(), LAST.split()

    def users():
        for u in range(1, sizes.users + 1):
            created = _ts(now - timedelta(minutes=rng.randrange(2 * 365 * 24 * 60)))
            if u == 1:
                yield (f"1{T}{STAFF_EMAIL}{T}Bench Staff{T}{staff_hash}{T}{created}{T}en{T}"
                       f"{created}{T}\\N{T}\\N{T}\\N")
                continue
            name = f"{first[u % len(first)]} {last[(u // 7) % len(last)]}"
            consent = rng.random() < 0.5
            profile = (f"{POSTCODES[u % len(POSTCODES)]}{T}{AGE_BANDS[u % 6]}{T}{created}"
                       if consent else f"\\N{T}\\N{T}\\N")
            locale = "en" if u % 5 == 0 else "nl"
            yield (f"{u}{T}user{u}@example.org{T}{name}{T}\\N{T}{created}{T}{locale}{T}"
                   f"{created}{T}{profile}")

    rows["users"] = _copy(conn, "users", [
        "id", "email", "name", "password_hash", "email_verified_at", "locale", "created_at",
        "postcode", "age_band", "profile_consent_at"], users())

    def roles():
        granted = _ts(now - timedelta(days=900))
        yield f"1{T}staff{T}{granted}"  # policy staff: exports without personal data
        for u in range(2, sizes.users + 1):
            yield f"{u}{T}resident{T}{granted}"
            if u <= ORGANISERS + 1:
                yield f"{u}{T}organiser{T}{granted}"

    rows["user_roles"] = _copy(conn, "user_roles", ["user_id", "role", "granted_at"], roles())


def _load_events(conn, sizes: Sizes, rows: dict, rng: random.Random, now: datetime) -> dict:
    """Load events over two years (one past, one to come); return what registrations need."""
    first_day = now - timedelta(days=365)
    counts = _split(sizes.registrations, sizes.events, rng)
    capacities = [None, 25, 40, 60, 80, 100, 120, 150, 200, 250]
    descriptions = [
        "\n\n".join(
            " ".join(rng.choice(WORDS) for _ in range(rng.randrange(30, 70))).capitalize() + "."
            for _ in range(3)
        ) + "\n\n- " + "\n- ".join(rng.choice(SUBJECTS) for _ in range(3))
        for _ in range(50)
    ]
    plan: list[dict] = []
    lines = []
    event_actions = []
    organisers = []
    for e in range(1, sizes.events + 1):
        starts = first_day + timedelta(days=rng.randrange(730), hours=rng.randrange(8, 19))
        starts = starts.replace(minute=0, second=0)
        ends = starts + timedelta(hours=rng.choice((1, 2, 2, 3)))
        roll = rng.random()
        status = "draft" if roll < 0.02 else "cancelled" if roll < 0.05 else "published"
        capacity = rng.choice(capacities)
        n = counts[e - 1]
        cancelled = n // 20
        active = n - cancelled
        confirmed = active if capacity is None else min(capacity, active)
        waiting = active - confirmed
        topic = (e % len(TOPICS)) + 1
        subject = SUBJECTS[(e * 7) % len(SUBJECTS)]
        title = f"{FORMATS[e % len(FORMATS)]} {subject} #{e}"
        slug = re.sub(r"[^a-z0-9]+", "-", f"{FORMATS[e % len(FORMATS)]} {subject} {e}".lower())
        venue, address = VENUES[e % len(VENUES)]
        online = rng.random() < 0.1
        language = rng.choices(["nl", "en", "nl_en"], weights=(60, 15, 25))[0]
        created = now - timedelta(days=800) + timedelta(minutes=e)
        cancelled_at = _ts(starts - timedelta(days=3)) if status == "cancelled" else "\\N"
        cap = "\\N" if capacity is None else str(capacity)
        summary = (f"Residents of Ghent talk about {subject} with the city and each other: "
                   f"what should Ghent and Europe do next?")
        description = descriptions[e % len(descriptions)]
        discussed = rng.sample(range(1, sizes.actions + 1), rng.randrange(1, 4))
        _slug, topic_nl, topic_en = TOPICS[topic - 1]
        searchable = [title, summary, description, None if online else venue, topic_nl, topic_en]
        for a in discussed:
            subject_a = SUBJECTS[a % len(SUBJECTS)]
            searchable += [f"B{a:03d}", f"Actie {a} over {subject_a}", f"Action {a} on {subject_a}"]
        lines.append(T.join([
            str(e), slug, title, summary, description.replace("\n", "\\n"),
            str(topic), _ts(starts), _ts(ends),
            "\\N" if online else venue, "\\N" if online else address,
            f"https://meet.example.org/{e}" if online or e % 17 == 0 else "\\N",
            "Tram 1 to Korenmarkt" if not online else "\\N",
            "Bike parking at the entrance" if not online else "\\N",
            "t" if e % 3 else "f", "t" if e % 4 == 0 else "f", "t" if e % 5 == 0 else "f",
            language, cap, status, str(confirmed), str(waiting), _ts(created), _ts(created),
            cancelled_at, fold(title), fold(" ".join(p for p in searchable if p)),
        ]))
        plan.append({"id": e, "starts": starts, "capacity": capacity, "n": n,
                     "cancelled": cancelled, "confirmed": confirmed, "waiting": waiting,
                     "status": status})
        for a in discussed:
            event_actions.append(f"{e}{T}{a}")
        organisers.append(f"{e}{T}{2 + e % ORGANISERS}")
    # The event whose places the registration benchmark fights over: open, empty, 100 places.
    c = sizes.events + 1
    starts = (now + timedelta(days=30)).replace(minute=0, second=0)
    lines.append(T.join([
        str(c), CONTENTION_SLUG, "Benchmark: one hundred places", "Many people, few places.",
        "Registration under contention.", "1", _ts(starts), _ts(starts + timedelta(hours=2)),
        "De Krook", "Miriam Makebaplein 1, 9000 Gent", "\\N", "\\N", "\\N", "t", "f", "f", "nl",
        str(CONTENTION_CAPACITY), "published", "0", "0", _ts(now), _ts(now), "\\N",
        fold("Benchmark: one hundred places"), fold("Benchmark: one hundred places Many people"),
    ]))
    event_actions.append(f"{c}{T}1")
    rows["events"] = _copy(conn, "events", [
        "id", "slug", "title_nl", "summary_nl", "description_nl", "topic_id", "starts_at",
        "ends_at", "venue_name", "address", "online_url", "public_transport_nl", "bike_nl",
        "step_free", "hearing_loop", "sign_language_on_request", "language", "capacity",
        "status", "confirmed_count", "waiting_count", "created_at", "updated_at",
        "cancelled_at", "search_title", "search_text"], lines)
    rows["event_actions"] = _copy(conn, "event_actions", ["event_id", "action_id"],
                                  event_actions)
    rows["event_organisers"] = _copy(conn, "event_organisers", ["event_id", "user_id"],
                                     organisers)
    upcoming = [p for p in plan if p["status"] == "published" and p["starts"] > now
                and p["waiting"] > 0]
    busy = upcoming[0] if upcoming else plan[0]
    busy_slug = lines[busy["id"] - 1].split(T)[1]
    return {"plan": plan, "busy_slug": busy_slug}


def _load_registrations(conn, sizes: Sizes, rows: dict, rng: random.Random, now: datetime,
                        events: dict) -> None:
    first, last = FIRST.split(), LAST.split()
    names = [f"{f} {la}" for f in first for la in last]
    n_users = sizes.users

    def registrations():
        rid = 0
        for ev in events["plan"]:
            e = ev["id"]
            starts = ev["starts"]
            past = starts < now
            starts_s = _ts(starts)
            # Sign-up times: one of 60 days before the event (strftime per row is too slow).
            days = [starts - timedelta(days=1 + d, hours=d % 12) for d in range(60)]
            created_at = [_ts(day) for day in days]
            cancelled_at = [_ts(day + timedelta(hours=5)) for day in days]
            offset = (e * 7919) % n_users
            confirmed, active = ev["confirmed"], ev["confirmed"] + ev["waiting"]
            for i in range(ev["n"]):
                rid += 1
                if i < confirmed:
                    status = "confirmed"
                elif i < active:
                    status = "waiting"
                else:
                    status = "cancelled"
                # Distinct users within an event: consecutive user numbers from an offset.
                u = (offset + i) % n_users + 1
                if i % 10 < 7 and u != 1:
                    user_id, email = str(u), f"user{u}@example.org"
                else:
                    user_id, email = NULL, f"guest{e}-{i}@example.net"
                d = (i * 13 + e) % 60
                created_s = created_at[d]
                yield (f"{rid}\t{e}\t{user_id}\t{names[(i + e) % len(names)]}\t{email}\t"
                       f"{'t' if i % 23 == 0 else 'f'}\t{'t' if i % 41 == 0 else 'f'}\tf\t"
                       f"{'Vegetarian' if i % 19 == 0 else NULL}\t"
                       f"{'en' if i % 5 == 0 else 'nl'}\t{status}\tonline\t"
                       f"k{rid:063x}\t{i:08X}\t{created_s}\t{created_s}\t"
                       f"{created_s if status == 'confirmed' else NULL}\t"
                       f"{cancelled_at[d] if status == 'cancelled' else NULL}\t"
                       f"{starts_s if past and status == 'confirmed' and i % 5 else NULL}")

    rows["registrations"] = _copy(conn, "registrations", [
        "id", "event_id", "user_id", "name", "email", "needs_step_free", "needs_hearing_loop",
        "needs_sign_language", "needs_other", "locale", "status", "source", "manage_key", "code",
        "consent_at", "created_at", "confirmed_at", "cancelled_at", "checked_in_at"],
        registrations())


def _load_opinions(conn, sizes: Sizes, rows: dict, rng: random.Random, now: datetime,
                   events: dict) -> None:
    bodies = [
        " ".join(rng.choice(WORDS) for _ in range(rng.randrange(8, 90))).capitalize() + "."
        for _ in range(400)
    ]
    stances = ["support", "support", "mixed", "oppose"]
    per_action = _split(sizes.opinions, sizes.actions, rng, spread=0.8)
    n_users = sizes.users
    past_events = [p["id"] for p in events["plan"] if p["starts"] < now] or [1]

    def opinions():
        oid = 0
        for a, count in enumerate(per_action, 1):
            offset = (a * 977) % n_users
            for i in range(min(count, n_users - 1)):
                oid += 1
                u = (offset + i) % n_users + 1
                kind = i % 10
                event = past_events[(a * 31 + i) % len(past_events)]
                if kind == 0 or u == 1:  # recorded by an organiser at an event
                    source, user_id, event_id = "at_event", "\\N", str(event)
                    recorded_by = str(2 + event % ORGANISERS)
                elif kind == 1:
                    source, user_id, event_id, recorded_by = "after_event", str(u), str(event), \
                        "\\N"
                else:
                    source, user_id, event_id, recorded_by = "online", str(u), "\\N", "\\N"
                hidden = i % 37 == 0
                created = _ts(now - timedelta(minutes=(oid * 7) % (365 * 24 * 60)))
                consent = u % 2 == 0
                yield (f"{oid}{T}{a}{T}{user_id}{T}{event_id}{T}{recorded_by}{T}"
                       f"{stances[i % 4]}{T}{bodies[(a + i) % len(bodies)]}{T}"
                       f"{'t' if i % 3 == 0 else 'f'}{T}{source}{T}"
                       f"{'en' if u % 5 == 0 else 'nl'}{T}"
                       f"{'hidden' if hidden else 'published'}{T}"
                       f"{'Off topic' if hidden else chr(92) + 'N'}{T}"
                       f"{POSTCODES[u % len(POSTCODES)] if consent else chr(92) + 'N'}{T}"
                       f"{AGE_BANDS[u % 6] if consent else chr(92) + 'N'}{T}{created}{T}{created}")

    rows["opinions"] = _copy(conn, "opinions", [
        "id", "action_id", "user_id", "event_id", "recorded_by_id", "stance", "body",
        "show_name", "source", "locale", "status", "hidden_reason", "postcode", "age_band",
        "created_at", "updated_at"], opinions())


if __name__ == "__main__":  # pragma: no cover - manual use: python -m bench.dataset 0.1
    import sys

    result = load("participation_bench", float(sys.argv[1]) if len(sys.argv) > 1 else 1.0)
    print(result)
