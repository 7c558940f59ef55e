"""Lists inside an article, and bodies a script delivers.

The pages are cut down from a 中国政府网 news page (its frame named `pages_content`, which
trafilatura does not know), a city's work report, a news app's page whose body is only in
its JSON-LD, and a page whose body a script writes into an empty `<div>`.
"""

from __future__ import annotations

import pytest

from tasks.extract import ExtractOptions, extract_html
from tasks.lists import prepare_lists
from tasks.process import page_article
from tasks.records import Article, Rejected
from tasks.tables import restore

LEDE = "新华社北京8月4日电 国务院总理李强8月4日主持召开国务院常务会议，研究部署进一步优化营商环境的政策措施。"
INTRO = "会议指出，优化营商环境是激发市场活力、增强发展内生动力的关键之举。会议确定了以下措施："
ITEMS = [
    "开展营商环境综合试点，推广一批经验做法；",
    "全面清理妨碍统一市场和公平竞争的政策；",
    "健全涉企收费长效监管机制；",
    "加强对民营企业的法治保障。",
]
QUOTE = (
    "要坚持问题导向，聚焦企业反映强烈的突出问题，拿出务实管用的硬招实招，切实增强经营主体获得感。"
)


def gov_page(frame: str, listing: str) -> str:
    """A government news page: its article in `frame`, a list and a blockquote in it."""
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>国务院常务会议：部署进一步优化营商环境的政策措施_新闻_中国政府网</title></head><body>
<div class="header"><a>中国政府网</a> <a>首页</a> <a>政府信息公开</a> <a>国务院</a> <a>新闻</a></div>
<ul class="nav"><li><a href="/a">要闻</a></li><li><a href="/b">政策</a></li></ul>
<div class="pages-title">国务院常务会议：部署进一步优化营商环境的政策措施</div>
<div class="pages-date">2023-08-04 19:52 来源：新华社</div>
<div {frame}>
<p>{LEDE}</p>
<p>{INTRO}</p>
{listing}
<p>会议强调：</p>
<blockquote><p>{QUOTE}</p></blockquote>
<p>会议还研究了其他事项。</p>
</div>
<div class="editor">【我要打印】【关闭窗口】</div>
</body></html>"""


def article(page: str) -> Article:
    return page_article(
        page.encode(),
        media_type="text/html",
        declared_charset=None,
        skip_steps=frozenset(),
        url=None,
        options=ExtractOptions(),
    )


def unordered(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


@pytest.mark.parametrize("frame", ['class="pages_content" id="UCAP-CONTENT"', 'class="content"'])
def test_a_list_in_the_article_keeps_its_items_whatever_the_frame_is_called(frame: str) -> None:
    lines = article(gov_page(frame, unordered(ITEMS))).text.split("\n")
    assert lines == [LEDE, INTRO, *ITEMS, "会议强调：", QUOTE, "会议还研究了其他事项。"]


def test_an_ordered_lists_items_keep_the_numbers_the_page_shows() -> None:
    listing = '<ol start="3">' + "".join(f"<li>{item}</li>" for item in ITEMS[:2]) + "</ol>"
    listing += '<ol type="a"><li>RCEP市场；</li><li value="5">共建“一带一路”市场。</li></ol>'
    lines = article(gov_page('class="pages_content"', listing)).text.split("\n")
    assert lines[2:6] == [
        f"3.{ITEMS[0]}",
        f"4.{ITEMS[1]}",
        "a. RCEP市场；",
        "e.共建“一带一路”市场。",
    ]


def test_items_that_number_themselves_get_no_second_number() -> None:
    # Government pages write the number in the item and hide the list's marker.
    listing = '<ol style="list-style: none">' + "".join(
        f"<li>{n}{item}</li>" for n, item in zip("一二", ITEMS[:2], strict=True)
    )
    listing += "</ol><ol><li>（三）健全涉企收费长效监管机制；</li><li>第四条 加强法治保障。</li>"
    listing += "<li>1.5亿元专项资金。</li></ol>"
    lines = article(gov_page('class="pages_content"', listing)).text.split("\n")
    assert lines[2:7] == [
        f"一{ITEMS[0]}",
        f"二{ITEMS[1]}",
        "（三）健全涉企收费长效监管机制；",
        "第四条 加强法治保障。",
        "3. 1.5亿元专项资金。",  # a figure's point is no number of the item's own
    ]


@pytest.mark.parametrize(
    "loose",
    [
        "<ul>写在列表里的说明文字<li>{item}</li></ul>",
        "<ul><li>{item}</li>写在列表项后面的说明文字</ul>",
        "<ul><p>写在列表里的说明文字。</p><li>{item}</li></ul>",
    ],
)
@pytest.mark.parametrize("frame", ['class="content"', 'class="pages_content"'])
def test_a_list_holding_more_than_its_items_keeps_all_of_it_in_order(
    loose: str, frame: str
) -> None:
    # Whether trafilatura knows the article's frame or not: text in the list, after an
    # item or in a <p> of its own keeps its place beside the items.
    lines = article(gov_page(frame, loose.format(item=ITEMS[0]))).text.split("\n")
    said = next(i for i, line in enumerate(lines) if "说明文字" in line)
    item = lines.index(ITEMS[0])
    assert (said < item) == (loose.index("说明文字") < loose.index("{item}")), lines


def test_navigation_lists_stay_trafilaturas_and_the_tree_goes_back() -> None:
    from trafilatura.utils import load_html

    tree = load_html(gov_page('class="pages_content"', unordered(ITEMS)))
    before = [element.tag for element in tree.iter()]
    swaps = prepare_lists(tree)
    assert len(swaps) == 1  # the article's list, not the navigation's
    assert tree.find(".//ul[@class='nav']") is not None
    restore(swaps)
    assert [element.tag for element in tree.iter()] == before


JSON_LD_PARAGRAPHS = [
    "10月8日晚，杭州第19届亚洲运动会闭幕式在杭州奥体中心体育场举行。",
    "经过16天的激烈角逐，中国体育代表团共获得201枚金牌、111枚银牌、71枚铜牌，位列金牌榜和奖牌榜第一位。",
    "亚奥理事会代理主席辛格在致辞中表示，杭州亚运会是一届“无与伦比”的盛会。",
    "闭幕式上，亚运会会旗交接给下一届亚运会举办地日本爱知·名古屋。",
]


def test_a_body_only_in_json_ld_keeps_its_paragraphs() -> None:
    body = "\\n".join(JSON_LD_PARAGRAPHS)
    page = f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>杭州亚运会闭幕 - 澎湃新闻</title>
<script type="application/ld+json">
{{"@context":"https://schema.org","@type":"NewsArticle","headline":"杭州亚运会闭幕",
"articleBody":"{body}"}}
</script></head><body>
<div id="root"><div class="loading">加载中...</div></div>
<script src="/static/js/main.8f3a2c.js"></script>
</body></html>"""
    text = extract_html(page, None, ExtractOptions()).text
    assert text.split("\n") == JSON_LD_PARAGRAPHS


