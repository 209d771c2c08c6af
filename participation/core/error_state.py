"""The error state of a page: a form on it was sent back with errors.

The error summary macro (templates/_macros/forms.html) marks the page while it renders;
base.html renders the main content first, so that the title can then say "Error:" and the
first summary on the page takes the focus (``autofocus``, no script needed).
"""

from __future__ import annotations

from flask import Flask, g, has_request_context, request

_KEY = "participation.form_error_state"


def _state() -> dict:
    """Per request (the app context may outlive a request, as in tests); else per context."""
    return request.environ if has_request_context() else g.__dict__


def mark_error_state() -> bool:
    """Mark this page as showing form errors; True for the first summary on the page."""
    state = _state()
    first = not state.get(_KEY, False)
    state[_KEY] = True
    return first


def is_error_state() -> bool:
    """Whether an error summary was rendered on this page."""
    return bool(_state().get(_KEY, False))


def register(app: Flask) -> None:
    """Make the two helpers available to templates."""
    app.jinja_env.globals["mark_error_state"] = mark_error_state
    app.jinja_env.globals["is_error_state"] = is_error_state
