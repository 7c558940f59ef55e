"""Metadata from the text first, then from markup where the text says nothing; never a guess."""

from __future__ import annotations

import pytest
from conftest import ROOT

from tasks.extract import ExtractOptions
from tasks.normalise import normalise
from tasks.normalise.labels import date_only, find_date, labelled
from tasks.normalise.script import to_simplified
from tasks.process import page_article
from tasks.records import Article, Extracted

BODY = (
    "会议指出，进入冬季以来，雨雪冰冻天气增多，道路通行条件复杂，"
    "各单位要充分认识做好冬季道路交通安全工作的重要性和紧迫性。\n"
    "会议要求，要严格落实安全生产责任制，加强隐患排查治理，确保全市道路交通安全形势持续稳定。"
)
TITLE = "市交通局召开冬季道路安全工作部署会"


def html_article(html: str) -> Article:
    """A UTF-8 HTML page through extraction and every step."""
    return page_article(
        html.encode(), media_type="text/html", declared_charset="utf-8", url=None,
        options=ExtractOptions(),
    )  # fmt: skip


def article(text: str, **markup: str) -> Article:
    """Normalise `text` as a .txt page, or as HTML whose markup declared `markup`."""
    extracted = Extracted(text=text, is_html=bool(markup), **markup)
    return normalise(extracted, url=None, charset="utf-8")


@pytest.mark.parametrize(
    ("stated", "iso"),
    [
        ("2022-07-20来源:河南机关党建网", "2022-07-20"),
        ("來源:旗幟網2021年10月21日16:45", "2021-10-21T16:45"),
        (
            "来源:四川省地方志工作办公室 发布时间:2022-09-16 08:35:31 浏览次数:",
            "2022-09-16T08:35:31",
        ),
        ("发布日期：2022年7月5日", "2022-07-05"),
        ("时间：2022/07/05 9:05", "2022-07-05T09:05"),
        ("日期:2022.7.5", "2022-07-05"),
    ],
)
def test_publication_dates_are_read_in_their_usual_forms(stated: str, iso: str) -> None:
    assert article(f"{TITLE}\n{stated}\n{BODY}").published == iso


@pytest.mark.parametrize(
    ("line", "publisher", "published"),
    [
        ("本文来源：河南日报 2022年07月20日 16:45", "河南日报", "2022-07-20T16:45"),
        ("稿源：河南日报　　发布时间：2022-07-20", "河南日报", "2022-07-20"),
        ("发布者：河南日报　发布时间：2022-07-20 16:45", "河南日报", "2022-07-20T16:45"),
        ("发布者：admin　发布时间：2022-07-20", None, "2022-07-20"),
        ("2022-07-20 转载自：人民网", "人民网", "2022-07-20"),
        ("本文转自：人民网 2022-07-20", "人民网", "2022-07-20"),
        ("出处：人民日报 2022年07月20日", "人民日报", "2022-07-20"),
        # PowerEasy CMS's line: the date's label follows other labels' values
        (
            "文章来源：河南日报　作者：佚名　点击数：328　更新时间：2022-7-20",
            "河南日报",
            "2022-07-20",
        ),
    ],
)
def test_source_lines_in_other_cms_wordings_give_publisher_and_date(
    line: str, publisher: str | None, published: str
) -> None:
    got = article(f"{TITLE}\n{line}\n{BODY}")
    assert (got.title, got.publisher, got.published) == (TITLE, publisher, published)
    assert line not in got.text


def test_a_reprint_names_its_source_in_a_closing_zhaizi_line() -> None:
    got = article(f"{TITLE}\n{BODY}\n——摘自《郑州日报》2023年5月4日第3版")
    assert (got.publisher, got.published, got.text) == ("郑州日报", "2023-05-04", BODY)


def test_a_sentence_quoting_a_book_is_no_source_line() -> None:
    line = "这句话，摘自《论语》。"
    assert labelled(line) == []
    assert article(f"{TITLE}\n来源：市交通局\n{BODY}\n{line}").publisher == "市交通局"


def test_a_photo_source_is_no_publisher() -> None:
    assert article(f"{TITLE}\n{BODY}\n图片来源：新华社").publisher is None


