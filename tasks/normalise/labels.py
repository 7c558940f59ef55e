"""The labels Chinese pages put before their metadata (`来源：`, `发布时间：`, `执笔：` …) and dates.

Shared by the line classifier, which needs to know a metadata line when it
sees one, and the metadata step, which reads the values. Text reaching them is
Simplified, with full-width or half-width colons, unless the script step was
skipped: the labels match in Traditional script too (`來源：`, `發佈時間：`, `責任編輯：`),
so the metadata survives `--skip-step script`; the word lists around them (placeholders
such as 不详, reporter bylines, surnames) are Simplified only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from tasks.normalise.script import to_simplified, traditional_forms


def alternation(patterns: list[str], flags: int = 0) -> re.Pattern[str]:
    """One regex for many patterns that each start with a literal character, prefiltered.

    Python's `re` tries every alternative at every position; a lookahead on the set
    of first characters skips most positions at once (5x faster on long paragraphs).
    """
    first = {p[0] for p in patterns}
    if flags & re.IGNORECASE:
        first |= {c.swapcase() for c in first}
    chars = "".join(re.escape(c) for c in sorted(first))
    return re.compile(f"(?=[{chars}])(?:{'|'.join(patterns)})", flags)


class Label(StrEnum):
    """What a labelled value on a page is."""

    SOURCE = "source"
    PUBLISHED = "published"
    AUTHOR = "author"
    EDITOR = "editor"
    COUNTER = "counter"  # view counts and other page widgets


_LABEL_WORDS: dict[Label, tuple[str, ...]] = {
    # A label never follows a Han character (`图片来源：` names a photo's source, not the
    # article's), so the words that put one in front of 来源 or 时间 are listed whole.
    Label.SOURCE: (
        "稿件来源", "文章来源", "信息来源", "新闻来源", "本文来源", "来源", "稿源",
        "发布机构", "发布单位", "发布者", "发布人",
        "本文转载自", "本文转自", "转载自", "转自", "出处", "摘自",
    ),
    Label.PUBLISHED: (
        "发布时间", "发布日期", "发表时间", "发表日期", "发稿时间", "成文日期", "生成日期",
        "更新时间", "更新日期", "时间", "日期", "发布于", "发表于", "更新于",
    ),
    Label.AUTHOR: ("执笔", "作者", "撰稿", "撰文", "记者", "通讯员", "文字", "文"),
    Label.EDITOR: (
        "责任编辑", "责编", "编辑", "主编", "审核", "审校", "校对", "初审", "复审", "终审",
        "送签", "签发", "核稿", "监制", "统筹",
    ),
    Label.COUNTER: ("浏览次数", "阅读次数", "点击数", "点击量", "浏览量", "阅读量", "访问量"),
}  # fmt: skip
_KIND = {word: label for label, words in _LABEL_WORDS.items() for word in words}


@cache
def _label_pattern() -> tuple[re.Pattern[str], dict[int, str]]:
    """The label regex, and the table that folds a label as written back to its key in _KIND.

    Each character of a label word matches itself or a Traditional form of it (发 as
    [发發髮], 签 as [签簽籤]), so `來源：`, `發布時間：`, `發佈時間：` and `送簽：` are read
    whichever variants a site's converter chose, and the line is never converted. None
    of these forms is in GB2312, so Simplified text passes the first-character prefilter
    exactly as often as before. Built on first use: the forms come from OpenCC.

    Longest first so 责任编辑 wins over 编辑. A label is a word then a colon, not inside a
    longer word (`原文：` is no `文：`) but possibly glued to a date (`2022-07-20来源：`);
    `文/张三` counts too, and so does `发布于 2023-10-12` (a `…于` label needs no colon
    before a date; `发表于河南` names a place), and so does `——摘自《郑州日报》…` opening a line, the way a reprint
    names its source (`，摘自《…》` inside a sentence does not).
    """
    forms = {ch: traditional_forms().get(ch, "") for word in _KIND for ch in word}
    fold = {ord(trad): simp for simp, trads in forms.items() for trad in trads}

    words = "|".join(either_script(w) for w in sorted(_KIND, key=len, reverse=True))
    first = "".join(sorted({w[0] + forms[w[0]] for w in _KIND}))
    pattern = re.compile(
        rf"(?=[{first}])(?:(?<![\u3400-\u9fff])|(?<=日))(?P<word>{words})\s*"
        rf"(?:[:：]|(?<=文)/|(?<=摘自)(?<![^\s—－-]摘自)(?=《)|(?<=[于於])(?=\s*\d))\s*"
    )
    return pattern, fold


def either_script(word: str) -> str:
    """A pattern for a Simplified word written in either script: 发布 as [发發髮][布佈]."""
    forms = traditional_forms()
    return "".join(f"[{ch}{forms[ch]}]" if forms.get(ch) else ch for ch in word)


# Placeholders that name no one.
NOBODY = frozenset({"佚名", "未知", "不详", "匿名", "本站", "网络", "admin", "管理员", "小编"})

# A person's name: two to five Han characters; a minority name in parts joined by a middle
# dot, which may be long (`阿依古丽·买买提`, `迪丽热巴·迪力木拉提`); or a two-character name a CMS
# padded to three characters' width with a space (`王 强`), which PADDED_NAME closes up.
NAME_DOTS = "·•‧・"
_NAME = (
    rf"(?:[\u3400-\u9fff]{{1,10}}(?:[{NAME_DOTS}][\u3400-\u9fff]{{1,10}}){{1,3}}"
    r"|[\u3400-\u9fff]{2,5}"
    r"|[\u3400-\u9fff][ \u3000\xa0][\u3400-\u9fff](?![\u3400-\u9fff]))"
)
# One Han character, a space and one Han character, alone: `王 强` is 王强; `李 娜　刘 洋` two.
PADDED_NAME = re.compile(
    rf"(?<![\u3400-\u9fff{NAME_DOTS}])([\u3400-\u9fff])[ \u3000\xa0]([\u3400-\u9fff])"
    rf"(?![\u3400-\u9fff{NAME_DOTS}])"
)
_NAME_LIST = rf"{_NAME}(?:[\s、，,]+{_NAME}){{0,5}}"
# A line that only names a unit, as under a headline: `河南省直机关工委`.
UNIT = re.compile(
    r"^[\u3400-\u9fff（）()]{2,10}"
    r"(?:委员会|工委|党委|委|办公室|办|局|厅|部|中心|网|报社|报|杂志社|电视台|研究院|院|处|室|站)$"
)
# A news source's name, as it stands unlabelled after a date line's date: `新华网`, `中央社`,
# `新京报`, `澎湃新闻`, `河南日报客户端`. A writer's or account's description is none.
SOURCE_NAME = re.compile(
    r"^[\u3400-\u9fffA-Za-z]{1,12}(?:网|报|社|台|刊|杂志|频道|新闻|客户端|在线|政府|办公室)$"
)
# The body that signs a notice under its last line (落款), above the date: `县自来水公司`.
ISSUER = re.compile(
    r"^[\u3400-\u9fff（）()]{2,24}"
    r"(?:委员会|工委|党委|委|办公室|办|局|厅|部|中心|研究院|院|处|站|政府|公司|集团|协会|学会|"
    r"联合会|医院|学校|大学|学院|银行|社区|街道|指挥部|领导小组|所|队|馆)$"
)
# A reporter's byline, alone or opening the lede: `本报讯（记者 王小明）`, `记者 张三 李四`,
# and Taiwan's papers' `〔记者林良升／台北报导〕`, `【记者王小明／综合报导】`.
REPORTER = re.compile(
    r"^(?:\S{0,12}?(?:讯|电))?\s*(?:[〔【\[](?=[^〕】\]]{1,40}报导[〕】\]])|[（(])?\s*"
    r"(?:本报|本网|特约)?(?:记者|通讯员)\s*"
    rf"(?P<names>{_NAME_LIST})\s*(?:[／/][^〕】\]／/]{{1,10}}报导)?\s*(?:[）)〕】\]]|$)"
)
# A wire service's dateline, the reporter's name glued to the place (`（中央社记者游凯翔台北
# 12日电）`): the names and the place run together, `wire_reporters` parts them.
WIRE_BYLINE = re.compile(
    r"^[（(]?\s*[\u3400-\u9fff]{1,6}社记者(?P<names>[\u3400-\u9fff、]{4,30}?)\d{1,2}日电"
)
# Writers' names in brackets, alone on a line or closing the last paragraph: `（翟道武）`.
BRACKETED_NAMES = re.compile(rf"[（(]\s*(?P<names>{_NAME_LIST})\s*[）)]$")
NAME = re.compile(rf"^{_NAME}$|^[A-Za-z][A-Za-z .'-]{{1,40}}$")
# Words a byline puts between names: `记者 王小明 通讯员 赵六`.
ROLE_WORDS = frozenset({"记者", "通讯员", "本报", "本网", "特约", "实习生", "摄影", "摄"})
# A writer's role inside a list of names, glued to them or not: `作者：本报记者 张晓婷、王 军和
# 特约记者 阿依努尔·买买提 实习生 刘思雨`. It parts the names as a separator does.
ROLE = re.compile(
    r"(?:本报|本网|本台|特约|见习|实习|首席|全媒体|融媒体)?(?:记者|通讯员)|实习生|摄影|摄像"
)
# The words that join the last two names of a list (`张晓婷和王军`); 和 is a name's
# character too (王和平, 和晓梅), so `_names` parts a list there only where both sides read as names.
CONJUNCTIONS = "和及与"
# Common Chinese surnames (the usual few hundred cover nearly everyone), for names that
# stand in brackets with no label: `（翟道武）` is a byline, `（职工）` is not.
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞"
    "左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕"
    "屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧"
    "闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥"
    "南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支"
    "卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印"
    "逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由傅洪萧阎鄂"
) | {"欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "夏侯", "长孙"}


# How the names of publications and organisations end: `（郑州晚报）`, `（周口网）` and
# `（许昌市委）` credit a paper or a unit, not a writer, though 郑, 周 and 许 are surnames.
# Characters common in given names (志, 院, 会) are left out.
ORGANISATION = re.compile(r"(?:报|网|社|台|刊|杂志|中心|频道|政府|集团|公司|局|厅|委|办)$")
# Editors' words that open with a surname's character but name nobody: `……胜利。（全文完）`.
NOT_NAMES = frozenset({"全文完", "全文", "原文", "原创", "原载", "时评", "简讯", "连载", "来源"})


def looks_like_name(text: str) -> bool:
    """Whether a 2–4 character Han string reads as a person's name (a known surname first)."""
    return (
        2 <= len(text) <= 4
        and (text[0] in SURNAMES or text[:2] in SURNAMES)
        and not ORGANISATION.search(text)
        and text not in NOT_NAMES
    )


