"""Registrations under contention: many clients fight over one event's 100 places.

Each client fetches the real registration form (for its CSRF token and session cookie),
then all clients post it at once, ``concurrency`` at a time. Afterwards the database
must hold exactly ``capacity`` confirmed registrations and the rest on the waiting list,
with the event's counters equal to the rows.
"""

from __future__ import annotations

import asyncio
import re
import time
import urllib.parse
from dataclasses import asdict, dataclass, field
from http.cookies import SimpleCookie

import psycopg

REGISTER_RULE = "/events/<slug>/register"
_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


@dataclass
class ContentionResult:
    """What the registration run measured and found."""

    clients: int
    concurrency: int
    client: str = "raw"
    client_cpu_ms: float = 0.0  # the posting client's CPU time per sign-up
    seconds: float = 0.0
    registrations_per_s: float = 0.0
    accepted: int = 0
    failed: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    confirmed: int = 0
    waiting: int = 0
    counters_match: bool = False
    exactly_capacity_confirmed: bool = False
    skipped: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def registration_available(app) -> bool:
    """Tell whether the app has the public registration form."""
    return any(rule.rule == REGISTER_RULE and "POST" in rule.methods
               for rule in app.url_map.iter_rules())


def _cookie_header(set_cookies: list[str]) -> str:
    jar = SimpleCookie()
    for value in set_cookies:
        jar.load(value)
    return "; ".join(f"{k}={m.value}" for k, m in jar.items())


#: How the sign-ups are posted: ``raw`` writes each prepared HTTP request on its own socket
#: and reads the answer's status line (a few hundredths of a millisecond of the client's CPU
#: per sign-up, as wrk spends on a page); ``aiohttp`` is the HTTP client library (about a
#: millisecond each, taken from the two cores the server measured runs on).
CLIENTS = ("raw", "aiohttp")


def _form(i: int, token: str) -> dict[str, str]:
    return {"name": f"Bench Person {i}", "email": f"contender{i}@example.com",
            "consent": "y", "csrf_token": token}


async def _post_raw(base_url: str, path: str, forms: list[tuple[str, str]],
                    concurrency: int) -> list[int]:
    """POST each form on a connection of its own, ``concurrency`` at a time."""
    parts = urllib.parse.urlsplit(base_url)
    host, port = parts.hostname, parts.port or 80
    prepared = []
    for i, (token, cookies) in enumerate(forms):
        body = urllib.parse.urlencode(_form(i, token)).encode()
        head = (f"POST {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nCookie: {cookies}\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n")
        prepared.append(head.encode() + body)
    limit = asyncio.Semaphore(concurrency)

    async def post(request: bytes) -> int:
        async with limit:
            reader, writer = await asyncio.open_connection(host, port)
            try:
                writer.write(request)
                answer = await reader.read()  # the server closes after its answer
            finally:
                writer.close()
        status_line = answer.split(b"\r\n", 1)[0].split()
        return int(status_line[1]) if len(status_line) > 1 else 0

    return list(await asyncio.gather(*(post(request) for request in prepared)))


async def _run(base_url: str, slug: str, clients: int, concurrency: int,
               client: str = "raw") -> tuple:
    import aiohttp

    url = f"{base_url}/events/{slug}/register"
    limit = asyncio.Semaphore(concurrency)
    # The session cookie is Secure (production); keep cookies by hand over plain HTTP.
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector,
                                     cookie_jar=aiohttp.DummyCookieJar()) as session:

        async def fetch_form(i: int) -> tuple[str, str]:
            async with limit, session.get(url) as response:
                html = await response.text()
                cookies = _cookie_header(response.headers.getall("Set-Cookie", []))
            match = _TOKEN.search(html)
            token = (match.group(1) or match.group(2)) if match else ""
            return token, cookies

        forms = await asyncio.gather(*(fetch_form(i) for i in range(clients)))

        async def register(i: int, token: str, cookies: str) -> int:
            data = _form(i, token)
            async with limit, session.post(url, data=data, headers={"Cookie": cookies},
                                           allow_redirects=False) as response:
                await response.read()
                return response.status

        # Only the posting is timed; the client's own CPU time is measured with it, since it
        # runs on the cores the server is measured on.
        started, cpu_started = time.perf_counter(), time.process_time()
        if client == "raw":
            statuses = await _post_raw(base_url, f"/events/{slug}/register", forms, concurrency)
        else:
            statuses = await asyncio.gather(
                *(register(i, token, cookies) for i, (token, cookies) in enumerate(forms)))
        elapsed, client_cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return statuses, elapsed, client_cpu


def reset(conninfo: str, slug: str) -> None:
    """Empty the event again (a rerun on the same data starts from 100 free places)."""
    with psycopg.connect(conninfo) as conn:
        conn.execute("DELETE FROM mail_outbox")
        conn.execute("DELETE FROM registrations WHERE event_id = "
                     "(SELECT id FROM events WHERE slug = %s)", (slug,))
        conn.execute("UPDATE events SET confirmed_count = 0, waiting_count = 0 WHERE slug = %s",
                     (slug,))
        conn.execute("NOTIFY participation_content")  # as the app's own commits do
    # The rows deleted above stay in the tables and their indexes until a vacuum: without one
    # every rerun would count and check its way through the earlier runs' dead registrations.
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE) registrations, mail_outbox, events")


def run(base_url: str, slug: str, conninfo: str, capacity: int, clients: int = 300,
        concurrency: int = 32, client: str = "raw") -> ContentionResult:
    """Post the registration form from many clients at once and check the outcome."""
    result = ContentionResult(clients=clients, concurrency=concurrency, client=client)
    reset(conninfo, slug)
    statuses, elapsed, client_cpu = asyncio.run(
        _run(base_url, slug, clients, concurrency, client))
    result.client_cpu_ms = round(client_cpu / clients * 1000, 3)
    for status in statuses:
        result.statuses[str(status)] = result.statuses.get(str(status), 0) + 1
    result.accepted = sum(1 for s in statuses if s in (200, 201, 302, 303))
    result.failed = clients - result.accepted
    result.seconds = elapsed
    result.registrations_per_s = result.accepted / elapsed if elapsed else 0.0
    with psycopg.connect(conninfo) as conn:
        counts = dict(conn.execute(
            "SELECT r.status, count(*) FROM registrations r JOIN events e ON e.id = r.event_id "
            "WHERE e.slug = %s GROUP BY r.status", (slug,)).fetchall())
        confirmed_count, waiting_count = conn.execute(
            "SELECT confirmed_count, waiting_count FROM events WHERE slug = %s", (slug,)
        ).fetchone()
    result.confirmed = counts.get("confirmed", 0)
    result.waiting = counts.get("waiting", 0)
    result.counters_match = (confirmed_count, waiting_count) == (result.confirmed, result.waiting)
    result.exactly_capacity_confirmed = (
        result.confirmed == min(capacity, result.accepted)
        and result.confirmed + result.waiting == result.accepted
    )
    return result
