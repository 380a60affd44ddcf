"""A first draft of a meeting's notice, written from the record in the seed's style
(demo/texts/notice-2023-01-31.txt): lead, preparation, the meeting, the
supervision group's remarks, the concluding speech and its numbered key points.

Only what is fit to publish goes in: counts of the preparation work, never the content
of materials, talks, solicited opinions or criticism.

The text follows the language of the record, whole, whatever the language of the page it is
drafted from: Chinese when the organisation's name or the meeting's title is written in Chinese,
English otherwise (never "Party Group of … 召开…"); the notice is saved with that language.
English sentences go through gettext (ngettext for counts), under English; Chinese
news writing is not a word-for-word translation (dates as 1月30日, the presider's posts
before the name, "会前…为开好民主生活会作了充分准备"), so it has its own phrasebook,
used for Chinese drafts; there, posts are joined with "、", Latin names are set off by a
space, and key points that carry their own ordinals (一要…, First, …) are not numbered again.
"""

from __future__ import annotations

import dataclasses
import datetime
import re

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from materials.models import InspectionMaterial
from meetings.models import AgendaItem, HeartToHeartTalk, Meeting, PreparationActivity, SolicitedOpinion, Speech


@dataclasses.dataclass
class Draft:
    title: str
    source_organ: str
    dateline: datetime.date
    body: str
    language: str = "zh-hans"  # a Notice.Language value
    publish_at: datetime.datetime | None = None  # not yet: lets the public article template show a draft
    is_live: bool = False  # the article template marks it as a draft, not published

    @property
    def lang_tag(self) -> str:
        """As Notice.lang_tag: the article's lang attribute."""
        return {"zh-hans": "zh-Hans"}.get(self.language, self.language)


@dataclasses.dataclass
class Facts:
    organisation: str
    short_name: str
    kind_en: str
    kind_zh: str
    year: int
    held_on: datetime.date | None
    presider: str
    presider_posts: str
    previous: str
    has_previous_report: bool
    has_opinions_report: bool
    studies: int
    opinions: int
    talks: int
    materials: int
    group_inspection: bool
    individual_inspection: bool
    supervision: list[tuple[str, str, str]]  # (speaker, their posts, summary)
    has_concluding: bool
    concluding_speaker: str
    concluding_summary: str
    key_points: list[str]


KIND_ZH = {
    Meeting.Kind.DEMOCRATIC_LIFE: "民主生活会",
    Meeting.Kind.ORGANISATIONAL_LIFE: "组织生活会",
    Meeting.Kind.SPECIAL_DEMOCRATIC_LIFE: "专题民主生活会",
    Meeting.Kind.OTHER: "会议",
}


