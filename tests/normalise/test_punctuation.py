"""Half-width punctuation in Chinese text becomes full-width; numbers, URLs and Latin keep theirs."""

from __future__ import annotations

import pytest

from tasks.normalise.punctuation import (
    ascii_letters_and_digits,
    fullwidth_punctuation,
    mark_missing,
)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("2022年新年第一天,省人防办", "2022年新年第一天，省人防办"),
        ("发出“人防四问”:一是", "发出“人防四问”：一是"),
        ("带来点什么?二是", "带来点什么？二是"),
        ("群防群治;省教育厅", "群防群治；省教育厅"),
        ("为你点赞!这才是中华男儿!", "为你点赞！这才是中华男儿！"),
        ("反映头发快能扎小辫儿了”,省人防办", "反映头发快能扎小辫儿了”，省人防办"),
        ("胜利。(翟道武)", "胜利。（翟道武）"),
        ("处(社)负责同志", "处（社）负责同志"),
        ("发布时间:2022-09-16 08:35:31", "发布时间：2022-09-16 08:35:31"),
        ("越是紧要关头,越能映照初心﹔越在关键时刻", "越是紧要关头，越能映照初心；越在关键时刻"),
        ("好,!", "好，！"),
    ],
)
def test_marks_in_chinese_text_become_full_width(before: str, after: str) -> None:
    text, count = fullwidth_punctuation(before)
    assert text == after and count > 0


@pytest.mark.parametrize(
    "kept",
    [
        "来源:旗帜网2021年10月21日16:45",  # the time, not the label colon
        "共捐款20.3万元",
        "1,000余人",
        "投稿邮箱:qizhixmt@126.com",
        "详见 http://www.sc.gov.cn/a.html?id=1,2",
        "Beijing, China: a city!",
        "政工简讯(2021)",
        "首都(Beijing)",
        "9:30-11:45",
    ],
)
def test_numbers_times_urls_and_latin_keep_their_marks(kept: str) -> None:
    text, _ = fullwidth_punctuation(kept)
    for mark in (
        "16:45",
        "20.3",
        "1,000",
        "@126.com",
        "?id=1,2",
        ", China:",
        "(2021)",
        "(Beijing)",
        "9:30-11:45",
    ):
        if mark in kept:
            assert mark in text


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("占比超过40%,实现乡镇以上区域全覆盖", "占比超过40%，实现乡镇以上区域全覆盖"),
        ("中国移动(China Mobile),中国电信", "中国移动(China Mobile)，中国电信"),
        ("业内人士表示,5G,让乡村生活更美好", "业内人士表示，5G，让乡村生活更美好"),
        ("气温-5℃,网络依然稳定", "气温-5℃，网络依然稳定"),
        ("去向落实率达到85.3%,脱贫劳动力", "去向落实率达到85.3%，脱贫劳动力"),
        ("全年共接待游客1000,其中", "全年共接待游客1000，其中"),
    ],
)
def test_a_mark_before_chinese_text_is_full_width_whatever_ends_the_clause(
    before: str, after: str
) -> None:
    assert fullwidth_punctuation(before)[0] == after


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ('相关负责人说:"我们将继续加大投入。"', "相关负责人说：“我们将继续加大投入。”"),
        ('鲁迅说过:"世上本没有路,走的人多了。"这句话需要"约定俗成"。',
         "鲁迅说过：“世上本没有路，走的人多了。”这句话需要“约定俗成”。"),
        ('Tim Cook said: "We are excited." 库克说"很好"', 'Tim Cook said: "We are excited." 库克说“很好”'),
    ],
)  # fmt: skip
def test_ascii_quotes_around_chinese_text_become_chinese_quotes(before: str, after: str) -> None:
    assert fullwidth_punctuation(before)[0] == after


def test_the_same_sentence_with_half_or_full_width_commas_reads_the_same() -> None:
    full = "全省高校毕业生去向落实率达到85.3%，脱贫劳动力务工规模稳定在230万人以上。"
    assert fullwidth_punctuation(full.replace("，", ","))[0] == full


@pytest.mark.parametrize(
    "kept",
    [
        "富士康（Foxconn）新增投资达到1,000万美元",
        "采用“AI+制造”模式，预计年产值超过3.5亿元",
        "详情可访问 https://www.zzhkgq.gov.cn/news/2023/0308.html?id=12&lang=zh 或发送邮件",
        "会议时间为上午9:30至11:45",
        "华为（Huawei Technologies Co., Ltd.）与本地企业合作建设",
        "会场外悬挂着“Welcome to Zhengzhou!”的欢迎横幅",
        'Apple CEO Tim Cook said: "We are excited about China." 苹果公司首席执行官库克如是说。',
    ],
)
def test_clean_mixed_text_is_left_as_it_is(kept: str) -> None:
    assert fullwidth_punctuation(kept)[0] == kept


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("党员干部李?明同志带头深入基层", "党员干部李□明同志带头深入基层"),
        ("会上，王?、张?杰等同志作了交流发言", "会上，王□、张□杰等同志作了交流发言"),
        ("获奖者为刘??同志", "获奖者为刘□□同志"),
    ],
)
def test_a_question_mark_inside_a_name_marks_a_missing_character(before: str, after: str) -> None:
    # GBK/GB2312 pages lose rare name characters as `?`; 虚缺号 □ says one is missing.
    assert mark_missing(before) == (after, after.count("□"))


@pytest.mark.parametrize(
    "question",
    [
        "群众问:为什么要这样做?工作人员耐心解释",
        "这是真的吗?很多群众不敢相信",
        "他来了?我不信",
        "你们好不好?大家齐声回答",
        "http://x.cn/a?b=1",
    ],
)
def test_a_question_mark_after_a_question_stays_a_question(question: str) -> None:
    assert mark_missing(question) == (question, 0)


def test_full_width_letters_and_digits_become_ascii_with_their_marks() -> None:
    text = (
        "截至９月底，５Ｇ基站达３１８．９万个，占２８．１％；“５Ｇ＋工业互联网”，５Ｇ－Ａ，ＣＥＯ"
    )
    assert ascii_letters_and_digits(text)[0] == (
        "截至9月底，5G基站达318.9万个，占28.1%；“5G+工业互联网”，5G-A，CEO"
    )


def test_full_width_chinese_punctuation_stays_full_width() -> None:
    text = "（一）会议指出：要坚持，不松懈！２０２２－０７－２０　１６：４５"
    assert ascii_letters_and_digits(text)[0] == "（一）会议指出：要坚持，不松懈！2022-07-20　16：45"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("受冷空气影响，局部降幅可达12℃以上...", "受冷空气影响，局部降幅可达12℃以上……"),
        ("来势猛，降温幅度大--这是今年最强的一次", "来势猛，降温幅度大——这是今年最强的一次"),
        ("注意防范不利影响。。", "注意防范不利影响。"),
        ("14日，晴，最低气温2~4℃.", "14日，晴，最低气温2~4℃。"),
    ],
)
def test_ascii_stand_ins_for_chinese_marks_become_chinese(before: str, after: str) -> None:
    assert fullwidth_punctuation(before)[0] == after


@pytest.mark.parametrize(
    "kept", ["版本 v1.2.3 发布", "见 www.gov.cn.", "Mr. Li 说", "A--B", "a...b"]
)
def test_ascii_marks_in_latin_text_and_titles_stay(kept: str) -> None:
    assert fullwidth_punctuation(kept)[0] == kept
