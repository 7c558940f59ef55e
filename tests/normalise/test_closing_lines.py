"""What stands under an article's last paragraph: its date, its last heading, a court's bench."""

from __future__ import annotations

from tasks.normalise import normalise
from tasks.records import Article, Extracted

P1 = (
    "劳工及福利局局长孙玉菡今日出席由香港社会服务联会举办的安老服务研讨会，并在会上致辞。"
    "他表示，政府会继续透过社区照顾服务券等措施，支援长者居家安老。"
)
P2 = (
    "研讨会上，多位业界代表分享了安老服务的最新发展，包括乐龄科技的应用及护理人手培训等议题，"
    "与会人士反应热烈。"
)


def normalised(text: str, **markup: str) -> Article:
    extracted = Extracted(text=text, is_html=bool(markup), **markup)
    return normalise(extracted, url=None, charset="utf-8")


def test_a_date_alone_under_the_body_leaves_the_text_and_dates_an_undated_page() -> None:
    # A press release's stamp under its `完`, a flash's time under its one paragraph.
    got = normalised(
        f"劳福局局长出席安老服务研讨会\n{P1}\n{P2}\n完\n2023年10月12日（星期四）\n香港时间18时20分"
    )
    assert got.text == f"{P1}\n{P2}"
    assert got.published == "2023-10-12"
    flash = normalised(
        f"【国家统计局：9月CPI同比持平】\n{P1}\n2023-10-13 09:30:12\n收藏\n阅读 15.2w"
    )
    assert flash.text == P1
    assert flash.published == "2023-10-13T09:30:12"


def test_a_date_under_the_body_gives_way_to_any_other_date() -> None:
    got = normalised(
        f"劳福局局长出席安老服务研讨会\n发布时间：2023-10-11 09:00\n{P1}\n2023年10月12日"
    )
    assert got.published == "2023-10-11T09:00"
    assert got.text == P1
    declared = normalised(
        f"劳福局局长出席安老服务研讨会\n{P1}\n2023年10月12日", published="2023-10-11"
    )
    assert declared.published == "2023-10-11"


def test_a_notices_signing_date_is_still_not_its_publication_date() -> None:
    got = normalised(f"停水通知\n各位居民：\n{P1}\n县自来水公司\n2023年5月4日")
    assert got.published is None
    assert got.publisher == "县自来水公司"


def test_a_heading_over_a_short_last_paragraph_stays() -> None:
    got = normalised(
        f"我省召开秋冬季森林防火工作会议\n2023-10-12 17:30 来源：江西日报\n{P1}\n{P2}\n"
        "工作要求\n各地要加强值班值守。\n第四章 附则\n第二十三条 本法自2024年1月1日起施行。\n收藏"
    )
    assert got.text.split("\n")[2:] == [
        "工作要求",
        "各地要加强值班值守。",
        "第四章 附则",
        "第二十三条 本法自2024年1月1日起施行。",
    ]


def test_a_judgments_bench_and_date_stay_in_the_judgment() -> None:
    bench = [
        "审　判　长　　陈　静",
        "审　判　员　　刘卫东",
        "二〇二三年九月二十八日",
        "法 官 助 理　　孙晓雨",
        "书　记　员　　周　婷",
    ]
    head = ["张某某劳动争议二审民事判决书", "来源：某某市中级人民法院", "民 事 判 决 书"]
    got = normalised("\n".join([*head, P1, P2, "本判决为终审判决。", *bench]))
    assert got.text.split("\n") == [
        "民事判决书",
        P1,
        P2,
        "本判决为终审判决。",
        "审判长 陈静",
        "审判员 刘卫东",
        "二〇二三年九月二十八日",
        "法官助理 孙晓雨",
        "书记员 周婷",
    ]
    assert got.editors == () and got.authors == ()
    assert got.published is None  # the day judged, among the bench, is not the day published


def test_dates_under_a_related_storys_headline_date_nothing() -> None:
    related = ["我市小麦收购进度过半", "2023-09-30", "夏粮丰收农民笑开颜", "2023-08-15"]
    got = normalised("\n".join(["全市秋粮收购工作全面展开", P1, P2, *related]))
    assert got.published is None
    assert (
        normalised(
            "\n".join(["全市秋粮收购工作全面展开", P1, P2, "2023-09-30", "2023-08-15"])
        ).published
        is None
    )


def test_a_speaker_under_a_reports_headline_is_its_author_not_its_title() -> None:
    got = normalised(
        "政府工作报告\n——2023年1月12日在洛阳市第十五届人民代表大会第二次会议上\n"
        f"洛阳市市长　徐衣显\n发布时间：2023-02-20 09:00　来源：洛阳日报\n各位代表：\n{P1}\n{P2}"
    )
    assert got.title == "政府工作报告——2023年1月12日在洛阳市第十五届人民代表大会第二次会议上"
    assert got.authors == ("徐衣显",)
    assert got.text.split("\n")[0] == "各位代表："
    untitled = normalised(f"政府工作报告\n洛阳市市长　徐衣显\n{P1}\n{P2}")
    assert untitled.title == "政府工作报告"
    assert untitled.authors == ("徐衣显",)
