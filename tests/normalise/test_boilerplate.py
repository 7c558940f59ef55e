"""The line classifier on page chrome composed here, not only on the seeds' own lines."""

from __future__ import annotations

import pytest

from tasks.normalise import normalise
from tasks.normalise.boilerplate import Role, classify, measure
from tasks.records import Article, Extracted

P1 = (
    "12月4日上午，市交通局召开冬季道路交通安全工作部署会，局党组书记、局长出席会议并讲话。"
    "会议传达学习了上级有关文件精神，通报了今年以来全市道路交通安全形势。"
)
P2 = (
    "会议指出，进入冬季以来，雨雪冰冻天气增多，道路通行条件复杂，"
    "各单位要充分认识做好冬季道路交通安全工作的重要性和紧迫性。"
)
P3 = (
    "会议要求，要严格落实安全生产责任制，加强隐患排查治理，确保全市道路交通安全形势持续稳定。"
    "与会人员表示，将以更高标准、更严要求抓好各项工作落实。"
)

PAGE = [
    ("设为首页 | 加入收藏 | 无障碍浏览", Role.CHROME),
    ("某某市人民政府门户网站", Role.CHROME),
    ("首页 > 政务公开 > 部门动态 > 正文", Role.CHROME),
    ("市交通局召开冬季道路安全工作部署会", Role.TITLE),
    ("发布日期：2023年12月05日 10:20 来源：市交通运输局 作者：佚名 【大 中 小】", Role.META),
    ("本报讯（记者 王小明）", Role.BYLINE),
    (P1, Role.BODY),
    ("一、提高思想认识", Role.BODY),
    (P2, Role.BODY),
    ("二、压实工作责任", Role.BODY),
    (P3, Role.BODY),
    ("（责任编辑：李四）", Role.CREDIT),
    ("【打印】 【关闭】", Role.CHROME),
    ("上一篇：市交通局开展安全生产大检查", Role.CHROME),
    ("下一篇：全市公路养护工作会议召开", Role.CHROME),
    ("分享到：微信 微博 QQ空间", Role.CHROME),
    ("Copyright © 2023 某某市人民政府 All Rights Reserved", Role.CHROME),
    ("主办：某某市人民政府办公室 网站标识码：1234000001 京ICP备12345678号-1", Role.CHROME),
    ("联系我们 | 网站地图 | 隐私声明", Role.CHROME),
]


def test_a_composed_government_page_is_told_apart_line_by_line() -> None:
    lines = [text for text, _ in PAGE]
    assert classify(lines) == [role for _, role in PAGE]


def test_an_editors_note_and_call_to_action_before_the_article_are_set_aside() -> None:
    lines = [
        "【编者按】为展示基层党组织的战斗堡垒作用，本网开设专栏，集中展示各地的先进事迹和经验做法，敬请关注。",
        "欢迎关注本网微信公众号，参与互动留言。",
        P1,
        P2,
    ]
    assert classify(lines) == [Role.NOTE, Role.NOTE, Role.BODY, Role.BODY]


def test_lines_repeated_many_times_are_chrome_wherever_they_stand() -> None:
    widget = ["请输入验证码", "看不清？换一张", "提交"]
    lines = [P1, *widget * 4, P2, P3]
    roles = classify(lines)
    assert roles[0] is Role.BODY and roles[-2:] == [Role.BODY, Role.BODY]
    assert set(roles[1:-2]) == {Role.CHROME}


def test_a_prose_notice_in_the_header_stays_out_of_the_body() -> None:
    lines = [
        "温馨提示：为了获得更好的浏览体验，建议您使用谷歌浏览器或者火狐浏览器访问本网站，谢谢合作。",
        "网站首页 >> 工作动态",
        "某某局召开年度工作总结会议",
        "发布时间：2023-01-10 来源：某某局",
        P1,
        P2,
    ]
    assert classify(lines) == [
        Role.CHROME,
        Role.CHROME,
        Role.TITLE,
        Role.META,
        Role.BODY,
        Role.BODY,
    ]


