"""Regenerate the bundled sample corpus from the seed articles in tests/fixtures/seeds/.

Each seed becomes a plain-text file (as the scraper left it) and an HTML page in
one of three site templates and encodings: a modern UTF-8 government site, an
old table-layout site in GBK declared as gb2312, and a Traditional-script site
in Big5. Run from the repository root:  uv run python samples/make_samples.py
"""

from __future__ import annotations

import html
import shutil
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
OUT = ROOT / "samples"


@dataclass(frozen=True)
class Sample:
    """One seed, how its page is dressed, and what the page's markup adds."""

    seed: str
    name: str
    template: str
    encoding: str  # the codec the page is written in
    declared: str | None  # the charset the page declares, if any
    head_title: str  # <title> as the site renders it
    meta: dict[str, str]


SAMPLES = (
    Sample(
        "000",
        "hnjgdj-2022-07-20-rfzx",
        "modern",
        "utf-8",
        "utf-8",
        "踔厉奋发谱新篇——省人防指挥信息保障中心荣获省直“五一劳动奖状”侧记_河南机关党建网",
        {
            "ArticleTitle": "踔厉奋发谱新篇——省人防指挥信息保障中心荣获省直“五一劳动奖状”侧记",
            "PubDate": "2022-07-20",
            "ContentSource": "河南机关党建网",
        },
    ),
    Sample(
        "001",
        "qizhi-2021-10-21-jgdj",
        "traditional",
        "big5hkscs",
        "big5",
        "在大戰大考中彰顯機關黨建強大力量-旗幟網",
        {},
    ),
    Sample("002", "hnrf-zhanyi-dangjian", "legacy", "gbk", "gb2312", "河南人防", {}),
    Sample("003", "renmin-yixian-shouhu", "legacy", "gbk", "gbk", "新闻中心--人民网", {}),
    Sample(
        "004",
        "scdfz-2022-09-16-zgjx",
        "modern",
        "utf-8",
        "utf-8",
        "四川省地方志办政工简讯2022年第36期(总第97期)- 四川省地方志工作办公室",
        {},
    ),
)