@pytest.mark.parametrize(
    ("stated", "iso"),
    [
        ("发布日期：２０２２年７月２０日", "2022-07-20"),
        ("发布时间：２０２２－０７－２０　１６：４５", "2022-07-20T16:45"),
        ("来源：河南省人民防空办公室\n二〇二二年七月二十日", "2022-07-20"),
        ("来源：河南省人民防空办公室\n二○二一年十二月三十一日", "2021-12-31"),
    ],
)
def test_dates_in_fullwidth_digits_or_chinese_numerals_are_read(stated: str, iso: str) -> None:
    got = article(f"{TITLE}\n{stated}\n{BODY}")
    assert got.published == iso
    assert got.text == BODY  # a date line under the source line leaves the text too


def test_a_chinese_numeral_date_closing_a_document_is_not_its_publication_date() -> None:
    # as for `2022年7月20日` there: the date a document was signed, not when it was published
    assert article(f"{TITLE}\n{BODY}\n河南省人民防空办公室\n二〇二二年七月二十日").published is None


def test_source_line_gives_the_publisher_without_the_date_glued_to_it() -> None:
    got = article(f"{TITLE}\n來源:旗幟網2021年10月21日16:45\n{BODY}")
    assert (got.title, got.publisher) == (TITLE, "旗帜网")


def test_writers_are_authors_and_editors_are_not() -> None:
    credits = "(来源:《旗帜》2021年第9期﹔执笔:刘方军、凌巍、彭云)\n( 编辑:贾泽娟   送签:张成付   签发:钟鸣 )"
    got = article(f"{BODY}\n{credits}")
    assert got.authors == ("刘方军", "凌巍", "彭云")
    assert got.editors == ("贾泽娟", "张成付", "钟鸣")
    assert "执笔" not in got.text and "编辑" not in got.text


@pytest.mark.parametrize(
    ("line", "publisher", "authors", "editors"),
    [
        ("2023-10-12 来源：天山网 记者 王强", "天山网", ("王强",), ()),
        ("来源：天山网　记者 王强　2023-10-12", "天山网", ("王强",), ()),
        ("2023-10-12 来源：天山网 通讯员 王强", "天山网", ("王强",), ()),
        ("2023-10-12 来源：大河报 记者 刘洋", "大河报", ("刘洋",), ()),
        ("来源：河南日报客户端 编辑 张三 2023-10-12", "河南日报客户端", (), ("张三",)),
        ("来源：河南日报 | 作者 张三 | 2023-10-12", "河南日报", ("张三",), ()),
        ("2023-10-12 来源：天山网 作者：王强 责任编辑 李娜", "天山网", ("王强",), ("李娜",)),
        (
            "2023-10-12 来源：天山网 记者 阿依古丽·买买提 王 强",
            "天山网",
            ("阿依古丽·买买提", "王强"),
            (),
        ),
    ],
)
def test_a_byline_without_a_colon_after_the_source_names_the_writer(
    line: str, publisher: str, authors: tuple[str, ...], editors: tuple[str, ...]
) -> None:
    got = article(f"{TITLE}\n{line}\n{BODY}")
    assert (got.publisher, got.authors, got.editors) == (publisher, authors, editors)
    assert got.published == "2023-10-12" and got.text == BODY


def test_a_byline_without_a_colon_is_read_in_traditional_script_too() -> None:
    got = article(f"{TITLE}\n2023-04-10 來源：中央社 記者 陳怡君\n{BODY}")
    assert (got.publisher, got.authors) == ("中央社", ("陈怡君",))


