"""Sign-up, sign-in and out, verification, password reset and the account page."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale, refresh
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from participation.accounts import services
from participation.accounts.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    EmailForm,
    ProfileForm,
    ResetPasswordForm,
    SignInForm,
    SignUpForm,
    VerifyEmailForm,
)
from participation.core.forms import put_form_error
from participation.core.limits import (
    FORM_LIMIT,
    MAILBOX_LIMIT,
    counts_against_limit,
    mailbox_key,
)
from participation.core.urls import safe_next
from participation.database import begin_write
from participation.extensions import db, limiter

bp = Blueprint("accounts", __name__, url_prefix="/account")


def put_error_on_form(form, error: services.AccountError) -> None:
    """Show a service error next to the field it belongs to (or the first field)."""
    first = next(f.name for f in form if f.type not in ("CSRFTokenField", "HiddenField"))
    put_form_error(form, error, default_field=first)


def _validate_with_current_password(form) -> bool:
    """Validate every field, and check the current password even when another field is
    wrong, so that one answer names every problem."""
    valid = form.validate()
    if not form.current_password.errors:
        try:
            services.check_current_password(current_user, form.current_password.data)
        except services.AccountError as error:
            put_error_on_form(form, error)
            valid = False
    return valid


def _home_after_sign_in() -> str:
    return url_for("accounts.account")


# --- sign-up and verification ------------------------------------------------------------


@bp.route("/sign-up", methods=["GET", "POST"])
@limiter.limit(FORM_LIMIT, methods=["POST"], deduct_when=counts_against_limit)
@limiter.limit(MAILBOX_LIMIT, methods=["POST"], key_func=mailbox_key,
               deduct_when=counts_against_limit)
def sign_up():
    """Create an account; the same answer whether or not the address was known."""
    if current_user.is_authenticated:
        return redirect(_home_after_sign_in())
    form = SignUpForm()
    if form.validate_on_submit():
        try:
            services.sign_up(form.name.data, form.email.data, form.password.data,
                             str(get_locale() or "nl"))
        except services.AccountError as error:
            put_error_on_form(form, error)
        else:
            db.session.commit()
            return redirect(url_for("accounts.check_mail", about="sign-up"))
    status = 422 if form.errors else 200
    return render_template("accounts/sign_up.html", form=form), status


@bp.get("/check-your-mail")
def check_mail():
    """Tell the visitor a mail is on its way (if the address is one we can write to)."""
    about = request.args.get("about", "sign-up")
    if about not in ("sign-up", "reset", "verification", "email-change"):
        about = "sign-up"
    return render_template("accounts/check_mail.html", about=about)


@bp.route("/verify/<token>", methods=["GET", "POST"])
@limiter.limit(FORM_LIMIT, methods=["POST"])
def verify_email(token: str):
    """Confirm an address from the link in the verification mail, with the sign-up password."""
    form = VerifyEmailForm()
    try:
        if form.validate_on_submit():
            begin_write(db.session())
            user = services.verify_email(token, form.password.data)
            db.session.commit()
            _start_session(user, remember=False)
            flash(_("Your e-mail address is confirmed. You are signed in."), "success")
            return redirect(_home_after_sign_in())
        services.check_verification_token(token)
    except services.InvalidToken as error:
        db.session.rollback()
        return render_template("accounts/link_problem.html", message=error.message,
                               retry_endpoint="accounts.resend_verification"), 400
    except services.AccountError as error:
        db.session.rollback()
        put_error_on_form(form, error)
    status = 422 if form.errors else 200
    return render_template("accounts/verify_email.html", form=form, token=token), status


@bp.route("/verify", methods=["GET", "POST"])
@limiter.limit(FORM_LIMIT, methods=["POST"], deduct_when=counts_against_limit)
@limiter.limit(MAILBOX_LIMIT, methods=["POST"], key_func=mailbox_key,
               deduct_when=counts_against_limit)
def resend_verification():
    """Send the verification mail again."""
    form = EmailForm()
    if form.validate_on_submit():
        try:
            services.resend_verification(form.email.data)
        except services.AccountError as error:
            put_error_on_form(form, error)
        else:
            db.session.commit()
            return redirect(url_for("accounts.check_mail", about="verification"))
    status = 422 if form.errors else 200
    return render_template(
        "accounts/email_form.html", form=form, title=_("Send the confirmation mail again"),
        intro=_("Enter the address you signed up with. If it still needs confirming, "
                "we send a new link."),
        button=_("Send the link again"),
    ), status


# --- sign-in and out ---------------------------------------------------------------------


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(FORM_LIMIT, methods=["POST"])
def sign_in():
    """Sign in with address and password; a failure never says which one was wrong."""
    form = SignInForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
        if current_user.is_authenticated:
            return redirect(safe_next(form.next.data, _home_after_sign_in()))
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            form.email.errors = [_("The e-mail address or the password is not correct.")]
        elif not user.email_verified:
            services.send_verification_again(user)
            db.session.commit()
            form.email.errors = [_("Confirm your e-mail address first. We have sent you a new "
                                   "link; it can take a few minutes to arrive.")]
        else:
            db.session.commit()
            _start_session(user, remember=bool(form.remember.data))
            flash(_("You are signed in."), "success")
            return redirect(safe_next(form.next.data, _home_after_sign_in()))
    status = 422 if form.errors else 200
    return render_template("accounts/sign_in.html", form=form), status


@bp.post("/sign-out")
def sign_out():
    """Sign out: this session and remembered logins stop working, even if someone copied them.

    Cookies are signed, not stored, so a copied cookie stays genuine: bumping the account's
    session version is what makes it worthless (on every device of the account).
    """
    if current_user.is_authenticated:
        services.end_all_sessions(current_user._get_current_object())
        db.session.commit()
    logout_user()
    _fresh_session()
    flash(_("You are signed out."), "success")
    return redirect(url_for("events.home"))


# --- forgotten password ------------------------------------------------------------------


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(FORM_LIMIT, methods=["POST"], deduct_when=counts_against_limit)
@limiter.limit(MAILBOX_LIMIT, methods=["POST"], key_func=mailbox_key,
               deduct_when=counts_against_limit)
def forgot_password():
    """Ask for a reset link; the same answer whether or not the address has an account."""
    form = EmailForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        return redirect(url_for("accounts.check_mail", about="reset"))
    status = 422 if form.errors else 200
    return render_template(
        "accounts/email_form.html", form=form, title=_("Forgot your password?"),
        intro=_("Enter the address of your account. We send you a link to choose a new "
                "password; it works for an hour."),
        button=_("Send me a link"),
    ), status


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(FORM_LIMIT, methods=["POST"])
def reset_password(token: str):
    """Choose a new password from the link in the reset mail."""
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except services.InvalidToken as error:
            db.session.rollback()
            return _reset_link_problem(error)
        except services.AccountError as error:
            put_error_on_form(form, error)
        else:
            db.session.commit()
            logout_user()
            flash(_("Your password is changed. Sign in with your new password."), "success")
            return redirect(url_for("accounts.sign_in"))
    elif request.method == "GET":
        try:
            services.check_reset_token(token)
        except services.InvalidToken as error:
            return _reset_link_problem(error)
    status = 422 if form.errors else 200
    return render_template("accounts/reset_password.html", form=form, token=token), status


def _reset_link_problem(error: services.AccountError):
    return render_template("accounts/link_problem.html", message=error.message,
                           retry_endpoint="accounts.forgot_password"), 400


# --- the account page --------------------------------------------------------------------


def _account_forms(profile=None, email=None, password=None):
    user = current_user
    if profile is None:
        profile = ProfileForm(formdata=None, obj=user)
        profile.profile_consent.data = user.profile_consent_at is not None
        profile.age_band.data = user.age_band.value if user.age_band else ""
    return {
        "profile_form": profile,
        "email_form": email or ChangeEmailForm(formdata=None, prefix="email"),
        "password_form": password or ChangePasswordForm(formdata=None, prefix="password"),
    }


@bp.get("")
@login_required
def account():
    """The account page: profile, language, mail preferences, address and password."""
    return render_template("accounts/account.html", **_account_forms())


@bp.post("")
@login_required
def update_profile():
    """Save name, language, mail preference and the consented profile facts."""
    form = ProfileForm()
    if form.validate():
        try:
            services.update_profile(
                current_user, form.name.data, form.locale.data, form.notify_updates.data,
                form.profile_consent.data, form.postcode.data, form.age_band.data or None,
            )
        except services.AccountError as error:
            db.session.rollback()
            put_error_on_form(form, error)
        else:
            db.session.commit()
            # Pages follow the switch; without a choice there, the account's language.
            refresh()
            flash(_("Your details are saved."), "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/account.html", **_account_forms(profile=form)), 422


@bp.post("/email")
@login_required
@limiter.limit(FORM_LIMIT)
def change_email():
    """Start moving the account to a new address; it changes once that address confirms."""
    form = ChangeEmailForm(prefix="email")
    if _validate_with_current_password(form):
        try:
            services.request_email_change(current_user, form.new_email.data,
                                          form.current_password.data)
        except services.AccountError as error:
            put_error_on_form(form, error)
        else:
            db.session.commit()
            return redirect(url_for("accounts.check_mail", about="email-change"))
    return render_template("accounts/account.html", **_account_forms(email=form)), 422


@bp.get("/email/confirm/<token>")
def confirm_email_change(token: str):
    """Move the account to the new address from the link mailed to it."""
    begin_write(db.session())
    try:
        user = services.confirm_email_change(token)
    except services.AccountError as error:
        db.session.rollback()
        return render_template("accounts/link_problem.html", message=error.message,
                               retry_endpoint="accounts.account"), 400
    db.session.commit()
    flash(_("Your account now uses %(email)s.", email=user.email), "success")
    if current_user.is_authenticated:
        return redirect(url_for("accounts.account"))
    return redirect(url_for("accounts.sign_in"))


@bp.post("/password")
@login_required
@limiter.limit(FORM_LIMIT)
def change_password():
    """Change the password; every other session of this account ends."""
    form = ChangePasswordForm(prefix="password")
    if _validate_with_current_password(form):
        user = current_user._get_current_object()
        try:
            services.change_password(user, form.current_password.data, form.new_password.data)
        except services.AccountError as error:
            db.session.rollback()
            put_error_on_form(form, error)
        else:
            db.session.commit()
            _stay_signed_in(user)
            flash(_("Your password is changed. You were signed out on your other devices."),
                  "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/account.html", **_account_forms(password=form)), 422


@bp.post("/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    """End every other session of this account, keeping this one."""
    user = current_user._get_current_object()
    services.end_all_sessions(user)
    db.session.commit()
    _stay_signed_in(user)
    flash(_("You were signed out on all your other devices."), "success")
    return redirect(url_for("accounts.account"))


def _fresh_session() -> None:
    """Forget everything the session held but its language, the CSRF secret included."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    # Flask-WTF keeps this request's token in g: it was signed with the old secret.
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)


def _start_session(user, remember: bool) -> None:
    """Sign in on a new session: nothing from before sign-in (a CSRF token) stays valid."""
    language = get_locale().language  # before the session (and a chosen language) is reset
    _fresh_session()
    login_user(user, remember=remember)
    if services.adopt_language_if_unset(user, language):
        db.session.commit()


def _stay_signed_in(user) -> None:
    """Renew this session with the user's new session version."""
    cookie = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    login_user(user, remember=cookie in request.cookies)
