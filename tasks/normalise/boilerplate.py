"""Boilerplate: a line classifier that tells the article from the page around it.

Every paragraph gets a role. Two things decide it:

* what the line is like on its own: chrome vocabulary (`版权所有`, `返回顶部`,
  `您的位置`, `分享到` …, strong and weak words), breadcrumb separators, how
  often the same line repeats, length, whether it has any Han, and sentence
  punctuation density, which is what prose has and chrome lacks;
* where it stands: the body runs from the first to the last prose paragraph.
  Before it come site chrome, the headline, bylines, the source/date line and
  editor's notes; after it, credit lines and more chrome. Everything before the
  headline is page header; everything after the closing credits is page footer.

The roles feed the metadata step (headline, source/date and credit lines) and
the text keeps only BODY lines, so section headings between paragraphs stay.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from enum import StrEnum

from tasks.normalise.draft import Draft
from tasks.normalise.labels import (
    BRACKETED_NAMES,
    COURT_ROLES,
    COURT_SIGNATORY,
    DATELINE_MAX,
    DISCLOSURE_LABELS,
    DISCLOSURE_LINE,
    DISCLOSURE_MIN,
    EDITION,
    ISSUER,
    PADDED_NAME,
    REPORTER,
    ROW_SEPARATOR,
    SOURCE_NAME,
    SPEAKER,
    UNIT,
    Label,
    Labelled,
    alternation,
    date_only,
    disclosure_label,
    find_date,
    labelled,
    looks_like_name,
    spaced_credits,
)
from tasks.normalise.script import to_simplified
from tasks.pager import is_pager, pages_stated


class Role(StrEnum):
    """What a paragraph of an extracted page is."""

    BODY = "body"
    TITLE = "title"
    BYLINE = "byline"  # a writer or unit named under the headline
    META = "meta"  # source and date lines
    SOURCE = "source"  # a source's name alone under the date line: `财联社`
    CREDIT = "credit"  # writers and editors after the article
    SIGNATURE = "signature"  # the body that signs a notice, above its date (落款)
    # A date alone closing the article, no issuer above it: a press release's stamp
    # (`2023年10月12日（星期四）`), a flash's time; the date of last resort.
    CLOSING_DATE = "closing_date"
    NOTE = "note"  # editor's note or call to action before the article
    CAPTION = "caption"  # a picture's caption or credit: the picture is not in the text
    CHROME = "chrome"


# Words that only page furniture uses: one is enough.
_SITE_WORDS = [
    *[
        "版权所有",
        "版权声明",
        "Copyright",
        "©",
        "ICP备",
        "ICP证",
        "公网安备",
        "网站标识码",
        "返回顶部",
        "电脑版",
        "手机版",
    ],
    *[
        "您的位置",
        "当前位置",
        "现在的位置",
        "所在位置",
        "站内搜索",
        "全站搜索",
        "投稿邮箱",
        "文字缩放",
        "放大字体",
        "缩小字体",
        "视力保护色",
        "【字体",
        "用户登录",
        "加载中",
    ],
    *[
        "上一篇",
        "下一篇",
        "热点推荐",
        "网站地图",
        "设为首页",
        "加入收藏",
        "免责声明",
    ],
    *["热门文章", "热门新闻", "推荐阅读", "猜你喜欢"],
    *["浏览次数", "阅读次数", "点击数"],
    "字体[:：]",
    "字号[:：]",
    "尊敬的(?:用户|读者|访客)",
    "打印(?:本页|正文|此页|文章)",
    "关闭(?:本页|窗口|此页)",
    "相关(?:阅读|新闻|文章|链接)",
    "您是第.*位访",
]
# Words that widgets use and stories tell readers about too (scan the QR code, never give
# away a verification code): strong on their own, but a sentence inside the article may
# carry them (see `Line.topical`).
_TOPICAL_WORDS = [
    "二维码",
    "扫一[扫下]",
    "验证码",
    "浏览器",
    "分享到",
    "技术支持",
    "主办单位",
    "承办单位",
    "联系我们",
]
SITE = alternation(_SITE_WORDS, re.IGNORECASE)
TOPICAL = alternation(_TOPICAL_WORDS)
STRONG = alternation([*_SITE_WORDS, *_TOPICAL_WORDS], re.IGNORECASE)
# Words chrome often uses and prose sometimes does: each adds a little.
WEAK = re.compile(
    "首页|微信|微博|分享|打印|关闭|刷新|切换|搜索|登录|注册|收藏|评论|点赞|客户端|下载|返回"
)
# Before the article: editor's notes and calls to action.
NOTE = re.compile(
    r"^[【\[(（]?(?:编者按|编者的话|编者注|编辑按|导读|原标题[:：])|请关注|欢迎关注|扫码关注|参与方式"
)
# After it: pointers elsewhere.
POINTER = re.compile(r"点击查看原文|阅读原文|查看原文|原文链接|（完）|\(完\)|^【?责任编辑")
# A repost's notes about itself: its original headline, and the notice that it is one
# (`声明：本文转载自河南日报，版权归原作者所有，如有侵权请联系删除。`), prose-like but no prose.
REPOST = re.compile(r"^原标题[:：]|本文(?:转载|转自)|如有侵权请?(?:联系|告知|通知)|版权归原作者")
# A page's notices about its own text, prose-like but no prose: its rights (`本文为原创内容，
# 未经授权禁止转载。`, `本网站之文字、图片及影音，非经授权，不得转载…`) and calls to comment
# (`对此你怎么看？欢迎在评论区留言讨论！`). A story about piracy says 未经授权 without 本文/本网.
NOTICE = re.compile(
    r"(?:本文|本网|本站|本报|本平台|本号|本公众号)[^。！？]{0,20}(?:未经|非经)[^。！？]{0,4}"
    r"(?:授权|许可|同意)|转载请注明|(?:未经|非经)授权[^。！？]{0,8}(?:不得|禁止|严禁|谢绝)转载"
    r"|欢迎在评论区|在评论区留言|欢迎留言|留言讨论|请文明上网"
)
NOT_PROSE = re.compile(f"{NOTE.pattern}|{REPOST.pattern}")  # either, in one pass over a line
# Words every NOTICE holds: a line without one needs no search (most lines of prose).
_NOTICE_WORDS = ("授权", "许可", "同意", "转载", "评论", "留言", "文明上网")
# After it, a promotion for the site's app, never a sentence: `海量资讯、精准解读，尽在新浪财经APP`.
APP = re.compile(r"APP|App|客户端")
# After it, the article's tags: `相关字词：施政报告 李家超 公屋`.
TAGS = re.compile(r"^(?:相关字词|相关词|关键词|关键字|标签|Tags?)\s*[:：]", re.IGNORECASE)
# After it: a list of other articles' headlines, or of attachments' file names (the files
# themselves are not in the text), under a heading of its own.
RELATED = re.compile(
    r"^[【\[]?(?:相关(?:阅读|新闻|文章|链接|报道|附件|推荐)|热门(?:文章|新闻)|推荐阅读|热点推荐|猜你喜欢"
    r"|延伸阅读|附件下载)"
    r"[】\]]?[:：]?$"
)
# A comment section's heading or button, which ends the article: the readers' comments under
# it are sentences, but not the article's (`网友评论`, `评论 128`, `查看全部评论（36条）`).
COMMENTS = re.compile(
    r"^(?:网友|读者|用户|热门|最新|全部|精彩)?(?:评论|留言)(?:区|列表)?\s*[（(]?\d*条?[）)]?[:：]?$"
    r"|^(?:发表|我要|查看(?:全部|更多)?)(?:评论|留言)\s*[（(]?\d*条?[）)]?[:：>»]?$"
)
# A picture's caption, or its credit: it opens with a marker (`▲ 比赛现场座无虚席。`, `图②：…`,
# `（图为活动现场。摄影 李明）`) or ends with the photographer's name (`新华社记者 丁汀摄`,
# `（通讯员 杨光 供图）`).
CAPTION = re.compile(
    r"^(?:[▲△▼↑↓]|图\s*[①-⑳\d一二三四五六七八九十]{0,3}\s*[:：]|[（(]?(?:图为|上图|下图|左图|右图|图片说明))"
    r"|(?:记者|摄影|通讯员)\s*(?:[\u3400-\u9fff·]\s?){2,6}\s*摄\s*[）)]?$"
    r"|[（(](?:摄影[:：\s][^（）()]{1,30}|[^（）()]{1,30}(?:摄|供图))[）)]$"
)
_CAPTION_OPENINGS = ("▲", "△", "▼", "↑", "↓", "图", "（", "(", "上图", "下图", "左图", "右图")
CAPTION_MAX = 150  # characters; a longer paragraph is the article's, whatever it opens with
# A line that ends as a sentence does (closing quotes and brackets aside).
SENTENCE_ENDS = ("。", "！", "？", "!", "?", "…")
CLOSERS = "”’」』）)"
# What a closing credit or end mark follows: a sentence's end, or the quote closing it.
_SENTENCE_CLOSE = "".join(SENTENCE_ENDS) + CLOSERS.rstrip("）)")
# A credit in brackets closing a paragraph's last sentence: `…第一位。（编辑：赵敏）`,
# `…致富。（记者 李晓 通讯员 王刚）`, and CNA's `…处理。（编辑：陈俊华）1121012`, whose serial
# number (the ROC year and the date) goes with it.
TRAILING_CREDIT = re.compile(
    rf"(?<=[{_SENTENCE_CLOSE}])\s*(?P<credit>[（(][^（）()]{{2,40}}[）)])\s*(?:\d{{7}})?$"
)
# An article's end mark closing its last sentence: `（完）`, `（全文完）`, `(END)`.
END_MARK = re.compile(r"[（(](?:(?:全文)?[完终]|END)[）)]$")
END_MARK_MAX = 5  # characters of an end mark alone on its line: `完`, `（完）`, `-END-`
BREADCRUMB = re.compile(r"»|›|>[^>]*>|→[^→]*→")  # two separators: `首页 > 新闻 > 正文`
# A toolbar: nothing but bracketed buttons, `【字号 大 中 小】【我要打印】【关闭】`, `[ 打印 ] [ 关闭 ]`.
TOOLBAR = re.compile(r"(?:[\s|｜]*[【\[][^【】\[\]]+[】\]])+[\s|｜]*")
BUTTON = re.compile(r"[【\[]([^【】\[\]]+)[】\]]")
# Where a player or picture stood: `[视频]`, `【图片】`.
MEDIA = re.compile(r"视频|音频|图片|组图|图集|图")
BUTTON_MAX = 8  # characters on a button, spaces aside
# Where a `<title>` joins its parts: headline, sub-title, section and site names.
TITLE_PARTS = re.compile(r"\s*(?:_|\||｜|--|——|-|–|—)\s*")
NOT_LETTER = re.compile(r"[\W_]")
NAVIGATION = re.compile(r"首页|[>»›]")  # never in a headline
SENTENCE = re.compile(r"[，。！？；、,!?;]")
# A line that ends a clause of a longer sentence: an enumeration's item.
CLAUSE_ENDS = ("；", ";", "，")
# What a credit never holds and speech does: an interview's `记者：…？` is a question.
SPEECH = re.compile(r"[！？!?]")
HAN = re.compile(r"[\u3400-\u9fff]")
# An official document's number, above or below its headline: `豫政〔2022〕12号`,
# `国发[2023]5号`, `国家税务总局公告2022年第5号`, `河南省人民政府令第205号`.
DOC_NUMBER = re.compile(
    r"^[\u3400-\u9fff]{0,16}\s*"
    r"(?:[〔［\[【(（]\s*(?:19|20)\d{2}\s*[〕］\]】)）]\s*第?|(?:19|20)\d{2}\s*年\s*第|第)"
    r"\s*[\d〇一二三四五六七八九十百零]{1,6}\s*号$"
)
# A label, known or not, opening a line or after a space: `出处：`, `转载自：`.
LABEL_LIKE = re.compile(r"(?:^|\s)[\u3400-\u9fff]{1,5}[:：]")
# A row whose first or last cell is empty: `| 2022 | 2023` (an empty corner), `合计 | 1,234 |`.
TABLE_EDGE = re.compile(
    rf"^{re.escape(ROW_SEPARATOR.lstrip())}|{re.escape(ROW_SEPARATOR.rstrip())}$"
)
# A sub-title set under the headline: `——记省人防办优秀共产党员张建国`.
SUBTITLE = re.compile(r"^(?:——|--|－－)")

CHROME_SCORE = 4  # a line scoring this much is chrome wherever it stands
PROSE_MIN = 25  # characters; a prose paragraph is at least this long …
PROSE_DENSITY = 1 / 40  # … with at least this many sentence marks per character
TITLE_MIN, TITLE_MAX = 6, 80  # a headline's length in characters
BODY_GAP = 3  # headings allowed between two paragraphs of one body (sentences do not count)
# A notice's headline may be four characters, its genre after its subject: `停水通知`. A
# column's name is made of genre and section words only (`通知公告`, `重要通知`).
GENRE_TITLE = re.compile(
    r"^(?!(?:通知|公告|公示|通告|最新|重要|热点|工作|紧急))[\u3400-\u9fff]{2,3}"
    r"(?:通知|公告|通告|公示|启事|声明|决定|通报|批复|倡议书|公开信|告知书)$"
)
# How a notice or letter addresses its readers, above its first paragraph: `各位居民：`,
# `各县（市、区）人民政府，省政府各部门：`, `尊敬的客户：`, `同志们：`.
SALUTATION = re.compile(
    r"^(?:(?:各|全体|尊敬的|亲爱的)[^。！？!?]{1,40}|[^。！？!?]{0,6}(?:同志|朋友)们)[：:]$"
)
SENTENCE_MIN = 10  # characters; a shorter line ending in `。` is no sentence to go by
SHORT = 15  # at the edges of an article, a line this short without punctuation is chrome
# What every date holds (`DATE`'s digits, `CN_DATE`'s 年): a line without either is none.
MAY_BE_DATE = re.compile(r"[\d年]")
# The characters COURT_SIGNATORY's words open with.
_SIGNATORY_OPENINGS = frozenset(role[0] for role in COURT_ROLES)
# Labels that date anything, an event as well as the page: `时间：`, `日期：` (and 時間).
BARE_DATE_LABELS = frozenset({"时间", "時間", "日期"})


@dataclass(frozen=True, slots=True)
class Line:
    """One paragraph and what the classifier measured on it."""

    text: str
    score: int  # chrome evidence, position aside
    prose: bool
    labels: frozenset[Label]
    sentence: bool  # ends as a sentence: a short paragraph of the article, not a heading
    # Chrome only by words a story may use, in a sentence: body when it stands inside the
    # article (`群众可通过微信扫一扫下方二维码加入志愿者队伍。`), chrome around it.
    topical: bool
    meta: bool  # reads as the page's source/date line, not as a labelled line of the article
    # Chrome only because the same line recurs (`Line.score`'s repetition points decide).
    repeated: bool
    # A repeated line set apart by the article's own text, not in a block of repeated
    # widget lines: a song's refrain, a case's 【基本案情】 heading (set by `classify`).
    refrain: bool = False
    row: bool = False  # a row of a table (`_table_rows`)
    pager: bool = False  # page links (`PAGER`): chrome, but the article goes on below them
    caption: bool = False  # a picture's caption or credit (`CAPTION`)

    @property
    def in_article(self) -> bool:
        """Whether the article itself may hold this chrome-scoring line, where it stands inside it."""
        return self.topical or self.refrain


def measure(text: str, repeats: int, row: bool = False) -> Line:
    """Score one line on its own: vocabulary, breadcrumbs, repetition, length, punctuation.

    A `row` of a table (`_table_rows`) is data, however short and whatever it is written
    in (`一季度 | 4.5 | 284997`): only its words can make it chrome. Where it stands decides
    the rest (`_body_core`, `_over_tables`).
    """
    length = len(text)
    marks = len(SENTENCE.findall(text))
    has_han = HAN.search(text) is not None
    score = 0
    strong = len(STRONG.findall(text))
    if strong:
        score += 4 + 2 * min(2, strong - 1)
    score += min(2, len(WEAK.findall(text)))
    breadcrumb = BREADCRUMB.search(text) is not None
    if breadcrumb or (("【" in text or "[" in text) and _toolbar(text)):
        score += 4
    repetition = 0 if row else 4 if repeats >= 3 else 2 if repeats == 2 and length < 20 else 0
    score += repetition
    if not row and not has_han and length < 30 and not date_only(text):
        score += 3  # `News Center`, `Scan me!`, `×`
    if not row and length <= 6 and not marks:
        score += 1
    if not row and length <= 12 and text.endswith((":", "：")):
        score += 2  # a label with nothing after it: `分享到：`, `站内搜索：`
    # `1 2 3 下一页 尾页`: "页" first, as most lines hold none
    pager = not row and is_pager(text)
    if pager:
        score += 4
    caption = (
        not row and length <= CAPTION_MAX and _may_be_caption(text) and bool(CAPTION.search(text))
    )
    prose = (
        length >= PROSE_MIN and marks >= max(1, length * PROSE_DENSITY) and has_han and not caption
    )
    if prose:
        score -= 3 + (2 if length >= 100 else 0)
    items = labelled(text)
    labels = frozenset(item.label for item in items)
    sentence = has_han and length >= SENTENCE_MIN and text.rstrip(CLOSERS).endswith(SENTENCE_ENDS)
    return Line(
        text,
        score,
        prose and not row and not labels and not _notice(text),
        labels,
        sentence,
        topical=(  # TOPICAL's words are among STRONG's: without one, no regex to run
            strong > 0
            and sentence
            and repeats < 2
            and not breadcrumb
            and TOPICAL.search(text) is not None
            and SITE.search(text) is None
        ),
        meta=bool(items) and _meta(items, sentence),
        repeated=repetition > 0 and score - repetition < CHROME_SCORE <= score,
        row=row,
        pager=pager,
        caption=caption,
    )


def _notice(text: str) -> bool:
    """An editor's note, a repost's notes or the page's notices: prose-like, but no prose."""
    return NOT_PROSE.search(text) is not None or (
        any(word in text for word in _NOTICE_WORDS) and NOTICE.search(text) is not None
    )


