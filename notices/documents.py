"""A notice as an official Word document (core.official_docx): its title in 小标宋, the source and
dateline under it, the body (Markdown: bold, italic, lists and tables kept) in 仿宋; the document's
language is the notice's own."""

from core.official_docx import OfficialDocument
from core.text import one_line


def write_notice(notice, stream) -> None:
    author = notice.source_organ or str(notice.organisation)
    dateline = notice.dateline or (notice.publish_at.date() if notice.publish_at else None)
    doc = OfficialDocument(
        title=notice.title,
        author=author,
        subject=str(notice.meeting) if notice.meeting_id else "",
        language=getattr(notice, "language", None),
        created=notice.publish_at or notice.created_at,
    )
    subtitle = " · ".join(filter(None, [notice.source_organ, dateline.isoformat() if dateline else ""]))
    doc.add_title(one_line(notice.title), subtitle=subtitle)
    doc.add_markdown(notice.body, base_level=1)
    doc.save(stream)
