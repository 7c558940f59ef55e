"""Dates in the forms sites write them beyond the usual ones, and lists of writers' names."""

from __future__ import annotations

import pytest

from tasks.normalise import normalise
from tasks.normalise.labels import find_date
from tasks.records import Article, Extracted

BODY = (
    "会议指出，进入冬季以来，雨雪冰冻天气增多，道路通行条件复杂，"
    "各单位要充分认识做好冬季道路交通安全工作的重要性和紧迫性。\n"
    "会议要求，要严格落实安全生产责任制，加强隐患排查治理，确保全市道路交通安全形势持续稳定。"
)
TITLE = "市交通局召开冬季道路安全工作部署会"


def article(text: str, **markup: str) -> Article:
    """Normalise `text` as a .txt page, or as HTML whose markup declared `markup`."""
    extracted = Extracted(text=text, is_html=bool(markup), **markup)
    return normalise(extracted, url=None, charset="utf-8")


@pytest.mark.parametrize(
    ("line", "published"),
    [
        ("发布时间：2023-10-12T10:30:00+08:00　信息来源：湖南省农业农村厅", "2023-10-12T10:30:00"),
        ("发布时间：2023-10-12T10:30Z", "2023-10-12T10:30"),
        ("2023-10-12T10:30:00.000+0800 来源：新华网", "2023-10-12T10:30:00"),
    ],
)
def test_an_iso_timestamp_keeps_its_time_as_written(line: str, published: str) -> None:
    assert article(f"{TITLE}\n{line}\n{BODY}").published == published


def test_a_markup_timestamp_with_a_zone_keeps_its_local_time() -> None:
    got = article(f"{TITLE}\n{BODY}", published="2023-10-12T05:00:00+08:00")
    assert got.published == "2023-10-12T05:00:00"


@pytest.mark.parametrize(
    ("line", "published"),
    [
        ("发布 / 2023年10月12日 3:45 PM", "2023-10-12T15:45"),
        ("2023年10月12日 下午4:15　来源：文汇网", "2023-10-12T16:15"),
        ("2023年10月12日 星期四 上午10:30　来源：广州日报", "2023-10-12T10:30"),
        ("发布时间：2023-10-12 晚上8:05", "2023-10-12T20:05"),
        ("发布时间：2023-10-12 12:05 AM", "2023-10-12T00:05"),
        ("发布时间：2023-10-12 12:05 p.m.", "2023-10-12T12:05"),
        ("发布时间：2023-10-12 下午15:30", "2023-10-12T15:30"),
        ("发布时间：2023-10-12 下午12:30", "2023-10-12T12:30"),
        ("发布时间：2023年10月12日中午12:00", "2023-10-12T12:00"),
        ("发布时间：2023年10月12日中午1:30", "2023-10-12T13:30"),
    ],
)
def test_a_time_on_the_12_hour_clock_is_written_on_the_24_hour_clock(
    line: str, published: str
) -> None:
    assert article(f"{TITLE}\n{line}\n{BODY}").published == published


@pytest.mark.parametrize(
    ("line", "published"),
    [
        # Midnight at the evening's end may be dated either side: the day alone, not noon.
        ("发布时间：2023年10月12日晚上12:00", "2023-10-12"),
        # PM2.5 after a time is an air reading, not the afternoon.
        ("2023-01-05 10:00 PM2.5浓度持续下降　来源：洛阳网", "2023-01-05T10:00"),
    ],
)
def test_a_time_is_not_moved_by_what_only_looks_like_a_half_of_the_day(
    line: str, published: str
) -> None:
    assert article(f"{TITLE}\n{line}\n{BODY}").published == published


def test_an_unlabelled_source_after_a_12_hour_time_is_the_publisher() -> None:
    got = article(f"{TITLE}\n2023年10月12日 下午4:15　文匯網\n{BODY}")
    assert (got.published, got.publisher, got.text) == ("2023-10-12T16:15", "文汇网", BODY)