def test_headings_between_paragraphs_and_chrome_words_in_prose_stay_body() -> None:
    prose_with_chrome_word = (
        "不少老年人不会使用手机浏览器查询信息，社区志愿者便挨家挨户上门讲解，"
        "手把手教大家查看健康码、预约核酸检测，受到居民欢迎。"
    )
    lines = [P1, "一、提高思想认识", prose_with_chrome_word, "二", P3]
    assert classify(lines) == [Role.BODY] * 5


def test_a_render_timestamp_above_the_headline_is_not_metadata() -> None:
    lines = ["2024-07-08 15:44:44", "某某局召开年度工作总结会议", "来源：某某局", P1]
    assert classify(lines) == [Role.CHROME, Role.TITLE, Role.META, Role.BODY]


def test_a_date_line_under_the_headline_is_metadata() -> None:
    lines = ["某某局召开年度工作总结会议", "来源：某某局", "2023-01-10", P1]
    assert classify(lines)[2] is Role.META


@pytest.mark.parametrize(
    "chrome",
    ["News Center", "Scan me!", "×", "分享到：", "您的位置：首页 > 新闻", "京ICP备05012345号"],
)
def test_chrome_lines_score_as_chrome_on_their_own(chrome: str) -> None:
    assert measure(chrome, repeats=1).score >= 3


def test_everything_after_the_closing_credits_is_footer() -> None:
    lines = [
        P1,
        P2,
        "终审：何晓波",
        "微信里点“发现”，扫一下",
        "二维码便可将本文分享至朋友圈。",
        "用户登录",
    ]
    assert classify(lines) == [Role.BODY, Role.BODY, Role.CREDIT] + [Role.CHROME] * 3


def test_text_without_prose_is_left_as_it_is() -> None:
    lines = ["一行字", "又一行字"]
    assert classify(lines) == [Role.BODY, Role.BODY]


def normalised(lines: list[str], **markup: str) -> Article:
    """A page of `lines` through every step, as .txt, or as HTML declaring `markup`."""
    extracted = Extracted(text="\n".join(lines), is_html=bool(markup), **markup)
    return normalise(extracted, url=None, charset="utf-8")


def test_a_paragraph_telling_readers_to_scan_a_qr_code_stays_in_the_article() -> None:
    qr = "市民可通过微信扫一扫下方二维码，或者登录“郑州发布”客户端进行预约登记。"
    fraud = "对方要求王女士提供收到的短信验证码。"
    lines = ["郑州市启动新一轮免费核酸检测", "2022-05-04 来源：郑州日报", P1, qr, P2, fraud, P3]
    assert normalised(lines).text.split("\n") == [P1, qr, P2, fraud, P3]


def test_a_qr_code_sentence_mid_article_does_not_cut_it_in_two() -> None:
    lines = [
        "省直机关开展“我为群众办实事”志愿服务活动",
        P1,
        "社区服务暖人心",
        P2,
        "群众可通过微信扫一扫下方二维码加入志愿者队伍。",
        "政策宣讲进万家",
        P3,
    ]
    article = normalised(lines)
    assert article.title == lines[0]
    assert article.text.split("\n") == lines[1:]


@pytest.mark.parametrize(
    "chrome",
    [
        "扫一扫",
        "微信扫一扫：分享",
        "版权所有，未经授权不得转载。",
    ],
)
def test_chrome_sentences_around_the_article_still_go(chrome: str) -> None:
    assert classify([P1, P2, chrome]) == [Role.BODY, Role.BODY, Role.CHROME]
    assert classify([chrome, P1, P2]) == [Role.CHROME, Role.BODY, Role.BODY]


NOTICE = [
    "关于举办2022年全省机关党建业务培训班的通知",
    "为深入学习贯彻习近平新时代中国特色社会主义思想，进一步提高机关党务干部业务能力和工作水平，"
    "经研究，决定举办2022年全省机关党建业务培训班。现将有关事项通知如下：",
    "一、培训时间和地点",
    "时间：2022年6月15日至17日，14日下午报到。",
    "地点：河南省委党校（郑州市金水区）。",
    "二、参训对象",
    "各省辖市直机关工委分管负责同志，省直各单位机关党委专职副书记，共计约200人。"
    "请各单位于6月10日前将参训人员回执报送至省直机关工委组织部，逾期不再受理。",
    "三、有关要求",
    "参训人员要严格遵守培训纪律，不得无故缺课，确需请假的须经所在单位主要负责同志同意并书面报告，"
    "培训期间统一安排食宿，费用由省直机关工委承担。",
]


