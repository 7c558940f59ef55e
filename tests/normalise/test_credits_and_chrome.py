"""Credits closing paragraphs, credit lines in other shapes, and chrome after or inside the article.

Pages modelled on news sites' own layouts: a province daily's credit in the last paragraph,
CNA's and Taiwan papers' datelines, comment sections, merged pages, captions, and the
People's Daily edition line.
"""

from __future__ import annotations

from tasks.normalise import normalise
from tasks.normalise.labels import wire_reporters
from tasks.normalise.whitespace import paragraphs
from tasks.records import Article, Extracted

TITLE = "我省新增3个国家级农业产业强镇"
SOURCE = "2023-10-12 来源：河南日报"
P1 = "近日，农业农村部、财政部公布2023年农业产业强镇名单，我省3个镇入选，入选数量居全国前列。"
P2 = (
    "据了解，农业产业强镇建设以镇域为单元，聚焦主导产业，推动一二三产业融合发展，"
    "每个镇将获得中央财政奖补资金1000万元。"
)
P3 = "截至目前，我省累计创建国家级农业产业强镇68个，数量居全国第一位。下一步，我省将持续推进产业融合发展。"


def article(*lines: str) -> Article:
    return normalise(Extracted(text="\n".join(lines), is_html=False), url=None, charset="utf-8")


def test_a_paragraph_closed_by_a_bracketed_credit_keeps_its_text() -> None:
    got = article(TITLE, SOURCE, P1, f"{P2}（记者 李晓 通讯员 王刚）", f"{P3}（编辑：赵敏）")
    assert got.text.split("\n") == [P1, P2, P3]
    assert got.authors == ("李晓", "王刚") and got.editors == ("赵敏",)


def test_a_cna_serial_number_goes_with_the_editor_credit() -> None:
    got = article(TITLE, SOURCE, P1, P2, f"{P3}（編輯：陳俊華）1121012")
    assert got.text.endswith("持续推进产业融合发展。")
    assert got.editors == ("陈俊华",)


def test_other_brackets_closing_a_paragraph_stay() -> None:
    for ending in ("（来源：新华社）", "（待续）", "（2021）", "（原创）"):
        got = article(TITLE, SOURCE, P1, P2, f"{P3}{ending}")
        assert got.text.split("\n")[2].endswith(ending)
        assert got.authors == ()  # `原创` opens with a surname's character, and names nobody


def test_an_end_mark_closing_the_article_leaves_the_text_as_on_its_own_line() -> None:
    # `（完）` glued to the last sentence or on a line of its own: one text, one hash.
    alone = article(TITLE, SOURCE, P1, P2, P3, "（完）")
    assert alone.text.split("\n") == [P1, P2, P3]
    for mark in ("（完）", "（全文完）", "(END)"):
        got = article(TITLE, SOURCE, P1, P2, f"{P3}{mark}")
        assert got.text == alone.text and got.authors == ()


def test_a_name_in_brackets_inside_the_article_is_a_quotations_source_and_stays() -> None:
    quote = "他引用古诗说：“举头望明月，低头思故乡。”（李白）"
    got = article(TITLE, SOURCE, P1, quote, f"{P3}（王刚）")
    assert got.text.split("\n") == [P1, quote, P3]
    assert got.authors == ("王刚",)  # the last paragraph's: the article's byline


def test_a_bracketed_reporter_credit_on_its_own_line_names_the_authors() -> None:
    got = article(TITLE, SOURCE, P1, P2, P3, "（记者 杜娟 通讯员 胡小伟）", "责任编辑：王晓红")
    assert got.authors == ("杜娟", "胡小伟") and got.editors == ("王晓红",)
    assert got.text.split("\n") == [P1, P2, P3]
    assert article(TITLE, SOURCE, P1, P2, "（記者　黃小雯）").authors == ("黄小雯",)


def test_credit_labels_written_with_spaces_for_colons_name_the_editors() -> None:
    # The indented credit line is no hard-wrapped line to join with the promotion under it.
    got = article(
        TITLE, SOURCE, f"\u3000\u3000{P1}", f"\u3000\u3000{P2}", "\u3000\u3000编辑 张磊 校对 刘军",
        "海量资讯、精准解读，尽在新浪财经APP", "责任编辑：张玉",
    )  # fmt: skip
    assert got.editors == ("张磊", "刘军", "张玉")
    assert got.text.split("\n") == [P1, P2]


