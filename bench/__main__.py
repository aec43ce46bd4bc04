"""The benchmark behind `make bench` (see bench/__init__.py for what it prints and why).

Every measurement whose peak memory is reported runs in a fresh child process (this same
module with a hidden --child-* option) and reads that process's ru_maxrss: DuckDB
allocates outside Python's heap, so tracemalloc would not see it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib.metadata import version
from pathlib import Path
from typing import Any

import duckdb  # the raw baseline only; the app reaches DuckDB through impact.db alone

from bench import browser
from impact import config

OUT = config.PROJECT_ROOT / "bench" / "out"
APP = config.PROJECT_ROOT / "app.py"
SEED = 7
SIZES = (1_000_000, 10_000_000)
INGEST_ROWS = 1_000_000
REPEATS = 5  # query timings are the best of this many warm runs
FIRST_VIEWS = 2  # a page's first view is the best of this many
PAGE_TIMEOUT = 900  # seconds AppTest waits for one run of a page
BROWSER_TIMEOUT_PER_MILLION = 90  # seconds the browser waits for a view, per million engagements (at least 180)
# code whose change changes a demo database, so a stored one is rebuilt
DEMO_INPUTS = ("impact/demo.py", "impact/schema.sql", "impact/contract.py", "impact/vocab.py")
CHILD_ENV = {
    "STREAMLIT_LOGGER_LEVEL": "error",  # AppTest outside a server warns about its cache storage
    "IMPACT_MAX_UPLOAD_MB": "100000",  # the 10M demo's yearly files pass 200 MB; they are not uploads
    "PYTHONPATH": str(config.PROJECT_ROOT),
}


# ------------------------------------------------------------------------------ helpers


def _seconds(value: float | None) -> str:
    if value is None:
        return "-"
    if value < 0.001:
        return "<1 ms"
    if value < 1:
        return f"{value * 1000:.0f} ms"
    return f"{value:.2f} s"


def _ratio(app: float | None, raw: float | None) -> str:
    if not app or not raw:
        return "-"
    return f"{app / raw:.1f}x"


def _megabytes(kilobytes: int | None) -> str:
    return "-" if kilobytes is None else f"{kilobytes / 1024:,.0f} MB"


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]], align: str) -> str:
    """Rows as aligned text; `align` has one 'l' or 'r' per column."""
    rows = [list(map(str, row)) for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) if a == "l" else c.rjust(w) for c, w, a in zip(cells, widths, align, strict=True))

    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)]).rstrip()


def _best_of(repeats: int, action: Callable[[], Any]) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - started)
    return best


def _peak_kilobytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux


def _cpu_seconds() -> float:
    """This process's CPU time so far, all its threads (DuckDB's too): steadier than the waiting time
    when other work shares the machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _child(option: str, *args: str, timeout: float = 3600) -> dict[str, Any]:
    """Run this module as a child process with a hidden option; its result comes back pickled."""
    with tempfile.TemporaryDirectory(prefix="impact-bench-") as tmp:
        result = Path(tmp) / "result.pickle"
        env = {k: v for k, v in os.environ.items() if k not in ("IMPACT_DB", "IMPACT_KEY_FILE")} | CHILD_ENV
        done = subprocess.run(
            [sys.executable, "-m", "bench", option, *args, "--result", str(result)],
            cwd=config.PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0 or not result.exists():
            lines = (done.stderr or done.stdout or "no output").strip().splitlines()
            return {"error": f"exit {done.returncode}: {lines[-1][:160] if lines else ''}"}
        return pickle.loads(result.read_bytes())


def _key(name: str, params: dict[str, Any]) -> tuple[str, str]:
    return name, repr(sorted(params.items()))


def _describe(params: dict[str, Any]) -> str:
    """Parameters in a few characters: the period, then anything filtered."""
    parts = []
    if isinstance(params.get("start"), date) and isinstance(params.get("end"), date):
        parts.append(f"{params['start']:%Y-%m-%d}..{params['end']:%Y-%m-%d}")
    for name, value in sorted(params.items()):
        if name in ("start", "end") or value is None:
            continue
        if isinstance(value, list):
            parts.append(f"{name}={len(value)}" if len(value) > 2 else f"{name}={','.join(map(str, value))}")
        else:
            parts.append(f"{name}={value}")
    text = " ".join(parts)
    return text if len(text) <= 44 else text[:43] + "…"


# -------------------------------------------------------------------- demo databases


@dataclass
class Database:
    engagements: int
    path: Path
    build_seconds: float | None
    reused: bool
    error: str | None = None


def _fingerprint(engagements: int) -> dict[str, Any]:
    digest = hashlib.sha256()
    for name in DEMO_INPUTS:
        digest.update((config.PROJECT_ROOT / name).read_bytes())
    return {"engagements": engagements, "seed": SEED, "code": digest.hexdigest()}


def demo_database(engagements: int, rebuild: bool) -> Database:
    """The demo database of this size in bench/out/, built with `python -m impact demo` unless a
    database built from the same code and parameters is there already."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"demo-{engagements}.duckdb"
    facts = OUT / f"demo-{engagements}.json"
    wanted = _fingerprint(engagements)
    if not rebuild and path.exists() and facts.exists():
        stored = json.loads(facts.read_text())
        if stored.get("fingerprint") == wanted:
            return Database(engagements, path, stored.get("seconds"), reused=True)
    for stale in (path, Path(f"{path}.wal"), config.key_path(path), facts):
        stale.unlink(missing_ok=True)
    print(f"Building the {engagements:,}-engagement demo database (python -m impact demo) ...", flush=True)
    env = {k: v for k, v in os.environ.items() if k not in ("IMPACT_DB", "IMPACT_KEY_FILE")} | CHILD_ENV
    started = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "impact",
            "demo",
            "--engagements",
            str(engagements),
            "--seed",
            str(SEED),
            "--db",
            str(path),
            "--force",
        ],
        cwd=config.PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        return Database(engagements, path, seconds, False, error=(done.stderr or done.stdout).strip()[-300:])
    facts.write_text(json.dumps({"fingerprint": wanted, "seconds": seconds}))
    return Database(engagements, path, seconds, reused=False)


# ---------------------------------------------------------------------------- pages


@dataclass
class PageResult:
    page: str
    first_view: float | None = None
    cached_view: float | None = None
    calls: list[tuple[str, dict[str, Any], float, int]] = field(default_factory=list)
    peak_kb: int | None = None
    error: str | None = None
    charts: browser.Charts | None = None  # what the page drew that the browser section waits for


def _child_page(page_file: str, database: str) -> dict[str, Any]:
    """In a child process: the page's first view (empty caches) and cached view, in AppTest."""
    os.environ["IMPACT_DB"] = database
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from impact import db
    from impact.web import auth

    admin = auth.User("bench", "admin", "local")
    auth.current_user = lambda: admin  # every page renders for an admin

    def opened() -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=PAGE_TIMEOUT)
        at.switch_page(page_file)
        return at

    opened().run()  # imports and Streamlit's first run are a server's start-up, not a page view
    first_view, calls = float("inf"), []
    for _ in range(FIRST_VIEWS):  # the best of a few: other work on the machine only adds time
        st.cache_data.clear()
        db.close_all()  # DuckDB's buffers go too: the first view reads the file afresh
        at = opened()
        with db.recording() as recorded:
            started = time.perf_counter()
            at.run()
            seconds = time.perf_counter() - started
        if seconds < first_view:
            first_view, calls = seconds, recorded
    error = at.exception[0].message.strip().splitlines()[0][:160] if at.exception else None
    started = time.perf_counter()
    at.run()
    cached_view = time.perf_counter() - started
    return {
        "first_view": first_view,
        "cached_view": cached_view,
        "calls": [(c.name, c.params, c.seconds, c.rows) for c in calls],
        "peak_kb": _peak_kilobytes(),
        "error": error,
        "charts": None if error else _charts(at),
    }