def _may_be_caption(text: str) -> bool:
    """What CAPTION needs at a line's ends, tested without a regex: most lines have none."""
    return text.startswith(_CAPTION_OPENINGS) or text.rstrip("）) ").endswith(("摄", "供图"))


def _toolbar(text: str) -> bool:
    """Bracketed buttons only: two or more, or one with a chrome word (`【关闭】`, not `【编者按】`)."""
    if not TOOLBAR.fullmatch(text):
        return False
    buttons = [re.sub(r"\s+", "", b) for b in BUTTON.findall(text)]
    if any(len(b) > BUTTON_MAX or SENTENCE.search(b) for b in buttons):
        return False
    return (
        len(buttons) >= 2
        or MEDIA.fullmatch(buttons[0]) is not None
        or bool(WEAK.search(text) or STRONG.search(text))
    )


def _meta(items: list[Labelled], sentence: bool) -> bool:
    """Whether labelled values make a source/date line rather than a line of the article.

    A page's source/date line is a row of labels and values, no sentence; a bare `时间：`
    or `日期：` is the page's date only when a date is all it holds. `时间：2022年6月15日至17日，
    14日下午报到。` in a notice is the event's time, and part of the text.
    """
    kinds = [item for item in items if item.label in (Label.SOURCE, Label.PUBLISHED)]
    if not kinds or sentence:
        return False
    return any(
        item.label is Label.SOURCE or item.word not in BARE_DATE_LABELS or date_only(item.value)
        for item in kinds
    )