@pytest.mark.parametrize(
    ("credit", "authors", "editors"),
    [
        ("作者：王 强", ("王强",), ()),
        ("（责任编辑：李 娜）", (), ("李娜",)),
        ("责任编辑：李 娜　刘 洋", (), ("李娜", "刘洋")),
        ("作者：阿依古丽·买买提", ("阿依古丽·买买提",), ()),
        ("作者：迪丽热巴·迪力木拉提", ("迪丽热巴·迪力木拉提",), ()),
        ("作者：阿依古丽•买买提", ("阿依古丽·买买提",), ()),
        ("作者：阿依古丽·买买提 王 强", ("阿依古丽·买买提", "王强"), ()),
    ],
)
def test_padded_and_minority_names_are_kept_whole(
    credit: str, authors: tuple[str, ...], editors: tuple[str, ...]
) -> None:
    got = article(f"{TITLE}\n2023-10-12 来源：天山网\n{BODY}\n{credit}")
    assert (got.authors, got.editors) == (authors, editors)
    assert got.text == BODY


def test_an_editor_named_as_author_too_stays_an_editor() -> None:
    got = article(f"{TITLE}\n来源：市交通局 作者：李四\n{BODY}\n责任编辑：李四")
    assert got.authors == () and got.editors == ("李四",)


@pytest.mark.parametrize("nobody", ["佚名", "本站", "未知", "admin"])
def test_a_placeholder_author_is_no_author(nobody: str) -> None:
    assert article(f"{TITLE}\n来源：市交通局 作者：{nobody}\n{BODY}").authors == ()


def test_a_bracketed_name_closing_the_article_is_its_byline() -> None:
    got = article(f"{BODY}(翟道武)")
    assert got.authors == ("翟道武",)
    assert got.text.endswith("持续稳定。")


def test_a_padded_name_in_brackets_on_its_own_line_is_the_byline() -> None:
    got = article(f"{BODY}\n（王 强）")
    assert got.authors == ("王强",) and "王 强" not in got.text
    assert got.text.endswith("持续稳定。")


@pytest.mark.parametrize("ending", ["（职工）", "（2021）", "(Beijing)", "（来源：新华社）"])
def test_other_brackets_at_the_end_are_text(ending: str) -> None:
    got = article(f"{BODY}{ending}")
    assert got.authors == ()


@pytest.mark.parametrize("paper", ["（郑州晚报）", "（周口日报）", "（许昌网）", "（焦作市委）"])
def test_a_paper_or_unit_credited_in_brackets_is_no_author(paper: str) -> None:
    assert article(f"{BODY}{paper}").authors == ()
    assert article(f"{TITLE}\n来源：河南人防\n{BODY}\n{paper}").authors == ()


def test_a_font_size_widget_is_not_part_of_the_publisher() -> None:
    got = article(f"{TITLE}\n来源：河南日报【字号：大 中 小】发布时间：2022-07-20\n{BODY}")
    assert (got.publisher, got.published) == ("河南日报", "2022-07-20")


def test_a_reporter_byline_opening_the_lede_names_the_author_and_stays() -> None:
    got = article(f"本报讯（记者 王小明 通讯员 赵六）{BODY}")
    assert got.authors == ("王小明", "赵六")
    assert got.text.startswith("本报讯（记者 王小明")


def test_nothing_stated_means_nothing_filled() -> None:
    got = article(BODY)
    assert (got.title, got.published, got.publisher, got.authors, got.editors) == (
        None,
        None,
        None,
        (),
        (),
    )


def test_a_crawl_stamp_above_the_headline_is_no_publication_date() -> None:
    got = article(f"2024-07-08 15:44:44\n{TITLE}\n来源：市交通局\n{BODY}")
    assert got.published is None and got.title == TITLE


def test_markup_only_fills_what_the_text_leaves_empty() -> None:
    text = f"{TITLE}\n发布时间：2023-12-05 来源：市交通局\n{BODY}"
    got = article(
        text,
        title=f"{TITLE}_某某市人民政府",
        published="2024-07-08",
        publisher="某某市人民政府",
        author="王小明",
    )
    assert (got.title, got.published, got.publisher) == (TITLE, "2023-12-05", "市交通局")
    assert got.authors == ("王小明",)  # the text named no author: the markup may


def test_a_markup_title_loses_its_site_name_suffix() -> None:
    got = article(BODY, title="關於做好冬季道路交通安全工作的通知_某某市人民政府")
    assert got.title == "关于做好冬季道路交通安全工作的通知"


HEADLINE = "踔厉奋发谱新篇——省人防指挥信息保障中心荣获省直“五一劳动奖状”侧记"