def wire_reporters(glued: str) -> list[str]:
    """The reporters in a wire dateline's run of names and place: `游凯翔台北` gives 游凯翔.

    Names are listed with `、`; the place follows the last one with nothing between. A name
    is taken as three characters (four after a two-character surname), two when that would
    leave the place less than two: `张谦台北` is 张谦. A two-character name before a
    three-character place (`张谦华盛顿`) is misread as 张谦华; no word list tells them apart.
    """
    *names, last = glued.split("、")
    size = 4 if last[:2] in SURNAMES else 3
    if len(last) - size < 2:
        size -= 1
    return [name for name in [*names, last[:size]] if looks_like_name(name)]


# A paper's edition line under a reprint: `《人民日报》（2023年10月12日 01 版）`, `《 光明日报 》
# （ 2023年10月12日 第05版）`: the paper and the day it printed the article.
EDITION = re.compile(
    r"^《\s*(?P<paper>[^《》]{2,12}?)\s*》\s*[（(](?P<when>[^（）()]{6,30}?)\s*第?\s*"
    r"[A-Z]?\d{1,3}\s*版\s*[）)]$"
)


# A day of the week between a date and its time: `2023年10月12日 星期四 10:30`, `（周四）`.
_WEEKDAY = r"(?:\s*[（(]?(?:星期|礼拜|禮拜|周|週)[一二三四五六日天][）)]?)?"
# The half of the day a 12-hour clock names, before the time (`下午4:15`) or after it
# (`3:45 PM`): `iso_date` moves an afternoon's hours on by twelve.
# 上午, 早上 and 凌晨 (and AM) leave the hour as it is, but for 12 AM, midnight. 中午 is 11
# or 12 as written, after that an afternoon hour (`中午1:30` is 13:30). The evening's 12
# o'clock (`晚上12:00`) is midnight at the day's end, which a page may date either side: the
# time is left out rather than guessed.
_EVENING = ("晚上", "傍晚")
_AFTERNOON = ("下午", *_EVENING)
_NOON = "中午"
_HALF_DAY_BEFORE = "|".join(("上午", "早上", "凌晨", _NOON, *_AFTERNOON))
# A time of day; ISO 8601's `T` may join it to the date (`2023-10-12T10:30:00+08:00`), its
# fraction of a second and zone are read past and left out: the time stays as written.
_TIME = (
    rf"(?:(?:T|\s*(?P<before>{_HALF_DAY_BEFORE})?)\s*"
    r"(?P<H>\d{1,2})\s*[:：时]\s*(?P<M>\d{2})(?:\s*[:：分]\s*(?P<S>\d{2}))?"
    r"(?:\.\d{1,6})?(?:Z|[+-]\d{2}:?\d{2})?"
    r"(?:\s*(?P<after>[AaPp]\.?[Mm]\.?)(?![A-Za-z\d]))?)?"  # not PM2.5 after a time
)
# Arabic digits, half- or full-width (`２０２２年７月２０日`: `\d` takes both, int() reads both).
DATE = re.compile(
    r"(?P<y>(?:19|20|１９|２０)\d{2})\s*[-/.年－／．]\s*(?P<m>\d{1,2})\s*[-/.月－／．]\s*"
    rf"(?P<d>\d{{1,2}})\s*日?{_WEEKDAY}{_TIME}"
)
# Day and month before the year, as Malaysia, Singapore and Europe write them (`13/10/2023`),
# or month first as the US does: read only when one of the two is over 12 and so must be
# the day; `12/10/2023` is either, and is not guessed.
DAY_FIRST = re.compile(
    r"(?<![\d/.-])(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<y>(?:19|20)\d{2})(?!\d)"
    rf"{_TIME}"
)
# What must stand before a day-first date's year; most texts hold none. A pattern that opens
# with a set of characters is scanned for fast.
_DAY_FIRST_YEAR = re.compile(r"[/.-](?:19|20)\d\d")
# English month names: `Oct 12, 2023 15:42`, `October 12, 2023`, `12 October 2023`.
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
ENGLISH_DATE = re.compile(
    rf"(?<![A-Za-z\d])(?:(?P<mon>{_MONTH})\s*(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mon2>{_MONTH}),?)\s+(?P<y>(?:19|20)\d{{2}})(?!\d)"
    rf",?{_TIME}",
    re.IGNORECASE,
)
# Whether a text may name a month in English at all (three letters, the first a month's):
# most do not, and ENGLISH_DATE, which may open with a digit, is not run over them. A
# pattern that opens with a set of characters is scanned for fast, unlike an ignored case.
_MONTH_WORD = re.compile(r"[JFMASONDjfmasond][A-Za-z]{2}")
# Taiwan's official year count, 民國 (ROC) 1 = 1912: `中華民國112年10月12日` is 2023-10-12.
ROC_YEARS = 1911
ROC_DATE = re.compile(
    r"(?:中华|中華)?(?:民国|民國)\s*(?P<y>\d{2,3})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
    rf"{_WEEKDAY}{_TIME}"
)
# The same count in digits alone, `112-10-12`: read only where a date label stands before it
# (`發布日期：112-10-12`); elsewhere three numbers may be anything.
ROC_NUMERIC = re.compile(
    r"(?<![\d./-])(?P<y>1[0-4]\d)\s*[-/.]\s*(?P<m>\d{1,2})\s*[-/.]\s*(?P<d>\d{1,2})(?![\d./-])"
    rf"{_WEEKDAY}{_TIME}"
)
# Chinese numerals, as official documents date themselves: `二〇二二年七月二十日`.
_CN_DIGITS = "〇一二三四五六七八九"
_CN_ZERO = "〇○零Ｏ"
CN_DATE = re.compile(
    rf"(?P<y>[一二][{_CN_ZERO}九][{_CN_ZERO}{_CN_DIGITS}]{{2}})\s*年\s*"
    rf"(?P<m>十[一二]?|[{_CN_DIGITS[1:]}])\s*月\s*"
    rf"(?P<d>三十一?|[二]?十[{_CN_DIGITS[1:]}]?|[{_CN_DIGITS[1:]}])\s*日"
)


