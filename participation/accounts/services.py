"""Accounts: sign-up, sign-in, verification, passwords, e-mail changes and roles.

Nothing here tells a visitor whether an address has an account: sign-up, password reset
and resending the verification mail answer the same way for known and unknown addresses,
and the owner of a known address gets a mail instead.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from participation.accounts import mails, tokens
from participation.accounts.errors import (  # noqa: F401  (part of this module's interface)
    AccountError,
    ExpiredToken,
    InvalidEmail,
    InvalidToken,
    LastAdmin,
    NotAllowed,
    WeakPassword,
    WrongPassword,
)
from participation.accounts.models import AgeBand, Role, User, UserRole
from participation.accounts.tokens import (  # noqa: F401  (part of this module's interface)
    email_change_token,
    reset_token,
    verification_token,
)
from participation.audit.services import record
from participation.core.i18n import LANGUAGES, supported_language
from participation.core.pagination import Page
from participation.core.text import is_single_line
from participation.database import begin_write, utcnow
from participation.extensions import db

PASSWORD_MIN_LENGTH = 12
#: Long enough for any passphrase, short enough that hashing it is never a burden.
PASSWORD_MAX_LENGTH = 200
PASSWORD_METHOD = "scrypt"
VERIFY_MAX_AGE = timedelta(days=7)
RESET_MAX_AGE = timedelta(hours=1)
EMAIL_CHANGE_MAX_AGE = timedelta(days=1)
LOCALES = LANGUAGES


# --- input rules -------------------------------------------------------------------------


def normalise_email(email: str, field: str = "email") -> str:
    """Return the address trimmed and in lower case; raise InvalidEmail if it is no address."""
    value = (email or "").strip().lower()
    if not value or len(value) > 254:
        raise InvalidEmail(_l("Enter an e-mail address like name@example.org."), field=field)
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidEmail(_l("Enter an e-mail address like name@example.org."),
                           field=field) from error
    return value


def check_password_rules(password: str, field: str = "password") -> None:
    """Raise WeakPassword when the password is too short or absurdly long."""
    if len(password or "") < PASSWORD_MIN_LENGTH:
        raise WeakPassword(
            _l("Use at least %(min)d characters. A few words in a row are easy to remember.",
               min=PASSWORD_MIN_LENGTH), field=field,
        )
    if len(password) > PASSWORD_MAX_LENGTH:
        raise WeakPassword(_l("Use at most %(max)d characters.", max=PASSWORD_MAX_LENGTH),
                           field=field)


def _clean_name(name: str) -> str:
    value = " ".join((name or "").split())
    if not value:
        raise AccountError(_l("Enter your name."), field="name")
    if not is_single_line(value):
        raise AccountError(
            _l("Write the name on one line, without special control characters."), field="name"
        )
    if len(value) > 120:
        raise AccountError(_l("Use at most %(max)d characters.", max=120), field="name")
    return value


def hash_password(password: str) -> str:
    """Hash a password with the current algorithm."""
    return generate_password_hash(password, method=PASSWORD_METHOD)


_dummy_hash: str | None = None


def _dummy_password_check(password: str) -> None:
    """Spend the time a real check takes, so unknown addresses answer as slowly as known ones."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = hash_password("not-a-real-password-for-timing")
    check_password_hash(_dummy_hash, password or "")


def _set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.session_version = (user.session_version or 1) + 1


# --- look-ups ----------------------------------------------------------------------------


def find_user_by_email(email: str) -> User | None:
    """Return the account with this address (in any case), if there is one."""
    value = (email or "").strip().lower()
    if not value:
        return None
    return db.session.scalar(sa.select(User).where(User.email == value))


# --- sign-up, verification, sign-in ------------------------------------------------------


def sign_up(name: str, email: str, password: str, locale: str = "nl") -> User | None:
    """Create an unverified resident account and mail the verification link.

    When the address already has an account, nothing is created and its owner gets a
    mail instead; the caller shows the same "check your mail" page in both cases, so the
    result (``None`` then) must never be shown to the visitor.
    """
    name = _clean_name(name)
    email = normalise_email(email)
    check_password_rules(password)
    locale = supported_language(locale)
    existing = find_user_by_email(email)
    if existing is not None:
        _dummy_password_check(password)
        mails.signup_attempt(existing)
        return None
    user = User(email=email, name=name, locale=locale, password_hash=hash_password(password))
    user.roles = [UserRole(role=Role.RESIDENT)]
    db.session.add(user)
    db.session.flush()
    mails.verify_email(user, verification_token(user))
    return user


def resend_verification(email: str) -> None:
    """Mail a fresh verification link if the address has an unverified account; else nothing."""
    user = find_user_by_email(normalise_email(email))
    if user is not None and user.active and not user.email_verified:
        mails.verify_email(user, verification_token(user))


def check_verification_token(token: str, now: datetime | None = None) -> User:
    """Return the account a verification link is for; raise InvalidToken if used or forged."""
    payload = tokens.read_token("verify", token, VERIFY_MAX_AGE, now)
    user = tokens.token_user(payload)
    if user.email_verified or not tokens.same(tokens.fingerprint(user.email), payload.get("fp")):
        raise InvalidToken(_l("This link has already been used or is no longer valid. "
                                    "If your address is confirmed, you can sign in."))
    return user