def test_an_event_time_in_a_notice_is_body_not_its_publication_date() -> None:
    article = normalised(NOTICE)
    assert article.title == NOTICE[0]
    assert article.published is None
    assert article.text.split("\n") == NOTICE[1:]


def test_an_event_time_under_a_source_line_stays_in_the_text() -> None:
    lines = [NOTICE[0], "发布时间：2022-06-01 来源：省直机关工委", *NOTICE[1:]]
    article = normalised(lines)
    assert (article.published, article.publisher) == ("2022-06-01", "省直机关工委")
    assert article.text.split("\n") == NOTICE[1:]


def test_a_sub_title_under_the_headline_joins_it_in_the_title() -> None:
    lines = [
        "把初心写在防汛一线",
        "——记省人防办优秀共产党员张建国",
        "2022-07-20 来源：河南机关党建网",
        P1,
    ]
    article = normalised(lines)
    assert article.title == "把初心写在防汛一线——记省人防办优秀共产党员张建国"
    assert article.text == P1
    assert normalised([*lines[:2], P1, P2]).title == article.title


def test_print_and_font_size_toolbars_under_the_source_line_are_chrome() -> None:
    lines = [
        "全省人防系统上半年工作取得明显成效",
        "发布日期：2022-07-20　来源：河南日报",
        "【字号 大 中 小】【我要打印】【关闭】",
        "视力保护色：",
        "[ 大 中 小 ] [ 打印 ] [ 关闭 ]",
        P1,
        P2,
    ]
    assert normalised(lines).text.split("\n") == [P1, P2]


def test_a_chrome_widget_line_between_two_runs_still_goes() -> None:
    assert classify([P1, "【打印】【关闭】", P2])[1] is Role.CHROME


def test_related_headlines_after_the_article_are_chrome() -> None:
    related = ["全省水利系统召开安全度汛工作会议", "河南省气象台发布暴雨蓝色预警信号"]
    for heading in ["相关新闻", "热门文章", "【推荐阅读】"]:
        lines = ["我省召开防汛工作视频会议", "2022-06-10 来源：河南日报", P1, P2, heading, *related]
        assert normalised(lines).text.split("\n") == [P1, P2]


def test_a_headline_that_extraction_put_after_the_body_leaves_the_text() -> None:
    headline = "踔厉奋发谱新篇——省人防指挥信息保障中心荣获省直“五一劳动奖状”侧记"
    article = normalised(
        [P1, "党建引领强阵地", P2, headline, "2022-07-20来源：河南机关党建网"],
        title=f"{headline}_河南机关党建网",
    )
    assert article.text.split("\n") == [P1, "党建引领强阵地", P2]
    assert (article.title, article.published) == (headline, "2022-07-20")


def test_a_site_name_after_the_article_is_not_taken_for_the_headline() -> None:
    roles = classify(
        [P1, P2, "河南机关党建网", "版权所有：中共河南省委直属机关工作委员会"], "河南机关党建网"
    )
    assert Role.TITLE not in roles


@pytest.mark.parametrize(
    "headline", ["嫦娥探月工程再传捷报", "市委书记调研市场监管局", "全省首家互联网医院"]
)
def test_a_headline_ending_like_a_units_name_is_the_title(headline: str) -> None:
    article = normalised([headline, "2023-08-01 来源：郑州日报", P1, P2])
    assert (article.title, article.text) == (headline, f"{P1}\n{P2}")


def test_a_units_name_under_the_headline_is_still_its_byline() -> None:
    lines = ["省直机关开展志愿服务活动", "河南省直机关工委", "2023-08-01 来源：河南机关党建网", P1]
    assert classify(lines)[:2] == [Role.TITLE, Role.BYLINE]