def test_a_day_first_date_is_read_when_the_day_cannot_be_the_month() -> None:
    got = article(f"{TITLE}\n13/10/2023 19:45\n{BODY}")
    assert (got.title, got.published, got.text) == (TITLE, "2023-10-13T19:45", BODY)
    assert find_date("10/13/2023") is not None and find_date("10/13/2023")[0] == "2023-10-13"


@pytest.mark.parametrize("written", ["12/10/2023 14:05", "12.10.2023", "13/13/2023"])
def test_a_date_that_may_be_day_or_month_first_is_not_guessed(written: str) -> None:
    assert find_date(written) is None


def test_a_date_after_a_credit_in_the_source_line_dates_the_page() -> None:
    got = article(f"{TITLE}\n来源：求是网　作者：陈一新　2023-10-16 08:00:00\n{BODY}")
    assert (got.published, got.publisher, got.authors) == (
        "2023-10-16T08:00:00",
        "求是网",
        ("陈一新",),
    )


@pytest.mark.parametrize(
    ("line", "published"),
    [
        ("Oct 12, 2023 15:42 来源：中国日报网", "2023-10-12T15:42"),
        ("Updated: October 12, 2023 来源：中国日报网", "2023-10-12"),
        ("12 Oct 2023 来源：中国日报网", "2023-10-12"),
        ("Sept. 3, 2023 3:05 pm 来源：中国日报网", "2023-09-03T15:05"),
    ],
)
def test_a_date_with_an_english_month_is_read(line: str, published: str) -> None:
    assert article(f"{TITLE}\n{line}\n{BODY}").published == published


def test_an_english_word_like_a_month_makes_no_date() -> None:
    assert find_date("Mayor 12, 2023") is None


@pytest.mark.parametrize(
    ("credit", "authors"),
    [
        (
            "作者：本报记者 张晓婷、王 军和特约记者 阿依努尔·买买提 实习生 刘思雨 见习记者 周 航",
            ("张晓婷", "王军", "阿依努尔·买买提", "刘思雨", "周航"),
        ),
        ("作者：特约记者 阿依努尔·买买提 见习记者 周航", ("阿依努尔·买买提", "周航")),
        ("作者：张晓婷和王军", ("张晓婷", "王军")),
        ("作者：王和平和李四", ("王和平", "李四")),
        ("作者：张三及李四", ("张三", "李四")),
        ("作者：记者张三通讯员李四", ("张三", "李四")),  # no spaces: the role still parts them
        ("作者：本报记者张晓婷通讯员王刚", ("张晓婷", "王刚")),
        ("作者：洛阳日报记者张三通讯员李四", ("张三", "李四")),
    ],
)
def test_a_list_of_writers_gives_each_name_without_their_roles(
    credit: str, authors: tuple[str, ...]
) -> None:
    got = article(f"{TITLE}\n2023-10-12 07:12:36　来源：新疆日报\n{credit}\n{BODY}")
    assert got.authors == authors
    assert got.text == BODY


@pytest.mark.parametrize(
    ("credit", "authors"),
    [("澎湃新闻记者 王亚赛", ("王亚赛",)), ("新华社记者张三、李四", ("张三", "李四"))],
)
def test_the_paper_before_a_writers_role_is_no_author(
    credit: str, authors: tuple[str, ...]
) -> None:
    assert article(f"{TITLE}\n{BODY}", author=credit).authors == authors
    assert article(f"{TITLE}\n来源：新疆日报 作者：{credit}\n{BODY}").authors == authors


@pytest.mark.parametrize("name", ["王和平", "和晓梅", "张和"])
def test_a_name_holding_a_conjunction_stays_whole(name: str) -> None:
    assert article(f"{TITLE}\n来源：新疆日报 作者：{name}\n{BODY}").authors == (name,)


def test_a_source_line_linking_several_sources_names_the_first() -> None:
    got = article(
        f"{TITLE}\n发布日期：2023-10-12 08:55　来源：河南省人民政府网 大河网 中原网\n{BODY}"
    )
    assert got.publisher == "河南省人民政府网"


def test_a_source_of_several_words_is_not_cut() -> None:
    assert article(f"{TITLE}\n来源：China Daily 2023-10-12\n{BODY}").publisher == "China Daily"
