"""The benchmark's own parts that decide what it reports (bench/contention.py, report.py)."""

from __future__ import annotations

import asyncio
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench import contention, report


class _Answer(BaseHTTPRequestHandler):
    received: list[tuple[str, str, dict]] = []

    def do_POST(self):  # noqa: N802 - the standard library's name
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        self.received.append((self.path, self.headers.get("Cookie", ""),
                              dict(urllib.parse.parse_qsl(body))))
        taken = len(self.received) % 3 == 0
        self.send_response(409 if taken else 303)
        self.send_header("Location", "/done")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    _Answer.received = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Answer)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_the_raw_poster_sends_each_form_with_its_cookie_and_reads_each_status(server):
    forms = [(f"token-{i}", f"session=s{i}") for i in range(9)]
    statuses = asyncio.run(contention._post_raw(server, "/events/x/register", forms, 4))
    assert sorted(statuses) == [303] * 6 + [409] * 3
    received = sorted(_Answer.received, key=lambda r: r[2]["email"])
    assert [(path, cookie, form["csrf_token"], form["email"]) for path, cookie, form in received] \
        == [("/events/x/register", f"session=s{i}", f"token-{i}", f"contender{i}@example.com")
            for i in range(9)]
    assert all(form["consent"] == "y" and form["name"].startswith("Bench Person")
               for _, _, form in received)


def test_the_registrations_target_is_a_share_of_hello_measured_beside_it():
    target = report.MIN_REGISTRATIONS_RATIO
    assert target == pytest.approx(250 / 7000)
    assert report.registrations_rate_met({"registrations_per_s": 150, "ratio_to_hello": 0.05})
    assert not report.registrations_rate_met({"registrations_per_s": 300,
                                              "ratio_to_hello": 0.03})
    # A result from before hello was measured beside it: the rate itself.
    assert report.registrations_rate_met({"registrations_per_s": 251})
    assert not report.registrations_rate_met({"registrations_per_s": 249})
