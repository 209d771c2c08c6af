"""Pick the Dutch or English variant of content that the city writes in both languages."""

from __future__ import annotations

from flask_babel import get_locale

from participation.core.i18n import DEFAULT_LANGUAGE


def current_language() -> str:
    """Return the language of the current request or mail: 'nl' or 'en'."""
    try:
        locale = get_locale()
    except Exception:  # outside a request and without a forced locale
        return DEFAULT_LANGUAGE
    return "en" if locale is not None and locale.language == "en" else DEFAULT_LANGUAGE


class Bilingual:
    """Mixin: ``obj.t("title")`` returns ``title_en`` or ``title_nl`` for the current locale."""

    def t(self, field: str) -> str:
        """Return the field in the current language, falling back to Dutch."""
        if current_language() == "en":
            value = getattr(self, f"{field}_en", None)
            if value:
                return value
        return getattr(self, f"{field}_nl") or ""