def test_a_headline_the_markup_declares_is_never_cut() -> None:
    assert article(BODY, headline=HEADLINE, title=f"{HEADLINE}_河南机关党建网").title == HEADLINE
    assert (
        article(BODY, headline="郑州至济南高铁—濮阳段今日开通").title
        == "郑州至济南高铁—濮阳段今日开通"
    )


@pytest.mark.parametrize(
    ("page_title", "publisher", "title"),
    [
        (f"{HEADLINE}_河南机关党建网", None, HEADLINE),  # `——` is the headline's own
        (HEADLINE, None, HEADLINE),
        ("郑州至济南高铁—濮阳段今日开通", None, "郑州至济南高铁—濮阳段今日开通"),
        ("河南省卫健委 | 2022年全省卫生健康工作会议召开", None, "2022年全省卫生健康工作会议召开"),
        (f"大河网 - {TITLE}", "大河网", TITLE),  # the site's name before the headline
        (f"{TITLE}_工作动态_某某市人民政府", None, TITLE),
        ("2021-2022学年第一学期校历安排的通知", None, "2021-2022学年第一学期校历安排的通知"),
        ("中国—东盟博览会在南宁开幕", None, "中国—东盟博览会在南宁开幕"),  # a place, joined
        ("郑州-开封城际铁路今日开通", None, "郑州-开封城际铁路今日开通"),
        ("第20届中国—东盟博览会在南宁开幕_新华网", None, "第20届中国—东盟博览会在南宁开幕"),
        (f"{TITLE}-通知公告-某某市人民政府", None, TITLE),  # a section, joined as well
        (f"新华时评 | {TITLE}", None, TITLE),
    ],
)
def test_a_page_title_loses_only_the_site_name_on_either_side(
    page_title: str, publisher: str | None, title: str
) -> None:
    markup = {"title": page_title} | ({"publisher": publisher} if publisher else {})
    assert article(BODY, **markup).title == title


def test_a_title_from_the_markup_loses_its_pinyin_as_the_text_does() -> None:
    assert (
        article(BODY, title="疫情就是戰(zhàn)場——河南人防在行動").title
        == "疫情就是战场——河南人防在行动"
    )


def test_the_one_h1_is_the_headline_and_is_never_cut() -> None:
    html = (
        "<html><head><title>河南机关党建网</title></head>"
        f"<body><h1>{HEADLINE}</h1>"
        f"<p>{BODY}</p></body></html>"
    )
    got = html_article(html)
    assert got.title == HEADLINE


@pytest.mark.parametrize("site_title", ["新闻中心--人民网", "河南人防", "首页 > 新闻中心"])
def test_a_site_or_section_name_is_no_title(site_title: str) -> None:
    assert article(BODY, title=site_title).title is None


def test_a_markup_date_the_text_shows_only_as_chrome_is_refused() -> None:
    text = f"2024-07-08 15:44:44\n{TITLE}\n来源：市交通局\n{BODY}"
    assert article(text, published="2024-07-08").published is None
    assert article(text, published="2022-09-16").published == "2022-09-16"


# The same metadata in Traditional script, with the variants sites' converters write
# (發布 and 發佈, 送簽 and 送籤); read as they stand when the script step is skipped.
TRADITIONAL_TITLE = "市交通局召開冬季道路安全工作部署會"


