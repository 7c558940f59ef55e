"""Near-duplicates: one story on several sites and in the other script is one cluster."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from conftest import ingest_flow, query, run_cli
from httpsite import Site
from stories import edited, in_other_script, on_county_site, on_portal, quoting, stories

from tasks.extract import ExtractOptions
from tasks.process import page_article
from tasks.signature import minhash, similarity
from warehouse.dupes import sign_missing, story_clusters

DEFAULT = 0.5
STORY_SEEDS = ("000", "001", "003")


def signature_of(page: bytes) -> tuple[int, ...]:
    article = page_article(
        page, media_type="text/html", declared_charset=None, url=None, options=ExtractOptions()
    )
    return minhash(article.text)


@pytest.mark.parametrize("seed", sorted(stories()))
def test_one_story_on_other_sites_and_in_the_other_script_scores_above_the_default(
    seed: str,
) -> None:
    story = stories()[seed]
    portal = signature_of(on_portal(story))
    for other in (on_county_site(story), in_other_script(story), edited(story)):
        assert similarity(portal, signature_of(other)) >= DEFAULT + 0.15


@pytest.mark.parametrize("seed", sorted(stories()))
def test_a_page_quoting_one_paragraph_scores_below_the_default(seed: str) -> None:
    story = stories()[seed]
    quote = signature_of(quoting(story))
    for page in (on_portal(story), on_county_site(story), in_other_script(story)):
        assert similarity(quote, signature_of(page)) <= DEFAULT - 0.15


def test_different_stories_score_far_below_the_default() -> None:
    signed = {seed: signature_of(on_portal(s)) for seed, s in stories().items()}
    for a in signed:
        for b in signed:
            if a < b:
                assert similarity(signed[a], signed[b]) < 0.15, (a, b)


def test_signature_equals_datasketch_affine32_minhash(seeds: dict[str, str]) -> None:
    from datasketch import MinHash

    from tasks.signature import PERMUTATIONS, SEED, shingle_hashes

    # All seeds in one text as well: more shingles than one block holds (tasks/signature._CHUNK).
    for text in [*seeds.values(), "\n".join(seeds.values()) * 3]:
        reference = MinHash(num_perm=PERMUTATIONS, seed=SEED, hashfunc=int, scheme="affine32")
        reference.update_batch(shingle_hashes(text).tolist())
        assert minhash(text) == tuple(int(v) for v in reference.hashvalues)


def test_signatures_keep_exactly_the_letters_and_digits_of_the_folded_text() -> None:
    """Every code point, astral ones included, against the definition: drop what is not \\w, and _."""
    import re

    from tasks.fold import fold
    from tasks.signature import signature_text

    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    for text in (every, "Ｎｏ．１号文件_第①条 𠀀𪚥 ǅ Ⅻ，完"):
        assert signature_text(text) == re.sub(r"[\W_]+", "", fold(text))


def test_signature_ignores_punctuation_width_and_layout() -> None:
    text = "省直机关各级党组织,深入贯彻重要指示精神。\n第二段落:继续报道(完)"
    relaid = "  省直机关各级党组织，深入贯彻重要指示精神。第二段落：继续报道（完）\n\n"
    assert minhash(text) == minhash(relaid)


@pytest.fixture
def stories_site(tmp_path: Path, site: Site, prefect_api: str) -> Path:
    """Three stories each on a portal, a GBK county site and a Big5 site in the other script,
    an edited copy of the first and a commentary quoting one paragraph of it, landed by a
    real ingest run."""
    urls = []
    for seed in STORY_SEEDS:
        story = stories()[seed]
        urls.append(site.page(f"/portal/{seed}.html", on_portal(story)))
        urls.append(
            site.page(
                f"/county/{seed}.html",
                on_county_site(story),
                content_type="text/html; charset=gbk",
            )
        )
        urls.append(
            site.page(
                f"/tw/{seed}.html", in_other_script(story), content_type="text/html; charset=big5"
            )
        )
    first = stories()[STORY_SEEDS[0]]
    urls.append(site.page("/portal/edited.html", edited(first)))
    urls.append(site.page("/comment/1.html", quoting(first)))
    summary = ingest_flow(
        tmp_path, [{"name": "web", "kind": "urls", "urls": urls, "politeness": {"delay": 0}}]
    )
    assert summary["new"] == len(urls) and summary["failed"] == 0
    return tmp_path


def paths_by_cluster(root: Path, sql: str = "select * from story_clusters") -> list[set[str]]:
    rows = query(root, f"select cluster_id, url from ({sql})")
    clusters: dict[str, set[str]] = {}
    for cluster_id, url in rows:
        clusters.setdefault(cluster_id, set()).add(url.split("/", 3)[3])
    return sorted(clusters.values(), key=sorted)


def test_story_clusters_group_each_story_and_leave_the_quoting_page_out(
    stories_site: Path,
) -> None:
    assert paths_by_cluster(stories_site) == [
        {"portal/000.html", "county/000.html", "tw/000.html", "portal/edited.html"},
        *({f"portal/{s}.html", f"county/{s}.html", f"tw/{s}.html"} for s in STORY_SEEDS[1:]),
    ]


def test_threshold_is_configurable_per_query_and_per_warehouse(stories_site: Path) -> None:
    # The edited copy lost a paragraph: one story at the default, apart at 0.95.
    strict = paths_by_cluster(stories_site, "select * from story_clusters_at(0.95)")
    assert {"portal/000.html", "county/000.html", "tw/000.html"} in strict
    assert not any("portal/edited.html" in c for c in strict)
    with duckdb.connect(str(stories_site / "warehouse.duckdb")) as conn:
        conn.execute("update story_cluster_settings set threshold = 0.95")
    assert paths_by_cluster(stories_site) == strict
    default_sized = story_clusters(stories_site / "warehouse.duckdb", 0.5)
    assert sorted(len(c.members) for c in default_sized) == [3, 3, 4]


def test_dupes_lists_clusters_with_publishers_and_dates(stories_site: Path) -> None:
    result = run_cli("dupes", "--warehouse", str(stories_site / "warehouse.duckdb"))
    assert result.returncode == 0, result.stderr
    assert "3 stories carried by 10 documents (similarity ≥ 0.5)" in result.stdout
    assert "publisher" in result.stdout and "published" in result.stdout
    assert "2022-08-03" in result.stdout  # the county site's stated date
    assert "comment/1.html" not in result.stdout
    as_json = json.loads(
        run_cli("dupes", "--json", "--warehouse", str(stories_site / "warehouse.duckdb")).stdout
    )
    assert [c["size"] for c in as_json] == [4, 3, 3]
    member = as_json[0]["members"][0]
    assert {"publisher", "published", "first_seen", "url", "similarity"} <= member.keys()


def test_dupes_refuses_a_threshold_outside_zero_to_one(stories_site: Path) -> None:
    result = run_cli(
        "dupes", "--threshold", "1.5", "--warehouse", str(stories_site / "warehouse.duckdb")
    )
    assert result.returncode == 2
    assert "above 0 and at most 1" in result.stderr and "Traceback" not in result.stderr


def test_versions_without_a_signature_are_signed_later(stories_site: Path) -> None:
    path = stories_site / "warehouse.duckdb"
    before = query(stories_site, "select document_id, minhash from signatures order by 1")
    with duckdb.connect(str(path)) as conn:
        conn.execute(
            "delete from signatures where document_id in (select min(document_id) from signatures)"
        )
    assert len(story_clusters(path)) == 3  # still found while one member lacks a signature
    assert sign_missing(path) == 1
    assert query(stories_site, "select document_id, minhash from signatures order by 1") == before
    assert sign_missing(path) == 0


def test_bundled_samples_are_five_stories_each_as_page_and_text(
    samples_copy: Path, prefect_api: str
) -> None:
    ingest_flow(samples_copy)
    clusters = story_clusters(samples_copy / "warehouse.duckdb")
    assert len(clusters) == 5
    for cluster in clusters:
        names = {m.locator.split("/", 1)[1].rsplit(".", 1)[0] for m in cluster.members}
        kinds = sorted(m.locator.rsplit(".", 1)[1] for m in cluster.members)
        assert len(names) == 1 and kinds == ["html", "txt"]
