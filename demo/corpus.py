"""Notice text that varies the way real notices do: places, organisations, people and their posts,
themes, problems and measures drawn from sizeable word lists and combined into many sentence shapes.

    rng = random.Random(1)
    org = organisation_name(rng)          # 綦江区卫生健康委党组, 中共城口县委常委会 …
    title, body = notice_text(rng, org, year=2023, held=datetime.date(2024, 1, 20))

No two notices read alike: a 100,000-notice corpus has tens of thousands of distinct names and
sentences, so search is measured on a realistic spread of words (a place or a person matches a few
notices, 整改 many), not on ten stock sentences repeated.
"""

from __future__ import annotations

import datetime
import random

PLACES = (
    "渝中区 大渡口区 江北区 沙坪坝区 九龙坡区 南岸区 北碚区 渝北区 巴南区 万州区 涪陵区 黔江区 长寿区 江津区 "
    "合川区 永川区 南川区 綦江区 大足区 璧山区 铜梁区 潼南区 荣昌区 开州区 梁平区 武隆区 城口县 丰都县 垫江县 "
    "忠县 云阳县 奉节县 巫山县 巫溪县 石柱县 秀山县 酉阳县 彭水县 两江新区 西部科学城 万盛经开区 高新区"
).split()
TOWNS = (
    "解放碑街道 朝天门街道 观音桥街道 磁器口街道 杨家坪街道 弹子石街道 天生街道 回兴街道 鱼洞街道 龙门街道 "
    "白马镇 青杠镇 石蟆镇 中山镇 仙女山街道 龙潭镇 濯水镇 铁山坪街道 金刀峡镇 偏岩镇 双凤镇 宝顶镇 来凤街道 "
    "安居镇 龙形镇 盘龙镇 云雾山镇 夔门街道 大昌镇 宁厂镇 桃花源街道 清溪场镇 郁山镇 三溪镇 巴渝镇"
).split()
ORGANS = (
    "发展改革委 教委 科技局 经济信息委 民宗委 公安局 民政局 司法局 财政局 人力社保局 规划自然资源局 生态环境局 "
    "住房城乡建委 城市管理局 交通局 水利局 农业农村委 商务委 文化旅游委 卫生健康委 退役军人事务局 应急管理局 "
    "审计局 国资委 市场监管局 统计局 医保局 林业局 体育局 大数据发展局 信访办 机关事务局 乡村振兴局 口岸物流办"
).split()
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红玉兰志斌海燕春雷波宁鹏飞林彬博文婷宇浩晨欣悦琳凯辉琦颖晓东瑞峰刚毅雪梅松柏川渝"  # noqa: E501
POSTS = [
    "书记", "副书记", "党组书记、局长", "党组副书记、副局长", "党组成员、副局长", "主任", "党组书记、主任",
    "党组成员、副主任", "纪检监察组组长", "区委常委、副区长", "县委副书记、县长", "二级巡视员", "机关党委书记",
]  # fmt: skip
THEMES = [
    "学习贯彻习近平新时代中国特色社会主义思想主题教育", "党纪学习教育", "深入贯彻中央八项规定精神学习教育",
    "巡视整改", "以案促改", "作风建设年", "成渝地区双城经济圈建设", "乡村振兴", "营商环境优化提升",
    "安全生产治本攻坚", "生态环境保护督察整改", "数字重庆建设", "基层减负", "强化政治担当",
]  # fmt: skip
PROBLEMS = [
    "理论学习不够系统深入，学用结合不紧", "调查研究不够深入，到基层一线次数偏少", "文山会海问题仍然存在",
    "抓工作落实跟踪问效不够", "联系服务群众不够经常", "执行民主集中制不够严格", "批评与自我批评辣味不足",
    "整改台账更新不及时", "干部队伍年龄结构不够合理", "重大项目推进滞后", "资金使用绩效不高",
    "政务服务“一网通办”覆盖不全", "安全隐患排查不够彻底", "信访积案化解进度偏慢", "基层党组织战斗堡垒作用发挥不够",
    "意识形态工作责任制落实有差距", "防范化解重大风险能力不足", "形式主义、官僚主义问题仍有发生",
    "惠民政策宣传解读不到位", "督查检查考核过多过频",
]  # fmt: skip
MEASURES = [
    "每月开展一次专题学习研讨", "建立领导干部基层联系点制度", "精简会议文件并公布清单", "建立重点工作督办台账",
    "落实领导干部接访下访制度", "重大事项集体研究决定", "每月更新整改台账并通报进展", "开展干部轮岗交流",
    "建立项目推进周调度机制", "开展资金使用专项审计", "推行政务服务事项清单管理", "开展安全生产大排查大整治",
    "领导包案化解信访积案", "选派第一书记驻村帮扶", "开展警示教育大会", "完善容错纠错机制",
    "建立群众满意度回访制度", "每季度开展一次作风专项督查",
]  # fmt: skip
ACTIVITIES = [
    "专题学习研讨", "谈心谈话", "征求意见座谈会", "实地调研", "警示教育", "集中学习", "民主评议",
    "现场推进会", "对标对表检视", "党性分析",
]  # fmt: skip

