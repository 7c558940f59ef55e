"""A synthetic corpus of realistic Chinese article pages for benchmarks.

Pages mix UTF-8, GBK and Big5, Simplified and Traditional script, 8–60 KB, in
four site templates with navigation, sidebars and footers. Bodies are drawn
from the seed articles' paragraphs (tests/fixtures/seeds), varied per page so
every page is a distinct document. Deterministic for a given N.

    uv run python -m bench.corpus 2000        # writes bench/corpus/n2000/
"""

from __future__ import annotations

import html
import random
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
CORPUS = Path(__file__).resolve().parent / "corpus"

PUBLISHERS = (
    "河南机关党建网",
    "旗帜网",
    "人民网",
    "四川省地方志工作办公室",
    "河南省人民防空办公室",
    "新华网",
    "中国政府网",
    "光明网",
)
SECTIONS = (
    "新闻中心",
    "政务公开",
    "党建工作",
    "工作动态",
    "基层风采",
    "通知公告",
    "专题专栏",
    "图片新闻",
)
LINKS = (
    "深入学习贯彻党的二十大精神",
    "全省机关党建工作会议召开",
    "以高质量党建引领高质量发展",
    "扎实推进模范机关创建",
    "关于开展年度考核工作的通知",
    "省直机关工委召开理论学习中心组学习会议",
    "持续优化营商环境",
    "推进乡村振兴战略实施",
    "防汛救灾工作部署会召开",
    "疫情防控工作新闻发布会",
)


@dataclass(frozen=True)
class PageSpec:
    """How one page is dressed."""

    template: str
    script: str  # hans | hant
    encoding: str  # utf-8 | gbk | big5hkscs
    declared: str | None  # charset declared in the page, if any
    target_bytes: int