def classify(paragraphs: list[str], markup_title: str | None = None) -> list[Role]:
    """The role of each paragraph of a page (one paragraph per item).

    `markup_title` is the page's `<title>`, if any: extraction sometimes puts the headline
    after the body (trafilatura with `<br>` paragraphs), where only the markup tells it apart.
    """
    counts = Counter(paragraphs)
    rows = _table_rows(paragraphs)
    lines = _refrains([measure(p, counts[p], i in rows) for i, p in enumerate(paragraphs)], counts)
    roles = [Role.CHROME if line.score >= CHROME_SCORE else Role.BODY for line in lines]
    core = _body_core(lines, roles)
    if core is None:
        return roles
    markup = _title_keys(markup_title)
    first, last = _over_tables(lines, roles, *core, markup)
    for i, line in enumerate(lines):
        if line.row and not first <= i <= last and roles[i] is Role.BODY:
            roles[i] = Role.CHROME  # a table the article does not reach is the page's
    for i in range(first + 1, last):
        if roles[i] is Role.CHROME and lines[i].in_article:
            roles[i] = Role.BODY
    title = _head(lines, roles, first, markup)
    if title is not None:
        for i in range(first + 1, last):
            if lines[i].text == lines[title].text:
                roles[i] = Role.CHROME  # the headline again, atop each page of a merged article
    _tail(lines, roles, last, title, markup)
    # A short sentence may close the article after its last paragraph: a refrain or
    # heading above it is the article's too (`【裁判结果】` over `法院判决车行退一赔三。`).
    end = max((i for i in range(last, len(roles)) if roles[i] is Role.BODY), default=last)
    for i in range(last + 1, end):
        if roles[i] is Role.CHROME and lines[i].refrain:
            roles[i] = Role.BODY
    for i, line in enumerate(lines):
        if roles[i] is Role.BODY and line.caption:
            roles[i] = Role.CAPTION
    return roles


