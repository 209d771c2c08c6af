"""Registrations while the mail server takes 200 ms per message, and the worker delivering.

Mail left the request (issue 11): a registration only writes its confirmation to the
outbox, and a ``flask worker`` process delivers it. This runs the contention benchmark a
second time with an SMTP server that holds each message ``delay`` seconds and a worker
delivering to it, so the report shows registrations per second beside the plain figure
(the request no longer pays for mail) and how fast the worker drains the outbox.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from dataclasses import dataclass

import psycopg

from bench.server import ROOT, free_port


@dataclass
class SlowMailServer:
    """An aiosmtpd server on a free port that answers each message after ``delay`` seconds."""

    delay: float = 0.2
    received: int = 0

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        self.received += 1
        return "250 Message accepted for delivery"

    def __enter__(self) -> SlowMailServer:
        from aiosmtpd.controller import Controller

        self.port = free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self._controller.stop()


def start_worker(env: dict[str, str], mail_port: int) -> subprocess.Popen:
    """A worker process delivering to the slow mail server (mail only, no periodic jobs)."""
    env = dict(env, MAIL_PORT=str(mail_port), MAIL_SERVER="127.0.0.1")
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "participation", "worker", "--no-jobs"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def pending_mails(conninfo: str) -> int:
    with psycopg.connect(conninfo) as conn:
        return conn.execute("SELECT count(*) FROM mail_outbox WHERE status = 'pending'"
                            ).fetchone()[0]


def measure(run_contention, env: dict[str, str], conninfo: str, delay: float = 0.2,
            drain_timeout: float = 300) -> dict:
    """Run ``run_contention()`` with a slow mail server and a worker; time the drain too."""
    with SlowMailServer(delay=delay) as mail:
        worker = start_worker(env, mail.port)
        try:
            result = run_contention()
            started = time.perf_counter()
            deadline = time.monotonic() + drain_timeout
            while pending_mails(conninfo) and time.monotonic() < deadline:
                time.sleep(0.5)
            drained = time.perf_counter() - started
            left = pending_mails(conninfo)
        finally:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
    out = result.as_dict()
    out.update({
        "mail_delay_ms": round(delay * 1000),
        "mails_delivered": mail.received,
        "mails_left": left,
        "drain_seconds_after_last_request": round(drained, 2),
    })
    return out
