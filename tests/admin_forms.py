"""Reading an admin page's form as a browser would post it, and writing values into it."""

import datetime
from html.parser import HTMLParser

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models


class FormFields(HTMLParser):
    """The values a browser would post from an admin change page's form (inputs, selects, textareas)."""

    def __init__(self):
        super().__init__()
        self.data, self._select, self._textarea = {}, None, None

    def _add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") == "file":
            self.data.setdefault(name, [])  # named, with nothing chosen
        elif tag == "input" and name and attrs.get("type") not in ("submit", "button"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self._add(name, attrs.get("value", "on" if attrs.get("type") == "checkbox" else ""))
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self._add(self._select, attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self._add(name, "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][-1] += data.removeprefix("\n") if not self.data[self._textarea][-1] else data


def form_data(content: bytes | str) -> dict:
    parser = FormFields()
    parser.feed(content.decode() if isinstance(content, bytes) else content)
    return parser.data


def change_form(client, url) -> dict:
    response = client.get(url)
    assert response.status_code == 200
    return form_data(response.content)


def encode(value):
    """A value as a form posts it: a row as its id, a list as a list, a date as ISO; None for an
    unticked box (the key is then left out)."""
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, list | tuple):
        return [encode(v) for v in value]
    if isinstance(value, bool):
        return "on" if value else None
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, SimpleUploadedFile):
        return value
    return str(value)


def with_values(data: dict, values: dict, prefix: str = "") -> dict:
    """`data` with `values` written over it (under `prefix`, e.g. "attendances-1-")."""
    result = dict(data)
    for key, value in values.items():
        encoded = encode(value)
        if encoded is None:
            result.pop(prefix + key, None)
        else:
            result[prefix + key] = encoded
    return result