def gather(meeting: Meeting) -> Facts:
    """Everything the draft may say, as counts and public statements (a few queries)."""
    agenda_kinds = set(meeting.agenda_items.values_list("kind", flat=True))
    materials = meeting.materials.exclude(status=InspectionMaterial.Status.DRAFT)
    speeches = list(
        meeting.speeches.filter(kind__in=[Speech.Kind.SUPERVISION, Speech.Kind.CONCLUDING])
        .select_related("speaker")
        .prefetch_related("key_points")
        .order_by("order", "id")
    )
    concluding = next((s for s in speeches if s.kind == Speech.Kind.CONCLUDING), None)
    presider = meeting.presider.name if meeting.presider_id else ""
    prev = meeting.previous_meeting
    # A guest's posts are those given on the attendance sheet (the supervision group's leader is no member).
    guest_posts = dict(
        meeting.attendances.filter(member__isnull=True).exclude(affiliation="").values_list("name", "affiliation")
    )
    supervision = [
        (
            s.display_speaker,
            (s.speaker.posts if s.speaker_id else guest_posts.get(s.speaker_name, "")).strip(),
            s.summary.strip(),
        )
        for s in speeches
        if s.kind == Speech.Kind.SUPERVISION
    ]
    return Facts(
        organisation=meeting.organisation.name,
        short_name=meeting.organisation.short_name,
        kind_en=str(meeting.get_kind_display()),
        kind_zh=KIND_ZH.get(meeting.kind, "会议"),
        year=meeting.year,
        held_on=meeting.held_on,
        presider=presider,
        presider_posts=meeting.presider_posts or (meeting.presider.posts if meeting.presider_id else ""),
        previous=prev.display_title if prev else "",
        has_previous_report=prev is not None or AgendaItem.Kind.PREVIOUS_RECTIFICATION in agenda_kinds,
        has_opinions_report=AgendaItem.Kind.SOLICITED_OPINIONS in agenda_kinds,
        studies=meeting.preparation_activities.filter(kind=PreparationActivity.Kind.STUDY).count(),
        opinions=SolicitedOpinion.objects.filter(meeting=meeting).count(),
        talks=HeartToHeartTalk.objects.filter(meeting=meeting).count(),
        materials=materials.count(),
        group_inspection=AgendaItem.Kind.GROUP_INSPECTION in agenda_kinds
        or materials.filter(on_behalf_of_group=True).exists(),
        individual_inspection=AgendaItem.Kind.INDIVIDUAL_INSPECTION in agenda_kinds
        or materials.filter(on_behalf_of_group=False).exists()
        or meeting.criticisms.exists(),
        supervision=supervision,
        has_concluding=concluding is not None,
        concluding_speaker=(concluding.display_speaker or presider) if concluding else "",
        concluding_summary=concluding.summary.strip() if concluding else "",
        key_points=[p.text.strip() for p in concluding.key_points.all()] if concluding else [],
    )


CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# A key point that already starts with its own ordinal ("First, …", "一要…", "第一，…") is not numbered again.
ORDINAL_START = re.compile(
    r"^\s*(?:(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|finally|lastly)\b"
    r"|[一二三四五六七八九十]+[要是则]|第[一二三四五六七八九十]+|首先|其次|再次|最后"
    r"|\d+[.、)．）]|[（(][一二三四五六七八九十\d]+[)）])",
    re.IGNORECASE,
)


def record_language(meeting: Meeting) -> str:
    """The language of the meeting's record: Chinese when its organisation's name or the
    meeting's title is written in Chinese, otherwise English. Not the language of the page:
    a draft in the reader's language around names in another would mix the two."""
    names = f"{meeting.organisation.name} {getattr(meeting, 'title', '') or ''}"
    return "zh" if CJK.search(names) else "en"


NOTICE_LANGUAGE = {"zh": "zh-hans", "en": "en"}


# What follows a speaker's name at the head of a summary: "在总结讲话中指出，", "强调：", "said that".
SAID = re.compile(
    r"^(?:在[^，,。]{0,12}?)?(?:指出|强调|表示|讲话指出|说)[，,:：]?\s*"
    r"|^(?:said|noted|pointed out|stressed)(?: that)?[,:]?\s*",
    re.IGNORECASE,
)


def without_leading_name(summary: str, name: str) -> str:
    """A summary that starts with the speaker's name ("胡衡华指出，…", "Hu Henghua said …") after a
    sentence that already names them: the name (and its verb of saying) is not repeated."""
    if not name or not summary.startswith(name):
        return summary
    rest = summary[len(name) :].lstrip()
    said = SAID.match(rest)
    rest = rest[said.end() :] if said else rest
    return rest[:1].upper() + rest[1:] if rest else summary


def numbered(points: list[str]) -> str:
    """Key points as a numbered list, unless they already carry their own ordinals."""
    if any(ORDINAL_START.match(p) for p in points):
        return "\n\n".join(points)
    return "\n".join(f"{i}. {text}" for i, text in enumerate(points, start=1))


def zh_spaced(text: str) -> str:
    """Chinese text with a space where Latin letters meet Chinese characters
    ("Ma Lei主持" -> "Ma Lei 主持"); digits stay attached (1月30日)."""
    text = re.sub(r"(?<=[A-Za-z])(?=[\u3400-\u9fff])", " ", text)
    return re.sub(r"(?<=[\u3400-\u9fff])(?=[A-Za-z])", " ", text)