def measure_pages(database: Path) -> list[PageResult]:
    import streamlit.logger

    streamlit.logger.set_log_level("error")  # importing pages' code outside a server warns about caching
    from impact.web import ui  # imported here: the parent never runs a page itself

    results = []
    for spec in ui.PAGES:
        print(f"  page {spec.id} ...".ljust(70), end="\r", flush=True)
        found = _child("--child-page", spec.file, "--db", str(database))
        results.append(
            PageResult(
                spec.id, **{k: found.get(k) for k in ("first_view", "cached_view", "peak_kb", "error", "charts")}
            )
        )
        results[-1].calls = found.get("calls") or []
    return results


def _charts(at: Any) -> browser.Charts:
    """The plotly charts and the metric cards' sparklines an AppTest run drew."""
    return browser.Charts(len(at.get("plotly_chart")), sum(1 for m in at.metric if len(m.proto.chart_data)))


def _child_charts(database: str) -> dict[str, Any]:
    """In a child process: how many plotly charts each page of the browser section draws, in
    AppTest as the browser's viewer (an admin; the public on the public page)."""
    os.environ["IMPACT_DB"] = database
    from streamlit.testing.v1 import AppTest

    from bench import browser
    from impact.roles import PUBLIC
    from impact.web import auth, ui

    counts = {}
    for page_id in (browser.PUBLIC_PAGE, *browser.STAFF_PAGES):
        viewer = PUBLIC if page_id == browser.PUBLIC_PAGE else auth.User("bench", "admin", "local")
        auth.current_user = lambda viewer=viewer: viewer
        at = AppTest.from_file(str(APP), default_timeout=PAGE_TIMEOUT)
        at.switch_page(ui.PAGE_BY_ID[page_id].file)
        at.run()
        if not at.exception:
            counts[page_id] = _charts(at)
    return {"charts": counts}