def news_page(head: str) -> str:
    """A news page whose `head` declares its metadata, its body in the markup."""
    paragraphs = "".join(f"<p>{p}</p>" for p in JSON_LD_PARAGRAPHS)
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>杭州亚运会闭幕</title>
{head}</head><body><div class="nav"><a href="/">首页</a></div>
<div class="article">{paragraphs}</div></body></html>"""


JSON_LD_NEWS = """<script type="application/ld+json">
[{"@type":"WebSite","name":"澎湃","url":"https://example.cn"},
 {"@type":"NewsArticle","headline":"杭州亚运会闭幕 中国代表团获201枚金牌",
  "datePublished":"2023-10-08T22:41:00+08:00",
  "author":[{"@type":"Person","name":"王亚赛"},{"@type":"Person","name":"李晓"}],
  "publisher":{"@type":"Organization","name":"澎湃新闻"}}]
</script>"""


def test_json_ld_declares_headline_time_writers_and_publisher() -> None:
    got = article(news_page(JSON_LD_NEWS))
    assert got.title == "杭州亚运会闭幕 中国代表团获201枚金牌"
    assert got.published == "2023-10-08T22:41:00"  # the time as written, its zone aside
    assert got.authors == ("王亚赛", "李晓") and got.publisher == "澎湃新闻"


def test_meta_tags_outrank_json_ld() -> None:
    meta = '<meta name="PubDate" content="2023-10-09 08:00"><meta name="source" content="新华网">'
    got = article(news_page(meta + JSON_LD_NEWS))
    assert got.published == "2023-10-09T08:00" and got.publisher == "新华网"


def test_a_page_whose_body_a_script_writes_is_rejected_not_kept_as_its_navigation() -> None:
    page = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>我市启动2023年秋冬季大气污染防治攻坚行动</title></head><body>
<div class="head"><a>首页</a> <a>环境新闻</a> <a>通知公告</a></div>
<h1 id="title"></h1><div id="content"></div>
<script type="text/javascript">
var content = "<p>10月11日，市生态环境局召开全市秋冬季大气污染防治攻坚行动部署会。</p>";
document.getElementById("content").innerHTML = content;
</script>
<div class="foot">版权所有：某某市生态环境局　技术支持：某某网络科技有限公司</div>
</body></html>"""
    with pytest.raises(Rejected) as rejected:
        article(page)
    assert (rejected.value.stage, rejected.value.reason) == ("normalise", "empty_text")


def test_a_short_text_or_flash_is_kept_and_a_few_column_names_are_rejected() -> None:
    def text_article(text: str) -> Article:
        return page_article(
            text.encode(),
            media_type="text/plain",
            declared_charset="utf-8",
            skip_steps=frozenset(),
            url=None,
            options=ExtractOptions(),
        )

    assert text_article("今天全市停水，请居民提前储水。\n").text == "今天全市停水，请居民提前储水。"
    assert text_article("美联储宣布加息25个基点\n").text == "美联储宣布加息25个基点"  # a flash
    with pytest.raises(Rejected):
        text_article("环境新闻\n通知公告\n")


def test_an_organisation_json_ld_names_as_author_is_no_writer() -> None:
    organisation = JSON_LD_NEWS.replace(
        '[{"@type":"Person","name":"王亚赛"},{"@type":"Person","name":"李晓"}]',
        '{"@type":"Organization","name":"新华网"}',
    )
    assert article(news_page(organisation)).authors == ()