def test_labels_are_read_in_traditional_script_with_the_script_step_skipped() -> None:
    body = "\n".join(
        [
            "會議指出，進入冬季以來，雨雪冰凍天氣增多，道路通行條件複雜，"
            "各單位要充分認識做好冬季道路交通安全工作的重要性和緊迫性。",
            "會議要求，要嚴格落實安全生產責任制，加強隱患排查治理，確保全市道路交通安全形勢持續穩定。",
        ]
    )
    text = (
        f"{TRADITIONAL_TITLE}\n來源：市交通局 發佈時間：2023-12-05 09:30 瀏覽次數：\n{body}\n"
        "（執筆：劉方軍、彭雲 責任編輯：賈澤娟 送簽：張成付 簽發：鐘鳴）"
    )
    got = normalise(
        Extracted(text=text, is_html=False), url=None, charset="utf-8", skip=frozenset({"script"})
    )
    assert (got.title, got.published, got.publisher) == (
        TRADITIONAL_TITLE,
        "2023-12-05T09:30",
        "市交通局",
    )
    assert got.authors == ("劉方軍", "彭雲")
    assert got.editors == ("賈澤娟", "張成付", "鐘鳴")
    assert got.text == body


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [
        ("發布時間：", "发布时间："),
        ("發佈日期：", "发布日期："),
        ("稿件來源：", "稿件来源："),
        ("責任編輯：", "责任编辑："),
        ("送籤：", "送签："),
        ("閲讀次數：", "阅读次数："),
        ("通訊員：", "通讯员："),
    ],
)
def test_a_traditional_label_is_the_label_its_simplified_form_is(
    traditional: str, simplified: str
) -> None:
    [got], [want] = labelled(traditional + "王五"), labelled(simplified + "王五")
    assert (got.label, got.word, got.value) == (want.label, traditional[:-1], "王五")


def test_skipping_the_script_step_keeps_the_metadata_of_a_traditional_page() -> None:
    body = (ROOT / "samples/pages/qizhi-2021-10-21-jgdj.html").read_bytes()

    def extract(skip: frozenset[str]) -> Article:
        return page_article(
            body,
            media_type="text/html",
            declared_charset=None,
            url=None,
            options=ExtractOptions(),
            skip_steps=skip,
        )

    converted, kept = extract(frozenset()), extract(frozenset({"script"}))
    assert "越是緊要關頭" in kept.text and "越是紧要关头" in converted.text
    assert kept.source_script == converted.source_script == "hant"
    assert kept.published == converted.published == "2021-10-21T16:45"
    assert (kept.publisher, converted.publisher) == ("旗幟網", "旗帜网")
    for field in ("title", "authors", "editors"):
        kept_value, converted_value = getattr(kept, field), getattr(converted, field)
        assert kept_value and converted_value, field
        assert to_simplified(str(kept_value)) == str(converted_value), field


def test_date_helpers_reject_impossible_dates() -> None:
    assert find_date("2022-13-01") is None
    assert date_only("2022-07-20 ") == "2022-07-20"
    assert date_only("2022-07-20来源:网") is None


# Pages that exercise every branch of the markup reading: bylines in classes, ids and
# itemprops, an <author> element, dates in markup and URL, site names in og tags or not.
INFERENCE_PAGES = [
    "<html><head><title>市交通局召开部署会_新闻中心</title></head><body>"
    '<div class="author">记者 王小明</div><p>{body}</p></body></html>',
    '<html><head><title>部署会</title><meta property="og:site_name" content="@gov"></head>'
    '<body><span itemprop="author">李小华</span><time datetime="2022-07-05">7月5日</time>'
    "<h1>市交通局召开部署会</h1><p>{body}</p></body></html>",
    '<html><head><title>部署会 | 人民网</title></head><body><p class="byline">By Zhang San</p>'
    '<div id="zuozhe">赵六</div><p>{body}</p><div class="footer">2021-10-21</div></body></html>',
    "<html><head></head><body><author>周小七 记者</author><h2>小标题</h2><p>{body}</p></body></html>",
    "<html><head><title>无署名</title></head><body><h1>标题一</h1><h1>标题二</h1>"
    "<p>{body}</p><p>发布时间：2022-09-16</p></body></html>",
]


