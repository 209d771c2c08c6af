"""What the site-wide crawl visits: every route of the app, declared once.

Each endpoint is in exactly one of these (``test_every_route_is_declared`` fails otherwise):

- ``PAGES``: an HTML page. ``LINKED`` when the crawl reaches it by following links from the
  home page as one of the visitors; ``Seed(...)`` when nothing links to it (a link in a mail,
  a token, a redirect after a form) and the crawl must open it directly.
- ``NOT_PAGES``: files, JSON, feeds and redirects, with why they are not pages.

and, when it accepts POST, also in:

- ``FORMS``: ``ErrorState(...)`` says on which page the form is and which role submits it;
  the crawl submits it with invalid input and checks the error page. ``Action("why")`` is a
  form without input to get wrong (a single button).

Adding a page? One line here: ``"blueprint.endpoint": LINKED`` if some page links to it, or
``"blueprint.endpoint": Seed(lambda w: "/path/with/" + w.event.slug, roles=(RESIDENT,))``.
``CrawlWorld`` (tests/e2e/test_site_crawl.py) holds the objects to build paths with.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

ANONYMOUS, RESIDENT, ORGANISER = "anonymous", "resident", "organiser"
STAFF, ADMIN = "staff", "admin"
VISITORS = (ANONYMOUS, RESIDENT, ORGANISER, STAFF, ADMIN)


@dataclass(frozen=True)
class Linked:
    """A page the crawl reaches by following links (for at least one visitor)."""

    #: Further paths of the same route whose state differs (a past event, a full one...).
    variants: Callable | None = None
    roles: tuple[str, ...] = (ANONYMOUS,)


LINKED = Linked()


@dataclass(frozen=True)
class Seed:
    """A page nothing links to: the crawl opens ``path(world)`` as each of ``roles``."""

    path: Callable
    roles: tuple[str, ...] = (ANONYMOUS,)


@dataclass(frozen=True)
class ErrorState:
    """A form: open ``page(world)`` as ``role``, submit the form posting to this endpoint
    with its text fields emptied and ``fill`` applied (CSS selector -> value), expect 422."""

    page: Callable
    role: str = ANONYMOUS
    fill: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Action:
    """A form with nothing to get wrong (one button); ``why`` says so."""

    why: str


PAGES: dict[str, Linked | Seed] = {
    "events.home": LINKED,
    "core.privacy": LINKED,
    "core.accessibility": LINKED,
    "events.event_list": Linked(variants=lambda w: [
        "/events?topic=no-such-topic", "/events?date_from=2030-05-10&date_to=2030-05-01",
        "/events?date_from=2020-13-45",
    ]),
    "events.event_detail": Linked(variants=lambda w: [
        f"/events/{w.past_event.slug}", f"/events/{w.full_event.slug}",
        f"/events/{w.cancelled_event.slug}",
    ]),
    "policy.priority_list": LINKED,
    "events.priority_detail": LINKED,
    "feedback.action_detail": LINKED,
    "registrations.register": Linked(variants=lambda w: [f"/events/{w.full_event.slug}/register"]),
    "registrations.check_mail": Seed(
        lambda w: f"/events/{w.event.slug}/register/check-your-mail"),
    "registrations.manage": Seed(lambda w: f"/registrations/{w.manage_token}"),
    "registrations.cancel": LINKED,
    "registrations.my_registrations": LINKED,
    "accounts.sign_up": LINKED,
    "accounts.sign_in": LINKED,
    "accounts.check_mail": Seed(lambda w: "/account/check-your-mail"),
    "accounts.verify_email": Seed(lambda w: f"/account/verify/{w.verification_token()}"),
    "accounts.resend_verification": Seed(lambda w: "/account/verify"),
    "accounts.forgot_password": LINKED,
    "accounts.reset_password": Seed(lambda w: f"/account/reset/{w.reset_token()}"),
    "accounts.confirm_email_change": Seed(
        lambda w: f"/account/email/confirm/{w.email_change_token()}"),
    "accounts.account": LINKED,
    "privacy.delete_account": LINKED,
    "feedback.record_event_feedback": LINKED,
    "manage_events.event_list": LINKED,
    "manage_events.create": LINKED,
    "manage_events.overview": Linked(roles=(ORGANISER,), variants=lambda w: [
        f"/manage/events/{w.event.slug}", f"/manage/events/{w.past_event.slug}"]),
    "manage_events.edit": LINKED,
    "manage_events.cancel": LINKED,
    "manage_registrations.workspace": Linked(roles=(ORGANISER,), variants=lambda w: [
        f"/manage/events/{w.event.slug}/registrations"]),
    "manage_registrations.add": LINKED,
    "manage_registrations.bursts": LINKED,
    "manage_registrations.message": LINKED,
    "manage_registrations.cancel": LINKED,
    "manage_registrations.question_list": LINKED,
    "manage_registrations.question_edit": LINKED,
    "checkin.page": Linked(roles=(ORGANISER,), variants=lambda w: [
        f"/manage/events/{w.event.slug}/check-in"]),
    "attendee_exports.sign_in_sheet": Linked(roles=(ORGANISER,), variants=lambda w: [
        f"/manage/events/{w.event.slug}/sign-in-sheet"]),
    "feedback_staff.moderation_queue": LINKED,
    "feedback_staff.staff_dashboard": LINKED,
    "feedback_staff.action_list": LINKED,
    "feedback_staff.texts_in_one_language": LINKED,
    "feedback_staff.post_update": LINKED,
    "feedback_staff.edit_action": LINKED,
    # One address per route is followed: the open action's coding page lists opinions to code.
    "feedback_staff.coding": Linked(roles=(STAFF,), variants=lambda w: [
        f"/staff/actions/{w.open_action.code}/coding"]),
    "feedback_staff.code_opinion": LINKED,
    "feedback_staff.edit_theme": LINKED,
    "feedback_staff.theme_suggestions": LINKED,
    "feedback_staff.action_report": LINKED,
    "feedback_staff.priority_report": LINKED,
    "exports.export_index": LINKED,
    "admin.users": LINKED,
    "admin.user_detail": LINKED,
    "admin.audit_log": LINKED,
    # Issue 18: archive, questions, follows, open data, venues and event images.
    "events.past_events": LINKED,
    "events.ask_question": LINKED,
    "policy.following": LINKED,
    "policy.unsubscribe": Seed(lambda w: f"/unsubscribe/{w.unsubscribe_token()}"),
    "opendata.index": LINKED,
    "manage_venues.venue_list": LINKED,
    "manage_venues.new_venue": LINKED,
    "manage_venues.edit_venue": LINKED,
    "manage_event_images.upload": LINKED,
    "closing_reports.write": Linked(roles=(ORGANISER,), variants=lambda w: [
        f"/manage/events/{w.past_event.slug}/report"]),
}

NOT_PAGES: dict[str, str] = {
    "static": "style sheets, scripts and images",
    "core.health": "JSON for load balancers",
    "core.icon": "the platform's icon (ICO and PNG) at the addresses browsers ask for",
    "core.ready": "JSON readiness check for load balancers",
    "core.set_language": "redirect; the crawl visits every page in both languages",
    "events.event_ics": "iCalendar file",
    "events.calendar_feed": "iCalendar feed",
    "events.topic_calendar_feed": "iCalendar feed",
    "registrations.manage_ics": "iCalendar file",
    "api.openapi": "JSON",
    "api.events": "JSON",
    "api.event": "JSON",
    "api.priorities": "JSON",
    "api.actions": "JSON",
    "api.action": "JSON",
    "privacy.download_data": "JSON download",
    "attendee_exports.attendees_csv": "CSV download",
    "attendee_exports.attendees_xlsx": "XLSX download",
    "attendee_exports.organisations_csv": "CSV download",
    "exports.download": "CSV, XLSX and JSON downloads",
    "exports.dictionary": "CSV and JSON data dictionaries",
    "events.atom_feed": "Atom feed",
    "events.topic_atom_feed": "Atom feed",
    "policy.action_updates_feed": "Atom feed",
    "images.rendition": "image files (WebP, JPEG)",
    "opendata.download": "CSV and JSON downloads",
    "opendata.catalogue": "DCAT-AP JSON-LD",
    "policy.follow_action": "POST only",
    "policy.follow_priority": "POST only",
    "policy.unsubscribe_confirmed": "POST only",
    "manage_event_images.remove": "POST only",
    "feedback_staff.action_report_pdf": "PDF download",
    "feedback_staff.priority_report_pdf": "PDF download",
    # POST-only endpoints have no page of their own: their forms are in FORMS.
    "accounts.change_email": "POST only",
    "accounts.change_password": "POST only",
    "accounts.update_profile": "POST only",
    "accounts.sign_out": "POST only",
    "accounts.sign_out_everywhere": "POST only",
    "admin.grant_role": "POST only",
    "admin.revoke_role": "POST only",
    "checkin.check_in": "POST only",
    "checkin.undo": "POST only",
    "checkin.walk_in": "POST only",
    "feedback.give_opinion": "POST only",
    "feedback.withdraw_opinion": "POST only",
    "feedback.report_opinion": "POST only",
    "feedback_staff.hide_opinion": "POST only",
    "feedback_staff.restore_opinion": "POST only",
    "manage_events.publish": "POST only",
    "manage_events.unpublish": "POST only",
    "manage_events.duplicate": "POST only",
    "manage_registrations.cancel_burst": "POST only",
    "registrations.confirm": "POST only",
    "registrations.remove_companion": "POST only",
    "manage_registrations.promote": "POST only",
    "manage_registrations.remove_companion": "POST only",
    "manage_registrations.question_move": "POST only",
    "manage_registrations.question_remove": "POST only",
    "manage_registrations.capacity": "POST only",
    "manage_registrations.pause": "POST only",
    "manage_registrations.reopen": "POST only",
    "feedback_staff.switch_feedback": "POST only",
    "feedback_staff.create_theme": "POST only",
    "feedback_staff.code_opinions": "POST only",
    "feedback_staff.delete_theme": "POST only",
    "feedback_staff.accept_suggestion": "POST only",
    "feedback_staff.reject_suggestion": "POST only",
}

FORMS: dict[str, ErrorState | Action] = {
    "accounts.sign_up": ErrorState(lambda w: "/account/sign-up"),
    "accounts.sign_in": ErrorState(lambda w: "/account/sign-in"),
    "accounts.forgot_password": ErrorState(lambda w: "/account/forgot-password",
                                           fill={"#email": "name@@example"}),
    "accounts.resend_verification": ErrorState(lambda w: "/account/verify"),
    "accounts.reset_password": ErrorState(lambda w: f"/account/reset/{w.reset_token()}"),
    "accounts.update_profile": ErrorState(lambda w: "/account", RESIDENT),
    "accounts.change_email": ErrorState(lambda w: "/account", RESIDENT),
    "accounts.change_password": ErrorState(lambda w: "/account", RESIDENT),
    "accounts.sign_out": Action("one button"),
    "accounts.sign_out_everywhere": Action("one button"),
    "privacy.delete_account": ErrorState(lambda w: "/account/delete", RESIDENT),
    "registrations.register": ErrorState(lambda w: f"/events/{w.event.slug}/register"),
    "registrations.cancel": Action("one button, on the manage link's page"),
    "registrations.confirm": Action("one button, on the manage link's page"),
    "registrations.remove_companion": Action("one button per companion, on the manage link's page"),
    "accounts.verify_email": ErrorState(lambda w: f"/account/verify/{w.verification_token()}"),
    "manage_registrations.cancel_burst": Action("one button per group"),
    "feedback.give_opinion": ErrorState(lambda w: f"/actions/{w.open_action.code}", STAFF),
    "feedback.withdraw_opinion": Action("one button"),
    "feedback.report_opinion": ErrorState(lambda w: f"/actions/{w.open_action.code}", STAFF),
    "feedback.record_event_feedback": ErrorState(
        lambda w: f"/events/{w.past_event.slug}/feedback", ORGANISER),
    "feedback_staff.hide_opinion": ErrorState(lambda w: "/staff/moderation", STAFF),
    "feedback_staff.restore_opinion": Action("one button"),
    "feedback_staff.post_update": ErrorState(
        lambda w: f"/staff/actions/{w.open_action.code}/update", STAFF),
    "feedback_staff.switch_feedback": Action("one button"),
    "feedback_staff.edit_action": ErrorState(
        lambda w: f"/staff/actions/{w.open_action.code}/edit", STAFF),
    "feedback_staff.create_theme": ErrorState(
        lambda w: f"/staff/actions/{w.open_action.code}/coding", STAFF),
    "feedback_staff.code_opinions": ErrorState(
        lambda w: f"/staff/actions/{w.open_action.code}/coding", STAFF),
    "feedback_staff.code_opinion": Action("ticks and one button"),
    "feedback_staff.edit_theme": ErrorState(lambda w: f"/staff/themes/{w.theme.id}", STAFF),
    "feedback_staff.delete_theme": Action("one button"),
    "feedback_staff.accept_suggestion": ErrorState(
        lambda w: f"/staff/actions/{w.open_action.code}/suggestions", STAFF),
    "feedback_staff.reject_suggestion": Action("one button"),
    "manage_events.create": ErrorState(lambda w: "/manage/events/new", ORGANISER, fill={
        "[name=starts_at]": "2020-13-45T25:61", "[name=capacity]": "many"}),
    "manage_events.edit": ErrorState(lambda w: f"/manage/events/{w.event.slug}/edit", ORGANISER),
    "manage_events.publish": Action("one button"),
    "manage_events.unpublish": Action("one button"),
    "manage_events.duplicate": Action("one button"),
    "manage_events.cancel": Action("one button after a confirmation page"),
    "manage_registrations.add": ErrorState(
        lambda w: f"/manage/events/{w.event.slug}/registrations/new", ORGANISER),
    "manage_registrations.cancel": ErrorState(
        lambda w: f"/manage/events/{w.event.slug}/registrations/{w.registration_id}/cancel",
        ORGANISER),
    "manage_registrations.promote": Action("one button"),
    "manage_registrations.remove_companion": Action("one button per companion"),
    "manage_registrations.question_list": ErrorState(
        lambda w: f"/manage/events/{w.event.slug}/questions", ORGANISER),
    "manage_registrations.question_edit": ErrorState(lambda w: w.question_path(), ORGANISER),
    "manage_registrations.question_move": Action("one button"),
    "manage_registrations.question_remove": Action("one button"),
    "manage_registrations.capacity": ErrorState(
        lambda w: f"/manage/events/{w.event.slug}/registrations", ORGANISER,
        fill={"[name=capacity]": "-5"}),
    "manage_registrations.pause": Action("one button"),
    "manage_registrations.reopen": Action("one button"),
    "manage_registrations.message": ErrorState(
        lambda w: f"/manage/events/{w.event.slug}/message", ORGANISER),
    "checkin.check_in": Action("one button per registrant"),
    "checkin.undo": Action("one button per registrant"),
    "checkin.walk_in": ErrorState(lambda w: f"/manage/events/{w.event.slug}/check-in",
                                  ORGANISER, fill={"[name=email]": "not-an-address"}),
    "admin.grant_role": Action("a choice among the roles and a button"),
    "admin.revoke_role": Action("one button"),
    "events.ask_question": ErrorState(lambda w: f"/events/{w.event.slug}/question"),
    "policy.follow_action": Action("one button (follow or stop following)"),
    "policy.follow_priority": Action("one button (follow or stop following)"),
    "policy.unsubscribe_confirmed": Action("one button, on the unsubscribe link's page"),
    "manage_venues.new_venue": ErrorState(lambda w: "/manage/venues/new", ORGANISER),
    "manage_venues.edit_venue": ErrorState(
        lambda w: f"/manage/venues/{w.event.venue_id}/edit", ORGANISER),
    "manage_event_images.upload": ErrorState(
        lambda w: f"/manage/events/{w.event.slug}/image", ORGANISER),
    "manage_event_images.remove": Action("one button"),
    "closing_reports.write": ErrorState(
        lambda w: f"/manage/events/{w.past_event.slug}/report", ORGANISER),
}

HOW_TO_DECLARE = (
    "Declare it in tests/e2e/site_map.py, one line:\n"
    '  PAGES["{endpoint}"] = LINKED     # an HTML page that some page links to\n'
    '  PAGES["{endpoint}"] = Seed(lambda w: f"/events/{{w.event.slug}}/...", roles=(RESIDENT,))\n'
    "                                   # nothing links to it (a mail link, a token...)\n"
    '  NOT_PAGES["{endpoint}"] = "iCalendar file"  # not HTML, a redirect, or POST only\n'
    "and, if it accepts POST:\n"
    '  FORMS["{endpoint}"] = ErrorState(lambda w: "/page/with/the/form", RESIDENT)\n'
    '  FORMS["{endpoint}"] = Action("one button")  # nothing to get wrong\n'
    "CrawlWorld in tests/e2e/test_site_crawl.py holds the objects to build paths with."
)