def _table_rows(paragraphs: list[str]) -> frozenset[int]:
    """The lines that are a table's rows: two or more in a row with cells joined by ROW_SEPARATOR.

    Extraction writes a data table that way (`tasks/tables.py`). One such line alone is no
    table: `来源：新华社 | 2022-07-20 | 作者：` is a source line.
    """
    rows: set[int] = set()
    run: list[int] = []
    for i, p in enumerate([*paragraphs, ""]):
        if "|" in p and (ROW_SEPARATOR in p or TABLE_EDGE.search(p)):  # most lines hold no bar
            run.append(i)
            continue
        if len(run) >= 2:
            rows.update(run)
        run = []
    return frozenset(rows)


def _refrains(lines: list[Line], counts: Counter[str]) -> list[Line]:
    """Mark the repeated lines that the article's own text sets apart (`Line.refrain`).

    A widget repeats as a block (`刷新`, `返回文字点选验证`, `加载中...` a dozen times over),
    each line next to another that repeats; a refrain or a recurring heading stands
    between lines said once (or between repeated sentences, as a chorus of two lines).
    """

    def widget(i: int) -> bool:
        return 0 <= i < len(lines) and counts[lines[i].text] >= 2 and not lines[i].sentence

    return [
        replace(line, refrain=True)
        if line.repeated and not (widget(i - 1) or widget(i + 1))
        else line
        for i, line in enumerate(lines)
    ]


def _title_keys(markup_title: str | None) -> frozenset[str]:
    """The letters of each leading part of a `<title>`: `踔厉…侧记_河南机关党建网` gives the headline's."""
    if not markup_title:
        return frozenset()
    parts = TITLE_PARTS.split(to_simplified(markup_title))
    return frozenset(_letters("".join(parts[:k])) for k in range(1, len(parts) + 1))


def _letters(text: str) -> str:
    return NOT_LETTER.sub("", text)


def _body_core(lines: list[Line], roles: list[Role]) -> tuple[int, int] | None:
    """(first, last) prose paragraph of the article: the run of prose with the most text.

    Runs are prose paragraphs with at most BODY_GAP headings between them (short
    sentences do not count) and no chrome or source/date line among those, so a
    prose-like notice in the page header stays outside the body. A sentence, or a clause
    (`_clause`), is no heading; a sentence that is chrome only by its words
    (`Line.topical`), or a refrain (`Line.refrain`), does not cut a run.
    """
    prose = [i for i, line in enumerate(lines) if line.prose and roles[i] is Role.BODY]
    if not prose:
        return None
    runs: list[list[int]] = [[prose[0]]]
    for i in prose[1:]:
        gap = range(runs[-1][-1] + 1, i)
        headings = sum(not (lines[k].sentence or lines[k].row or _clause(lines[k])) for k in gap)
        if headings <= BODY_GAP and not any(_breaks_body(lines[k], roles[k]) for k in gap):
            runs[-1].append(i)
        else:
            runs.append([i])
    best = max(runs, key=lambda run: sum(len(lines[i].text) for i in run))
    return best[0], best[-1]


def _clause(line: Line) -> bool:
    """Ends in a semicolon or comma: an item of the sentence above it, never a heading.

    A list's items (`开展营商环境综合试点，推广一批经验做法；`) are short lines between the
    article's paragraphs; counted as headings, four of them cut the body in two.
    """
    return HAN.search(line.text) is not None and line.text.rstrip(CLOSERS).endswith(CLAUSE_ENDS)


def _over_tables(
    lines: list[Line], roles: list[Role], first: int, last: int, markup: frozenset[str]
) -> tuple[int, int]:
    """The body (first, last) widened over a table that opens or closes the article.

    After the last paragraph, rows with up to BODY_GAP headings (a caption) and sentences
    (a note) before them. Before the first, rows and sentences, and one heading right above
    the rows, the table's caption, unless it spells the `<title>`'s headline (`markup`): the
    headline may stand there too. Chrome, a source/date line or a credit stops it: a table
    after `责任编辑：` is the page footer's.
    """

    def stops(i: int) -> bool:
        return _breaks_body(lines[i], roles[i]) or bool(lines[i].labels)

    headings = 0
    for i in range(last + 1, len(lines)):
        if stops(i):
            break
        if lines[i].row:
            last, headings = i, 0
        elif not lines[i].sentence:
            headings += 1
            if headings > BODY_GAP:
                break
    for i in range(first - 1, -1, -1):
        if stops(i):
            break
        if lines[i].row:
            first = i
        elif not lines[i].sentence:
            if lines[i + 1].row and _letters(lines[i].text) not in markup:
                first = i  # a caption
            break
    return first, last


