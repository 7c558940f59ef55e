"""One story on several sites: the composed pages near-duplicate detection is tuned and tested on.

A story's *body* is a seed's prose paragraphs (lines with at least 40 Han
characters), so the cases stay the same whatever boilerplate removal later
learns to strip from the seeds' chrome. Each body is dressed as three unrelated
sites would serve it — a UTF-8 portal, a GBK table-layout site, and a Big5 site
in the other script — plus a re-scrape with a small edit, and a commentary page
that quotes one paragraph of it and is a different story.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"
_HAN = re.compile(r"[\u4e00-\u9fff]")
_TITLE = re.compile(r"[\u4e00-\u9fff“”—、· ]{8,60}")

PORTAL = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}_东方资讯门户</title></head>
<body>
<div class="topnav"><a href="/">首页</a> <a href="/news/">要闻</a> <a href="/local/">地方</a>
<a href="/finance/">财经</a> <a href="/tech/">科技</a> <a href="/app/">下载客户端</a></div>
<div class="ad">广告：新能源汽车限时优惠，点击了解详情</div>
<div class="content"><h1>{title}</h1><div class="info">{date} 来源：东方资讯 责任编辑：王小明</div>
<div class="article-body">
{body}
</div>
<div class="tags">标签：党建 机关 基层</div></div>
<div class="hot"><h3>24小时热榜</h3><ul><li><a href="/n/1">多地出台稳就业新举措</a></li>
<li><a href="/n/2">今年秋粮收购进度过半</a></li><li><a href="/n/3">高铁新线路开通运营</a></li></ul></div>
<div class="footer">东方资讯门户 版权所有 © 2008-2024 | 违法和不良信息举报电话：12377</div>
</body></html>
"""

TABLES = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk">
<title>{title}</title></head>
<body><table width="960" align="center"><tr><td colspan="2" bgcolor="#004C99">
<font color="#FFFFFF">县政府门户网站 | 政务公开 | 办事服务 | 互动交流 | 走进本县</font></td></tr>
<tr><td width="180" valign="top">信息公开目录<br>领导之窗<br>政策解读<br>人事信息</td>
<td valign="top"><table width="100%"><tr><td align="center"><b>{title}</b></td></tr>
<tr><td align="center">发布日期：{date}　浏览次数：1024</td></tr>
<tr><td>
{body}
</td></tr><tr><td align="right">【打印】【关闭】</td></tr></table></td></tr>
<tr><td colspan="2" align="center">主办：县人民政府办公室 备案号：ICP备00000000号</td></tr></table>
</body></html>
"""

BIG5 = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=big5">
<title>{title} - 港澳時評網</title></head>
<body><div id="nav">首頁 | 時事 | 評論 | 專題 | 訂閱電子報</div>
<div id="main"><h2>{title}</h2><p class="meta">{date} 轉載</p>
<div id="story">
{body}
</div>
<p class="note">本文轉載自網絡，版權歸原作者所有。</p></div>
<div id="foot">港澳時評網 © 版權所有 轉載請註明出處</div>
</body></html>
"""

# Original commentary: each quotes one paragraph of a seed and is otherwise its own story.
COMMENTARY = (
    "编者评论：基层治理的经验值得总结",
    "近来各地在基层治理方面涌现出不少值得总结的做法。一些地方把工作重心下移，让干部走出办公室，"
    "面对面倾听群众诉求，把问题解决在萌芽状态。",
    "记者在采访中注意到，有关报道中有这样一段描述，颇能说明问题：",
    "当然，经验能否推广，还要看各地的实际情况。基层情况千差万别，照搬照抄往往事倍功半，"
    "关键在于把握精神实质，因地制宜地加以运用，并在实践中不断检验和完善。",
    "总的来看，治理能力的提升没有捷径，只有久久为功、持续用力，才能让群众有更多获得感。",
)


@dataclass(frozen=True)
class Story:
    """One seed's body and the pages that carry it."""

    seed: str
    title: str
    paragraphs: tuple[str, ...]

    @property
    def body(self) -> str:
        """The prose as plain text, one paragraph per line."""
        return "\n".join(self.paragraphs)


@cache
def stories() -> dict[str, Story]:
    """Every seed as a story, by seed number ('000' … '004')."""
    out = {}
    for path in sorted(SEEDS.glob("*.txt")):
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
        prose = tuple(line for line in lines if len(_HAN.findall(line)) >= 40)
        title = next((line for line in lines if _TITLE.fullmatch(line)), prose[0][:20])
        out[path.name[:3]] = Story(path.name[:3], title, prose)
    return out


def other_script(text: str) -> str:
    """The text in the other script: Simplified becomes Traditional (Taiwan), and back."""
    import opencc

    from tasks.normalise.script import detect_script

    config = "tw2s" if detect_script(text) == "hant" else "s2tw"
    return opencc.OpenCC(config).convert(text)


def _html_paragraphs(paragraphs: tuple[str, ...] | list[str], encoding: str) -> str:
    out = []
    for para in paragraphs:
        escaped = html.escape(para, quote=False).encode(encoding, "xmlcharrefreplace")
        out.append(f"<p>{escaped.decode(encoding)}</p>")
    return "\n".join(out)


def _page(template: str, title: str, paragraphs: list[str], date: str, encoding: str) -> bytes:
    page = template.format(
        title=html.escape(title, quote=False),
        date=date,
        body=_html_paragraphs(paragraphs, encoding),
    )
    return page.encode(encoding, "xmlcharrefreplace")


def on_portal(story: Story) -> bytes:
    """The story on a UTF-8 news portal, in its own script."""
    return _page(PORTAL, story.title, list(story.paragraphs), "2022-08-01 10:20", "utf-8")


def on_county_site(story: Story) -> bytes:
    """The story on a GBK table-layout county site, in its own script."""
    return _page(TABLES, story.title, list(story.paragraphs), "2022-08-03", "gbk")


def in_other_script(story: Story) -> bytes:
    """The story on a Big5 site in the other script."""
    paragraphs = [other_script(p) for p in story.paragraphs]
    return _page(BIG5, other_script(story.title), paragraphs, "2022-08-05", "big5hkscs")


def edited(story: Story) -> bytes:
    """A re-scrape of the portal page after an edit: one paragraph dropped, one sentence added."""
    paragraphs = list(story.paragraphs)
    del paragraphs[len(paragraphs) // 2]
    paragraphs[0] = paragraphs[0] + "（本报记者补充报道）"
    return _page(PORTAL, story.title, paragraphs, "2022-08-02 09:00", "utf-8")


def quoting(story: Story) -> bytes:
    """A commentary that quotes the story's longest paragraph and is otherwise unrelated."""
    title, intro, lead_in, *rest = COMMENTARY
    quote = max(story.paragraphs, key=len)
    paragraphs = [intro, lead_in, f"“{quote}”", *rest]
    return _page(PORTAL, title, paragraphs, "2022-09-01 08:00", "utf-8")


VARIANTS = {
    "portal": on_portal,
    "county": on_county_site,
    "script": in_other_script,
    "edited": edited,
}