@cache
def paragraphs() -> tuple[str, ...]:
    """Body paragraphs from the seeds, in Simplified script."""
    from tasks.normalise.script import to_simplified

    out = []
    for path in sorted(SEEDS.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip().replace("</font>", "")
            if len(line) >= 40 and "(zh" not in line and "?" not in line:
                out.append(to_simplified(line))
    return tuple(out)


@cache
def _traditional():
    import opencc

    return opencc.OpenCC("s2tw")


def spec_for(rng: random.Random) -> PageSpec:
    """Pick template, script, encoding and size for one page."""
    script = "hant" if rng.random() < 0.3 else "hans"
    roll = rng.random()
    if script == "hant":
        encoding = "big5hkscs" if roll < 0.6 else "utf-8"
    else:
        encoding = "gbk" if roll < 0.4 else "utf-8"
    declared = {"big5hkscs": "big5", "gbk": rng.choice(("gb2312", "gbk", None)), "utf-8": "utf-8"}[
        encoding
    ]
    template = rng.choice(tuple(TEMPLATES))
    return PageSpec(template, script, encoding, declared, rng.randint(8_000, 60_000))


def page(i: int) -> tuple[PageSpec, bytes]:
    """The i-th page of the corpus, encoded."""
    rng = random.Random(i)
    spec = spec_for(rng)
    pool = paragraphs()
    publisher = rng.choice(PUBLISHERS)
    date = f"20{rng.randint(19, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    title = f"{rng.choice(LINKS)}（第{i}期）"
    body: list[str] = []
    chrome = _chrome(rng)
    shell = TEMPLATES[spec.template]
    # Grow the body until the page reaches its target size (bytes in UTF-8 as an estimate).
    width = 3 if spec.encoding == "utf-8" else 2  # bytes per Han character in the page's charset
    size = len(shell) + len(chrome) * width
    while size < spec.target_bytes or len(body) < 3:
        text = rng.choice(pool)
        text = text.replace("。", f"，编号{i}-{len(body)}。", 1) if rng.random() < 0.5 else text
        body.append(text)
        size += len(text) * width + 7
    convert = _traditional().convert if spec.script == "hant" else (lambda s: s)
    body_html = "\n".join(f"<p>{html.escape(convert(p))}</p>" for p in body)
    declaration = _declaration(spec)
    doc = shell.format(
        declaration=declaration,
        title=html.escape(convert(title)),
        site=html.escape(convert(publisher)),
        date=date,
        publisher=html.escape(convert(publisher)),
        section=convert(rng.choice(SECTIONS)),
        body=body_html,
        chrome=convert(chrome),
    )
    return spec, doc.encode(spec.encoding, "xmlcharrefreplace")


def _declaration(spec: PageSpec) -> str:
    if spec.declared is None:
        return ""
    if spec.template == "legacy":
        return f'<meta http-equiv="Content-Type" content="text/html; charset={spec.declared}">'
    return f'<meta charset="{spec.declared}">'


def _chrome(rng: random.Random) -> str:
    items = rng.sample(LINKS, k=min(len(LINKS), rng.randint(4, 10)))
    return "\n".join(
        f'<li><a href="/news/{rng.randint(1000, 9999)}.html">{t}</a></li>' for t in items
    )


MODERN = """<!DOCTYPE html><html lang="zh-CN"><head>{declaration}<title>{title}_{site}</title>
<link rel="stylesheet" href="/css/main.css"><script src="/js/app.js"></script></head><body>
<div class="top">网站首页 | 无障碍 | English</div>
<header><a class="logo" href="/">{site}</a><form action="/search"><input name="q"><button>搜索</button></form></header>
<nav><ul><li><a href="/">首页</a></li><li><a href="/xw/">{section}</a></li><li><a href="/zw/">政务公开</a></li><li><a href="/hd/">互动交流</a></li></ul></nav>
<div class="crumbs">当前位置：<a href="/">首页</a> &gt; <a href="/xw/">{section}</a> &gt; 正文</div>
<main><article><h1>{title}</h1><div class="info">发布时间：{date} 来源：{publisher}</div>
<div class="content">{body}</div></article>
<div class="share">分享到：微信 微博 QQ空间</div></main>
<aside><h3>热点推荐</h3><ul>{chrome}</ul><h3>专题专栏</h3><ul>{chrome}</ul></aside>
<footer><p>关于我们 | 联系我们 | 网站地图</p><p>版权所有 © {site} ICP备05012345号-1</p></footer></body></html>"""

LEGACY = """<html><head>{declaration}<title>{title}</title></head>
<body><table width="980" align="center"><tr><td bgcolor="#B40000"><a href="/">首页</a> | <a href="/news">{section}</a> | <a href="/notice">通知公告</a></td></tr></table>
<table width="980" align="center"><tr><td width="200" valign="top"><b>栏目导航</b><ul>{chrome}</ul></td>
<td valign="top"><table width="96%"><tr><td>您现在的位置：首页 &gt;&gt; {section}</td></tr>
<tr><td align="center"><font size="5"><b>{title}</b></font></td></tr>
<tr><td align="center">日期：{date}&nbsp;&nbsp;来源：{publisher}</td></tr>
<tr><td class="content"><font style="font-size:14px">{body}</font></td></tr>
<tr><td align="right">【打印本页】【关闭窗口】</td></tr></table></td></tr></table>
<table width="980" align="center"><tr><td align="center">版权所有：{site}&nbsp;&nbsp;ICP备10001234号</td></tr></table></body></html>"""

XHTML = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head>{declaration}<title>{title}-{site}</title></head><body>
<div id="header"><div class="logo">{site}</div><ul class="nav"><li>首页</li><li>{section}</li><li>理论</li><li>视频</li></ul></div>
<div id="container"><div id="content"><h2 class="title">{title}</h2><p class="meta">{publisher} {date}</p>
<div class="text">{body}</div><div class="related"><h4>相关阅读</h4><ul>{chrome}</ul></div></div>
<div id="side"><h4>热门文章</h4><ol>{chrome}</ol></div></div>
<div id="footer"><p>{site}版权所有 未经授权禁止转载</p></div></body></html>"""

PORTAL = """<!DOCTYPE html><html><head>{declaration}<title>{title}</title></head><body>
<div class="portal-top"><ul>{chrome}</ul></div><div class="channel"><ul>{chrome}</ul></div>
<div class="wrap"><div class="left"><div class="article"><h1>{title}</h1>
<div class="source"><span>{date}</span><span>来源：{publisher}</span></div><div id="zoom">{body}</div>
<div class="editor">责任编辑：王晓明</div></div></div>
<div class="right"><div class="box"><h3>排行榜</h3><ul>{chrome}</ul></div><div class="box"><h3>图片</h3><ul>{chrome}</ul></div></div></div>
<div class="foot"><ul>{chrome}</ul><p>{site} 版权所有</p></div></body></html>"""

TEMPLATES = {"modern": MODERN, "legacy": LEGACY, "xhtml": XHTML, "portal": PORTAL}


def build(n: int, root: Path | None = None) -> Path:
    """Write the n-page corpus (if not already there) and its sources files; return its directory."""
    target = root or CORPUS / f"n{n}"
    pages = target / "pages"
    done = target / ".complete"
    if done.exists():
        return target
    pages.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        _, data = page(i)
        (pages / f"{i:06d}.html").write_bytes(data)
    (target / "sources.yaml").write_text(
        "sources:\n  - name: bench\n    kind: local\n    path: pages\n    glob: ['*.html']\n",
        encoding="utf-8",
    )
    done.write_text(str(n))
    return target


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    print(build(count))