def _number(written: str) -> int:
    """An Arabic (any width) or Chinese-numeral number: `2022`, `２０`, `二〇二二`, `二十一`."""
    if written.isdigit():
        return int(written)
    digits = {ch: i for i, ch in enumerate(_CN_DIGITS)} | dict.fromkeys(_CN_ZERO, 0)
    if "十" in written:  # a month or day: 十, 十二, 二十, 三十一
        tens, _, ones = written.partition("十")
        return (digits[tens] if tens else 1) * 10 + (digits[ones] if ones else 0)
    return int("".join(str(digits[ch]) for ch in written))


@dataclass(frozen=True, slots=True)
class Labelled:
    """One labelled value found in a line."""

    label: Label
    word: str  # the label as written, e.g. 终审 or 終審
    value: str  # the text after it, up to the next label
    start: int  # where the label starts in the line


def labelled(line: str) -> list[Labelled]:
    """Every labelled value in a line, in order; values run up to the next label."""
    pattern, fold = _label_pattern()
    matches = list(pattern.finditer(line))
    out = []
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(line)
        value = line[match.end() : end]
        word = match.group("word")
        out.append(Labelled(_KIND[word.translate(fold)], word, value, match.start()))
    return out


# Credit words a byline writes with a space for the colon, after the source's name on one
# line: `来源：天山网 记者 王强`, `来源：河南日报 | 作者 张三`, `来源：河南日报客户端 编辑 张三`.
_SPACED_CREDITS = ("责任编辑", "通讯员", "记者", "编辑", "作者")