def zh_posts(posts: str) -> str:
    """Several posts joined Chinese-style: "区委副书记, 区长" -> "区委副书记、区长"."""
    parts = [p.strip() for p in re.split(r"[,，、;；/]+", posts or "") if p.strip()]
    return "、".join(parts)


def zh_join(posts: str, name: str) -> str:
    """Posts then name, as Chinese news writes them ("区长马雷"); a space between two Latin words."""
    if posts and name and not CJK.match(posts[-1]) and not CJK.match(name[0]):
        return f"{posts} {name}"
    return f"{posts}{name}"


def draft_for_meeting(meeting: Meeting) -> Draft:
    language = record_language(meeting)
    # Everything the draft takes from the code (kind labels, a meeting's title made of its kind) in the
    # record's language too, whatever the page's.
    with translation.override(NOTICE_LANGUAGE[language]):
        facts = gather(meeting)
        title, paragraphs = (_chinese if language == "zh" else _english)(facts)
    return Draft(
        title=title,
        source_organ=meeting.organisation.source_organ or meeting.organisation.name,
        dateline=timezone.localdate(),
        body="\n\n".join(p for p in paragraphs if p),
        language=NOTICE_LANGUAGE[language],
    )


def _english(f: Facts):
    title = _("%(organisation)s holds the %(year)s %(kind)s") % {
        "organisation": f.organisation,
        "year": f.year,
        "kind": f.kind_en,
    }
    paragraphs = []
    when = _("on %(date)s, ") % {"date": f"{f.held_on:%B} {f.held_on.day}"} if f.held_on else ""
    lead = _("%(when)sthe %(organisation)s held the %(year)s %(kind)s.") % {
        "when": when,
        "organisation": f.organisation,
        "year": f.year,
        "kind": f.kind_en,
    }
    lead = lead[:1].upper() + lead[1:]
    if f.presider:
        who = f"{f.presider}, {f.presider_posts}," if f.presider_posts else f.presider
        if f.has_concluding:
            lead += " " + _("%(who)s presided over the meeting and delivered a speech.") % {"who": who}
        else:
            lead += " " + _("%(who)s presided over the meeting.") % {"who": who}
    paragraphs.append(lead)

    work = []
    if f.studies:
        work.append(
            ngettext(
                "organised %(n)s study session or seminar",
                "organised %(n)s study sessions and seminars",
                f.studies,
            )
            % {"n": f.studies}
        )
    if f.opinions:
        work.append(
            ngettext(
                "solicited %(n)s opinion or suggestion",
                "solicited %(n)s opinions and suggestions",
                f.opinions,
            )
            % {"n": f.opinions}
        )
    if f.talks:
        work.append(
            ngettext(
                "held %(n)s heart-to-heart talk",
                "held %(n)s heart-to-heart talks",
                f.talks,
            )
            % {"n": f.talks}
        )
    if f.materials:
        work.append(
            ngettext(
                "wrote %(n)s comparison-inspection material closely related to the theme of the meeting",
                "wrote %(n)s comparison-inspection materials closely related to the theme of the meeting",
                f.materials,
            )
            % {"n": f.materials}
        )
    if work:
        joined = ", ".join(work[:-1]) + (_(" and ") if len(work) > 1 else "") + work[-1]
        paragraphs.append(
            _("In preparation, the %(organisation)s %(work)s, making full preparations for the meeting.")
            % {"organisation": f.organisation, "work": joined}
        )

    meeting = []
    reports = []
    if f.has_previous_report:
        if f.previous:
            reports.append(
                _("the implementation of the rectification measures of the %(previous)s") % {"previous": f.previous}
            )
        else:
            reports.append(_("the implementation of the rectification measures of the previous meeting"))
    if f.has_opinions_report:
        reports.append(_("the opinions solicited for this meeting"))
    if reports:
        meeting.append(_("The meeting was briefed on %(reports)s.") % {"reports": _(" and ").join(reports)})
    if f.group_inspection:
        meeting.append(
            _(
                "On behalf of the %(organisation)s, %(presider)s made the comparison inspection, finding the "
                "problems, analysing the causes and proposing rectification measures."
            )
            % {"organisation": f.organisation, "presider": f.presider or _("the presider")}
        )
    if f.individual_inspection:
        meeting.append(
            _(
                "The members then made their comparison inspections one by one, carrying out criticism and "
                "self-criticism and helping each other."
            )
        )
    paragraphs.append(" ".join(meeting))

    for speaker, posts, summary in f.supervision:
        who = f"{speaker}, {posts}," if speaker and posts else speaker
        text = _("%(speaker)s attended the meeting and made remarks.") % {"speaker": who or _("The supervision group")}
        paragraphs.append(f"{text} {without_leading_name(summary, speaker)}".strip())

    if f.has_concluding:
        speaker = f.concluding_speaker or _("the presider")
        if f.concluding_summary:
            paragraphs.append(
                _("In the concluding speech, %(speaker)s pointed out: %(summary)s")
                % {"speaker": speaker, "summary": without_leading_name(f.concluding_summary, speaker)}
            )
        if f.key_points:
            paragraphs.append(_("%(speaker)s emphasised:") % {"speaker": speaker[:1].upper() + speaker[1:]})
            paragraphs.append(numbered(f.key_points))
    return title, paragraphs