def test_a_refrain_sung_three_times_in_the_article_stays_in_it() -> None:
    refrain = "我和我的祖国，一刻也不能分割。"
    lines = [
        "一首老歌唱出几代人的家国情怀",
        "2023-10-01 来源：中国文化报",
        P1,
        refrain,
        "无论我走到哪里，都流出一首赞歌。",
        refrain,
        "我歌唱每一座高山，我歌唱每一条河。",
        refrain,
        P2,
    ]
    assert normalised(lines).text.split("\n") == lines[2:]


def test_case_headings_repeated_for_each_case_stay_in_the_article() -> None:
    lines = ["省高院发布三起消费者权益保护典型案例", "2023-03-15 来源：河南法院网", P1]
    for n in "一二三":
        lines += [f"案例{n}：预付卡退费纠纷案", "【基本案情】", P2, "【裁判结果】", P3]
    lines[-1] = "法院判决车行退一赔三。"  # short: no paragraph the body's run ends on
    article = normalised(lines)
    assert article.text.split("\n") == lines[2:]
    assert list(article.flags) == ["boilerplate_lines:1"]


GONGWEN = "河南省人民政府关于印发河南省“十四五”生态环境保护和生态经济发展规划的通知"


def test_an_official_documents_number_is_no_headline_and_leaves_the_text() -> None:
    lines = [GONGWEN, "豫政〔2022〕12号", "发布日期：2022-02-15 来源：河南省人民政府办公厅", P1, P2]
    article = normalised(lines)
    assert (article.title, article.text) == (GONGWEN, f"{P1}\n{P2}")
    assert (article.published, article.publisher) == ("2022-02-15", "河南省人民政府办公厅")


@pytest.mark.parametrize("number", ["国发[2023]5号", "国家税务总局公告2022年第5号"])
def test_a_documents_number_above_its_headline_leaves_the_text(number: str) -> None:
    for lines in ([number, GONGWEN, P1, P2], [number, GONGWEN, "来源：国务院", P1, P2]):
        roles = classify(lines)
        assert roles[:2] == [Role.META, Role.TITLE]
        assert normalised(lines).text == f"{P1}\n{P2}"


EPIGRAPH = "“青年兴则国家兴，青年强则国家强。”"


@pytest.mark.parametrize("attribution", [[], ["——习近平"], ["——习近平总书记"]])
def test_a_quoted_epigraph_under_the_headline_is_no_headline(attribution: list[str]) -> None:
    lines = ["让青春在奉献中闪光", EPIGRAPH, *attribution, P1, P2]
    article = normalised(lines)
    assert article.title == "让青春在奉献中闪光"
    assert article.text.split("\n") == lines[1:]
    with_source = normalised([lines[0], "2023-05-04 来源：郑州日报", *lines[1:]])
    assert (with_source.title, with_source.text) == (article.title, article.text)


@pytest.mark.parametrize("dateline", ["2023-10-12 转载自：人民网", "出处：人民日报 2023年10月12日"])
def test_a_line_with_a_date_and_an_unknown_label_is_no_headline(dateline: str) -> None:
    lines = ["我市推进重点项目建设", dateline, P1, P2]
    assert classify(lines) == [Role.TITLE, Role.META, Role.BODY, Role.BODY]
    article = normalised(lines)
    assert (article.title, article.text) == ("我市推进重点项目建设", f"{P1}\n{P2}")


def test_a_sentence_opening_with_a_date_under_the_headline_stays_in_the_text() -> None:
    lede = "2023年10月12日，我市召开重点项目建设推进会。"
    article = normalised(["我市推进重点项目建设", lede, P1])
    assert (article.title, article.text) == ("我市推进重点项目建设", f"{lede}\n{P1}")


def test_a_headlines_english_version_under_it_leaves_the_title_in_place() -> None:
    headline = "第六届中国国际进口博览会开幕"
    english = "The 6th China International Import Expo Opens"
    for lines in ([headline, english, "2023-11-05 来源：新华网", P1], [headline, english, P1]):
        article = normalised(lines)
        assert (article.title, article.text) == (headline, P1)