@cache
def _spaced_pattern() -> re.Pattern[str]:
    """A spaced credit word after a space or separator, before a value, in either script."""
    words = "|".join(either_script(w) for w in _SPACED_CREDITS)
    return re.compile(rf"(?<=[\s|｜/，,；;])(?P<word>{words})\s+(?=[^\s:：])")


def labelled_credits(line: str) -> list[Labelled]:
    """Every labelled value in a line, each cut again where a spaced credit word starts.

    `2023-10-12 来源：天山网 记者 王强` holds a source, 天山网, and an author, 王强. Only values
    are searched, so a line needs a `label：` to be read this way: `记者 王强` alone is a
    byline (REPORTER), and a sentence that mentions 记者 is no credit line.
    """
    _, fold = _label_pattern()
    items = labelled(line)
    out = []
    for i, item in enumerate(items):
        value_end = items[i + 1].start if i + 1 < len(items) else len(line)
        value_start = value_end - len(item.value)
        label, word, start, cut = item.label, item.word, item.start, 0
        for match in _spaced_pattern().finditer(item.value):
            out.append(Labelled(label, word, item.value[cut : match.start()], start))
            word, start, cut = match["word"], value_start + match.start(), match.end()
            label = _KIND[word.translate(fold)]
        out.append(Labelled(label, word, item.value[cut:], start))
    return out


