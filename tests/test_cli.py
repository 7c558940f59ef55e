"""Every `ingest` command, run as a subprocess the way a user runs it."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import duckdb
import httpx
import pytest
from conftest import ROOT, run_cli, write_sources
from httpsite import Site

from flows.cli import temporary_server
from flows.cli.temporary_server import STARTUP_TIMEOUT_ENV, ServerFailed, TemporaryServer
from tasks.settings import WORKERS_PER_CORE, build_settings, usable_cores
from tasks.sources import ConfigError, load_sources

TEXT = "samples/texts/qizhi-2021-10-21-jgdj.txt"


@pytest.fixture
def landed(samples_copy: Path, prefect_api: str) -> Path:
    """A warehouse with the samples landed once, through `ingest run` against the test server."""
    result = run_cli("run", cwd=samples_copy, env={"PREFECT_API_URL": prefect_api})
    assert result.returncode == 0, result.stderr
    return samples_copy


def test_run_in_process_without_a_server_then_rerun_is_unchanged(
    samples_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A private PREFECT_HOME: the temporary server's SQLite file must not be shared with other runs.
    home = samples_copy / "prefect"
    env = {"PREFECT_API_URL": "", "INGEST_WAREHOUSE": "", "PREFECT_HOME": str(home)}
    first = run_cli("run", cwd=samples_copy, env=env)
    assert first.returncode == 0, first.stderr
    assert "new documents" in first.stdout and "│                    10 │" in first.stdout
    assert (samples_copy / "data" / "warehouse.duckdb").exists()
    second = run_cli("run", "--json", cwd=samples_copy, env=env)
    summary = json.loads(second.stdout)
    assert summary["unchanged"] == 10 and summary["new"] == 0 and summary["changed"] == 0
    assert "Error logging to API" not in first.stderr + second.stderr
    # Each command stopped the server it started, and the server kept both runs and their logs.
    assert not _processes_with_env("PREFECT_HOME", str(home))
    monkeypatch.setenv("PREFECT_HOME", str(home))
    server = TemporaryServer()
    try:
        server.wait_ready()
        api = httpx.Client(base_url=server.api_url, trust_env=False)
        runs = api.post("/flow_runs/filter", json={"sort": "EXPECTED_START_TIME_ASC"}).json()
        assert [(r["name"], r["state_type"]) for r in runs] == [
            (runs[0]["name"], "COMPLETED"),
            (runs[1]["name"], "COMPLETED"),
        ]
        logs = api.post(
            "/logs/filter", json={"logs": {"flow_run_id": {"any_": [runs[1]["id"]]}}}
        ).json()
        assert any(log["message"].startswith("Done in") for log in logs)
    finally:
        server.stop()


def _processes_with_env(key: str, value: str) -> list[int]:
    """Ids of live processes started with key=value in their environment (Linux /proc)."""
    wanted = f"{key}={value}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and wanted in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:
            continue  # ended meanwhile, or not ours to read
    return found


def test_serve_stopped_with_ctrl_c_exits_130_and_pauses_its_schedules(prefect_api: str) -> None:
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "ingest"), "serve", "--deployment", "samples"],
        cwd=ROOT,
        env={**os.environ, "PREFECT_API_URL": prefect_api},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        # As a terminal starts it: a suite run as a background job (`… &`) inherits SIGINT
        # ignored, and a Python started so ignores Ctrl-C (both fresh-clone CI runs failed so).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    api = httpx.Client(base_url=prefect_api, trust_env=False)
    try:
        deadline = time.monotonic() + 120
        while api.get("/deployments/name/ingest/samples").status_code != 200:
            assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
            time.sleep(0.5)
        time.sleep(3)  # registered before serving begins: let it reach its polling loop
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130 and "interrupted" in stderr, (proc.returncode, stderr)
    after = api.get("/deployments/name/ingest/samples").json()
    assert after["paused"] or not any(s["active"] for s in after["schedules"])


def test_a_temporary_server_that_cannot_start_is_reported_and_ended(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(STARTUP_TIMEOUT_ENV, "0.2")
    server = TemporaryServer()
    pid = server.pid
    with pytest.raises(
        ServerFailed, match=f"did not answer within 0.2 s. Set {STARTUP_TIMEOUT_ENV} higher"
    ):
        server.wait_ready()
    assert server.pid is None
    assert not Path(f"/proc/{pid}").exists()
    for bad in ("soon", "nan", "-1", "0"):  # a NaN deadline would never pass
        monkeypatch.setenv(STARTUP_TIMEOUT_ENV, bad)
        with pytest.raises(
            ServerFailed, match=f"must be a positive number of seconds, got '{bad}'"
        ):
            TemporaryServer()


def test_a_temporary_server_whose_port_was_taken_starts_on_another(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    ports = iter([taken.getsockname()[1]])
    choose = temporary_server._free_port
    monkeypatch.setattr(temporary_server, "_free_port", lambda: next(ports, None) or choose())
    server = TemporaryServer()
    try:
        server.wait_ready()
        assert server.port != taken.getsockname()[1]
        assert httpx.get(f"{server.api_url}/health", trust_env=False).json() is True
    finally:
        server.stop()
        taken.close()


def test_a_temporary_server_that_fails_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "file").write_text("not a directory")
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "file" / "prefect"))
    monkeypatch.setenv("PREFECT_SERVER_LOGGING_LEVEL", "CRITICAL")  # quiet, yet it must say why
    server = TemporaryServer()
    with pytest.raises(
        ServerFailed, match=r"(?s)exited with code 3 .*unable to open database file"
    ):
        server.wait_ready()
    assert server.pid is None


def test_a_prefect_home_that_cannot_be_written_is_named_with_the_fix(samples_copy: Path) -> None:
    (samples_copy / "file").write_text("not a directory")
    home = samples_copy / "file" / "prefect"
    result = run_cli(
        "run", cwd=samples_copy, env={"PREFECT_API_URL": "", "PREFECT_HOME": str(home)}
    )
    message = " ".join(result.stderr.split())
    assert result.returncode == 1, message
    assert f"could not write its database under PREFECT_HOME ({home})" in message, message
    assert "point PREFECT_HOME at a writable directory" in message
    assert "or start a server with `uv run prefect server start`" in message


def test_the_command_line_loads_without_what_only_some_commands_need() -> None:
    """Building the parser imports every command module; slow imports belong in handlers."""
    probe = (
        "import sys, flows.cli; flows.cli.parser(); "
        "print(sorted(m for m in ('prefect', 'pyarrow', 'requests', 'trafilatura') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]", out.stdout


def test_history_lists_versions_and_diffs_them(landed: Path, prefect_api: str) -> None:
    page = landed / TEXT
    page.write_text(
        page.read_text(encoding="utf-8").replace("越是緊要關頭", "越是緊要關頭和危急時刻", 1),
        encoding="utf-8",
    )
    rerun = run_cli("run", "--json", cwd=landed, env={"PREFECT_API_URL": prefect_api})
    assert json.loads(rerun.stdout)["changed"] == 1
    history = run_cli("history", str(page), cwd=landed)
    assert history.returncode == 0, history.stderr
    assert "samples:texts/qizhi-2021-10-21-jgdj.txt" in history.stdout
    assert "current" in history.stdout and " 2 " in history.stdout
    diff = run_cli("history", "samples:texts/qizhi-2021-10-21-jgdj.txt", "--diff", cwd=landed)
    assert "--- version 1" in diff.stdout and "+++ version 2" in diff.stdout
    assert "+越是紧要关头和危急时刻，越能映照初心" in diff.stdout


def test_history_finds_a_document_by_the_url_it_redirected_to(
    tmp_path: Path, site: Site, prefect_api: str
) -> None:
    page = (ROOT / "samples" / "pages" / "hnjgdj-2022-07-20-rfzx.html").read_bytes()
    final = site.page("/2024/final.html", page)
    shared = site.page("/shared.html", page)
    moved = site.page("/old.html", b"", status=301, headers={"Location": "/2024/final.html"})
    first = site.page("/a.html", b"", status=302, headers={"Location": "/shared.html"})
    second = site.page("/b.html", b"", status=302, headers={"Location": "/shared.html"})
    write_sources(
        tmp_path / "sources.yaml",
        [
            {
                "name": "web",
                "kind": "urls",
                "urls": [moved, first, second],
                "politeness": {"delay": 0},
            }
        ],
    )
    result = run_cli("run", "--json", cwd=tmp_path, env={"PREFECT_API_URL": prefect_api})
    assert json.loads(result.stdout)["new"] == 3, result.stderr
    # Recorded under the URL it was discovered by, found by where it led, however spelled.
    respelled = final.replace("http://", "HTTP://") + "?utm_source=x"
    history = run_cli("history", respelled, cwd=tmp_path)
    assert history.returncode == 0, history.stderr
    out = " ".join(history.stdout.split())
    assert moved in out and f"redirected to {final}" in out and "current" in out
    # Two documents led to one URL: both are named, and neither is picked for the user.
    both = run_cli("history", shared, cwd=tmp_path)
    message = " ".join(both.stderr.split())
    assert both.returncode == 2 and "2 documents were redirected to" in message, message
    assert first in message and second in message


def test_query_prints_table_csv_and_json(landed: Path) -> None:
    sql = "select source_script, count(*) as n from articles group by 1 order by 1"
    table = run_cli("query", sql, cwd=landed)
    assert table.returncode == 0 and "hant" in table.stdout and "row(s)" in table.stdout
    csv_out = run_cli("query", sql, "--format", "csv", cwd=landed)
    assert csv_out.stdout.splitlines()[0] == "source_script,n"
    rows = json.loads(run_cli("query", sql, "--format", "json", cwd=landed).stdout)
    assert {r["source_script"] for r in rows} == {"hans", "hant"}
    assert sum(r["n"] for r in rows) == 10


def test_query_json_and_csv_keep_every_value_of_repeated_column_names(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    duckdb.connect(str(warehouse)).close()
    sql = "select 1 as a, 2 as a, 3 as a_2, 4 as b"
    result = run_cli("query", sql, "--format", "json", "--warehouse", str(warehouse))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [{"a": 1, "a_3": 2, "a_2": 3, "b": 4}]
    assert "more than one column is named a" in result.stderr and "column 2 a_3" in result.stderr
    result = run_cli("query", sql, "--format", "csv", "--warehouse", str(warehouse))
    assert list(csv.DictReader(io.StringIO(result.stdout))) == [
        {"a": "1", "a_3": "2", "a_2": "3", "b": "4"}
    ]
    assert "column 2 a_3" in result.stderr
    plain = run_cli(
        "query", "select 1 as a, 2 as b", "--format", "json", "--warehouse", str(warehouse)
    )
    assert plain.stderr == "" and json.loads(plain.stdout) == [{"a": 1, "b": 2}]


def test_output_piped_into_a_reader_that_stops_early_ends_quietly(tmp_path: Path) -> None:
    """`ingest query … | head -2`: no traceback, and the exit code a shell gives SIGPIPE."""
    warehouse = tmp_path / "w.duckdb"
    duckdb.connect(str(warehouse)).close()
    big = "select range as n, 'x' as text from range(100000)"
    for args in (
        ("query", big, "--format", "json"),
        ("query", big, "--format", "csv"),
        ("query", "select 1", "--format", "csv"),  # small enough to wait in the buffer
        ("query", "select 1"),
    ):
        read, write = os.pipe()
        os.close(read)  # the reader is gone before the first line
        with subprocess.Popen(
            [str(Path(sys.executable).parent / "ingest"), *args, "--warehouse", str(warehouse)],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
        ) as proc:
            os.close(write)
            _, stderr = proc.communicate(timeout=60)
        assert proc.returncode == 141 and stderr == "", (args, proc.returncode, stderr)


def test_query_is_read_only(landed: Path) -> None:
    result = run_cli("query", "delete from versions", cwd=landed)
    assert result.returncode != 0 and "read-only" in result.stderr.lower()
    assert (
        "10"
        in run_cli("query", "select count(*) from versions", "--format", "csv", cwd=landed).stdout
    )


def test_an_empty_export_as_of_a_moment_before_the_first_run_says_why(
    landed: Path, tmp_path: Path
) -> None:
    result = run_cli(
        "export", "--format", "jsonl", "--out", "exports/may", "--as-of", "2024-05-01", cwd=landed
    )
    message = " ".join(result.stderr.split())
    assert result.returncode == 0 and "wrote 0 article(s)" in result.stdout, message
    [first] = json.loads(
        run_cli(
            "query",
            "select min(valid_from) as t from article_versions",
            "--format",
            "json",
            cwd=landed,
        ).stdout
    )
    seen = re.search(r"the warehouse's first version was seen at (\S+)\. ", message)
    assert seen and datetime.fromisoformat(seen[1]) == datetime.fromisoformat(first["t"]), message
    assert "not by when it was published (README, *Querying the warehouse*)" in message
    now = run_cli("export", "--format", "jsonl", "--out", "exports/now", cwd=landed)
    assert "wrote 10 article(s)" in now.stdout and now.stderr == ""
    from warehouse.connection import open_connection

    open_connection(tmp_path / "new.duckdb", read_only=False).close()
    result = run_cli(
        "export",
        "--format",
        "jsonl",
        "--out",
        str(tmp_path / "out"),
        "--as-of",
        "2024-05-01",
        "--warehouse",
        str(tmp_path / "new.duckdb"),
    )
    assert "the warehouse holds no versions yet" in result.stderr, result.stderr


def test_status_shows_recent_runs(landed: Path) -> None:
    result = run_cli("status", cwd=landed)
    assert result.returncode == 0 and "completed" in result.stdout and "ingest" in result.stdout


def test_extract_json_from_a_file_has_the_stable_fields(tmp_path: Path) -> None:
    result = run_cli(
        "extract", str(ROOT / "samples" / "pages" / "qizhi-2021-10-21-jgdj.html"), "--json"
    )
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    for key in (
        "title",
        "text",
        "published",
        "publisher",
        "authors",
        "editors",
        "url",
        "language",
        "source_script",
        "charset",
        "flags",
    ):
        assert key in record
    assert record["charset"] == "big5hkscs" and record["source_script"] == "hant"
    assert record["title"] == "在大战大考中彰显机关党建强大力量" and "t2s" in record["flags"]
    # As in the warehouse: names in `flags`, the same with their counts in `flag_details`.
    assert [f.split(":")[0] for f in record["flag_details"]] == record["flags"]
    assert any(f.startswith("boilerplate_lines:") for f in record["flag_details"])


def test_extract_from_a_url_and_readable_view(site: Site) -> None:
    html = (ROOT / "samples" / "pages" / "hnjgdj-2022-07-20-rfzx.html").read_bytes()
    url = site.page("/a.html", html)
    record = json.loads(run_cli("extract", url, "--json").stdout)
    assert record["url"] == url and "省人防指挥信息保障中心" in record["text"]
    shouted = run_cli("extract", url.replace("http://", "HTTP://"), "--json")
    assert shouted.returncode == 0, shouted.stderr
    assert json.loads(shouted.stdout)["text"] == record["text"]
    readable = run_cli("extract", url)
    assert "charset" in readable.stdout and "省人防指挥信息保障中心" in readable.stdout


def test_extract_failure_is_one_json_object_with_the_reason(site: Site) -> None:
    result = run_cli("extract", site.url("/gone.html"), "--json")
    assert result.returncode == 1
    assert json.loads(result.stdout)["error"]["reason"] == "http_404"


def test_a_page_not_found_says_the_url_is_wrong_or_gone_and_what_to_do(site: Site) -> None:
    result = run_cli("extract", site.url("/gone.html"), "--json")
    error = json.loads(result.stdout)["error"]
    assert result.returncode == 1 and error["reason"] == "http_404"
    assert error["message"].startswith("the server answered 404 ")
    assert "the page is gone or its URL is wrong" in error["message"]
    assert "Correct the URL where it is listed (the sources file" in error["message"]


def test_bad_sources_file_is_reported_with_line_and_no_traceback(tmp_path: Path) -> None:
    (tmp_path / "sources.yaml").write_text(
        "sources:\n  - name: x\n    kind: local\n    path: nowhere\n"
    )
    result = run_cli("run", cwd=tmp_path)
    assert result.returncode == 2
    assert "sources.yaml line 4" in result.stderr and "Traceback" not in result.stderr


def test_a_wrong_or_missing_kind_is_reported_on_its_line_with_the_kinds(tmp_path: Path) -> None:
    (tmp_path / "wrong.yaml").write_text(
        "sources:\n  - name: x\n    kind: sitemaps\n    url: http://example.org/s.xml\n"
    )
    result = run_cli("run", "--sources", "wrong.yaml", cwd=tmp_path)
    message = " ".join(result.stderr.split())
    assert result.returncode == 2 and "Traceback" not in message, message
    assert (
        "wrong.yaml line 3: sources[0]: 'kind' must be one of urls, sitemap, feed, local, "
        "got 'sitemaps'." in message
    )
    for entry in ("    path: samples\n", "    kind:\n    path: samples\n"):
        (tmp_path / "missing.yaml").write_text("sources:\n  - name: x\n" + entry)
        result = run_cli("run", "--sources", "missing.yaml", cwd=tmp_path)
        message = " ".join(result.stderr.split())
        assert result.returncode == 2 and "got None" not in message, message
        assert (
            "missing.yaml line 2: sources[0] has no 'kind'. Add 'kind:' with one of urls, "
            "sitemap, feed, local." in message
        ), message


def test_query_without_a_warehouse_says_how_to_get_one(tmp_path: Path) -> None:
    result = run_cli("query", "select 1", cwd=tmp_path)
    assert (
        result.returncode == 2
        and "ingest run" in result.stderr
        and "Traceback" not in result.stderr
    )


def test_bad_sql_is_one_sentence(landed: Path) -> None:
    result = run_cli("query", "select nonsense from nowhere", cwd=landed)
    assert result.returncode == 2 and "the query failed" in result.stderr
    assert "Traceback" not in result.stderr


def test_odd_arguments_get_a_sentence_not_a_traceback(landed: Path, tmp_path: Path) -> None:
    for args, said in (
        (("status", "--limit", "-1"), "argument --limit: must be at least 1, got -1"),
        (("status", "--limit", "0"), "argument --limit: must be at least 1, got 0"),
        (("dupes", "--limit", "-1"), "argument --limit: must be at least 1, got -1"),
        (("search", "党建", "--limit", "0"), "argument --limit: must be at least 1, got 0"),
        (("run", "--limit", "0"), "argument --limit: must be at least 1, got 0"),
        (("run", "--limit", "-3"), "argument --limit: must be at least 1, got -3"),
    ):
        result = run_cli(*args, cwd=landed)
        assert result.returncode == 2 and said in result.stderr, (args, result.stderr)
    for sql in ("", "-- just a comment"):
        result = run_cli("query", sql, cwd=landed)
        assert result.returncode == 0 and "0 row(s)" in result.stdout, (sql, result.stderr)
    not_a_warehouse = tmp_path / "notes.txt"
    not_a_warehouse.write_text("not a database", encoding="utf-8")
    for args in (("query", "select 1"), ("status",), ("run",)):
        result = run_cli(*args, "--warehouse", str(not_a_warehouse), cwd=landed)
        message = " ".join(result.stderr.split())
        assert result.returncode == 2 and "Traceback" not in message, (args, message)
        assert "not a DuckDB file" in message or "not a valid DuckDB database" in message, message
    assert not_a_warehouse.read_text(encoding="utf-8") == "not a database"


def test_unknown_source_name_is_refused(samples_copy: Path) -> None:
    result = run_cli("run", "--source", "nosuch", cwd=samples_copy)
    assert result.returncode == 2 and "no source named 'nosuch'" in result.stderr


def test_reprocess_of_a_source_without_documents_names_the_sources_it_has(
    landed: Path, tmp_path: Path
) -> None:
    result = run_cli("reprocess", "--source", "nosuch", "--dry-run", cwd=landed)
    message = " ".join(result.stderr.split())
    assert result.returncode == 2 and "the query failed" not in message, message
    assert "no stored pages from the source 'nosuch' to re-process" in message
    assert "it has documents from samples only" in message
    assert "`ingest run --source nosuch`" in message
    from warehouse.connection import open_connection

    open_connection(tmp_path / "new.duckdb", read_only=False).close()
    result = run_cli(
        "reprocess", "--source", "nosuch", "--dry-run", "--warehouse", str(tmp_path / "new.duckdb")
    )
    message = " ".join(result.stderr.split())
    assert result.returncode == 2 and "it has no documents yet" in message, message


def test_unknown_group_is_refused_before_a_warehouse_is_made(samples_copy: Path) -> None:
    result = run_cli("run", "--group", "nosuch", cwd=samples_copy)
    message = " ".join(result.stderr.split())
    assert result.returncode == 2 and "Traceback" not in message, message
    groups = sorted({s.group for s in load_sources(samples_copy / "sources.yaml").sources})
    assert f"no source is in group 'nosuch'. Groups: {', '.join(groups)}." in message
    assert not (samples_copy / "data" / "warehouse.duckdb").exists()


def test_a_bad_number_of_workers_is_refused_before_anything_starts(samples_copy: Path) -> None:
    result = run_cli("run", "--workers", "0", cwd=samples_copy)
    assert result.returncode == 2 and "workers must be at least 1, got 0" in result.stderr
    result = run_cli("reprocess", "--dry-run", cwd=samples_copy, env={"INGEST_WORKERS": "two"})
    assert result.returncode == 2, result.stderr
    assert "$INGEST_WORKERS must be a whole number of at least 1, got 'two'" in result.stderr
    assert "Traceback" not in result.stderr


def test_more_workers_than_cores_is_refused_naming_the_limit(samples_copy: Path) -> None:
    most = WORKERS_PER_CORE * usable_cores()
    too_many = str(most + 1)
    limit = f"this machine lets the run use {usable_cores()} core"
    result = run_cli("run", "--workers", too_many, cwd=samples_copy)
    message = " ".join(result.stderr.split())
    assert result.returncode == 2 and "Traceback" not in message, message
    assert f"--workers (the flow's `workers` parameter) asks for {too_many}" in message
    assert limit in message and "extraction is CPU-bound" in message
    assert not (samples_copy / "data" / "warehouse.duckdb").exists()
    result = run_cli("reprocess", "--dry-run", cwd=samples_copy, env={"INGEST_WORKERS": too_many})
    message = " ".join(result.stderr.split())
    assert result.returncode == 2 and f"$INGEST_WORKERS asks for {too_many}" in message, message
    assert limit in message and f"Set it to {most} or fewer" in message
    # A deployed run's `workers` parameter goes through the same settings, on the worker's machine.
    with pytest.raises(ConfigError, match="extraction is CPU-bound"):
        build_settings(samples_copy / "sources.yaml", workers=most + 1, environ={})
    assert build_settings(samples_copy / "sources.yaml", workers=most, environ={}).workers == most


def test_a_negative_wait_is_refused_by_every_command_that_waits(samples_copy: Path) -> None:
    for args in (("check",), ("query", "select 1"), ("status",), ("search", "党建")):
        for wait in ("-1", "nan"):  # a NaN deadline would never pass: it would wait forever
            result = run_cli(*args, "--wait", wait, cwd=samples_copy)
            assert result.returncode == 2, (args, wait, result.stderr)
            assert f"--wait must be zero or more seconds, got {wait}" in result.stderr, args


def test_every_command_that_reads_a_held_warehouse_waits_as_long_as_wait_says(
    tmp_path: Path,
) -> None:
    from warehouse.connection import open_connection

    warehouse = tmp_path / "w.duckdb"
    open_connection(warehouse, read_only=False).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect({str(warehouse)!r}); "
            "print('held', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        for args in (("status",), ("search", "党建"), ("query", "select 1"), ("check",)):
            started = time.monotonic()
            result = run_cli(*args, "--wait", "0.5", "--warehouse", str(warehouse))
            took = time.monotonic() - started
            assert result.returncode == 3 and "locked" in result.stderr, (args, result.stderr)
            assert took < 15, (args, took)  # not the default 30 s
    finally:
        holder.kill()
        holder.wait()
    help_texts = {
        " ".join(run_cli(command, "--help").stdout.split()).split("--wait SECONDS ")[1][:60]
        for command in ("status", "search", "query", "check")
    }
    assert len(help_texts) == 1, help_texts


def test_a_directory_given_as_the_warehouse_is_refused_by_every_command(
    samples_copy: Path,
) -> None:
    (samples_copy / "data").mkdir()
    said = "the warehouse data is a directory; name the DuckDB file, e.g. data/warehouse.duckdb."
    for args in (
        ("run",),
        ("reprocess", "--dry-run"),
        ("status",),
        ("query", "select 1"),
        ("check",),
        ("search", "党建"),
        ("dupes",),
        ("history", "samples:texts/x.txt"),
        ("export", "--format", "jsonl", "--out", "out"),
    ):
        result = run_cli(*args, "--warehouse", "data", cwd=samples_copy)
        assert result.returncode == 2 and said in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr, args
    assert list((samples_copy / "data").iterdir()) == []
    # Flows and library callers open the warehouse without the command line: the same answer.
    from warehouse.connection import WarehouseMissing, open_connection

    for read_only in (True, False):
        with pytest.raises(WarehouseMissing, match="is a directory; name the DuckDB file"):
            open_connection(samples_copy / "data", read_only=read_only)


def test_reading_commands_refuse_a_duckdb_file_that_is_no_warehouse(tmp_path: Path) -> None:
    other = tmp_path / "other.duckdb"
    with duckdb.connect(str(other)) as conn:
        conn.execute("CREATE TABLE t (a INTEGER)")
    for args in (
        ("status",),
        ("search", "党建"),
        ("history", "x"),
        ("dupes",),
    ):  # check says its own
        result = run_cli(*args, "--warehouse", str(other), cwd=tmp_path)
        assert result.returncode == 2, (args, result.stderr)
        assert "not this pipeline's warehouse" in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr and "Catalog Error" not in result.stderr, args
    # Writing to it is refused before anything is written: it is someone else's data.
    from warehouse.connection import WarehouseMissing, connection, open_connection

    with pytest.raises(WarehouseMissing, match="holding other tables"):
        open_connection(other)
    with duckdb.connect(str(other)) as conn:
        assert conn.execute("SELECT table_name FROM duckdb_tables()").fetchall() == [("t",)]
    # A warehouse an older release made: a read cannot migrate it, and says what will.

    old = tmp_path / "old.duckdb"
    with connection(old) as conn:
        conn.execute(
            "DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)"
        )
    result = run_cli("status", "--warehouse", str(old), cwd=tmp_path)
    assert result.returncode == 2 and "the next `ingest run`" in result.stderr, result.stderr


def test_a_sitemap_page_refused_as_unsafe_names_the_sources_file_the_run_read(
    tmp_path: Path, site: Site, prefect_api: str
) -> None:
    page = site.page(
        "/a.html", (ROOT / "samples" / "pages" / "hnjgdj-2022-07-20-rfzx.html").read_bytes()
    )
    site.page(
        "/sitemap.xml",
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{page}</loc></url></urlset>",
        content_type="application/xml",
    )
    write_sources(
        tmp_path / "feeds.yaml",
        [
            {
                "name": "map",
                "kind": "sitemap",
                "url": site.url("/sitemap.xml"),
                "politeness": {"delay": 0},
            }
        ],
    )
    result = run_cli(
        "run",
        "--sources",
        "feeds.yaml",
        "--json",
        cwd=tmp_path,
        env={"PREFECT_API_URL": prefect_api},
    )
    assert json.loads(result.stdout)["failed"] == 1, result.stderr
    sql = "select message from observations where reason = 'unsafe_address'"
    [row] = json.loads(run_cli("query", sql, "--format", "json", cwd=tmp_path).stdout)
    assert "found in a sitemap or feed rather than written in feeds.yaml;" in row["message"]
    assert "set 'allow_private: true' on the source" in row["message"]


def test_sources_file_with_web_sources_is_accepted(
    tmp_path: Path, site: Site, prefect_api: str
) -> None:
    url = site.page(
        "/a.html", (ROOT / "samples" / "pages" / "hnjgdj-2022-07-20-rfzx.html").read_bytes()
    )
    write_sources(
        tmp_path / "sources.yaml",
        [{"name": "web", "kind": "urls", "urls": [url], "politeness": {"delay": 0}}],
    )
    result = run_cli("run", "--json", cwd=tmp_path, env={"PREFECT_API_URL": prefect_api})
    assert json.loads(result.stdout)["new"] == 1
    # history finds the page by the URL however it is spelled: the scheme's case, a
    # fragment and tracking parameters do not make another page.
    respelled = url.replace("http://127.0.0.1", "HTTP://127.0.0.1") + "?utm_source=x#top"
    history = run_cli("history", respelled, cwd=tmp_path)
    assert history.returncode == 0, history.stderr
    assert url in history.stdout and "current" in history.stdout