def _breaks_body(line: Line, role: Role) -> bool:
    """Whether a line between two paragraphs parts them into two bodies.

    Chrome does, but not page links (`PAGER`) between the pages of a merged article; a
    comment section's heading does, so the readers' comments under it are no article.
    """
    return (
        (role is Role.CHROME and not line.in_article and not line.pager)
        or line.meta
        or COMMENTS.match(line.text) is not None
    )


def _head(
    lines: list[Line], roles: list[Role], first: int, markup: frozenset[str] = frozenset()
) -> int | None:
    """Roles before the first prose paragraph; returns the headline's index, if any."""
    for i in range(first):
        if lines[i].labels & {Label.SOURCE, Label.PUBLISHED}:
            roles[i] = Role.META  # even when page widgets share the line (`浏览次数：`)
        elif roles[i] is Role.CHROME:
            continue
        elif DOC_NUMBER.match(lines[i].text):
            roles[i] = Role.META  # a document's number: metadata, but no source/date line
        elif NOTE.search(lines[i].text):
            roles[i] = Role.NOTE
        elif _credit(lines[i]) or REPORTER.match(lines[i].text):
            roles[i] = Role.BYLINE
    if (block := _disclosure_block(lines, first)) is not None:
        return _disclosure_head(lines, roles, first, block)
    metas = [i for i in range(first) if lines[i].labels & {Label.SOURCE, Label.PUBLISHED}]
    if not metas and (dated := _dated_source_line(lines, roles, first)) is not None:
        metas = [dated]
        for i in range(dated + 1, first):  # `收录于合集 #乡村振兴 56个`, a toolbar: page chrome
            if (
                roles[i] is Role.BODY
                and not lines[i].sentence
                and not SALUTATION.match(lines[i].text)
            ):
                roles[i] = Role.CHROME
    title = _headline_above(lines, roles, metas[0]) if metas else None
    if title is not None:
        title = _title_over_subtitle(lines, roles, _title_over_break(lines, roles, title, markup))
        for i in range(title):
            if roles[i] is not Role.META:  # a document's number may stand above its headline
                roles[i] = Role.CHROME  # everything else above the headline is page header
        for i in range(title + 1, metas[0]):
            if roles[i] is Role.BODY and not _epigraph(lines, roles, i):
                roles[i] = Role.BYLINE
    else:
        start = metas[-1] + 1 if metas else 0
        for i in range(start):
            if roles[i] is Role.BODY:
                roles[i] = Role.CHROME
        if not metas:
            title = _untitled_head(lines, roles, first, markup)
    for i in range(first):
        if roles[i] is Role.BODY and _dateline(lines[i].text):
            # A date line under the headline is its date; above it, a render stamp.
            roles[i] = Role.META if title is not None and i > title else Role.CHROME
        elif (
            i
            and roles[i - 1] is Role.META
            and roles[i] is not Role.TITLE
            and SOURCE_NAME.match(lines[i].text)
            and date_only(lines[i - 1].text)
        ):
            roles[i] = Role.SOURCE  # `2023年10月20日 09:15` over `财联社`: the date's source
    return title


def _disclosure_block(lines: list[Line], first: int) -> list[int] | None:
    """The lines of an information-disclosure block before the body, as a `.txt` holds one.

    `索 引 号：…`, `发文机关：…`, `成文日期：…`, `标　　题：…`, `发布日期：…` on lines of their own:
    at least DISCLOSURE_MIN distinct labels, as a disclosure table needs (`tasks/tables.py`).
    """
    found = {i: label for i in range(first) if (label := disclosure_label(lines[i].text))}
    return sorted(found) if len(set(found.values())) >= DISCLOSURE_MIN else None


def _disclosure_head(
    lines: list[Line], roles: list[Role], first: int, block: list[int]
) -> int | None:
    """Roles before the body of a page with a disclosure block; returns the headline's index.

    The block is metadata (its `标题` is the document's title, which the metadata step
    reads); everything above it is page header. The headline is the line under the block
    that spells its `标题`, else none: the block's title stands for it.
    """
    for i in block:
        roles[i] = Role.META
    for i in range(block[0]):
        if roles[i] is Role.BODY:
            roles[i] = Role.CHROME
    titles = {
        _letters(match["value"])
        for i in block
        if DISCLOSURE_LABELS.get(disclosure_label(lines[i].text) or "") == "title"
        and (match := DISCLOSURE_LINE.match(lines[i].text))
    }
    title = None
    for i in range(block[-1] + 1, first):
        if roles[i] is not Role.BODY:
            continue
        if title is None and _letters(lines[i].text) in titles:
            roles[i], title = Role.TITLE, i
        elif lines[i].labels & {Label.SOURCE, Label.PUBLISHED} or _dateline(lines[i].text):
            roles[i] = Role.META
    return title


def _dated_source_line(lines: list[Line], roles: list[Role], first: int) -> int | None:
    """The unlabelled source line under the headline, when no labelled one is there.

    A date line that holds more than the date (`2023年10月12日 14:32 新京报`, WeChat's
    `原创 作者 公众号 2023-10-12 07:30 发表于河南`) is where the page puts its headline's
    source, and a headline-like line right above it is the headline. A bare date is not
    enough to go by: a crawl stamp above the headline is one too (`_untitled_head`).
    """
    for i in range(first - 1, -1, -1):
        text = lines[i].text
        if roles[i] is Role.BODY and _dateline(text) and not date_only(text):
            return i if _headline_above(lines, roles, i) is not None else None
    return None


def _headline_above(lines: list[Line], roles: list[Role], meta: int) -> int | None:
    """The headline just above the source/date line (index `meta`), perhaps over a byline.

    A headline's English version under it is passed over too, and leaves the text.
    A unit's name stands under a headline (`河南省直机关工委`), so a line shaped like one is
    passed over only when a headline stands above it. With none there, it is the headline
    itself: `嫦娥探月工程再传捷报` and `全省首家互联网医院` end as a paper's and a hospital's
    names do, and the line above a source line is where a page puts its headline.
    """
    unit = None  # the topmost line passed over as a unit's name
    for i in range(meta - 1, -1, -1):
        if roles[i] in (Role.CHROME, Role.META):  # chrome, or a document's number
            continue
        text = lines[i].text
        if roles[i] is Role.BODY and _translation(lines, roles, i):
            roles[i] = Role.CHROME
            continue
        if roles[i] is Role.BODY and _byline(text):
            unit = i if UNIT.match(text) else unit
            continue
        if roles[i] is Role.BODY and _epigraph(lines, roles, i):
            continue
        if looks_like_headline(text):
            return i
        break
    if unit is not None and looks_like_headline(lines[unit].text):
        return unit
    return None