def measure_browser(database: Database, pages: list[PageResult]) -> browser.BrowserResult:
    """The browser section; the pages' chart counts come from their AppTest runs when there were any."""
    counts = {p.page: p.charts for p in pages if p.charts is not None}
    if not pages:
        print("  counting the pages' charts (AppTest) ...".ljust(70), end="\r", flush=True)
        found = _child("--child-charts", "--db", str(database.path))
        if found.get("error"):
            return browser.BrowserResult(database.engagements, error=f"counting the charts failed: {found['error']}")
        counts = found["charts"]
    # a 10,000,000-engagement first view takes tens of seconds; a view that never gets ready ends the wait
    timeout = max(180.0, BROWSER_TIMEOUT_PER_MILLION * database.engagements / 1_000_000)
    return browser.measure(database.path, database.engagements, counts, timeout)


# --------------------------------------------------------------------------- queries


@dataclass
class QueryResult:
    name: str
    params: dict[str, Any]
    rows: int | None = None
    app: float | None = None
    raw: float | None = None
    peak_kb: int | None = None
    error: str | None = None


def _child_query(database: str, calls_file: str) -> dict[str, Any]:
    """In a child process: one query through the app's run_query and the same SQL on a plain
    DuckDB connection to the same database, runs interleaved so that both see the same
    machine (other work on it shifts both alike); the best run of each counts."""
    from impact import db

    name, params = pickle.loads(Path(calls_file).read_bytes())
    rows = len(db.run_query(name, db=database, **params))  # also warms DuckDB's buffers
    sql = db.query_text(name)
    used = {k: v for k, v in params.items() if k in db.query_params(name)}
    plain = duckdb.connect(database)  # the same database instance as the app's connection, no impact code
    try:
        plain.execute(sql, used).df()
        app = raw = float("inf")
        for _ in range(REPEATS):
            app = min(app, _best_of(1, lambda: db.run_query(name, db=database, **params)))
            raw = min(raw, _best_of(1, lambda: plain.execute(sql, used).df()))
    finally:
        plain.close()
    return {"rows": rows, "app": app, "raw": raw, "peak_kb": _peak_kilobytes()}


def _child_baseline(database: str) -> dict[str, Any]:
    """In a child process: what a process that opens the database (and runs nothing) holds."""
    from impact import db

    db.run_sql("select 1", db=database)
    return {"peak_kb": _peak_kilobytes()}