@pytest.mark.parametrize("template", INFERENCE_PAGES)
@pytest.mark.parametrize(
    "url", [None, "https://www.gov.cn/xinwen/2022-07/05/content_1.htm"], ids=["no-url", "url"]
)
def test_markup_inference_matches_trafilaturas_own_reading(template: str, url: str | None) -> None:
    """Asking for some fields gives what trafilatura's full extract_metadata gives for them."""
    from trafilatura.metadata import extract_metadata
    from trafilatura.utils import load_html

    from tasks.extract import INFERABLE, _clean, inferred_metadata

    html = template.format(body=BODY)
    full = extract_metadata(
        load_html(html), url, {"extensive_search": False, "original_date": True}
    )
    expected = {
        "title": _clean(full.title),
        "published": _clean(full.date),
        "author": _clean(full.author),
        "publisher": _clean(full.sitename),
    }
    assert any(expected.values())
    for wanted in [INFERABLE, *(frozenset({name}) for name in INFERABLE)]:
        got = inferred_metadata(load_html(html), html, url, BODY, wanted)
        for name, value in expected.items():
            # a title that is the headline (the one <h1>) comes apart from the page's <title>
            found = (got.headline or got.title) if name == "title" else getattr(got, name)
            assert found == (value if name in wanted else None), (name, wanted)


@pytest.mark.parametrize(
    ("line", "published", "publisher", "authors"),
    [
        ("2023年10月12日 14:20 新华网", "2023-10-12T14:20", "新华网", []),
        ("2023-10-12 10:30 | 新华网", "2023-10-12T10:30", "新华网", []),
        ("2023-10-12 14:20 中央社", "2023-10-12T14:20", "中央社", []),
        ("2023年10月12日 14:32 新京报", "2023-10-12T14:32", "新京报", []),
        (
            "2023-10-03 08:45 聯合報／ 記者陳宏睿／台北即時報導",
            "2023-10-03T08:45",
            "联合报",
            ["陈宏睿"],
        ),
        ("2023/10/12 10:30（10/12 14:05 更新）", "2023-10-12T10:30", None, []),
        ("2023年10月12日 星期四", "2023-10-12", None, []),
        ("2023年10月12日 星期四 06:00", "2023-10-12T06:00", None, []),
        # a writer's description after the date is no source's name
        ("2023-10-12 20:15·优质科技领域创作者", "2023-10-12T20:15", None, []),
        ("发布于 2023-10-12 10:30", "2023-10-12T10:30", None, []),
        ("更新于：2023-10-12 10:30", "2023-10-12T10:30", None, []),
        ("原创 豫农君 河南农业农村 2023-10-12 07:30 发表于河南", "2023-10-12T07:30", None, []),
    ],
)
def test_a_date_line_under_the_headline_gives_the_date_and_the_source_named_after_it(
    line: str, published: str, publisher: str | None, authors: list[str]
) -> None:
    got = article(f"{TITLE}\n{line}\n{BODY}")
    assert (got.title, got.published, got.publisher, list(got.authors)) == (
        TITLE,
        published,
        publisher,
        authors,
    )
    assert got.text == BODY


@pytest.mark.parametrize(
    "line",
    ["發布日期：112-10-12", "發布日期：中華民國112年10月12日", "发布日期：民国112年10月12日"],
)
def test_a_date_in_the_roc_year_count_is_read(line: str) -> None:
    assert article(f"{TITLE}\n{line}\n{BODY}").published == "2023-10-12"


def test_three_numbers_without_a_date_label_are_no_roc_date() -> None:
    assert find_date("112-10-12") is None


def test_a_weekday_between_the_date_and_the_time_keeps_the_time() -> None:
    got = article(f"{TITLE}\n发布时间：2023年10月12日 星期四 10:30\n{BODY}")
    assert got.published == "2023-10-12T10:30"


def test_a_chrome_line_between_a_dated_source_line_and_the_body_is_no_headline() -> None:
    for noise in (
        "收录于合集 #乡村振兴 56个",
        "新浪财经APP  缩小字体 放大字体 收藏 微博 微信 分享",
    ):
        got = article(f"{TITLE}\n2023年10月12日 14:32 新京报\n{noise}\n{BODY}")
        assert (got.title, got.published, got.text) == (TITLE, "2023-10-12T14:32", BODY)


def test_a_relative_date_after_the_source_is_not_part_of_the_publisher() -> None:
    got = article(f"{TITLE}\n{BODY}\n来源：幸福路社区　2天前")
    assert (got.publisher, got.published) == ("幸福路社区", None)


def test_a_declared_source_keeps_no_label_of_its_own() -> None:
    got = article(f"{TITLE}\n{BODY}", publisher="来源：人民网－人民日报")
    assert got.publisher == "人民网－人民日报"


