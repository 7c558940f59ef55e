"""Metadata from the text itself, then from the page's markup where the text says nothing.

The text is read first because it is what both the `.txt` and the HTML path
have: the headline line, source and date lines (`来源：`, `发布时间：`, a date
glued to the source), credit lines (`执笔：`, `作者：`, a trailing `（翟道武）`) and
editor lines (`编辑`, `责任编辑`, `送签`, `签发`, `终审` …), as the boilerplate
classifier set them aside. Editors never become authors; `作者：佚名` names no
one. A field the text does not state stays empty, never guessed.

Precedence, field by field: the text; then what the HTML declares for that
field (`<meta name="ArticleTitle|PubDate|ContentSource|author">`, Open Graph,
then what trafilatura found). Markup only fills gaps, and is checked like text:
a declared headline (ArticleTitle, the one `<h1>`) is never cut, a `<title>` loses
the site's name before or after it (`…侧记_河南机关党建网`), and either must still
look like a headline; a date the text shows only as page chrome (a crawl
or render stamp) is not taken from the markup either.
"""

from __future__ import annotations

import re

from tasks.normalise.boilerplate import MAY_BE_DATE, Role, looks_like_headline
from tasks.normalise.draft import Draft
from tasks.normalise.labels import (
    BRACKETED_NAMES,
    CONJUNCTIONS,
    DISCLOSURE_LABELS,
    DISCLOSURE_LINE,
    EDITION,
    NAME,
    NAME_DOTS,
    NOBODY,
    PADDED_NAME,
    REPORTER,
    ROLE,
    ROLE_WORDS,
    SOURCE_NAME,
    SPEAKER,
    UNIT,
    WIRE_BYLINE,
    Label,
    date_only,
    disclosure_fields,
    find_date,
    labelled,
    labelled_credits,
    looks_like_name,
    spaced_credits,
    wire_reporters,
)
from tasks.normalise.pinyin import remove_pinyin
from tasks.normalise.punctuation import fullwidth_punctuation
from tasks.normalise.script import mainland_quotes, to_simplified
from tasks.normalise.whitespace import tidy_lines
from tasks.records import Extracted

_NAME_SPLIT = re.compile(r"[、，,；;/\s]+")
# A conjunction before a writer's role joins two names: `王 军和特约记者 阿依努尔·买买提`.
_CONJOINED_ROLE = re.compile(rf"[{CONJUNCTIONS}](?={ROLE.pattern})")
# A role and the Han text glued before it, up to the role's first word: `澎湃新闻记者`, and in
# a byline written without spaces, `记者张三通讯员李四`, `张三` before 通讯员. `_role_parted` says
# whether that text is the writer's paper or agency or the name of the writer before.
_GLUED_ROLE = re.compile(rf"([\u3400-\u9fff]*?)(?:{ROLE.pattern})")
_ROLE_ENDS = ("记者", "通讯员", "实习生", "摄")  # what every ROLE ends with
_DOTS = str.maketrans(dict.fromkeys(NAME_DOTS, "·"))
# Where a labelled value ends: a closing bracket, a widget's opening one (`【字号：大 中 小】`),
# a separator, a date, a relative one (`来源：幸福路社区　2天前`).
_VALUE_END = re.compile(
    r"[)）】\]【\[|｜；;]|(?:19|20)\d{2}\s*[-/.年]"
    r"|\s(?:\d+|[一二两三四五六七八九十几半])\s*(?:秒|分钟|小时|天|周|个月|年)前|\s(?:刚刚|昨天|前天)"
)
# What parts the text after a date line's date: separators, and bracketed notes.
_DATED_PARTS = re.compile(r"[|｜/／·•]")
_BRACKETED = re.compile(r"[（(][^）)]*[）)]")
# Separators between a page title and the site or section name before or after it. A
# doubled dash `——` is Chinese headline punctuation, never one of them.
# Neither is a hyphen inside `2021-2022` or `COVID-19`.
_TITLE_SEPARATOR = re.compile(
    r"\s*(?:_|\||｜|--|[-–](?<![A-Za-z0-9][-–])|[-–](?![A-Za-z0-9])|(?<!—)—(?!—))\s*"
)
_JOINING_DASHES = frozenset("-–—")
# Words sections' and columns' names are made of, that places and names are not.
_SECTION = re.compile(
    r"动态|新闻|要闻|资讯|公告|通知|公示|频道|栏目|专题|专栏|时评|评论|聚焦|快讯|头条|热点|"
    r"政务|公开|信息|首页|视频|图片|观点|理论|时政|国内|国际|本地|工作|文件|政策|解读|通报"
)
# A site's name: a short name ending as sites' names do (河南机关党建网), or a host name.
_SITE = re.compile(
    r"^[\u3400-\u9fff（）()·]{2,12}(?:网|网站|门户|官网|频道|日报|晚报|电视台|人民政府)$"
    r"|^(?:www\.)?[\w.-]+\.(?:cn|com|net|org)$"
)