def _chinese(f: Facts):
    # Chinese news names the organisation as it is known ("市政府党组"), its short name when it has a Chinese one.
    organisation = f.short_name if CJK.search(f.short_name or "") else f.organisation
    title = f"{organisation}召开{f.year}年度{f.kind_zh}"
    paragraphs = []
    when = f"{f.held_on.month}月{f.held_on.day}日，" if f.held_on else ""
    lead = f"{when}{organisation}召开{f.year}年度{f.kind_zh}。"
    if f.presider:
        verb = "主持会议并讲话" if f.has_concluding else "主持会议"
        lead += f"{zh_join(zh_posts(f.presider_posts), f.presider)}{verb}。"
    paragraphs.append(lead)

    work = []
    if f.studies:
        work.append(f"认真组织学习研讨{f.studies}次")
    if f.opinions:
        work.append(f"广泛征求意见建议{f.opinions}条")
    if f.talks:
        work.append(f"深入开展谈心谈话{f.talks}次")
    if f.materials:
        work.append(f"紧扣会议主题撰写对照检查材料{f.materials}份")
    if work:
        paragraphs.append(f"会前，{organisation}{'，'.join(work)}，为开好{f.kind_zh}作了充分准备。")

    meeting = []
    reports = []
    if f.has_previous_report:
        reports.append(f"{f.previous}整改措施落实情况" if f.previous else "上一次民主生活会整改措施落实情况")
    if f.has_opinions_report:
        reports.append(f"本次{f.kind_zh}征求意见情况")
    if reports:
        meeting.append(f"会议通报了{'和'.join(reports)}。")
    if f.group_inspection:
        meeting.append(f"{f.presider or '会议主持人'}代表{organisation}作对照检查，查摆问题、剖析原因、提出整改措施。")
    if f.individual_inspection:
        meeting.append("班子成员逐一进行对照检查，开展批评和自我批评，相互帮助、共同提高。")
    paragraphs.append("".join(meeting))

    for speaker, posts, summary in f.supervision:
        who = zh_join(zh_posts(posts), speaker) if speaker else "督导组"
        paragraphs.append(f"{who}到会指导并作点评。{without_leading_name(summary, speaker)}".strip())

    if f.has_concluding:
        speaker = f.concluding_speaker or "会议主持人"
        if f.concluding_summary:
            paragraphs.append(f"{speaker}在总结讲话中指出，{without_leading_name(f.concluding_summary, speaker)}")
        if f.key_points:
            paragraphs.append(f"{speaker}强调：")
            paragraphs.append(numbered(f.key_points))
    return zh_spaced(title), [zh_spaced(p) for p in paragraphs]