def verify_email(token: str, password: str, now: datetime | None = None) -> User:
    """Mark the address in the token as verified, given the password chosen at sign-up.

    Someone can sign up with another person's address and a password of their own; if the
    owner then followed the link, the stranger's password would open an account holding the
    owner's registrations. Asking for the sign-up password makes that link useless to the
    owner, who can choose their own password with "forgot password" instead.

    :raises WrongPassword: not the password chosen at sign-up.
    """
    user = check_verification_token(token, now)
    if not user.password_hash or not check_password_hash(user.password_hash, password or ""):
        raise WrongPassword(_l(
            "This is not the password chosen when signing up. Did someone else sign up with "
            "your address? Then choose your own password with \"Forgot your password?\"."),
            field="password")
    user.email_verified_at = now or utcnow()
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with this address and password, or None (never says why)."""
    user = find_user_by_email(email)
    if user is None or not user.password_hash:
        _dummy_password_check(password)
        return None
    if not check_password_hash(user.password_hash, password or ""):
        return None
    if not user.active:
        return None
    if not user.password_hash.startswith(f"{PASSWORD_METHOD}:32768:8:1$"):
        # An older algorithm or cost: upgrade the stored hash now that we know the password.
        user.password_hash = hash_password(password)
        db.session.flush()
    return user


def send_verification_again(user: User) -> None:
    """Mail ``user`` a fresh verification link (after they proved their password)."""
    if not user.email_verified:
        mails.verify_email(user, verification_token(user))


# --- passwords ---------------------------------------------------------------------------


def request_password_reset(email: str, now: datetime | None = None) -> None:
    """Mail a one-hour reset link if the address has an account; answer the same either way."""
    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    mails.password_reset(user, reset_token(user, now))


def check_reset_token(token: str, now: datetime | None = None) -> User:
    """Return the user a reset link is for; raise InvalidToken if it is used, forged or old."""
    payload = tokens.read_token("reset", token, RESET_MAX_AGE, now)
    user = tokens.token_user(payload)
    fp = tokens.fingerprint(user.password_hash, user.session_version, user.email)
    if not tokens.same(fp, payload.get("fp")):
        raise InvalidToken(_l("This link has already been used. Ask for a new one below."))
    return user


def reset_password(token: str, new_password: str, now: datetime | None = None) -> User:
    """Set a new password from a reset link; the link and every other session stop working."""
    user = check_reset_token(token, now)
    check_password_rules(new_password)
    _set_password(user, new_password)
    if not user.email_verified:
        # Following a link mailed to the address proves the address, too.
        user.email_verified_at = now or utcnow()
    db.session.flush()
    mails.password_changed(user)
    return user


def check_current_password(user: User, current_password: str | None) -> None:
    """Raise WrongPassword unless ``current_password`` is the account's password."""
    if not user.password_hash or not check_password_hash(user.password_hash,
                                                         current_password or ""):
        raise WrongPassword(_l("Your current password is not correct."), field="current_password")


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Replace the password after checking the current one; other sessions end."""
    check_current_password(user, current_password)
    check_password_rules(new_password, field="new_password")
    _set_password(user, new_password)
    db.session.flush()
    mails.password_changed(user)


def end_all_sessions(user: User) -> None:
    """Sign ``user`` out on every device, including remembered ones."""
    user.session_version = (user.session_version or 1) + 1
    db.session.flush()


# --- e-mail change -----------------------------------------------------------------------


def request_email_change(user: User, new_email: str, current_password: str,
                         now: datetime | None = None) -> None:
    """Mail a confirmation link to the new address; nothing changes until it is followed.

    When the new address already belongs to another account, its owner is told instead;
    the requester sees the same answer, so this cannot be used to probe addresses.
    """
    new_email = normalise_email(new_email, field="new_email")
    check_current_password(user, current_password)
    if new_email == user.email:
        raise AccountError(_l("This is already your e-mail address."), field="new_email")
    owner = find_user_by_email(new_email)
    if owner is not None:
        mails.signup_attempt(owner)
        return
    mails.email_change(user, new_email, email_change_token(user, new_email, now))


def confirm_email_change(token: str, now: datetime | None = None) -> User:
    """Switch the account to the address the link was sent to, and tell the old address."""
    payload = tokens.read_token("email", token, EMAIL_CHANGE_MAX_AGE, now)
    user = tokens.token_user(payload)
    if not tokens.same(tokens.fingerprint(user.email, user.session_version), payload.get("fp")):
        raise InvalidToken(_l("This link has already been used or is no longer valid."))
    new_email = normalise_email(str(payload.get("new", "")))
    if find_user_by_email(new_email) is not None:
        raise AccountError(_l("This address is now used by another account. "
                                    "Choose another address."))
    old_email = user.email
    user.email = new_email
    user.email_verified_at = now or utcnow()
    db.session.flush()
    mails.email_changed(user, old_email)
    return user


# --- profile -----------------------------------------------------------------------------


def choose_language(user: User, language: str) -> None:
    """Keep the language the person reads the site in, for pages and mails."""
    user.locale = supported_language(language)


def adopt_language_if_unset(user: User, language: str) -> bool:
    """Give an account made for someone (on the command line) the language they read the
    site in when they first sign in; an account that has a language keeps it."""
    if user.locale is not None:
        return False
    choose_language(user, language)
    return True


def update_profile(
    user: User,
    name: str,
    locale: str,
    notify_updates: bool,
    profile_consent: bool = False,
    postcode: str | None = None,
    age_band: AgeBand | str | None = None,
) -> None:
    """Save the name, language, mail preference and the optional, consented profile facts."""
    user.name = _clean_name(name)
    if locale not in LOCALES:
        raise AccountError(_l("Choose Dutch or English."), field="locale")
    user.locale = locale
    user.notify_updates = bool(notify_updates)
    postcode = (postcode or "").strip() or None
    age_band = AgeBand(age_band) if age_band else None
    if postcode is not None and not (len(postcode) == 4 and postcode.isdigit()
                                     and postcode[0] != "0"):
        raise AccountError(_l("Enter a Belgian postcode of 4 digits, like 9000."), field="postcode")
    if not profile_consent:
        if postcode or age_band:
            raise AccountError(
                _l("Tick the box to agree, or leave postcode and age empty."),
                field="profile_consent",
            )
        user.postcode = None
        user.age_band = None
        user.profile_consent_at = None
    else:
        user.postcode = postcode
        user.age_band = age_band
        if user.profile_consent_at is None:
            user.profile_consent_at = utcnow()
    db.session.flush()


# --- roles -------------------------------------------------------------------------------


def _admin_count() -> int:
    """Count the administrators, locking their role rows so two revocations cannot race."""
    begin_write(db.session())
    rows = db.session.scalars(
        sa.select(UserRole.user_id).where(UserRole.role == Role.ADMIN).with_for_update()
    ).all()
    return len(rows)


def _check_admin(actor: User | None) -> None:
    if actor is not None and not actor.is_admin:
        raise NotAllowed(_l("Only administrators can change roles."))


def grant_role(admin: User | None, user: User, role: Role | str) -> bool:
    """Give ``user`` the role and write it to the audit log; False when they already held it.

    ``admin`` is None only for the command line.
    """
    role = Role(role)
    _check_admin(admin)
    if role in user.role_names:
        return False
    user.roles.append(UserRole(role=role))
    db.session.flush()
    record(admin, "role.grant", user, role=role.value, email=user.email,
           source=None if admin else "cli")
    return True


def revoke_role(admin: User | None, user: User, role: Role | str) -> bool:
    """Take the role from ``user`` and log it; the last administrator keeps theirs."""
    role = Role(role)
    _check_admin(admin)
    if role == Role.ADMIN and role in user.role_names and _admin_count() <= 1:
        raise LastAdmin(_l("This is the last administrator. Make someone else an "
                                   "administrator first."), field="role")
    held = [r for r in user.roles if r.role == role]
    if not held:
        return False
    for entry in held:
        user.roles.remove(entry)
    db.session.flush()
    record(admin, "role.revoke", user, role=role.value, email=user.email,
           source=None if admin else "cli")
    return True


def create_user(email: str, name: str | None, password: str | None,
                roles: list[Role] | tuple[Role, ...] = (Role.RESIDENT,)) -> tuple[User, bool]:
    """Create a verified account with roles, or add the roles to the existing account.

    An existing account without a password (the demo's accounts) gets ``password``; an
    existing password is never replaced here. Returns the user and whether it was created.
    Used by the command line.
    """
    email = normalise_email(email)
    user = find_user_by_email(email)
    created = user is None
    if not created and password is not None and not user.password_hash:
        check_password_rules(password)
        _set_password(user, password)
    if created:
        if password is not None:
            check_password_rules(password)
        user = User(
            email=email,
            name=_clean_name(name or email.split("@", 1)[0]),
            email_verified_at=utcnow(),
            password_hash=hash_password(password) if password else None,
        )
        user.roles = [UserRole(role=Role.RESIDENT)]
        db.session.add(user)
        db.session.flush()
    for role in roles:
        grant_role(None, user, role)
    return user, created


# --- administration ----------------------------------------------------------------------


def find_users(query: str | None = None, role: Role | None = None, page: int = 1,
               per_page: int = 25) -> Page:
    """Search accounts by name or e-mail, optionally holding one role, newest first."""
    stmt = sa.select(User)
    if query:
        text = query.strip().lower()
        stmt = stmt.where(sa.or_(User.email.contains(text, autoescape=True),
                                 sa.func.lower(User.name).contains(text, autoescape=True)))
    if role is not None:
        stmt = stmt.where(User.roles.any(UserRole.role == role))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) or 0
    items = db.session.scalars(
        stmt.order_by(User.created_at.desc(), User.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    return Page(list(items), page, per_page, total)