_READ = (Role.META, Role.CREDIT, Role.BYLINE)  # the set-aside lines values are read from


def read_metadata(draft: Draft) -> None:
    """Fill title, date, publisher, authors and editors from the text, then from markup."""
    signature = closing_date = None
    disclosed = _disclosed(draft)
    for role, line in draft.aside:
        if role is Role.TITLE and draft.title is None:
            draft.title = line
        elif role in _READ:
            _read_line(draft, line)
        elif role is Role.SIGNATURE:
            signature = line
        elif role is Role.SOURCE:  # named before the markup's site name is reached
            draft.publisher = draft.publisher or line
        elif role is Role.CLOSING_DATE:
            closing_date = closing_date or line
    if draft.extracted is not None:  # the page's info lines trafilatura left out of the text
        for line in draft.extracted.info:
            _read_line(draft, _clean(line))
    # A disclosure block's title stands for a headline the page does not repeat.
    draft.title = draft.title or disclosed.get("title")
    _lede_byline(draft)
    _from_markup(draft)
    if draft.published is None:  # the date written (`成文日期`) stands in for it last
        _take_written_date(draft)
    if draft.published is None and closing_date:  # a date alone under the body, last of all
        _take_date(draft, closing_date)
    # A notice's signer publishes it, unless a source line or the markup says who did.
    draft.publisher = draft.publisher or signature
    draft.authors = _unique(a for a in draft.authors if a not in draft.editors)
    draft.editors = _unique(draft.editors)
    if draft.title and draft.source_script != "hans":  # a markup title quotes as the text does
        draft.title = mainland_quotes(draft.title)
    draft.title = _undecorated(draft.title) if draft.title else draft.title


# What a site hangs on a headline: brackets round all of it (`【国家统计局：9月CPI同比持平】`),
# a column's kicker before it (`【新闻稿】`), pictographs (`🔥`, `👇`; variation selectors too).
_WRAPPED = re.compile(r"^【([^【】]+)】$")
_KICKER = re.compile(r"^【[^【】]{1,12}】\s*(?=\S)")
_PICTOGRAPHS = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f\u200d]+")


def _undecorated(title: str) -> str:
    """A headline without its site's decoration: the words a search for it would use."""
    if "【" in title:
        title = _KICKER.sub("", _WRAPPED.sub(r"\1", title))
    return " ".join(_PICTOGRAPHS.sub(" ", title).split()) or title


# Labels of the date a document was written or signed, not published (`成文日期：`).
_WRITTEN = frozenset(word for word, field in DISCLOSURE_LABELS.items() if field == "written")


def _take_written_date(draft: Draft) -> None:
    """The first labelled date written (`成文日期：2023年09月28日`), when nothing else dates the page."""
    info = draft.extracted.info if draft.extracted is not None else ()
    lines = [line for role, line in draft.aside if role in _READ] + [_clean(i) for i in info]
    for line in lines:
        for item in labelled(line):
            if item.label is Label.PUBLISHED and item.word in _WRITTEN:
                _take_date(draft, item.value, roc=True)
                if draft.published is not None:
                    return
    if draft.extracted is not None and draft.extracted.written:  # a disclosure table's
        _take_date(draft, draft.extracted.written, roc=True)