def measure_queries(database: Path, pages: list[PageResult]) -> list[QueryResult]:
    """Every distinct (query, parameters) the pages ran, each measured in a child process."""
    wanted: dict[tuple[str, str], QueryResult] = {}
    for page in pages:
        for name, params, _seconds_taken, _rows in page.calls:
            wanted.setdefault(_key(name, params), QueryResult(name, params))
    results = list(wanted.values())
    with tempfile.TemporaryDirectory(prefix="impact-bench-") as tmp:
        for number, result in enumerate(results, 1):
            print(f"  query {number}/{len(results)} {result.name} ...".ljust(70), end="\r", flush=True)
            calls_file = Path(tmp) / f"{number}.pickle"
            calls_file.write_bytes(pickle.dumps((result.name, result.params)))
            found = _child("--child-query", "--db", str(database), "--calls", str(calls_file))
            for name in ("rows", "app", "raw", "peak_kb", "error"):
                setattr(result, name, found.get(name))
    return results


# ---------------------------------------------------------------------------- ingest


def ingest_files(rows: int) -> tuple[Path, Path, Path]:
    """partners.csv, events.csv and one engagements CSV of `rows` rows (the demo's data), made once."""
    from impact import demo

    folder = OUT / f"ingest-{rows}"
    names = (folder / "partners.csv", folder / "events.csv", folder / f"engagements-{rows}.csv")
    facts = folder / "facts.json"
    wanted = _fingerprint(rows)
    if all(p.exists() for p in names) and facts.exists() and json.loads(facts.read_text()) == wanted:
        return names
    folder.mkdir(parents=True, exist_ok=True)
    print(f"Writing a {rows:,}-row engagements CSV from the demo generator ...", flush=True)
    with tempfile.TemporaryDirectory(prefix="impact-bench-") as tmp:
        written = demo.write_demo_csvs(Path(tmp), engagements=rows, seed=SEED)
        for source in written[:2]:
            (folder / source.name).write_bytes(source.read_bytes())
        with names[2].open("wb") as out:
            for number, part in enumerate(written[2:]):
                with part.open("rb") as lines:
                    if number:
                        lines.readline()  # each yearly file repeats the header
                    while chunk := lines.read(1 << 24):
                        out.write(chunk)
    facts.write_text(json.dumps(wanted))
    return names


def _child_ingest(partners: str, events: str, engagements: str) -> dict[str, Any]:
    """In a child process: ingest.process of the engagements file into a fresh database that
    already holds the partners and events, stored as one batch."""
    from impact import db, ingest

    with tempfile.TemporaryDirectory(prefix="impact-bench-") as tmp:
        path = Path(tmp) / "ingest.duckdb"
        for base in (partners, events):
            ingest.process(Path(base), database=path, by="bench", store=True)
        steps: list[tuple[str, float]] = []

        def progress(step: str, _fraction: float) -> None:
            steps.append((step, time.perf_counter()))

        started, cpu = time.perf_counter(), _cpu_seconds()
        report = ingest.process(Path(engagements), database=path, by="bench", store=True, progress=progress)
        seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
        db.close(path)
    # each step lasts until the next one is reported ("Done" ends the last)
    durations = [(steps[i][0], steps[i + 1][1] - steps[i][1]) for i in range(len(steps) - 1)]
    return {
        "seconds": seconds,
        "cpu": cpu,
        "rows": report.row_count,
        "ok": report.ok,
        "problems": [str(p) for p in report.problems[:3]],
        "steps": durations,
        "peak_kb": _peak_kilobytes(),
    }


def _child_read_csv(engagements: str) -> dict[str, Any]:
    """In a child process: DuckDB alone reading the same file into a table of a fresh database."""
    with tempfile.TemporaryDirectory(prefix="impact-bench-") as tmp:
        con = duckdb.connect(str(Path(tmp) / "raw.duckdb"))
        started, cpu = time.perf_counter(), _cpu_seconds()
        con.execute("create table engagements as select * from read_csv($path)", {"path": engagements})
        con.execute("checkpoint")
        seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
        rows = con.execute("select count(*) from engagements").fetchone()[0]
        con.close()
    return {"seconds": seconds, "cpu": cpu, "rows": rows, "peak_kb": _peak_kilobytes()}


