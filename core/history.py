"""History entries that read in the reader's language.

A history entry (django-simple-history's change reason) used to be written as a sentence translated
at write time, so a secretary on the Chinese site left Chinese entries that stayed Chinese on the
English site. Now what happened is stored — the untranslated message and its parameters — and
translated when the page is read:

    from django.utils.translation import gettext_noop
    meeting._change_reason = history.reason(gettext_noop("Agenda item added: %(title)s"), {"title": item.title})

    {{ record.history_change_reason|history_reason }}   (core.templatetags.history_tags)

The message is marked with gettext_noop so that makemessages finds it. A parameter that is itself a
translatable label (a field's verbose_name, a status) is given as the lazy string: its message is
stored and translated on reading too; a list of them is joined as the reader's language joins a list.

Entries written before (plain text in the writer's language) are shown as they are, or, when they
are one of the known fixed phrases (`legacy`), in the reader's language.
"""

from __future__ import annotations

import json
from functools import lru_cache

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext

PREFIX = "i18n:"
_LEGACY: set[str] = set()
_ALIASES: dict[str, str] = {}  # text once stored (not a message) → the message that says it now


def _stored(value):
    if isinstance(value, Promise):  # a lazy translation: keep its message, translate it on reading
        args = getattr(value, "_args", ())
        if len(args) == 1 and isinstance(args[0], str):
            return {"t": args[0]}
        return str(value)
    if isinstance(value, list | tuple):
        return [_stored(v) for v in value]
    if isinstance(value, int | float | str) or value is None:
        return value
    return str(value)


def reason(message: str, params: dict | None = None) -> str:
    """The change reason to store: `message` untranslated (mark it with gettext_noop) and its parameters."""
    stored = {k: _stored(v) for k, v in (params or {}).items()}
    return PREFIX + json.dumps({"m": message, "p": stored}, ensure_ascii=False)


def legacy(*messages: str, aliases: dict[str, str] | None = None) -> None:
    """Fixed phrases that entries written before this module may hold (in any language): shown translated.
    `aliases` maps text once stored untranslated (not a message) to the message that now says it."""
    _LEGACY.update(messages)
    _ALIASES.update(aliases or {})
    _legacy_index.cache_clear()


def _separator() -> str:
    return "、" if (translation.get_language() or "").startswith("zh") else ", "


def _shown(value):
    if isinstance(value, dict) and "t" in value:
        return gettext(value["t"])
    if isinstance(value, list):
        return _separator().join(str(_shown(v)) for v in value)
    return value


@lru_cache(maxsize=1)
def _legacy_index() -> dict[str, str]:
    """Each legacy phrase as every language of the site writes it → its message."""
    index = dict(_ALIASES)
    for message in _LEGACY:
        index[message] = message
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                index.setdefault(gettext(message), message)
    return index


def render_reason(stored: str | None) -> str:
    """A stored change reason in the active language ("" for none)."""
    if not stored:
        return ""
    if not stored.startswith(PREFIX):
        message = _legacy_index().get(stored.strip())
        return gettext(message) if message else stored
    try:
        data = json.loads(stored[len(PREFIX) :])
        message, params = data["m"], data.get("p") or {}
    except (ValueError, KeyError, TypeError):
        return stored
    text = gettext(message)
    if not params:
        return text
    shown = {k: _shown(v) for k, v in params.items()}
    try:
        return text % shown
    except (KeyError, ValueError, TypeError):  # a translation that lost a placeholder: the message itself
        try:
            return message % shown
        except (KeyError, ValueError, TypeError):
            return message