def _disclosed(draft: Draft) -> dict[str, str]:
    """A disclosure block's fields (`标　　题：`, `发布日期：`, `发文机关：` …), the date and publisher taken.

    Read before the other lines: the block states the date published (`发布日期`) over
    the date written (`成文日期`, only when no other is given), and the issuer (`发文机关`).
    """
    fields = disclosure_fields(
        (match["label"], match["value"])
        for role, line in draft.aside
        if role is Role.META and (match := DISCLOSURE_LINE.match(line)) and match["value"]
    )
    if "published" in fields:  # the date written waits for every other (`_take_written_date`)
        _take_date(draft, fields["published"], roc=True)
    if "publisher" in fields:
        draft.publisher = draft.publisher or _publisher(_value(fields["publisher"]))
    return fields


def _read_line(draft: Draft, line: str) -> None:
    """Values from one source/date, byline or credit line."""
    items = labelled(line)
    for item in items:  # a labelled date first, then one found elsewhere in the line
        if item.label is Label.PUBLISHED and item.word not in _WRITTEN:
            _take_date(draft, item.value, roc=True)
    for item in items:
        if item.label is not Label.PUBLISHED:
            # `来源：旗帜网2021年10月21日16:45`, `来源：天山网　记者 王强　2023-10-12`, and after
            # a credit, the line's last value: `来源：求是网　作者：陈一新　2023-10-16 08:00:00`
            _take_date(draft, item.value)
    for item in labelled_credits(line) or spaced_credits(line):  # `编辑 张磊 校对 刘军`
        if item.label is Label.SOURCE:
            draft.publisher = draft.publisher or _publisher(_value(item.value))
        elif item.label is Label.AUTHOR:
            draft.authors.extend(_names(_value(item.value)))
        elif item.label is Label.EDITOR:
            draft.editors.extend(_names(_value(item.value)))
    if items:
        _take_date(draft, line[: items[0].start])  # `2022-07-20来源：…`
        return
    if edition := EDITION.match(line):  # `《人民日报》（2023年10月12日 01 版）`
        _take_date(draft, edition["when"])
        draft.publisher = draft.publisher or edition["paper"].strip()
    elif found := find_date(line):
        # A date line under the headline (the classifier set only those aside here), perhaps
        # with a source's name after the date: `2023-10-12 14:20 中央社`, `… | 新华网`.
        _take_date(draft, line)
        if not line[: found[1].start()].strip():
            _dated_source(draft, line[found[1].end() :])
    elif (match := SPEAKER.match(line)) and looks_like_name(match["name"]):
        draft.authors.extend(_names(match["name"]))  # `洛阳市市长　徐衣显` under a report's title
    elif (match := REPORTER.match(line)) or (
        (match := BRACKETED_NAMES.fullmatch(line))
        and all(looks_like_name(n) for n in _names(match["names"]))
    ):
        draft.authors.extend(_names(match["names"]))


def _take_date(draft: Draft, text: str, roc: bool = False) -> None:
    if draft.published is None and (found := find_date(text, roc)):
        draft.published = found[0]


def _dated_source(draft: Draft, rest: str) -> None:
    """The source and reporter after a date that opens a line, when they are named as such.

    `2023-10-03 08:45 联合报／ 记者陈宏睿／台北即时报导`: the first part is the publisher if it
    is named like one (SOURCE_NAME: `新华网`, `中央社`, not `·优质科技领域创作者`), a
    reporter's part names the author; an update note in brackets (`（10/12 14:05 更新）`) and
    the rest say nothing.
    """
    parts = [p.strip() for p in _DATED_PARTS.split(_BRACKETED.sub(" ", rest)) if p.strip()]
    if not parts:
        return
    head, _, tail = parts[0].partition(" ")
    if SOURCE_NAME.match(head):
        draft.publisher = draft.publisher or head
        parts[0] = tail.strip()
    for part in parts:
        if match := REPORTER.match(part):
            draft.authors.extend(_names(match["names"]))


def _value(raw: str) -> str:
    """A labelled value cut where the next thing starts, without brackets or stray punctuation."""
    end = _VALUE_END.search(raw)
    value = raw[: end.start()] if end else raw
    value = re.split(r"\s+(?=\S+[:：])", value.strip())[0]
    return value.strip(" ：:，,。；;（）()【】[]《》")