# ---------------------------------------------------------------------------- report


def print_pages(database: Database, pages: list[PageResult], queries: list[QueryResult]) -> None:
    raw_by_key = {_key(q.name, q.params): q.raw for q in queries}
    rows, failed = [], []
    for page in pages:
        if page.error or page.first_view is None:
            failed.append(f"  {page.page}: skipped - {page.error or 'no result'}")
            continue
        app_sql = sum(seconds for _n, _p, seconds, _r in page.calls)
        raw = [raw_by_key.get(_key(n, p)) for n, p, _s, _r in page.calls]
        raw_sql = sum(r for r in raw if r is not None) if page.calls else None
        rows.append(
            [
                page.page,
                str(len(page.calls)),
                _seconds(page.first_view),
                _seconds(page.cached_view),
                _seconds(app_sql if page.calls else None),
                _seconds(raw_sql),
                _ratio(page.first_view, raw_sql),
                _megabytes(page.peak_kb),
            ]
        )
    print(f"\nPages, {database.engagements:,} engagements (AppTest, as an admin)")
    print(
        _table(
            ["page", "queries", "first view", "cached view", "its SQL in app", "same SQL raw", "ratio", "peak memory"],
            rows,
            "lrrrrrrr",
        )
    )
    print(
        f"  first view: empty Streamlit cache and a freshly opened database (best of {FIRST_VIEWS});\n"
        "  cached view: the same page again; ratio: first view / raw DuckDB time of the page's SQL;\n"
        "  peak memory: the page's whole process"
    )
    for line in failed:
        print(line)


def print_queries(database: Database, queries: list[QueryResult], baseline_kb: int | None) -> None:
    rows = [
        [
            q.name,
            _describe(q.params),
            "-" if q.rows is None else f"{q.rows:,}",
            _seconds(q.app),
            _seconds(q.raw),
            _ratio(q.app, q.raw),
            _megabytes(q.peak_kb),
        ]
        for q in queries
        if not q.error
    ]
    print(f"\nQueries the pages ran, {database.engagements:,} engagements (best of {REPEATS} warm runs)")
    print(_table(["query", "parameters", "rows", "app", "raw DuckDB", "ratio", "peak memory"], rows, "llrrrrr"))
    print(
        f"  app: impact.db.run_query; raw DuckDB: the same SQL and parameters on a plain connection, runs interleaved;\n"
        f"  peak memory: a process running the query (one that only opens the database: {_megabytes(baseline_kb)})"
    )
    for q in queries:
        if q.error:
            print(f"  {q.name} ({_describe(q.params)}): failed - {q.error}")


def print_ingest(csv: Path, engine: dict[str, Any], raw: dict[str, Any]) -> None:
    size = csv.stat().st_size / 2**20
    print(f"\nIngest of a {INGEST_ROWS:,}-row engagements CSV ({size:,.0f} MB)")
    if engine.get("error") or not engine.get("ok"):
        print(f"  engine: failed - {engine.get('error') or engine.get('problems')}")
    rows = []
    if engine.get("ok"):
        rows.append(["engine: ingest.process, checked and stored as one batch", _seconds(engine["seconds"]),
                     _seconds(engine.get("cpu")), f"{engine['rows']:,}", _megabytes(engine["peak_kb"])])  # fmt: skip
    if not raw.get("error"):
        rows.append(["DuckDB alone: read_csv into a table", _seconds(raw["seconds"]), _seconds(raw.get("cpu")),
                     f"{raw['rows']:,}", _megabytes(raw["peak_kb"])])  # fmt: skip
    print(_table(["", "time", "CPU time", "rows", "peak memory"], rows, "lrrrr"))
    if engine.get("ok") and not raw.get("error"):
        print(
            f"  ratio: {_ratio(engine['seconds'], raw['seconds'])} (CPU time: {_ratio(engine.get('cpu'), raw.get('cpu'))});"
            f" peak memory: the whole process, DuckDB holding at most IMPACT_DUCKDB_MEMORY_MB"
        )
        print("  engine steps: " + " · ".join(f"{step} {_seconds(s)}" for step, s in engine["steps"]))
    elif raw.get("error"):
        print(f"  DuckDB read_csv: failed - {raw['error']}")