def spaced_credits(line: str) -> list[Labelled]:
    """A credit line that writes spaces for colons: `编辑 张磊 校对 刘军`; [] for any other line.

    Every word must be a writer's or editor's label followed by one or more names (a known
    surname first), so a sentence or a heading never reads as one (`记者 调查`). A name
    padded with a space (`王 强`) is one.
    """
    if len(line) > 60 or "：" in line or ":" in line:
        return []
    _, fold = _label_pattern()
    out: list[Labelled] = []
    for token in PADDED_NAME.sub(r"\1\2", line).split():
        label = _KIND.get(token.translate(fold))
        if label in (Label.AUTHOR, Label.EDITOR) and len(token) > 1:
            out.append(Labelled(label, token, "", 0))
        elif out and looks_like_name(token):
            last = out[-1]
            out[-1] = Labelled(last.label, last.word, f"{last.value} {token}".strip(), 0)
        else:
            return []
    return out if out and all(item.value for item in out) else []


def find_date(text: str, roc: bool = False) -> tuple[str, re.Match[str]] | None:
    """The first plausible date (and time) in `text` as ISO 8601, with its match.

    `roc`: the text is a labelled date, so `112-10-12` is the ROC year count's 2023-10-12.
    """
    patterns = [DATE, CN_DATE]
    if _DAY_FIRST_YEAR.search(text):  # DAY_FIRST would try every digit
        patterns.append(DAY_FIRST)
    if "民" in text:  # ROC_DATE's optional prefix would have the engine try every position
        patterns.append(ROC_DATE)
    if roc:
        patterns.append(ROC_NUMERIC)
    if _MONTH_WORD.search(text):
        patterns.append(ENGLISH_DATE)
    matches = sorted((m for p in patterns for m in p.finditer(text)), key=lambda m: m.start())
    for match in matches:
        iso = iso_date(match)
        if iso:
            return iso, match
    return None