def _publisher(value: str) -> str | None:
    """A source's name; `发布者：admin` and `来源：本站` name no one.

    A list of sources' names, as a page links each one (`来源：河南省人民政府网 大河网 中原网`),
    gives the first: the one the page names first is where the article came from.
    """
    names = value.split()
    if len(names) > 1 and all(SOURCE_NAME.match(name) for name in names):
        value = names[0]
    return value if value and value not in NOBODY else None


def _names(value: str) -> list[str]:
    """Person names in a credit value; placeholders such as 佚名 name no one.

    Roles between the names part them (`本报记者 张晓婷 特约记者 周航`, `记者张三通讯员李四`, and
    `澎湃新闻记者 王亚赛`, whose paper is no name), as does a 和, 及 or 与
    joining two names (`张晓婷和王军`) or standing before a role (`王 军和特约记者 …`). A name
    padded with a space (`王 强`) is closed up, and a minority name's dot, however a site
    wrote it (`阿依古丽•买买提`), is the middle dot `·`.
    """
    if any(word in value for word in _ROLE_ENDS):  # most values name no role
        value = _GLUED_ROLE.sub(_role_parted, _CONJOINED_ROLE.sub(" ", value))
    value = PADDED_NAME.sub(r"\1\2", value)
    value = value.translate(_DOTS)
    names = []
    for part in _NAME_SPLIT.split(value):
        part = part.strip("（）()【】[]：:")
        for name in _conjoined(part):
            if name not in NOBODY and name not in ROLE_WORDS and NAME.match(name):
                names.append(name)
    return names


def _role_parted(match: re.Match[str]) -> str:
    """A role, with the text glued before it, as a separator: the text stays if it is a name.

    A paper or agency before a role names no one (`澎湃新闻记者 王亚赛`, `新华社记者 张三`: a name
    comes after its role); a name there is the writer before (`记者张三通讯员李四`).
    """
    glued = match[1]
    if glued and not SOURCE_NAME.match(glued) and looks_like_name(glued):
        return f"{glued} "
    return " "


def _conjoined(part: str) -> list[str]:
    """A run of names joined by 和, 及 or 与, where each side reads as a name: `张晓婷和王军`.

    `王和平` stays whole: 王 alone is no name.
    """
    for i, char in enumerate(part):
        if char in CONJUNCTIONS and _reads_as_name(part[:i]):
            rest = _conjoined(part[i + 1 :])
            if rest and _reads_as_name(rest[0]):
                return [part[:i], *rest]
    return [part] if part else []


def _reads_as_name(text: str) -> bool:
    """A name with a common surname first, or a minority name in dotted parts."""
    return looks_like_name(text) or ("·" in text and NAME.match(text) is not None)


def _lede_byline(draft: Draft) -> None:
    """Writers named where the lede opens: `本报讯（记者 王小明）12月4日…`.

    The byline stays in the text as written, as a wire's dateline `（中央社记者游凯翔台北12日电）`
    does; a credit closing a paragraph (`……胜利。（翟道武）`) the boilerplate step took out.
    """
    lede = draft.text.split("\n", 1)[0]
    if match := REPORTER.match(lede):
        draft.authors.extend(_names(match["names"]))
    elif match := WIRE_BYLINE.match(lede):  # `（中央社记者游凯翔台北12日电）`
        draft.authors.extend(wire_reporters(match["names"]))


def _from_markup(draft: Draft) -> None:
    """Fields the text left empty: what the markup declares, then what it suggests."""
    page = draft.extracted
    if page is None:
        return
    _fill_from(draft, page)
    empty = {
        name
        for name, value in (
            ("title", draft.title),
            ("published", draft.published),
            ("publisher", draft.publisher),
            ("author", draft.authors),
        )
        if not value
    }
    if empty and page.infer is not None:
        _fill_from(draft, page.infer(frozenset(empty)))


def _fill_from(draft: Draft, page: Extracted) -> None:
    """Fill empty fields from one markup reading, with the checks the text's values get."""
    if draft.title is None and page.headline:
        headline = _clean(page.headline)
        draft.title = headline if looks_like_headline(headline) else None
    if draft.title is None and page.title:
        sites = {name for name in (draft.publisher, page.publisher) if name}
        draft.title = _markup_title(_clean(page.title), {_clean(name) for name in sites})
    stamp = find_date(page.published, roc=True) if page.published else None
    wanted = stamp and (draft.published is None or len(draft.published) == len("2022-07-20"))
    if wanted and stamp[0][:10] not in _chrome_dates(draft):
        if draft.published is None:
            draft.published = stamp[0]
        elif len(draft.published) == len("2022-07-20") and stamp[0].startswith(draft.published):
            draft.published = stamp[0]  # the text's day, to the minute the markup gives for it
    if draft.publisher is None and page.publisher:
        draft.publisher = _declared_publisher(_clean(page.publisher))
    if not draft.authors and page.author:
        draft.authors.extend(_names(_clean(page.author)))