DISCLOSURE_BLOCK = (
    "首页 > 政策 > 国务院文件 > 综合政务\n"
    "索 引 号：000014349/2023-00058\n"
    "发文机关：市交通局\n"
    "成文日期：2023年09月28日\n"
    f"标　　题：{TITLE}\n"
    "发文字号：某交〔2023〕32号\n"
    "发布日期：2023年10月12日\n"
)


def test_a_disclosure_block_in_a_text_gives_title_date_and_publisher() -> None:
    got = article(f"{DISCLOSURE_BLOCK}{TITLE}\n某交〔2023〕32号\n{BODY}")
    # 发布日期 is when it was published; 成文日期, when it was written, comes second
    assert (got.title, got.published, got.publisher) == (TITLE, "2023-10-12", "市交通局")
    assert got.text == BODY


def test_a_disclosure_block_titles_a_page_that_does_not_repeat_its_headline() -> None:
    got = article(f"{DISCLOSURE_BLOCK}{BODY}")
    assert (got.title, got.published, got.text) == (TITLE, "2023-10-12", BODY)


def test_an_html_info_line_the_extraction_dropped_gives_what_the_txt_gives() -> None:
    info = (
        "作者：校团委 &nbsp; 审核：王建军 &nbsp; 发布时间：2023年10月12日 16:08 &nbsp; 来源：大河报"
    )
    body = "\n".join([BODY, *(f"{p}第{n}条。" for n in (1, 2) for p in BODY.split("\n"))])
    paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n"))
    html = (
        f"<html><head><title>{TITLE}-某某大学新闻网</title></head><body>"
        '<div class="top"><a>某某大学</a> <a>新闻网首页</a> <a>综合新闻</a></div>'
        '<div class="pos">当前位置: <a>首页</a> &gt; <a>综合新闻</a> &gt; 正文</div>'
        f'<div class="article"><h2>{TITLE}</h2>'
        f'<div class="info">{info} &nbsp; 浏览次数：<span id="hits">2456</span></div>'
        f'<div class="content">{paragraphs}</div></div></body></html>'
    )
    got = html_article(html)
    as_text = article(f"{TITLE}\n{info.replace('&nbsp;', ' ')}\n{body}")
    fields = ("title", "published", "publisher", "authors", "editors", "text")
    assert [getattr(got, f) for f in fields] == [getattr(as_text, f) for f in fields]
    assert (got.published, got.publisher, got.authors) == (
        "2023-10-12T16:08",
        "大河报",
        ("校团委",),
    )


def test_the_texts_day_takes_the_time_the_markup_declares_for_that_day() -> None:
    got = article(
        f"{TITLE}\n发布时间：2022-07-20 来源：河南机关党建网\n{BODY}", published="2022-07-20 09:30"
    )
    assert got.published == "2022-07-20T09:30"
    other_day = article(f"{TITLE}\n发布时间：2022-07-20\n{BODY}", published="2022-07-21 09:30")
    assert other_day.published == "2022-07-20"


def test_the_date_a_document_was_written_yields_to_its_publication_date() -> None:
    # An info line may name the date written first: 成文日期 is no publication date while
    # 发布日期 is stated, anywhere on the page.
    info = (
        "发文机关：国务院办公厅 成文日期：2023年09月28日",
        "发文字号：国办发〔2023〕32号 发布日期：2023年10月12日",
    )
    got = article(f"{TITLE}\n{BODY}", title=TITLE, info=info)
    assert got.published == "2023-10-12"
    assert article(f"{TITLE}\n{BODY}", title=TITLE, info=info[:1]).published == "2023-09-28"


def test_a_disclosure_blocks_date_written_yields_to_a_publication_date_stated_elsewhere() -> None:
    block = (
        "索引号：000014349/2023-00012\n发文机关：国务院办公厅\n成文日期：2023年09月28日\n标题："
        + TITLE
    )
    info = ("发布时间：2023年10月12日 09:30",)
    assert article(f"{block}\n{BODY}", title=TITLE, info=info).published == "2023-10-12T09:30"
    assert article(f"{block}\n{BODY}").published == "2023-09-28"  # nothing else dates it