def test_attachment_file_names_under_the_download_heading_leave_the_text() -> None:
    lines = [
        "关于公布2023年度省级重点实验室名单的通知",
        "发布日期：2023-07-03 来源：河南省科学技术厅",
        P1,
        P2,
        "附件下载：",
        "2023年度省级重点实验室名单.doc",
        "省级重点实验室建设任务书（模板）.docx",
    ]
    assert normalised(lines).text == f"{P1}\n{P2}"


def test_a_video_placeholder_leaves_the_text() -> None:
    lines = ["视频｜航拍大美太行", "2023-10-20 来源：新乡日报", "[视频]", P1, "【图片】", P2]
    assert normalised(lines).text == f"{P1}\n{P2}"


def test_a_reposts_original_headline_and_disclaimer_leave_the_text() -> None:
    lines = [
        "我省新增3家国家级专精特新“小巨人”企业",
        "2023-07-20 来源：河南日报",
        "原标题：《我省“小巨人”企业再扩容》",
        P1,
        P2,
        "声明：本文转载自河南日报，版权归原作者所有，如有侵权请联系删除。",
    ]
    assert normalised(lines).text == f"{P1}\n{P2}"


def test_an_interviews_closing_question_is_not_a_credit() -> None:
    got = normalised(
        [
            "防汛物资储备工作全面完成",
            "记者从省应急管理厅获悉，全省防汛物资储备工作已全面完成。就相关问题，记者采访了负责同志。",
            "记者：今年防汛物资储备有哪些新特点？",
            "答：今年我们重点加强了基层物资储备，共储备各类防汛物资价值5.6亿元，覆盖全省所有乡镇。",
            "记者：谢谢您接受采访！",
            "责任编辑：张三",
        ]
    )
    assert got.text.endswith("记者：谢谢您接受采访！")
    assert got.authors == () and got.editors == ("张三",)


WATER_NOTICE = [
    "停水通知",
    "各位居民：",
    "因供水管网维修改造，定于2023年5月6日8:00至18:00对城区部分路段停止供水，请提前做好储水准备。",
    "特此通知。",
    "县自来水公司",
    "2023年5月4日",
]


def test_a_notice_keeps_its_short_title_its_salutation_and_its_signer() -> None:
    got = normalised(WATER_NOTICE)
    assert got.title == "停水通知"
    assert got.text.split("\n") == WATER_NOTICE[1:4]
    # The signer publishes the notice; the date it was signed is not the date it was published.
    assert (got.publisher, got.published) == ("县自来水公司", None)


def test_a_columns_name_is_no_notice_title() -> None:
    assert normalised(["通知公告", *WATER_NOTICE[1:]]).title is None


def test_a_stated_source_outranks_the_signer() -> None:
    got = normalised([WATER_NOTICE[0], "来源：县政府办公室", *WATER_NOTICE[1:]])
    assert got.publisher == "县政府办公室"


def test_a_call_to_action_over_the_body_is_no_headline_where_the_markup_holds_it() -> None:
    headline = "重磅！我市出台十条措施支持民营经济发展"
    article = normalised(["点击蓝字 关注我们", P1, P2], title=headline)
    assert (article.title, article.text.split("\n")) == (headline, [P1, P2])


def test_a_short_title_declared_by_the_markup_does_not_displace_the_texts_headline() -> None:
    headline = "市交通局召开冬季道路安全工作部署会议"
    article = normalised([headline, P1, P2], title="某某市交通局欢迎您")
    assert article.title == headline


def test_a_headline_split_by_a_line_break_is_joined_where_the_title_spells_it_whole() -> None:
    upper, lower = (
        "国务院办公厅关于进一步优化政务服务提升行政效能",
        "推动“高效办成一件事”的指导意见",
    )
    article = normalised(
        [upper, lower, "国办发〔2023〕32号", P1, P2], title=f"{upper}{lower}_国务院文件_中国政府网"
    )
    assert (article.title, article.text.split("\n")) == (upper + lower, [P1, P2])