def _untitled_head(
    lines: list[Line], roles: list[Role], first: int, markup: frozenset[str] = frozenset()
) -> int | None:
    """With no source/date line: the last headline-like line before the body, short lines dropped.

    Only sentences, attributions (`_epigraph`), date lines and the headline's English
    version may stand between it and the body.
    """
    for i in range(first):
        text = lines[i].text
        if (
            roles[i] is Role.BODY
            and len(text) <= SHORT
            and not SENTENCE.search(text)
            and not looks_like_headline(text)
            and not _dateline(text)  # `2023年10月12日 星期四`: the date, read under the headline
            and not _epigraph(lines, roles, i)
            and not (i == first - 1 and SALUTATION.match(text))
        ):
            roles[i] = Role.CHROME
    title = None
    for i in range(first - 1, -1, -1):
        text = lines[i].text
        if (
            roles[i] is not Role.BODY
            or _epigraph(lines, roles, i)
            or _dateline(text)
            or (i == first - 1 and SALUTATION.match(text))
        ):
            continue
        if _translation(lines, roles, i):
            roles[i] = Role.CHROME
            continue
        if _speaker(text):
            roles[i] = Role.BYLINE  # under the headline: who delivers the speech
            continue
        if looks_like_headline(lines[i].text):
            title = i
        break
    if title is not None:
        lower, title = title, _title_over_break(lines, roles, title, markup)
        if lower == title and _other_than_declared(lines[title].text, markup):
            # `点击蓝字 关注我们` over a body whose headline only the markup holds
            roles[title] = Role.CHROME
            return None
        title = _title_over_subtitle(lines, roles, title)
        for i in range(title):
            if roles[i] is Role.BODY:
                roles[i] = Role.CHROME
    return title


def _translation(lines: list[Line], roles: list[Role], i: int) -> bool:
    """Whether line i is a headline's version in another script, set under it.

    `The 6th China International Import Expo Opens` under `第六届中国国际进口博览会开幕`: no
    Han and no sentence, right under a line that looks like a headline.
    """
    text = lines[i].text
    if HAN.search(text) or text.endswith(SENTENCE_ENDS) or not re.search("[A-Za-z]{2}", text):
        return False
    above = next((k for k in range(i - 1, -1, -1) if roles[k] is not Role.CHROME), None)
    return (
        above is not None and roles[above] is Role.BODY and looks_like_headline(lines[above].text)
    )


def _epigraph(lines: list[Line], roles: list[Role], i: int) -> bool:
    """Whether line i, between the headline and the body, is the article's and no headline.

    A sentence is (an epigraph such as `“青年兴则国家兴，青年强则国家强。”`, a one-line
    lede), and so is its attribution under it (`——习近平`): a dash-led line set under a
    sentence, not under a headline as a `——记…` sub-title is.
    """
    line = lines[i]
    if line.sentence:
        return True
    if not SUBTITLE.match(line.text) or SENTENCE.search(line.text) or len(line.text) > SHORT:
        return False
    above = next((k for k in range(i - 1, -1, -1) if roles[k] is not Role.CHROME), None)
    return above is not None and lines[above].sentence


def _title_over_break(
    lines: list[Line], roles: list[Role], title: int, markup: frozenset[str]
) -> int:
    """The headline's upper half, when a `<br>` split it and the `<title>` spells it whole.

    `国务院办公厅关于…提升行政效能` over `推动“高效办成一件事”的指导意见`: both are the title
    (drop_boilerplate joins them). Returns the headline's first line.
    """
    above = next((i for i in range(title - 1, -1, -1) if roles[i] is not Role.CHROME), None)
    if (
        above is not None
        and roles[above] is Role.BODY
        and _letters(lines[above].text + lines[title].text) in markup
        and _letters(lines[title].text) not in markup
    ):
        roles[above] = roles[title] = Role.TITLE
        return above
    return title


def _other_than_declared(text: str, markup: frozenset[str]) -> bool:
    """Whether a line the head would take for the headline is not the one the markup declares.

    Only a `<title>` that is a headline alone (no site's name beside it, as WeChat's and
    og:title are), and longer than the line, says so; with a site's or section's name in
    it, or shorter (a site's motto), the line may still be the headline.
    """
    if len(markup) != 1:
        return False
    (declared,) = markup
    return (
        len(declared) >= max(TITLE_MIN, len(_letters(text)))
        and not UNIT.match(declared)
        and _letters(text) != declared
        and declared not in _letters(text)
    )


def _title_over_subtitle(lines: list[Line], roles: list[Role], title: int) -> int:
    """Mark the headline, and a `——记…` sub-title under it; returns the headline's index.

    The sub-title is part of the title, as seed 000 writes both on one line
    (`踔厉奋发谱新篇——…侧记`); drop_boilerplate joins the two.
    """
    roles[title] = Role.TITLE
    if not SUBTITLE.match(lines[title].text):
        return title
    above = next((i for i in range(title - 1, -1, -1) if roles[i] is not Role.CHROME), None)
    if (
        above is not None
        and roles[above] is Role.BODY
        and looks_like_headline(lines[above].text)
        and not SUBTITLE.match(lines[above].text)
    ):
        roles[above] = Role.TITLE
        return above
    return title