@pytest.mark.parametrize(
    ("headline", "clean"),
    [
        (
            "【国家统计局：9月CPI同比持平 PPI同比下降2.5%】",
            "国家统计局：9月CPI同比持平 PPI同比下降2.5%",
        ),
        ("【新闻稿】教育局公布新学年中小学教师编制安排", "教育局公布新学年中小学教师编制安排"),
        (
            "🔥重磅！重庆这些地方免费开放，就在这个周末👇",
            "重磅！重庆这些地方免费开放，就在这个周末",
        ),
        ("《【新闻稿】》不是栏目", "《【新闻稿】》不是栏目"),
    ],
)
def test_a_headlines_decoration_is_not_its_words(headline: str, clean: str) -> None:
    assert article(f"{headline}\n{BODY}").title == clean
    assert article(BODY, title=headline).title == clean


def test_a_traditional_pages_markup_title_quotes_as_its_text_does() -> None:
    title = "公告修正「臺北市公共運輸處自行車租賃服務收費標準」"
    body = (
        "主旨：公告修正「臺北市公共運輸處自行車租賃服務收費標準」，並自中華民國112年11月1日生效。"
    )
    got = article(body, title=title)
    assert got.title == "公告修正“台北市公共运输处自行车租赁服务收费标准”"
    assert got.text.startswith("主旨：公告修正“台北市")


def credits_page(after: str) -> str:
    """A news page whose article is followed by `after`, as trafilatura leaves it out."""
    paragraphs = "".join(f"<p>{p}</p>" for p in BODY.split("\n"))
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{TITLE}_新华网</title>
</head><body><div class="nav"><a href="/">首页</a> <a href="/sz">时政</a></div>
<h1>{TITLE}</h1><div id="detail">{paragraphs}</div>{after}
<div class="foot">版权所有 新华网 京ICP备12345678号</div></body></html>"""


def test_credits_under_the_article_that_extraction_drops_are_read() -> None:
    after = '<div class="p-jc">【纠错】</div><div class="editor">【责任编辑：王萍】</div>'
    got = html_article(credits_page(after))
    assert got.editors == ("王萍",) and "王萍" not in got.text


def test_credits_in_comments_or_related_stories_under_the_article_are_not_its_own() -> None:
    after = """<div class="comments"><h3>网友评论</h3>
<div class="c"><span>作者：李明</span> 说得好，支持！</div></div>
<div class="related"><h3>相关新闻</h3><ul><li>编辑：赵敏 市交通局部署春运工作</li></ul></div>"""
    got = html_article(credits_page(after))
    assert got.authors == () and got.editors == ()


def test_an_unlabelled_date_line_under_the_headline_that_extraction_drops_is_read() -> None:
    # Extraction keeps the headline and drops the box under it: its date and time are read.
    page = credits_page("").replace(
        f"<h1>{TITLE}</h1>",
        f'<h1>{TITLE}</h1><div class="meta">新闻局 &nbsp; 2023-10-12 17:45</div>',
    )
    assert html_article(page).published == "2023-10-12T17:45"
    clock = credits_page("").replace("<h1>", '<div class="clock">2023-10-20 08:00</div><h1>')
    assert html_article(clock).published != "2023-10-20T08:00"  # a page's clock, not a date line
    # A site's logo in an `<h1>` over the clock is no headline either.
    logo = (
        credits_page("")
        .replace(
            "<h1>",
            '<h1 class="logo"><a href="/">新华网</a></h1><div class="clock">2023-10-20 08:00</div><h2>',
        )
        .replace(f"{TITLE}</h1>", f"{TITLE}</h2>")
    )
    assert html_article(logo).published != "2023-10-20T08:00"


def test_a_sources_name_alone_under_the_date_line_is_the_publisher() -> None:
    got = article(f"{TITLE}\n2023年10月20日 09:15\n财联社\n{BODY}")
    assert got.publisher == "财联社" and got.published == "2023-10-20T09:15"
    assert "财联社" not in got.text