def iso_date(match: re.Match[str]) -> str | None:
    """`2022-09-16T08:35:31`, `2021-10-21T16:45` or `2022-07-20`; None if not a real date.

    A time on a 12-hour clock is written on the 24-hour one: `下午4:15` is 16:15, `12:05 AM`
    00:05, `中午12:00` 12:00; `晚上12:00`, midnight of one day or the next, gives the date alone.
    """
    year, month, day = _year_month_day(match)
    if year < 1000:  # only the ROC patterns have fewer than four digits
        year += ROC_YEARS
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    iso = f"{year:04d}-{month:02d}-{day:02d}"
    time = match.groupdict()
    if time.get("H") is None:  # CN_DATE has no time
        return iso
    hour, minute = int(time["H"]), int(time["M"])
    half = time["before"] or time["after"]
    if half and hour <= 12:
        if half in _EVENING and hour == 12:
            return iso  # midnight, but of which day the page cannot say
        afternoon = half in _AFTERNOON or half[0] in "Pp" or (half == _NOON and hour != 11)
        hour = hour % 12 + (12 if afternoon else 0)
    if hour > 23 or minute > 59:
        return iso
    iso += f"T{hour:02d}:{minute:02d}"
    if match["S"] is not None and int(match["S"]) <= 59:
        iso += f":{int(match['S']):02d}"
    return iso


def _year_month_day(match: re.Match[str]) -> tuple[int, int, int]:
    """The numbers a date match wrote, whichever pattern it is; (0, 0, 0) for no day."""
    groups = match.groupdict()
    year = _number(match["y"])
    if "a" in groups:  # DAY_FIRST: the number over 12 is the day
        a, b = int(match["a"]), int(match["b"])
        if (a > 12) == (b > 12):
            return 0, 0, 0  # `12/10/2023` is either; `13/13/2023` neither
        return (year, b, a) if a > 12 else (year, a, b)
    if "mon" in groups:  # ENGLISH_DATE
        month = match["mon"] or match["mon2"]
        return year, _MONTHS.index(month[:3].lower()) + 1, int(match["d"] or match["d2"])
    return year, _number(match["m"]), _number(match["d"])


DATELINE_MAX = 40  # characters; a line this short stating a date and time is a date line


def date_only(line: str) -> str | None:
    """The date when a line holds nothing but a date (and time), else None."""
    found = find_date(line)
    if found and not line[: found[1].start()].strip() and not line[found[1].end() :].strip():
        return found[0]
    return None