OPENINGS = [
    "{month}月{day}日，{org}召开{year}年度{kind}，{person}主持会议并作总结讲话。",
    "{month}月{day}日，{org}召开{theme}专题{kind}，{person}{post}出席并讲话。",
    "近日，{org}召开{year}年度{kind}。{person}主持会议，{person2}到会指导。",
    "{month}月{day}日至{day2}日，{org}围绕{theme}召开{kind}，班子成员全体参加。",
    "为深入推进{theme}，{org}于{month}月{day}日召开{kind}。",
]
SENTENCES = [
    "会前，{org}组织开展{activity}，广泛征求{place}基层党员干部和群众意见建议{n}条。",
    "会议通报了上一年度{kind}整改措施落实情况，{n}项整改任务已完成{m}项。",
    "{person}代表班子作对照检查，重点查摆了{problem}等问题。",
    "班子成员逐一发言，深入查摆{problem}、{problem2}等问题，开展批评和自我批评。",
    "{person}{post}在点评时指出，会议准备充分、主题鲜明，批评坦诚、氛围浓厚。",
    "会议强调，要针对{problem}，{measure}，确保整改落实到位。",
    "会议要求，{org}要{measure}，推动{theme}在{place}落地见效。",
    "{person}强调，要坚持问题导向，{measure}，以整改实效取信于民。",
    "会议指出，{place}{town}等地在{theme}中探索形成了可复制的经验做法。",
    "会前，{person}带队赴{place}{town}开展{activity}，召开座谈会{n}场。",
    "会议明确了{n}项整改措施，逐项明确责任人和完成时限，建立整改台账。",
    "市纪委监委驻{organ}纪检监察组、市委组织部有关同志到会指导。",
    "{person}{post}结合分管工作，就{problem}作了深刻剖析。",
    "会议认为，这次{kind}是一次深刻的思想洗礼、政治体检和党性锻炼。",
    "要大兴调查研究之风，切实为{place}基层减负，推动高质量发展。",
    "会议还研究了{theme}下一阶段的重点工作，{measure}。",
    "截至{month}月底，{org}已推动解决群众急难愁盼问题{n}个，办结率{pct}%。",
    "{person}要求，各级党组织要把{theme}与{activity}结合起来，做到两手抓、两促进。",
    "{place}{town}党员干部代表{n}人列席会议。",
    "会议通报了{place}{organ}{problem}的典型案例，以案明纪、以案促改。",
]
EN_SENTENCES = [
    "{person_en} chaired the meeting of the {org_en} on {theme_en}.",
    "The meeting reviewed {n} rectification measures, {m} of which have been completed.",
    "Members of the {org_en} made their comparison inspections and carried out criticism and self-criticism.",
    "Officials from {place_en} attended the meeting as observers.",
    "The meeting called for a rectification ledger with a responsible member and a deadline for every item.",
    "{person_en} asked every branch to report progress by the end of month {month}.",
]
KINDS = ["民主生活会", "专题民主生活会", "组织生活会", "党组（扩大）会议", "整改工作推进会"]
THEMES_EN = [
    "the theme education",
    "Party discipline",
    "rural revitalisation",
    "reducing the burden on grassroots units",
]


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def organisation_name(rng: random.Random) -> str:
    place = rng.choice(PLACES)
    shape = rng.random()
    if shape < 0.45:
        return f"{place}{rng.choice(ORGANS)}党组"
    if shape < 0.7:
        return f"{place}人民政府党组"
    if shape < 0.85:
        return f"中共{place.removesuffix('区').removesuffix('县')}{'区' if place.endswith('区') else '县'}委常委会"
    return f"重庆市{rng.choice(ORGANS)}党组"


def _slots(rng: random.Random, org: str, year: int, held: datetime.date) -> dict:
    problem, problem2 = rng.sample(PROBLEMS, 2)
    later = held + datetime.timedelta(days=rng.randint(1, 3))
    return {
        "org": org,
        "year": year,
        "kind": rng.choice(KINDS),
        "month": held.month,
        "day": held.day,
        "day2": later.day,
        "person": person(rng),
        "person2": person(rng),
        "post": rng.choice(POSTS),
        "theme": rng.choice(THEMES),
        "place": rng.choice(PLACES),
        "town": rng.choice(TOWNS),
        "organ": rng.choice(ORGANS),
        "problem": problem,
        "problem2": problem2,
        "measure": rng.choice(MEASURES),
        "activity": rng.choice(ACTIVITIES),
        "n": (n := rng.randint(3, 260)),
        "m": rng.randint(n // 2, n),
        "pct": rng.randint(80, 100),
    }


def notice_text(rng: random.Random, org: str, *, year: int, held: datetime.date) -> tuple[str, str]:
    """A notice's title and body (Markdown paragraphs, about 400 to 800 characters)."""
    slots = _slots(rng, org, year, held)
    if rng.random() < 0.1:
        en = {
            "org_en": "party group",
            "person_en": f"Comrade {rng.choice(SURNAMES)}",
            "theme_en": rng.choice(THEMES_EN),
            "place_en": "the districts",
            "n": slots["n"],
            "m": slots["m"],
            "month": held.month,
        }
        title = f"The {org} holds its {year} democratic life meeting"
        body = "\n\n".join(" ".join(s.format(**en) for s in rng.sample(EN_SENTENCES, 3)) for _ in range(2))
        return title, f"{rng.choice(OPENINGS).format(**slots)}\n\n{body}"
    title = rng.choice(
        [
            "{org}召开{year}年度{kind}",
            "{org}召开{theme}专题{kind}",
            "{person}主持召开{org}{kind}",
            "{org}：{measure}，推动{theme}走深走实",
        ]
    ).format(**slots)
    sentences = [rng.choice(OPENINGS)] + rng.sample(SENTENCES, rng.randint(9, 14))
    text = []
    for template in sentences:
        text.append(template.format(**slots))
        # Each sentence names its own people and places, as a real report does.
        slots.update({k: v for k, v in _slots(rng, org, year, held).items() if k not in ("org", "year", "kind")})
    cuts = sorted(rng.sample(range(2, len(text)), 2))
    paragraphs = ["".join(text[: cuts[0]]), "".join(text[cuts[0] : cuts[1]]), "".join(text[cuts[1] :])]
    return title, "\n\n".join(paragraphs)
