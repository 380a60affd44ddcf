"""`{% pdf_link url %}`: the link to a document's PDF, or what to install when this server cannot make PDFs."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from core import pdf

register = template.Library()


@register.simple_tag
def pdf_link(url, label="", css="btn btn-sm btn-outline-secondary"):
    label = label or _("PDF")
    reason = pdf.unavailable_reason()
    if not reason:
        return format_html(
            '<a class="{} pdf-link" href="{}"><i class="fa-solid fa-file-pdf" aria-hidden="true"></i> {}</a>',
            css,
            url,
            label,
        )
    # The link still leads to the page that says what to install; its title and note say it here already.
    return format_html(
        '<a class="{} pdf-link pdf-link-unavailable" href="{}" title="{}">'
        '<i class="fa-solid fa-file-pdf" aria-hidden="true"></i> {}</a> '
        '<span class="small text-muted pdf-hint">{}</span>',
        css,
        url,
        pdf.install_hint(),
        label,
        _("(needs: %(command)s)") % {"command": pdf.INSTALL_COMMAND},
    )


_DIGITS = "零一二三四五六七八九"


def _chinese(n: int) -> str:
    """1..99 in Chinese numerals: 一, 十, 十一, 二十三."""
    tens, units = divmod(n, 10)
    if not 0 < n < 100:
        return str(n)
    return (("" if tens == 1 else _DIGITS[tens]) + "十" if tens else "") + (_DIGITS[units] if units else "")


def _zh() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "").startswith("zh")


@register.filter
def level1(n) -> str:
    """GB/T 9704's first level: "一、" in Chinese, "1. " otherwise."""
    return f"{_chinese(int(n))}、" if _zh() else f"{int(n)}. "


@register.filter
def level2(n) -> str:
    """The second level: "（一）" in Chinese, "(1) " otherwise."""
    return f"（{_chinese(int(n))}）" if _zh() else f"({int(n)}) "