def _tail(
    lines: list[Line], roles: list[Role], last: int, title: int | None, markup: frozenset[str]
) -> None:
    """Roles after the last prose paragraph: credits, source lines, then page footer.

    Headlines listed under a `相关新闻`/`热门文章`/`推荐阅读` heading go with it; before such a
    heading, a short line without punctuation may still be the article's. A line that is
    the markup's headline is the title when the head had none, else a repeat. A date alone
    before the page footer closes the article (`CLOSING_DATE`); a court's signatories and
    their date are the judgment's.
    """
    headline = lines[title].text if title is not None else None
    closing = None
    related = False  # under a `相关新闻` heading: other articles' headlines
    comments = False  # under a `网友评论` heading: readers' comments, sentences or not
    footer = False  # past a line of page furniture: no date there closes the article
    short = []  # short lines taken for chrome: a heading, if a sentence follows (`_headings`)
    for i in range(last + 1, len(lines)):
        text, labels = lines[i].text, lines[i].labels
        if _signature(lines, roles, i):
            # The date under it is when the notice was signed, not published: it goes.
            roles[i], roles[i + 1], closing = Role.SIGNATURE, Role.CHROME, i + 1
        elif _credit(lines[i]) or REPORTER.fullmatch(text):
            roles[i], closing = Role.CREDIT, i
        elif labels & {Label.SOURCE, Label.PUBLISHED} or EDITION.match(text):
            roles[i], closing = Role.META, i  # EDITION: a reprint's paper and day
        elif RELATED.match(text):
            roles[i], related = Role.CHROME, True
        elif COMMENTS.match(text):
            roles[i], comments = Role.CHROME, True
        elif roles[i] is Role.CHROME:
            footer = footer or not lines[i].in_article
            continue
        elif comments or (related and not lines[i].sentence):
            roles[i] = Role.CHROME
        elif title is None and _markup_headline(lines, i, markup):
            roles[i], title, headline = Role.TITLE, i, text
        elif (names := BRACKETED_NAMES.fullmatch(text)) and _all_names(names):
            roles[i], closing = Role.CREDIT, i
        elif _court_signature(lines, i):
            continue  # `审判长 陈静`, `二〇二三年九月二十八日`: the judgment's own
        elif (
            not (footer or related or comments)
            and _date_only(text)
            and _under_body(lines, roles, last, i)
        ):
            roles[i] = Role.CLOSING_DATE
        elif (
            text == headline
            or POINTER.search(text)
            or REPOST.search(text)
            or NOTICE.search(text)
            or TAGS.match(text)
            or (not lines[i].sentence and APP.search(text))
        ):
            roles[i] = Role.CHROME
        elif len(text) <= SHORT and not SENTENCE.search(text):
            roles[i] = Role.CHROME
            short.append(i)
    for i in short:
        # `第四章 附则` over `第二十三条 本法自2024年1月1日起施行。`: a heading of the body
        if i + 1 < len(lines) and roles[i + 1] is Role.BODY and lines[i + 1].sentence:
            roles[i] = Role.BODY
    if closing is not None:
        for i in range(closing + 1, len(lines)):
            if roles[i] is Role.BODY and not lines[i].prose:
                roles[i] = Role.CHROME  # after the closing credits comes the page footer


def _under_body(lines: list[Line], roles: list[Role], last: int, i: int) -> bool:
    """Whether line i stands right under the article: only credits, source lines, end marks
    (`完`) or another lone date (which then closes nothing) between them.

    A date under a related story's headline (`我市小麦收购进度过半` / `2023-09-30`) is that
    story's: no date of the article's, and the field stays null.
    """
    between = range(last + 1, i)
    if any(roles[k] is Role.CLOSING_DATE for k in between):
        for k in between:  # two dates under the article: a list's, neither closes it
            if roles[k] is Role.CLOSING_DATE:
                roles[k] = Role.CHROME
        return False
    return all(
        roles[k] in (Role.CREDIT, Role.META)
        or (roles[k] is Role.CHROME and len(lines[k].text) <= END_MARK_MAX)
        for k in between
    )


def _court_signature(lines: list[Line], i: int) -> bool:
    """Whether line i signs a court judgment: a judge or clerk by name, or the date among them."""
    if _signatory(lines[i].text):
        return True
    return _date_only(lines[i].text) and any(
        0 <= k < len(lines) and _signatory(lines[k].text) for k in (i - 1, i + 1)
    )


def _signatory(text: str) -> bool:
    """`审判长 陈静` (`COURT_SIGNATORY`); its first character tested first, as most lines fail it."""
    return text[:1] in _SIGNATORY_OPENINGS and COURT_SIGNATORY.match(text) is not None


def _date_only(text: str) -> bool:
    """`date_only`, with no search for a date in a line holding neither a digit nor `年`."""
    return MAY_BE_DATE.search(text) is not None and date_only(text) is not None


def _signature(lines: list[Line], roles: list[Role], i: int) -> bool:
    """Whether line i signs a notice: an issuing body's name alone, its date alone under it."""
    return (
        i + 1 < len(lines)
        and roles[i] is Role.BODY
        and ISSUER.match(lines[i].text) is not None
        and date_only(lines[i + 1].text)
    )


def _credit(line: Line) -> bool:
    """A writer's or editor's credit; `记者：谢谢您接受采访！` is an interview's last question.

    Labels may go without colons: `编辑 张磊 校对 刘军` (`spaced_credits`).
    """
    if line.labels:
        return bool(line.labels & {Label.AUTHOR, Label.EDITOR}) and not SPEECH.search(line.text)
    return bool(spaced_credits(line.text))


def _markup_headline(lines: list[Line], i: int, markup: frozenset[str]) -> bool:
    """Whether line i is the `<title>`'s headline standing over its source/date line, or last.

    The source/date line (or the page's end) must follow: a site name or section heading
    may spell a `<title>` too, but not stand where the headline's info line does.
    """
    text = lines[i].text
    if not looks_like_headline(text) or _letters(text) not in markup:
        return False
    below = lines[i + 1] if i + 1 < len(lines) else None
    return (
        below is None
        or bool(below.labels & {Label.SOURCE, Label.PUBLISHED})
        or (date_only(below.text) is not None)
    )


def looks_like_headline(text: str) -> bool:
    """Whether a line can be a headline: long enough, not a sentence, not chrome."""
    return (
        (TITLE_MIN <= len(text) <= TITLE_MAX or GENRE_TITLE.match(text) is not None)
        and HAN.search(text) is not None
        and not text.rstrip(CLOSERS).endswith(("。", "：", ":", "；", ";", "，", ","))
        and not _dateline(text)
        and not DOC_NUMBER.match(text)
        and not STRONG.search(text)
        and not BREADCRUMB.search(text)
        and not NAVIGATION.search(text)
    )


def _dateline(text: str) -> bool:
    """A line that dates the page, with labels this module may not know: a date alone, a date
    leading the line (`2023-10-12 转载自：人民网`), or one beside a label (`出处：人民日报 2023年10月12日`).

    Not a sentence: `2023年10月12日，我市召开…。` is the article's.
    """
    found = find_date(text)
    if found is None:
        return False
    if date_only(text):
        return True
    if text.rstrip(CLOSERS).endswith(SENTENCE_ENDS) or SENTENCE.search(text):
        return False
    return (
        not text[: found[1].start()].strip()
        or LABEL_LIKE.search(text) is not None
        # A date with its time of day in a short line: `原创 豫农君 河南农业农村 2023-10-12 07:30`.
        or (found[1]["H"] is not None and len(text) <= DATELINE_MAX)
    )