def test_a_wenzi_label_names_the_writer() -> None:
    got = article(
        TITLE, SOURCE, P1, P2, "来源：河南日报农村版", "文字：李 强", "图片：光山县融媒体中心"
    )
    assert got.authors == ("李强",)


def test_taiwan_datelines_name_the_reporter() -> None:
    assert article(TITLE, "2023/10/12 05:30", f"〔記者林良昇／台北報導〕{P1}", P2).authors == (
        "林良昇",
    )
    assert article(TITLE, "2023/10/12", f"【記者王寓中、林良昇／台北報導】{P1}", P2).authors == (
        "王寓中",
        "林良昇",
    )
    got = article(TITLE, "2023/10/12", f"中央社記者游凱翔台北12日電）{P1}", P2)
    assert got.authors == ("游凯翔",) and got.text.startswith("中央社记者游凯翔台北12日电）")


def test_a_wire_dateline_parts_names_from_the_place() -> None:
    assert wire_reporters("游凯翔台北") == ["游凯翔"]
    assert wire_reporters("张谦台北") == ["张谦"]
    assert wire_reporters("游凯翔、王扬宇华盛顿") == ["游凯翔", "王扬宇"]


def test_a_comment_section_ends_the_article() -> None:
    got = article(
        TITLE, SOURCE, P1, P2, "网友评论", "河南网友 [郑州]",
        "补贴力度可以，就是充电桩还是太少了，小区根本装不了，希望有关部门重视一下。",
        "2023-10-12 09:15 回复 赞(12)",
        "请文明上网，理性发言，遵守国家法律法规。", "查看全部评论（36条）", "责任编辑：刘芳",
    )  # fmt: skip
    assert got.text.split("\n") == [P1, P2]
    assert got.editors == ("刘芳",)


def test_a_pages_notices_and_promotions_after_the_article_are_not_text() -> None:
    got = article(
        TITLE, SOURCE, P1, P2,
        "对此你怎么看？欢迎在评论区留言讨论！😊",
        "本文为原创内容，未经授权禁止转载。",
        "不用抽 不用抢 现在用APP看新闻 保证天天中奖",
        "相关字词：施政报告 李家超 公屋",
        "相关推荐",
        "华为Mate60再度断货？官方回应来了",
        "本网站之文字、图片及影音，非经授权，不得转载、公开播送或公开传输及利用。",
    )  # fmt: skip
    assert got.text.split("\n") == [P1, P2]


def test_a_story_about_piracy_keeps_its_sentences() -> None:
    piracy = "法院审理查明，被告人未经授权转载他人作品三百余篇，非法获利十余万元，其行为已构成侵犯著作权罪。"
    assert article(TITLE, SOURCE, P1, P2, piracy).text.split("\n") == [P1, P2, piracy]


def test_a_merged_articles_page_links_and_repeated_headline_go_and_its_pages_stay() -> None:
    got = article(
        TITLE, SOURCE, P1, "1 2 3 下一页 尾页", TITLE, P2, P3,
        "首页 上一页 1 2 3 下一页 尾页", "第2页 共3页", "（责任编辑：刘梦）",
    )  # fmt: skip
    assert got.text.split("\n") == [P1, P2, P3]
    assert got.title == TITLE and got.editors == ("刘梦",)


def test_picture_captions_and_their_credits_leave_the_text() -> None:
    got = article(
        TITLE, SOURCE, P1, "▲ 比赛现场座无虚席。本报记者 王 瑞 摄", P2,
        "图①：球员在比赛中奋力拼抢。", "图②：当地群众身着盛装观看比赛。（通讯员 杨光 供图）",
        "（图为活动现场。摄影 李明）", "10月11日，“爱达·魔都号”完成试航返回码头。新华社记者 丁汀摄",
        P3,
    )  # fmt: skip
    assert got.text.split("\n") == [P1, P2, P3]
    assert got.authors == ()  # photographers took pictures, not the text


def test_a_peoples_daily_edition_line_is_a_source_line() -> None:
    got = article(
        TITLE, P1, P2, P3, "《 人民日报 》（ 2023年10月12日 01 版）", "(责编：杨曦、高雷)"
    )
    assert got.text.split("\n") == [P1, P2, P3]
    assert (got.publisher, got.published) == ("人民日报", "2023-10-12")


def test_a_short_indented_line_is_no_wrapped_line() -> None:
    text = "\u3000\u3000" + P1 + "\n\u3000\u3000编辑 张磊\n海量资讯、精准解读，尽在新浪财经APP"
    assert paragraphs(text) == [P1, "编辑 张磊", "海量资讯、精准解读，尽在新浪财经APP"]
