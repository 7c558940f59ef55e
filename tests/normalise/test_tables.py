"""Tables in HTML pages: data tables stay in the text, layout and navigation tables do not,
and an information-disclosure table gives the page's metadata.

The pages are cut down from the shapes Chinese statistics bureaus' and governments' sites
use: a bulletin with a table between its paragraphs, a 政府信息公开 page opening with its
label/value table, an old GBK site that lays the whole page out in tables.
"""

from __future__ import annotations

from lxml import etree
from trafilatura.utils import load_html

from tasks.extract import ExtractOptions
from tasks.process import page_article
from tasks.records import Article
from tasks.tables import prepare_tables, restore

LEDE = (
    "　　根据有关基础资料和国民经济核算方法，经初步核算，2023年全年国内生产总值1260582亿元，"
    "按不变价格计算，比上年增长5.2%。分季度看，一季度同比增长4.5%，二季度增长6.3%，三季度增长4.9%，"
    "四季度增长5.2%。"
)
CLOSING = (
    "　　从环比看，四季度国内生产总值增长1.0%。从产业看，第一产业增加值89755亿元，比上年增长4.1%；"
    "第二产业增加值482589亿元，增长4.7%；第三产业增加值688238亿元，增长5.8%。"
)
GDP_TABLE = """<table border="1" cellspacing="0">
<caption>表1 2023年各季度国内生产总值</caption>
<tr><th>季度</th><th>增速（%）</th><th>总量（亿元）</th></tr>
<tr><td>一季度</td><td>4.5</td><td>284997</td></tr>
<tr><td>二季度</td><td>6.3</td><td>308038</td></tr>
<tr><td>三季度</td><td>4.9</td><td>319660</td></tr>
<tr><td>四季度</td><td>5.2</td><td>347887</td></tr>
</table>"""
GDP_ROWS = [
    "表1 2023年各季度国内生产总值",
    "季度 | 增速（%） | 总量（亿元）",
    "一季度 | 4.5 | 284997",
    "二季度 | 6.3 | 308038",
    "三季度 | 4.9 | 319660",
    "四季度 | 5.2 | 347887",
]
NAVIGATION_TABLE = """<table class="nav">
<tr><td><a href="/gb">统计公报</a></td><td><a href="/nj">统计年鉴</a></td></tr>
<tr><td><a href="/jd">数据解读</a></td><td><a href="/zs">统计知识</a></td></tr>
</table>"""


def bulletin(content: str) -> str:
    """A statistics bureau's release: breadcrumb, headline, info line, `content`, footer."""
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>2023年各季度国内生产总值初步核算结果_统计数据_某某省统计局</title></head><body>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/tjsj">统计数据</a> &gt; 数据发布</div>
<div class="article"><h1>2023年各季度国内生产总值初步核算结果</h1>
<div class="info">发布时间：2024-01-17 来源：某某省统计局</div>
<div class="content">{content}</div></div>
{NAVIGATION_TABLE}
<div class="foot">版权所有：某某省统计局 豫ICP备05012345号</div>
</body></html>"""


def article(html: str, codec: str = "utf-8") -> Article:
    return page_article(
        html.encode(codec),
        media_type="text/html",
        declared_charset=None,
        url=None,
        options=ExtractOptions(),
    )


def test_a_data_table_in_an_article_keeps_its_rows_in_order() -> None:
    page = bulletin(f"<p>{LEDE}</p>{GDP_TABLE}<p>{CLOSING}</p>")
    lines = article(page).text.split("\n")
    assert lines[1:7] == GDP_ROWS  # under the lede, caption first, header row included
    assert lines[0].startswith("根据有关基础资料") and lines[7].startswith("从环比看")


def test_a_data_table_closing_the_article_is_kept() -> None:
    # Short rows of digits after the last paragraph: no chrome, however short.
    page = bulletin(f"<p>{LEDE}</p><p>{CLOSING}</p>{GDP_TABLE}")
    assert article(page).text.split("\n")[-6:] == GDP_ROWS


def test_a_data_table_opening_the_article_is_kept_and_its_caption_is_no_title() -> None:
    result = article(bulletin(f"{GDP_TABLE}<p>{LEDE}</p><p>{CLOSING}</p>"))
    assert result.text.split("\n")[:6] == GDP_ROWS
    assert result.title == "2023年各季度国内生产总值初步核算结果"


def test_a_table_after_the_closing_credits_is_the_page_footer() -> None:
    contact = """<table>