def _chrome_dates(draft: Draft) -> set[str]:
    """The days that lines of page chrome show alone (a render stamp, a clock): no page's date."""
    return {
        d[:10]
        for r, line in draft.aside
        if r is Role.CHROME and MAY_BE_DATE.search(line) and (d := date_only(line))
    }


def _declared_publisher(value: str) -> str | None:
    """A publisher the markup declares, without the label some sites put in the value.

    `<meta name="source" content="来源：人民网－人民日报">` declares 人民网－人民日报.
    """
    items = labelled(value)
    if items and items[0].start == 0 and items[0].label is Label.SOURCE:
        return _publisher(_value(items[0].value))
    return value


def _markup_title(title: str, sites: set[str]) -> str | None:
    """A `<title>` without the site's or section's name around it, if what is left reads as a headline.

    `…侧记_河南机关党建网` loses its suffix, `河南省卫健委 | 2022年…会议召开` its prefix. An end
    part goes when it names a site the page names elsewhere (`sites`: its publisher) or
    looks like one (`_SITE`, `UNIT`), or is no headline itself while another part is (a
    section such as `工作动态`). A dash between two headline-like parts stays:
    `郑州至济南高铁—濮阳段今日开通` is one headline. A title that is only the site's name
    (`河南机关党建网`) is none.
    """
    cuts = [(0, 0), *((m.start(), m.end()) for m in _TITLE_SEPARATOR.finditer(title))]
    cuts.append((len(title), len(title)))
    parts = [title[cuts[i][1] : cuts[i + 1][0]] for i in range(len(cuts) - 1)]
    # A single dash with nothing around it joins the headline's own parts (中国—东盟博览会…,
    # 郑州-开封城际铁路…); `_`, `|` and a spaced dash set the site's or section's name off.
    joined = [title[start:end] in _JOINING_DASHES for start, end in cuts]
    first, last = 0, len(parts) - 1  # the parts kept, inclusive
    while first < last:
        if _beside_headline(parts, last, first, last, sites, joined[last]):
            last -= 1
        elif _beside_headline(parts, first, first, last, sites, joined[first + 1]):
            first += 1
        else:
            break
    head = title[cuts[first][1] : cuts[last + 1][0]]
    return head if looks_like_headline(head) and not _names_site(head, sites) else None


def _names_site(part: str, sites: set[str]) -> bool:
    """Whether a page title, or a part of one, is the name of the site."""
    return bool(_SITE.match(part)) or any(part in site or site in part for site in sites)


def _beside_headline(
    parts: list[str], end: int, first: int, last: int, sites: set[str], joined: bool
) -> bool:
    """Whether the part at one end of the kept parts (first…last) is a site or section name.

    It is when it names a site and is no longer than the rest (a headline is the longer
    side), or when it is no headline itself and another kept part is. A short part `joined`
    by a bare single dash is the headline's own (a place: 中国—东盟…, 郑州-开封…) unless it
    reads as a section's name (`通知公告`).
    """
    part = parts[end]
    rest = [p for i, p in enumerate(parts[first : last + 1], first) if i != end]
    names_site = _names_site(part, sites) or UNIT.match(part)
    if names_site and len(part) <= sum(map(len, rest)):
        return True
    if joined and not _SECTION.search(part):
        return False
    return not looks_like_headline(part) and any(looks_like_headline(p) for p in rest)


def _clean(value: str) -> str:
    """Markup values get the treatment the text got: no pinyin, Simplified, full-width punctuation, tidy."""
    text, _ = fullwidth_punctuation(to_simplified(remove_pinyin(value)[0]))
    return " ".join(tidy_lines(text))


def _unique(items) -> list[str]:
    return list(dict.fromkeys(items))