def _byline(text: str) -> bool:
    """A unit's, a writer's or a speaker's name standing alone, as under a headline."""
    names = BRACKETED_NAMES.fullmatch(text)
    return bool(
        UNIT.match(text) or REPORTER.match(text) or (names and _all_names(names)) or _speaker(text)
    )


def _speaker(text: str) -> bool:
    """Whether a line names who delivers a speech or report: `洛阳市市长　徐衣显` (`SPEAKER`)."""
    return (match := SPEAKER.match(text)) is not None and looks_like_name(match["name"])


def _all_names(match: re.Match[str]) -> bool:
    # `（王 强）`: a name padded to the width of three is one name, as the metadata step reads it.
    names = PADDED_NAME.sub(r"\1\2", match["names"])
    return all(looks_like_name(n) for n in re.split(r"[\s、，,]+", names))


def _closing_bracket(text: str) -> tuple[str, str | None] | None:
    """A paragraph without the credit in brackets closing it (`TRAILING_CREDIT`), and the credit.

    The credit is labelled (`（责任编辑：赵敏）`) or a reporter's (`（记者 王瑞）`); names alone
    are the last paragraph's only (`_closing_names`).

    A writer's or editor's credit is returned to be taken off; a source (`（来源：新华社）`)
    only stands apart while the line is weighed (the credit is None), and a picture's
    credit (`（记者 王瑞 摄）`) not at all. None when nothing of the kind closes the paragraph.
    """
    if not text.endswith(("）", ")")) and not text[-1:].isdigit():  # most paragraphs
        return None
    end = END_MARK.search(text)  # `……胜利。（完）`: chrome, as it is on its own line
    head = text[: end.start()].rstrip() if end else ""
    if end and head and head[-1] in _SENTENCE_CLOSE:
        return head, end[0]
    match = TRAILING_CREDIT.search(text)
    if match is None or match.start() == 0:
        return None
    credit = match["credit"]
    inner = credit[1:-1].strip()
    items = labelled(inner)
    head = text[: match.start()].rstrip()
    if CAPTION.search(credit) or SPEECH.search(inner) or (items and items[0].start > 0):
        return None
    if items and all(i.label in (Label.SOURCE, Label.PUBLISHED) for i in items):
        return head, None
    if items:
        ok = all(i.label in (Label.AUTHOR, Label.EDITOR) for i in items)
    else:
        ok = REPORTER.fullmatch(credit) is not None or bool(spaced_credits(inner))
    return (head, credit) if ok else None


def _closing_names(text: str) -> tuple[str, str] | None:
    """The article's last paragraph without the writers' names in brackets closing it.

    `……胜利。（翟道武）`: only the last paragraph's, as a byline; inside the article a name in
    brackets after a sentence is a quotation's source (`……思故乡。（李白）`) and stays.
    """
    match = TRAILING_CREDIT.search(text) if text.endswith(("）", ")")) else None
    names = BRACKETED_NAMES.fullmatch(match["credit"]) if match and match.start() else None
    if names is None or not _all_names(names):
        return None
    return text[: match.start()].rstrip(), match["credit"]


ARTICLE_MIN = 20  # characters; as extraction's `min_chars`, here once the chrome is gone


def no_article(text: str) -> bool:
    """Whether what the chrome left is no article: a few short lines, no sentence mark in them.

    A page whose body a script fills in (`var content = "…"`) has none in its markup, and
    trafilatura returns the navigation and footer instead; with those removed, what is left
    is a column's names (`环境新闻`, `通知公告`) or a lone credit, never worth a record. A
    short article still has its sentence (`今天停水。`).
    """
    letters = "".join(text.split())
    several = "\n" in text.strip()  # a one-line flash (`美联储宣布加息25个基点`) is an article
    return several and len(letters) < ARTICLE_MIN and SENTENCE.search(letters) is None


def drop_boilerplate(draft: Draft) -> None:
    """Keep the article's body paragraphs; set the others aside for the metadata step.

    The flag counts the lines taken out of the text; the headline (with a sub-title set
    under it) moves to `title`.
    """
    paragraphs = draft.text.split("\n") if draft.text else []
    markup_title = draft.extracted.title if draft.extracted else None
    # A credit or source closing a paragraph is weighed apart from it: the paragraph stays
    # prose. A credit leaves the text; a source stays in it as written.
    closing = [_closing_bracket(p) for p in paragraphs]
    roles = classify(
        [c[0] if c else p for p, c in zip(paragraphs, closing, strict=True)], markup_title
    )
    body = []
    draft.aside = []
    for p, c, r in zip(paragraphs, closing, roles, strict=True):
        if r is Role.TITLE and draft.aside and draft.aside[-1][0] is Role.TITLE:
            draft.aside[-1] = (Role.TITLE, draft.aside[-1][1] + p)  # headline and sub-title
        elif r is Role.BODY and c and c[1]:
            body.append(c[0])
            draft.aside.append((Role.CHROME if END_MARK.match(c[1]) else Role.CREDIT, c[1]))
        elif r is Role.BODY:
            body.append(p)
        else:
            draft.aside.append((r, p))
    if body and (named := _closing_names(body[-1])):
        body[-1] = named[0]
        draft.aside.append((Role.CREDIT, named[1]))
    draft.text = "\n".join(body)
    draft.flag("boilerplate_lines", sum(role is not Role.TITLE for role, _ in draft.aside))
    draft.flag("paged", _pages(draft, paragraphs, roles))


def _pages(draft: Draft, paragraphs: list[str], roles: list[Role]) -> int:
    """The pages a pager says the article runs over, when this page holds one of them; else 0.

    The pager is an HTML page's links (`Extracted.pages`: a link without an address turns
    no page) or a text's line (`第2页 共3页`). Page links between two body paragraphs are a
    merged article's, which holds every page: no flag.
    """
    body = [i for i, role in enumerate(roles) if role is Role.BODY]
    html = draft.extracted is not None
    pages = draft.extracted.pages if draft.extracted is not None else 1
    for i, paragraph in enumerate(paragraphs):
        if roles[i] is not Role.BODY and is_pager(paragraph):
            if body and body[0] < i < body[-1]:
                return 0
            if not html:
                pages = max(pages, pages_stated(paragraph))
    return pages if pages > 1 else 0