<tr><td>联系地址</td><td>郑州市金水路1号</td></tr>
<tr><td>联系电话</td><td>0371-12345678</td></tr>
<tr><td>邮政编码</td><td>450003</td></tr>
</table>"""
    result = article(bulletin(f"<p>{LEDE}</p><p>{CLOSING}</p><p>责任编辑：张三</p>{contact}"))
    assert result.text.split("\n")[-1].startswith("从环比看")
    assert result.editors == ("张三",)


def test_a_navigation_table_of_links_is_not_kept() -> None:
    # Inside the article's own <div>, where trafilatura would keep it as paragraphs.
    text = article(bulletin(f"<p>{LEDE}</p>{GDP_TABLE}<p>{CLOSING}</p>{NAVIGATION_TABLE}")).text
    for link in ("统计公报", "统计年鉴", "数据解读", "统计知识"):
        assert link not in text


# An old GBK site: the page laid out in tables of one cell per row, navigation and footer
# in tables of their own (cut down from a 2022 page of a provincial party-building site).
LAYOUT_PAGE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>踔厉奋发谱新篇——省人防指挥信息保障中心荣获省直“五一劳动奖状”侧记</title></head><body>
<table width="980"><tr><td>您现在的位置：<a href="/">首页</a> &gt;&gt; 工作动态</td></tr></table>
<table width="980"><tr><td align="center"><font size="5"><b>踔厉奋发谱新篇——省人防指挥信息保障中心荣获省直“五一劳动奖状”侧记</b></font></td></tr>
<tr><td align="center">2022-07-20来源:河南机关党建网&nbsp;&nbsp;点击数：<span id="hits">328</span></td></tr>
<tr><td><p>  2022年新年第一天,省人防办党组向全省人防系统发出“人防四问”:一是我们履行职责过程中能为人民群众带来点什么?二是我们的工作能为经济社会发展贡献点什么?面对新时代人防工作的政治之问、为民之问,省人防指挥信息保障中心紧紧围绕构建“二四二”人防工作新格局,扎实推进自身建设举措落实,各项建设再攀新高。</p><p>党建引领强阵地</p><p>  省人防指挥信息保障中心党支部高度重视党建工作,始终把党建引领作为抓好各项工作的推动力,注重加强阵地建设,强化思想引领。今年以来,党史学习教育常态化专题学习7次,支部书记上党课5次,创建党建学习读书室和工作微信群。</p></td></tr></table>
<table width="980"><tr><td><p>防汛防疫当先锋</p><p>  2020年以来新冠肺炎疫情、“7.20”汛情相继肆虐郑州,防汛防疫刻不容缓,省人防指挥信息保障中心党支部积极响应省人防办党组号召,组织78人次人防志愿者主动出击,战斗一线,8天8夜120多小时的应急发电、抽水排涝、清淤清扫一气呵成。</p></td></tr>
<tr><td align="right">【<a href="#">打印本页</a>】【<a href="#">关闭窗口</a>】</td></tr></table>
<table><tr><td>版权所有：中共河南省委直属机关工作委员会 技术支持：大河网</td></tr></table></body></html>"""


def test_a_page_laid_out_in_tables_still_gives_its_body_without_chrome() -> None:
    result = article(LAYOUT_PAGE, codec="gbk")
    lines = result.text.split("\n")
    assert lines[0].startswith("2022年新年第一天，省人防办党组")
    assert lines[1:3] == ["党建引领强阵地", lines[2]] and lines[2].startswith("省人防指挥信息")
    assert lines[3] == "防汛防疫当先锋" and lines[4].startswith("2020年以来新冠肺炎疫情")
    assert len(lines) == 5
    for chrome in ("您现在的位置", "首页", "打印本页", "关闭窗口", "版权所有", "|"):
        assert chrome not in result.text
    assert result.published == "2022-07-20"


# A 政府信息公开 page's metadata table: labels in <th>, padded to one width, values in <td>.
DISCLOSURE_TABLE = """<table class="xxgk-table">
<tr><th>索引号：</th><td>11410100005252184T/2023-00123</td><th>主题分类：</th><td>城乡建设、环境保护</td></tr>
<tr><th>发布机构：</th><td>某某市人民政府办公室</td><th>成文日期：</th><td>2023年03月15日</td></tr>
<tr><th>标　　题：</th><td colspan="3">某某市人民政府办公室关于印发某某市2023年大气污染防治攻坚方案的通知</td></tr>
<tr><th>文　　号：</th><td>某政办〔2023〕12号</td><th>发布日期：</th><td>2023年03月17日</td></tr>
<tr><th>有 效 性：</th><td colspan="3">有效</td></tr>
</table>"""