# Between the cells of a table's row, as extraction writes a data table (`tasks/tables.py`)
# and trafilatura its own tables; the line classifier knows the rows by it.
ROW_SEPARATOR = " | "

# The labels of a 政府信息公开 page's metadata table (`tasks/tables.py`), by the field each
# value fills: the page's title, its publication date (the date the document was written
# when no publication date is given) and its publisher. The others (索引号, 文号 …) have no
# field; they only tell the table apart.
DISCLOSURE_LABELS: dict[str, str | None] = {
    "标题": "title", "名称": "title", "文件名称": "title", "信息名称": "title",
    "发布日期": "published", "发布时间": "published", "公开日期": "published",
    "印发日期": "written", "成文日期": "written", "发文日期": "written",
    "发布机构": "publisher", "发文机关": "publisher", "发文单位": "publisher",
    "发布单位": "publisher", "信息来源": "publisher", "公开主体": "publisher",
    "索引号": None, "主题分类": None, "组配分类": None, "体裁分类": None, "主题词": None,
    "文号": None, "发文字号": None, "文件编号": None, "有效性": None, "时效性": None,
    "生效日期": None, "废止日期": None, "公开方式": None, "公开范围": None, "公开时限": None,
    "信息分类": None, "所属机构": None, "关键词": None, "公文种类": None,
}  # fmt: skip
# A disclosure label opening a line or a cell, with a colon and its value after it
# (`索引号：…`) or alone (a table's value stands in the next cell); `名称相同的` starts with no
# label. Sites pad labels to one width with spaces (`标　　题：`, `有 效 性：`).
DISCLOSURE_LINE = re.compile(
    r"^(?P<label>"
    + "|".join(
        r"\s*".join(map(either_script, word))  # a table is read before the text is Simplified
        for word in sorted(DISCLOSURE_LABELS, key=len, reverse=True)
    )
    + r")\s*(?:[:：]\s*(?P<value>.*)|$)",
    re.DOTALL,
)
DISCLOSURE_MIN = 3  # distinct disclosure labels make a disclosure table or block


def disclosure_label(text: str) -> str | None:
    """The disclosure label (unpadded) opening a `label：value` line, if it opens one."""
    match = DISCLOSURE_LINE.match(text)
    if match is None or not match["value"]:
        return None
    return plain_label(match["label"])


def plain_label(label: str) -> str:
    """A disclosure label as DISCLOSURE_LABELS spells it: `標　　題` is 标题."""
    return to_simplified(re.sub(r"\s+", "", label))


def disclosure_fields(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """What a disclosure table or block states, by field (DISCLOSURE_LABELS): each field's first value.

    `pairs` are (label, value) as the page writes them, padding and all (`标　　题`).
    """
    fields: dict[str, str] = {}
    for label, value in pairs:
        field = DISCLOSURE_LABELS.get(plain_label(label))
        if field and value.strip():
            fields.setdefault(field, value.strip())
    return fields


# Who delivers a speech or report, under its headline: an office and a name, a space between
# (`洛阳市市长　徐衣显`, `中共河南省委书记、省人大常委会主任 楼阳生`). The speaker is its author.
SPEAKER = re.compile(
    r"^(?P<office>[\u3400-\u9fff、（）()]{0,30}?副?"
    r"(?:主席|总理|委员长|书记|省长|市长|县长|区长|州长|盟长|旗长|镇长|乡长|部长|厅长|局长|署长"
    r"|司长|主任|院长|检察长|秘书长|行政长官|会长|理事长|董事长|总经理|校长))"
    rf"\s+(?P<name>{_NAME})$"
)
# A court judgment's closing block (署名), under its last paragraph: the bench and its clerks
# by name (`审判长 陈静`, `人民陪审员 李四`, `书记员 周婷`), around the judgment's date. They sign
# the document: part of it, not its editors.
COURT_ROLES = ("审判长", "代理审判员", "审判员", "人民陪审员", "陪审员", "法官助理", "代理书记员",
               "书记员", "速录员", "执行员")  # fmt: skip
COURT_SIGNATORY = re.compile(rf"^(?:{'|'.join(COURT_ROLES)})\s*{_NAME}$")
