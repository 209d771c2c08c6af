"""A steady stream of registrations on events a measured page does not show (issue 16).

The page cache drops only what a change shows: with registrations arriving on other events,
the kept event list must stay kept. The stream runs in a thread of its own, posting the real
registration form (GET for the CSRF token, then POST) at a fixed rate, bounded in time by
the measurement it accompanies.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
import uuid

import psycopg

from bench.contention import _TOKEN, _cookie_header


def other_events(conninfo: str, shown_topic: str, limit: int = 20) -> list[str]:
    """Upcoming published events of another topic, with room or a waiting list."""
    with psycopg.connect(conninfo) as conn:
        rows = conn.execute(
            "SELECT e.slug FROM events e JOIN topics t ON t.id = e.topic_id "
            "WHERE e.status = 'published' AND e.starts_at > now() + interval '2 days' "
            "AND t.slug != %s ORDER BY e.starts_at LIMIT %s", (shown_topic, limit)).fetchall()
    return [row[0] for row in rows]


class RegistrationStream:
    """Post ``rate`` registrations a second, spread over ``slugs``, until stopped."""

    def __init__(self, base_url: str, slugs: list[str], rate: float = 50.0):
        self.base_url = base_url
        self.slugs = slugs
        self.rate = rate
        self.posted = 0
        self.failed = 0
        self.seconds = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._main, name="registration-stream",
                                        daemon=True)

    def __enter__(self) -> RegistrationStream:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    @property
    def per_second(self) -> float:
        return self.posted / self.seconds if self.seconds else 0.0

    def _main(self) -> None:
        asyncio.run(self._run())

    async def _run(self) -> None:
        import aiohttp

        run = uuid.uuid4().hex[:8]
        numbers = itertools.count()
        started = time.perf_counter()
        tasks: set[asyncio.Task] = set()
        connector = aiohttp.TCPConnector(limit=16)
        async with aiohttp.ClientSession(connector=connector,
                                         cookie_jar=aiohttp.DummyCookieJar(),
                                         timeout=aiohttp.ClientTimeout(total=10)) as session:

            async def one(n: int) -> None:
                url = f"{self.base_url}/events/{self.slugs[n % len(self.slugs)]}/register"
                try:
                    async with session.get(url) as response:
                        html = await response.text()
                        cookies = _cookie_header(response.headers.getall("Set-Cookie", []))
                    match = _TOKEN.search(html)
                    token = (match.group(1) or match.group(2)) if match else ""
                    data = {"name": f"Stream {n}", "email": f"stream-{run}-{n}@example.com",
                            "consent": "y", "csrf_token": token}
                    async with session.post(url, data=data, headers={"Cookie": cookies},
                                            allow_redirects=False) as response:
                        await response.read()
                        ok = response.status in (302, 303)
                except (aiohttp.ClientError, TimeoutError):
                    ok = False
                if ok:
                    self.posted += 1
                else:
                    self.failed += 1

            while not self._stop.is_set():
                n = next(numbers)
                due = started + n / self.rate
                delay = due - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                task = asyncio.create_task(one(n))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            if tasks:
                await asyncio.wait(tasks, timeout=10)
        self.seconds = time.perf_counter() - started