MODERN = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="{declared}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{head_title}</title>
{meta}<link rel="stylesheet" href="/static/css/main.css">
<script src="/static/js/jquery.min.js"></script>
</head>
<body>
<div class="top-bar"><div class="wrap"><a href="/">网站首页</a> | <a href="/wza">无障碍</a> | <a href="/en">English</a> | 今天是：<span id="today"></span></div></div>
<header class="site-header"><div class="wrap"><a class="logo" href="/"><img src="/static/img/logo.png" alt="网站标志"></a>
<form class="search" action="/search"><input name="q" placeholder="请输入关键字"><button>搜索</button></form></div></header>
<nav class="main-nav"><ul>
<li><a href="/">首页</a></li><li><a href="/xwzx/">新闻中心</a></li><li><a href="/zwgk/">政务公开</a></li>
<li><a href="/djgz/">党建工作</a></li><li><a href="/zcfg/">政策法规</a></li><li><a href="/hdjl/">互动交流</a></li>
</ul></nav>
<div class="wrap page">
<div class="crumbs">当前位置：<a href="/">首页</a> &gt; <a href="/xwzx/">新闻中心</a> &gt; 正文</div>
<div class="main">
<article class="article">
<div class="article-content" id="zoom">
{body}
</div>
</article>
<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a> <a href="#">QQ空间</a></div>
<div class="prev-next"><p>上一篇：<a href="/xwzx/1.html">关于开展2022年度机关党建工作考核的通知</a></p>
<p>下一篇：<a href="/xwzx/3.html">省直机关工委召开理论学习中心组学习会议</a></p></div>
</div>
<aside class="sidebar"><h3>热点推荐</h3><ul>
<li><a href="/xwzx/11.html">深入学习贯彻党的二十大精神</a></li>
<li><a href="/xwzx/12.html">全省机关党建工作会议召开</a></li>
<li><a href="/xwzx/13.html">以高质量党建引领高质量发展</a></li>
<li><a href="/xwzx/14.html">扎实推进模范机关创建</a></li>
</ul><h3>专题专栏</h3><ul><li><a href="/zt/1/">学习贯彻习近平新时代中国特色社会主义思想主题教育</a></li></ul></aside>
</div>
<footer class="site-footer"><div class="wrap">
<p><a href="/about">关于我们</a> | <a href="/contact">联系我们</a> | <a href="/sitemap">网站地图</a></p>
<p>主办单位：中共河南省委直属机关工作委员会 地址：郑州市金水路17号</p>
<p>版权所有 © 2022 ICP备05012345号-1 豫公网安备 41010502003456号</p>
</div></footer>
</body>
</html>
"""

LEGACY = """<html>
<head>
{declaration}<title>{head_title}</title>
{meta}<style type="text/css">td{{font-size:12px}}</style>
</head>
<body topmargin="0" leftmargin="0">
<table width="980" border="0" align="center" cellpadding="0" cellspacing="0">
<tr><td><img src="images/banner.jpg" width="980" height="120"></td></tr>
<tr><td bgcolor="#B40000" height="30"><font color="#FFFFFF">&nbsp;<a href="index.html"><font color="#FFFFFF">首页</font></a>&nbsp;|&nbsp;<a href="news.html"><font color="#FFFFFF">工作动态</font></a>&nbsp;|&nbsp;<a href="notice.html"><font color="#FFFFFF">通知公告</font></a>&nbsp;|&nbsp;<a href="law.html"><font color="#FFFFFF">法规文件</font></a></font></td></tr>
</table>
<table width="980" border="0" align="center" cellpadding="0" cellspacing="0">
<tr>
<td width="200" valign="top" bgcolor="#F5F5F5">
<table width="100%"><tr><td><b>栏目导航</b></td></tr>
<tr><td><a href="list1.html">工作动态</a></td></tr><tr><td><a href="list2.html">基层风采</a></td></tr>
<tr><td><a href="list3.html">专题报道</a></td></tr><tr><td><a href="list4.html">图片新闻</a></td></tr></table>
</td>
<td width="780" valign="top">
<table width="96%" align="center"><tr><td height="28">您现在的位置：<a href="index.html">首页</a> &gt;&gt; <a href="news.html">工作动态</a></td></tr>
<tr><td class="content">
<font style="font-size:14px;line-height:28px">
{body}
</font>
</td></tr>
<tr><td align="right">【<a href="javascript:window.print()">打印本页</a>】【<a href="javascript:window.close()">关闭窗口</a>】</td></tr>
</table>
</td></tr></table>
<table width="980" align="center"><tr><td align="center" bgcolor="#EEEEEE">
版权所有：河南省人民防空办公室&nbsp;&nbsp;技术支持：河南省人防指挥信息保障中心<br>
ICP备10001234号&nbsp;&nbsp;建议使用1024×768分辨率浏览
</td></tr></table>
</body>
</html>
"""

TRADITIONAL = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset={declared}" />
<title>{head_title}</title>
{meta}</head>
<body>
<div id="header"><div class="logo"><a href="/">旗幟網</a></div>
<ul class="nav"><li><a href="/">首頁</a></li><li><a href="/qk/">期刊</a></li><li><a href="/dj/">黨建</a></li><li><a href="/ll/">理論</a></li><li><a href="/sp/">視頻</a></li></ul></div>
<div id="container">
<div id="content">
<div class="text">
{body}
</div>
<div class="related"><h4>相關閱讀</h4><ul>
<li><a href="/qk/2021/08/1.html">以黨建高質量發展推動機關建設</a></li>
<li><a href="/qk/2021/08/2.html">堅持黨建引領 服務中心大局</a></li></ul></div>
</div>
<div id="side"><h4>熱門文章</h4><ol><li><a href="/a/1.html">深入學習貫徹習近平總書記重要講話精神</a></li><li><a href="/a/2.html">機關黨建工作的新要求</a></li></ol></div>
</div>
<div id="footer"><p>旗幟網版權所有 未經授權禁止轉載</p><p>ICP備12345678號</p></div>
</body>
</html>
"""

TEMPLATES = {"modern": MODERN, "legacy": LEGACY, "traditional": TRADITIONAL}


def paragraphs(text: str, encoding: str) -> str:
    """Each line of the seed as an escaped paragraph, encodable in the page's charset."""
    out = []
    for line in text.splitlines():
        if not line.strip():
            continue
        escaped = html.escape(line, quote=False)
        escaped = escaped.encode(encoding, "xmlcharrefreplace").decode(encoding)
        out.append(f"<p>{escaped}</p>")
    return "\n".join(out)


def render(sample: Sample, text: str) -> bytes:
    """The page for one sample, encoded as that site would serve it."""
    meta = "".join(
        f'<meta name="{html.escape(k)}" content="{html.escape(v)}">\n'
        for k, v in sample.meta.items()
    )
    declaration = (
        f'<meta http-equiv="Content-Type" content="text/html; charset={sample.declared}">\n'
        if sample.declared
        else ""
    )
    page = TEMPLATES[sample.template].format(
        declared=sample.declared or "",
        declaration=declaration,
        head_title=html.escape(sample.head_title, quote=False),
        meta=meta,
        body=paragraphs(text, sample.encoding),
    )
    return page.encode(sample.encoding, "xmlcharrefreplace")


def main() -> None:
    """Write samples/pages/*.html and samples/texts/*.txt."""
    for sub in ("pages", "texts"):
        shutil.rmtree(OUT / sub, ignore_errors=True)
        (OUT / sub).mkdir(parents=True)
    for sample in SAMPLES:
        seed = next(SEEDS.glob(f"{sample.seed}_*.txt"))
        text = seed.read_text(encoding="utf-8")
        (OUT / "texts" / f"{sample.name}.txt").write_text(text, encoding="utf-8")
        (OUT / "pages" / f"{sample.name}.html").write_bytes(render(sample, text))
        print(
            f"{seed.name} → pages/{sample.name}.html ({sample.encoding}), texts/{sample.name}.txt"
        )


if __name__ == "__main__":
    main()