def disclosure_page(table: str = DISCLOSURE_TABLE) -> str:
    """A 政府信息公开 page: the metadata `table` first, then the notice; its <title> names
    only the section and the site."""
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>政府信息公开_某某市人民政府</title></head><body>
<div class="top"><a href="/">首页</a> | <a href="/zwgk">政务公开</a> | <a href="/hd">互动交流</a></div>
<div class="crumb">当前位置：首页 &gt; 政府信息公开 &gt; 政府文件</div>
<div class="xxgk">{table}</div>
<div class="article">
<p>各县（市、区）人民政府，市人民政府各部门：</p>
<p>　　《某某市2023年大气污染防治攻坚方案》已经市政府同意，现印发给你们，请结合实际，认真贯彻落实。各地各部门要进一步提高思想认识，压实工作责任，确保各项任务落到实处。</p>
<p>　　一、总体要求。坚持以习近平新时代中国特色社会主义思想为指导，以改善空气质量为核心，以减污降碳协同增效为主线，突出精准治污、科学治污、依法治污。</p>
<p style="text-align:right">某某市人民政府办公室</p>
<p style="text-align:right">2023年3月15日</p>
</div>
<div class="foot">版权所有：某某市人民政府 网站标识码：4101000001</div>
</body></html>"""


def test_an_information_disclosure_table_gives_title_date_and_publisher() -> None:
    result = article(disclosure_page())
    assert result.title == "某某市人民政府办公室关于印发某某市2023年大气污染防治攻坚方案的通知"
    assert result.published == "2023-03-17"  # the publication date, not the date written
    assert result.publisher == "某某市人民政府办公室"


def test_an_information_disclosure_table_is_not_text() -> None:
    text = article(disclosure_page()).text
    assert text.startswith("各县（市、区）人民政府")
    for cell in ("索引号", "11410100005252184T", "主题分类", "某政办〔2023〕12号", "有效性", "|"):
        assert cell not in text


def test_labels_and_values_in_one_cell_make_a_disclosure_table_too() -> None:
    table = """<table>
<tr><td>索引号：000014349/2023-00012</td><td>主题分类：国民经济管理</td></tr>
<tr><td>发文机关：国务院办公厅</td><td>成文日期：2023年01月05日</td></tr>
<tr><td colspan="2">标题：国务院办公厅关于进一步优化营商环境的通知</td></tr>
</table>"""
    result = article(disclosure_page(table))
    assert result.title == "国务院办公厅关于进一步优化营商环境的通知"
    assert result.published == "2023-01-05"  # no publication date: the date written
    assert result.publisher == "国务院办公厅"
    assert "000014349" not in result.text


def test_a_list_of_documents_headed_by_labels_is_data_not_metadata() -> None:
    table = """<table>
<tr><th>名称</th><th>文号</th><th>发布日期</th></tr>
<tr><td>关于做好2023年春耕生产工作的通知</td><td>某农〔2023〕3号</td><td>2023-02-10</td></tr>
<tr><td>关于加强农田水利建设的意见</td><td>某农〔2023〕5号</td><td>2023-02-21</td></tr>
</table>"""
    text = article(bulletin(f"<p>{LEDE}</p>{table}<p>{CLOSING}</p>")).text
    assert "名称 | 文号 | 发布日期" in text
    assert "关于加强农田水利建设的意见 | 某农〔2023〕5号 | 2023-02-21" in text


def test_extraction_puts_the_page_back_as_it_was_parsed() -> None:
    # Declared and inferred metadata read the tree after extraction: it must be whole.
    tree = load_html(bulletin(f"{DISCLOSURE_TABLE}<p>{LEDE}</p>{GDP_TABLE}<p>{CLOSING}</p>"))
    before = etree.tostring(tree, encoding="unicode")
    disclosure, swaps = prepare_tables(tree)
    assert disclosure is not None and len(swaps) == 2
    assert etree.tostring(tree, encoding="unicode") != before
    restore(swaps)
    assert etree.tostring(tree, encoding="unicode") == before


def test_empty_cells_keep_their_place_in_a_row() -> None:
    # An empty corner over the row labels, an empty last cell: columns still line up.
    table = """<table>
<tr><th></th><th>2023年</th></tr>
<tr><td>一季度</td><td>4.5</td></tr>
<tr><td>二季度</td><td></td></tr>
</table>"""
    lines = article(bulletin(f"<p>{LEDE}</p><p>{CLOSING}</p>{table}")).text.split("\n")
    assert lines[-3:] == ["| 2023年", "一季度 | 4.5", "二季度 |"]


def test_a_disclosure_tables_date_written_yields_to_the_date_the_markup_declares() -> None:
    # 成文日期 is when the document was signed; <meta name="PubDate"> says when it was published.
    table = DISCLOSURE_TABLE.replace("发布日期：", "文件编号：")
    page = disclosure_page(table).replace(
        "<title>", '<meta name="PubDate" content="2023-03-20 10:05"><title>'
    )
    assert article(page).published == "2023-03-20T10:05"
    assert article(disclosure_page(table)).published == "2023-03-15"  # nothing else dates it


def test_a_traditional_disclosure_table_gives_its_publisher_and_date() -> None:
    table = """<table class="info">
<tr><td>標　　題：</td><td>臺北市公共運輸處自行車租賃服務收費標準修正公告</td></tr>
<tr><td>發布單位：</td><td>臺北市政府交通局</td></tr>
<tr><td>發布日期：</td><td>112-10-12</td></tr>
<tr><td>發文字號：</td><td>北市交規字第1123045678號</td></tr>
</table>"""
    result = article(disclosure_page(table))
    assert result.title == "台北市公共运输处自行车租赁服务收费标准修正公告"
    assert result.publisher == "台北市政府交通局" and result.published == "2023-10-12"
    assert "1123045678" not in result.text and "标题" not in result.text
