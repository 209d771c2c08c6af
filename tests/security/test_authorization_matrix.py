"""Who may open which page: every route against every kind of visitor.

``MATRIX`` declares, for each endpoint of the app, the exact set of visitors allowed in and
what the others get. Each endpoint is requested (every method it accepts, with an empty form)
as anonymous, a resident, the organiser of the event in the URL, the organiser of another
event, policy staff and an administrator, each on a fresh client:

- allowed: a page or a redirect (GET: 2xx/3xx; POST: anything below 500 except a refusal,
  since an empty form is rightly answered with 422), never the sign-in redirect;
- denied: the declared answer: the sign-in redirect for anonymous visitors by default,
  403 for signed-in visitors by default, or 404 where the page's existence is hidden.

A new route fails ``test_every_route_is_in_the_matrix`` until it gets an entry here.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

from .conftest import ROLES

ANON, RESIDENT, ORGANISER, OTHER_ORGANISER, STAFF, ADMIN = ROLES
SIGN_IN = "sign-in redirect"


@dataclass(frozen=True)
class Access:
    allowed: frozenset[str]
    #: What a signed-in visitor outside ``allowed`` gets: 403, or 404 to hide existence.
    denied: int = 403
    #: What an anonymous visitor outside ``allowed`` gets.
    anonymous: int | str = SIGN_IN


def only(*roles: str, denied: int = 403, anonymous: int | str = SIGN_IN) -> Access:
    return Access(frozenset(roles), denied, anonymous)


EVERYONE = only(*ROLES)
SIGNED_IN = only(RESIDENT, ORGANISER, OTHER_ORGANISER, STAFF, ADMIN)
ADMINS = only(ADMIN)
POLICY_STAFF = only(STAFF, ADMIN)
#: The organisers of the event in the URL, and administrators.
EVENT_ORGANISERS = only(ORGANISER, ADMIN)

MATRIX: dict[str, Access] = {
    # Public pages, feeds, the API and static files.
    "static": EVERYONE,
    "events.home": EVERYONE,
    "core.privacy": EVERYONE,
    "core.accessibility": EVERYONE,
    "core.health": EVERYONE,
    "core.icon": EVERYONE,
    "core.ready": EVERYONE,
    "core.set_language": EVERYONE,
    "events.event_list": EVERYONE,
    "events.event_detail": EVERYONE,
    "events.event_ics": EVERYONE,
    "events.calendar_feed": EVERYONE,
    "events.topic_calendar_feed": EVERYONE,
    "policy.priority_list": EVERYONE,
    "events.atom_feed": EVERYONE,
    "events.past_events": EVERYONE,
    "events.ask_question": EVERYONE,
    # Images: the renditions of an image whose key one knows (keys are unguessable).
    "images.rendition": EVERYONE,
    "events.topic_atom_feed": EVERYONE,
    "policy.action_updates_feed": EVERYONE,
    "opendata.index": EVERYONE,
    "opendata.download": EVERYONE,
    "opendata.catalogue": EVERYONE,
    # Unsubscribe links in update mails work for whoever holds them, signed in or not.
    "policy.unsubscribe": EVERYONE,
    "policy.unsubscribe_confirmed": EVERYONE,
    "policy.follow_action": SIGNED_IN,
    "policy.follow_priority": SIGNED_IN,
    "policy.following": SIGNED_IN,
    "events.priority_detail": EVERYONE,
    "feedback.action_detail": EVERYONE,
    "api.openapi": EVERYONE,
    "api.events": EVERYONE,
    "api.event": EVERYONE,
    "api.priorities": EVERYONE,
    "api.actions": EVERYONE,
    "api.action": EVERYONE,
    # Registering, and the manage link (whoever holds the link).
    "registrations.register": EVERYONE,
    "registrations.check_mail": EVERYONE,
    "registrations.confirm": EVERYONE,
    "registrations.manage": EVERYONE,
    "registrations.manage_ics": EVERYONE,
    "registrations.cancel": EVERYONE,
    "registrations.remove_companion": EVERYONE,
    "registrations.my_registrations": SIGNED_IN,
    # Accounts: the forms anyone can use, links from mails, and one's own account.
    "accounts.sign_up": EVERYONE,
    "accounts.sign_in": EVERYONE,
    "accounts.sign_out": EVERYONE,
    "accounts.check_mail": EVERYONE,
    "accounts.verify_email": EVERYONE,
    "accounts.resend_verification": EVERYONE,
    "accounts.forgot_password": EVERYONE,
    "accounts.reset_password": EVERYONE,
    "accounts.confirm_email_change": EVERYONE,
    "accounts.account": SIGNED_IN,
    "accounts.update_profile": SIGNED_IN,
    "accounts.change_email": SIGNED_IN,
    "accounts.change_password": SIGNED_IN,
    "accounts.sign_out_everywhere": SIGNED_IN,
    "privacy.download_data": SIGNED_IN,
    "privacy.delete_account": SIGNED_IN,
    # Opinions: any signed-in person gives and reports; organisers record at their events.
    "feedback.give_opinion": SIGNED_IN,
    "feedback.withdraw_opinion": SIGNED_IN,
    "feedback.report_opinion": SIGNED_IN,
    "feedback.record_event_feedback": EVENT_ORGANISERS,
    # The organisers' workspace: organisers see the list and create events; everything about
    # one event is for its own organisers (another organiser gets 403) and administrators.
    "manage_events.event_list": only(ORGANISER, OTHER_ORGANISER, ADMIN),
    "manage_events.create": only(ORGANISER, OTHER_ORGANISER, ADMIN),
    "manage_venues.venue_list": only(ORGANISER, OTHER_ORGANISER, ADMIN),
    "manage_venues.new_venue": only(ORGANISER, OTHER_ORGANISER, ADMIN),
    "manage_venues.edit_venue": only(ORGANISER, OTHER_ORGANISER, ADMIN),
    "manage_events.overview": EVENT_ORGANISERS,
    "manage_event_images.upload": EVENT_ORGANISERS,
    "manage_event_images.remove": EVENT_ORGANISERS,
    "closing_reports.write": EVENT_ORGANISERS,
    "manage_events.edit": EVENT_ORGANISERS,
    "manage_events.publish": EVENT_ORGANISERS,
    "manage_events.unpublish": EVENT_ORGANISERS,
    "manage_events.duplicate": EVENT_ORGANISERS,
    "manage_events.cancel": EVENT_ORGANISERS,
    "manage_registrations.workspace": EVENT_ORGANISERS,
    "manage_registrations.add": EVENT_ORGANISERS,
    "manage_registrations.bursts": EVENT_ORGANISERS,
    "manage_registrations.cancel_burst": EVENT_ORGANISERS,
    "manage_registrations.cancel": EVENT_ORGANISERS,
    "manage_registrations.promote": EVENT_ORGANISERS,
    "manage_registrations.capacity": EVENT_ORGANISERS,
    "manage_registrations.pause": EVENT_ORGANISERS,
    "manage_registrations.reopen": EVENT_ORGANISERS,
    "manage_registrations.message": EVENT_ORGANISERS,
    "manage_registrations.remove_companion": EVENT_ORGANISERS,
    "manage_registrations.question_list": EVENT_ORGANISERS,
    "manage_registrations.question_edit": EVENT_ORGANISERS,
    "manage_registrations.question_move": EVENT_ORGANISERS,
    "manage_registrations.question_remove": EVENT_ORGANISERS,
    "checkin.page": EVENT_ORGANISERS,
    "checkin.check_in": EVENT_ORGANISERS,
    "checkin.undo": EVENT_ORGANISERS,
    "checkin.walk_in": EVENT_ORGANISERS,
    "attendee_exports.attendees_csv": EVENT_ORGANISERS,
    "attendee_exports.organisations_csv": EVENT_ORGANISERS,
    "attendee_exports.attendees_xlsx": EVENT_ORGANISERS,
    "attendee_exports.sign_in_sheet": EVENT_ORGANISERS,
    # Policy staff.
    "feedback_staff.moderation_queue": POLICY_STAFF,
    "feedback_staff.hide_opinion": POLICY_STAFF,
    "feedback_staff.restore_opinion": POLICY_STAFF,
    "feedback_staff.staff_dashboard": POLICY_STAFF,
    "feedback_staff.coding": POLICY_STAFF,
    "feedback_staff.create_theme": POLICY_STAFF,
    "feedback_staff.code_opinions": POLICY_STAFF,
    "feedback_staff.code_opinion": POLICY_STAFF,
    "feedback_staff.edit_theme": POLICY_STAFF,
    "feedback_staff.delete_theme": POLICY_STAFF,
    "feedback_staff.theme_suggestions": POLICY_STAFF,
    "feedback_staff.accept_suggestion": POLICY_STAFF,
    "feedback_staff.reject_suggestion": POLICY_STAFF,
    "feedback_staff.action_report": POLICY_STAFF,
    "feedback_staff.action_report_pdf": POLICY_STAFF,
    "feedback_staff.priority_report": POLICY_STAFF,
    "feedback_staff.priority_report_pdf": POLICY_STAFF,
    "feedback_staff.action_list": POLICY_STAFF,
    "feedback_staff.texts_in_one_language": POLICY_STAFF,
    "feedback_staff.switch_feedback": POLICY_STAFF,
    "feedback_staff.post_update": POLICY_STAFF,
    "feedback_staff.edit_action": POLICY_STAFF,
    "exports.export_index": POLICY_STAFF,
    "exports.download": POLICY_STAFF,
    "exports.dictionary": POLICY_STAFF,
    # Administrators.
    "admin.users": ADMINS,
    "admin.user_detail": ADMINS,
    "admin.grant_role": ADMINS,
    "admin.revoke_role": ADMINS,
    "admin.audit_log": ADMINS,
}


def test_every_route_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - MATRIX.keys())
    assert not missing, f"add these endpoints to MATRIX with who may use them: {missing}"
    stale = sorted(MATRIX.keys() - endpoints)
    assert not stale, f"these MATRIX entries name no route: {stale}"


def _is_sign_in_redirect(response) -> bool:
    if response.status_code not in (301, 302, 303, 307, 308):
        return False
    location = urlsplit(response.headers["Location"])
    return location.path == "/account/sign-in" and "next=" in location.query


def _outcome(response, method: str) -> str:
    if _is_sign_in_redirect(response):
        return SIGN_IN
    return str(response.status_code)


def _is_allowed(response, method: str) -> bool:
    status = response.status_code
    if _is_sign_in_redirect(response) or status >= 500:
        return False
    if method == "GET":
        return status < 400
    return status not in (401, 403, 404, 405)


@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_only_the_declared_visitors_get_in(app, world, sign_in_as, endpoint):
    access = MATRIX[endpoint]
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint]
    assert rules, f"{endpoint} is not a route any more: remove it from MATRIX"
    wrong = []
    for rule in rules:
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for role in ROLES:
                client = sign_in_as(world, role)
                response = client.open(world.url(rule), method=method, data={})
                response.get_data()
                response.close()
                if role in access.allowed:
                    if not _is_allowed(response, method):
                        wrong.append((method, role, "should get in", _outcome(response, method)))
                    continue
                expected = access.anonymous if role == ANON else access.denied
                got = _outcome(response, method)
                if got != str(expected):
                    wrong.append((method, role, f"should get {expected}", got))
    assert not wrong, f"{endpoint}: {wrong}"