def run(
    sizes: Sequence[int], rebuild: bool, apptest: bool = True, in_browser: bool = True, ingest_only: bool = False
) -> int:
    """The whole benchmark; `apptest` False leaves out the AppTest pages, the queries and the ingest
    (--browser-only), `in_browser` False the browser section (--no-browser), `ingest_only` everything
    but the ingest, demo databases included (--ingest-only)."""
    os.environ.update(CHILD_ENV)  # before anything imports Streamlit (impact.web.ui does)
    started = time.perf_counter()
    print(
        f"Coalition Impact benchmark - {date.today():%Y-%m-%d}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, DuckDB {duckdb.__version__}, Streamlit {version('streamlit')}, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    for engagements in () if ingest_only else sizes:
        database = demo_database(engagements, rebuild)
        if database.error:
            print(f"\nThe {engagements:,}-engagement demo database could not be built: {database.error}")
            continue
        how = "reused; built earlier" if database.reused else "built"
        mb = database.path.stat().st_size / 2**20
        print(
            f"\nDemo database: {engagements:,} engagements, {database.path.relative_to(config.PROJECT_ROOT)} "
            f"({mb:,.0f} MB), {how} in {_seconds(database.build_seconds)} by `python -m impact demo`"
        )
        pages: list[PageResult] = []
        if apptest:
            baseline = _child("--child-baseline", "--db", str(database.path)).get("peak_kb")
            pages = measure_pages(database.path)
            queries = measure_queries(database.path, pages)
            print(" " * 70, end="\r")
            print_pages(database, pages, queries)
            print_queries(database, queries, baseline)
        if in_browser:
            result = measure_browser(database, pages)
            print(" " * 70, end="\r")
            browser.print_result(result, _table)
    if not apptest:
        print(f"\nBenchmark took {time.perf_counter() - started:,.0f} s. Numbers are printed, never asserted.")
        return 0
    partners, events, engagements_csv = ingest_files(INGEST_ROWS)
    print("  ingest ...", end="\r", flush=True)
    engine = _child("--child-ingest", str(partners), str(events), str(engagements_csv))
    raw = _child("--child-read-csv", str(engagements_csv))
    print_ingest(engagements_csv, engine, raw)
    print(f"\nBenchmark took {time.perf_counter() - started:,.0f} s. Numbers are printed, never asserted.")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Coalition Impact benchmark")
    parser.add_argument("--ten-million", action="store_true", help="also measure a 10,000,000-engagement database")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the demo databases in bench/out/")
    only = parser.add_mutually_exclusive_group()
    only.add_argument(
        "--browser-only", action="store_true", help="only the browser section (no AppTest, queries, ingest)"
    )
    only.add_argument("--no-browser", action="store_true", help="leave out the browser section")
    only.add_argument(
        "--ingest-only", action="store_true", help="only the ingest section (no demo database, pages or browser)"
    )
    children_options = ("--child-page", "--child-query", "--child-baseline", "--child-ingest", "--child-read-csv")
    for hidden in (*children_options, "--child-charts"):
        parser.add_argument(hidden, nargs="*", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--calls", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    children = {
        "child_page": lambda values: _child_page(values[0], args.db),
        "child_query": lambda _values: _child_query(args.db, args.calls),
        "child_baseline": lambda _values: _child_baseline(args.db),
        "child_ingest": lambda values: _child_ingest(*values),
        "child_read_csv": lambda values: _child_read_csv(values[0]),
        "child_charts": lambda _values: _child_charts(args.db),
    }
    for option, action in children.items():
        values = getattr(args, option)
        if values is not None:
            Path(args.result).write_bytes(pickle.dumps(action(values)))
            return 0
    sizes = SIZES if args.ten_million else SIZES[:1]
    return run(
        sizes,
        args.rebuild,
        apptest=not args.browser_only,
        in_browser=not (args.no_browser or args.ingest_only),
        ingest_only=args.ingest_only,
    )


if __name__ == "__main__":
    sys.exit(main())
