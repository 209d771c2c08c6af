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

import psycopg

from bench.server import ROOT, free_port


class _SlowHandler:
    def __init__(self, delay: float):
        self.delay = delay

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        return "250 Message accepted for delivery"


def serve(port: int, delay: float) -> None:
    """Run the slow SMTP server until killed (in its own process, away from the load client)."""
    from aiosmtpd.controller import Controller

    controller = Controller(_SlowHandler(delay), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


class SlowMailServer:
    """The slow SMTP server in its own process on a free port."""

    def __init__(self, delay: float = 0.2):
        self.delay = delay
        self.port = free_port()

    def __enter__(self) -> SlowMailServer:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.slow_mail", str(self.port), str(self.delay)],
            cwd=ROOT, stdout=subprocess.PIPE,
        )
        self.process.stdout.readline()
        return self

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        self.process.stdout.close()


def start_worker(env: dict[str, str], mail_port: int) -> subprocess.Popen:
    """A worker process delivering to the slow mail server (mail only, no periodic jobs)."""
    env = dict(env, MAIL_PORT=str(mail_port), MAIL_SERVER="127.0.0.1")
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "participation", "worker", "--no-jobs"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def mails(conninfo: str, status: str) -> int:
    with psycopg.connect(conninfo) as conn:
        return conn.execute("SELECT count(*) FROM mail_outbox WHERE status = %s",
                            (status,)).fetchone()[0]


def measure(run_contention, env: dict[str, str], conninfo: str, delay: float = 0.2,
            drain_timeout: float = 300) -> dict:
    """Run ``run_contention()`` with a slow mail server and a worker; time the drain too."""
    with SlowMailServer(delay=delay) as mail:
        worker = start_worker(env, mail.port)
        try:
            result = run_contention()
            started = time.perf_counter()
            deadline = time.monotonic() + drain_timeout
            while mails(conninfo, "pending") and time.monotonic() < deadline:
                time.sleep(0.5)
            drained = time.perf_counter() - started
            left = mails(conninfo, "pending")
            delivered = mails(conninfo, "sent")
        finally:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
    out = result.as_dict()
    out.update({
        "mail_delay_ms": round(delay * 1000),
        "mails_delivered": delivered,
        "mails_left": left,
        "drain_seconds_after_last_request": round(drained, 2),
    })
    return out


if __name__ == "__main__":
    serve(int(sys.argv[1]), float(sys.argv[2]))
