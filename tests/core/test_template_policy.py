"""No template carries what the Content-Security-Policy blocks: an inline <script>, an event-handler
attribute, a javascript: address, a <style> block or a style attribute. Behaviour comes from
static/js (asked for with data- attributes; data for scripts through json_script), looks from
static/css."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIP = {".venv", "staticfiles", "node_modules", ".git", "test-artifacts", "private-media"}

FORBIDDEN = {
    "inline script": re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "event handler": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: address": re.compile(r"javascript:", re.IGNORECASE),
    "style block": re.compile(r"<style\b", re.IGNORECASE),
    "style attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE),
}


def _templates():
    for path in sorted(ROOT.rglob("*.html")):
        parts = set(path.relative_to(ROOT).parts)
        if parts & SKIP or "templates" not in parts:
            continue
        yield path


def test_the_templates_are_found():
    names = {path.relative_to(ROOT).as_posix() for path in _templates()}
    assert "templates/base.html" in names and "materials/templates/materials/material_edit.html" in names


def test_no_template_has_what_the_policy_blocks():
    found = []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        for what, pattern in FORBIDDEN.items():
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert found == []
