"""The browser section of `make bench`: how long a person waits for a page.

AppTest times a page's script alone. A person also waits for the browser to load the app,
open its websocket, ask for a run, receive the elements and draw them. Here Debian's
chromium, driven by Playwright, opens each page of a freshly started server and waits until
the app is idle and every chart is drawn: `[data-testid="stApp"]` says
data-test-script-state="notRunning", there is no `[data-testid="stStatusWidget"]`, the
page's expected number of plotly charts have their `.main-svg`, and its metric cards'
sparklines (Vega-Lite, drawn apart from plotly and often later) their svg or canvas. The
counts come from the page's own run in AppTest. It polls on every animation frame, never
sleeps, and reads the time from the browser's own clock (performance.now(), from the start
of the navigation).

Beside each page it measures, in the same run and the same browser, a bare Streamlit page
with the same number of plotly charts of similar size (a tiny script in a temporary folder,
served by its own server), so the ratio says how much the app adds to what Streamlit and
plotly cost anyway.

- first view: the page's first navigation on a freshly started server whose query cache is
  empty; a staff page's is the best of FIRST_VIEWS such servers, as one view carries all of the
  machine's noise. Staff pages come after one unmeasured view of /impact on that server (the server
  has imported its code, the browser holds Streamlit's scripts); /impact's first view is the
  very first request of a freshly started server, in a browser context with nothing cached,
  and its bare page is likewise the first request of the freshly started bare server. A staff
  page's first view is set beside the bare page's best view: the bare page has no caches to
  fill, so on a server that has answered once its first view is any view (a single view of it
  would only add its noise to the ratio).
- cached view: the best of CACHED_VIEWS later navigations, each a new session (as a
  reload or a typed URL is), interleaved with the bare page's views.
- where a cached view goes: the script runs the browser received (ForwardMsg new_session)
  until the page was ready; how long those runs' scripts ran on the server (bench/serve.py
  times them; the websocket cannot tell, as the browser reads its frames only as fast as it
  draws them); the CPU time the server process and the browser's processes (renderers, GPU,
  browser; DevTools' SystemInfo.getProcessInfo) used for the view; the websocket payload.
  CPU time holds up better than waiting time when other work shares the machine.

Staff pages are opened as an admin: a local account in a temporary accounts file and the
signed sign-in cookie (impact.sessions.make_token) set in the browser context. /impact is
opened as the public. The numbers are printed, never asserted.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from impact import config

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
VIEWPORT = {"width": 1400, "height": 1000}
CACHED_VIEWS = 3  # a cached view is the best of this many navigations
FIRST_VIEWS = 2  # a staff page's first view is the best of this many freshly started servers
STAFF_PAGES = ("overview", "reach", "languages", "partners")
PUBLIC_PAGE = "impact"
ACCOUNT = "bench"  # the admin account the staff pages are opened as
COOKIE_NAME = "impact_session"  # impact.web.auth.COOKIE_NAME (not imported: that module imports Streamlit)
SERVER_START_TIMEOUT = 120  # seconds
SERVE = Path(__file__).resolve().parent / "serve.py"  # `streamlit run`, timing each script run

# True once the app is idle and `expected` charts are drawn: then the browser's own time since
# the navigation started (performance.now()), else false. Evaluated on every animation frame.
READY = """([plotly, sparklines]) => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
    const drawn = (selector, part) => Array.from(document.querySelectorAll(selector))
        .filter((element) => element.querySelector(part)).length;
    const ready = drawn('.js-plotly-plot', '.main-svg') === plotly
        && drawn('[data-testid="stMetric"]', '.vega-embed svg, .vega-embed canvas') === sparklines;
    return ready ? performance.now() : false;
}"""
# What the page looked like when it was not ready in time (for the report).
STATE = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    const drawn = (selector, part) => Array.from(document.querySelectorAll(selector))
        .filter((element) => element.querySelector(part)).length;
    return {
        state: app ? app.getAttribute('data-test-script-state') : 'no app',
        status: !!document.querySelector('[data-testid="stStatusWidget"]'),
        plotly: drawn('.js-plotly-plot', '.main-svg'),
        sparklines: drawn('[data-testid="stMetric"]', '.vega-embed svg, .vega-embed canvas'),
    };
}"""

# The bare app: a router like app.py's (st.navigation, hidden) and one page per chart count.
BARE_ROUTER = '''"""A bare Streamlit app for `make bench`: one page per chart count, nothing else."""

import streamlit as st

COUNTS = __COUNTS__
pages = [st.Page(f"charts_{count}.py", url_path=f"charts-{count}", default=not index) for index, count in enumerate(COUNTS)]
st.navigation(pages, position="hidden").run()
'''
BARE_PAGE = '''"""A bare page for `make bench`: a title and __CHARTS__ plotly charts of the dashboards' size."""

import plotly.graph_objects as go
import streamlit as st

CHARTS = __CHARTS__
st.set_page_config(page_title="Bare page", layout="wide")
st.title(f"{CHARTS} plotly charts")
months = [f"{2022 + m // 12}-{m % 12 + 1:02d}-01" for m in range(36)]
for number in range(CHARTS):
    figure = go.Figure()
    if number % 2:  # six lines, as a chart by month and partner
        for series in range(6):
            values = [1000 + 40 * series + (m * (series + 3)) % 97 for m in range(36)]
            figure.add_scatter(x=months, y=values, mode="lines", name=f"Partner {series + 1}")
    else:  # bars and a line, as people and contacts by month
        figure.add_bar(x=months, y=[5000 + (m * 37) % 800 for m in range(36)], name="Unique people")
        figure.add_scatter(x=months, y=[9000 + (m * 53) % 1500 for m in range(36)], mode="lines+markers", name="Contacts")
    figure.update_layout(
        title={"text": f"Chart {number + 1}", "x": 0, "xanchor": "left"},
        yaxis_title="People",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1},
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        hovermode="x unified",
    )
    st.plotly_chart(figure, width="stretch", key=f"chart.{number}", config={"displaylogo": False})
'''


# ------------------------------------------------------------------------------ servers


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path
    runs: Path  # one JSON line per script run: its start (time.time()) and seconds

    def cpu_seconds(self) -> float | None:
        """The server process's CPU time so far (Linux), or None."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return None

    def script_seconds(self, since: float, until: float) -> tuple[int, float]:
        """The script runs that started in [since, until]: how many, and their seconds."""
        if not self.runs.exists():
            return 0, 0.0
        found = [json.loads(line) for line in self.runs.read_text().splitlines() if line.strip()]
        chosen = [run["seconds"] for run in found if since <= run["start"] <= until]
        return len(chosen), sum(chosen)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(script: Path, cwd: Path, env: dict[str, str], log_dir: Path) -> Server:
    """`streamlit run script` on a free loopback port (through bench/serve.py, which times each
    script run), once it answers its health check."""
    port = _free_port()
    log = log_dir / f"streamlit-{script.stem}-{port}.log"
    runs = log_dir / f"runs-{script.stem}-{port}.jsonl"
    process = subprocess.Popen(
        [
            sys.executable,
            str(SERVE),
            "run",
            str(script),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--server.fileWatcherType",
            "none",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=cwd,
        env=env | {"BENCH_RUN_LOG": str(runs)},
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early: {log.read_text()[-300:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.read() == b"ok":
                    return Server(url, process, log, runs)
        except OSError:
            time.sleep(0.2)  # waiting for a server to come up, not for a page
    process.kill()
    process.wait()
    raise RuntimeError(f"streamlit did not answer within {SERVER_START_TIMEOUT} s")


@contextmanager
def running(start: Callable[[], Server]) -> Iterator[Server]:
    server = start()
    try:
        yield server
    finally:
        server.stop()


def write_bare_app(folder: Path, counts: Sequence[int]) -> Path:
    """The bare app in `folder`, with the project's Streamlit settings (theme, toolbar)."""
    (folder / ".streamlit").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(config.PROJECT_ROOT / ".streamlit" / "config.toml", folder / ".streamlit" / "config.toml")
    for count in counts:
        (folder / f"charts_{count}.py").write_text(BARE_PAGE.replace("__CHARTS__", str(count)))
    router = folder / "bare_app.py"
    router.write_text(BARE_ROUTER.replace("__COUNTS__", repr(sorted(set(counts)))))
    return router


def staff_cookie(folder: Path) -> tuple[dict[str, str], str]:
    """An admin account in an accounts file of its own and a signed sign-in cookie for it:
    the server's settings and the cookie's value."""
    from impact import sessions, users

    users_file, key_file = folder / "users.json", folder / "cookie.secret"
    key_file.write_text(secrets.token_urlsafe(48))
    key_file.chmod(0o600)
    users.UserStore(users_file).add(ACCOUNT, "admin", secrets.token_urlsafe(24))
    token = sessions.make_token(ACCOUNT, key_file.read_bytes().strip(), time.time(), hours=12)
    return {"IMPACT_USERS_FILE": str(users_file), "IMPACT_COOKIE_KEY_FILE": str(key_file)}, token


# -------------------------------------------------------------------------------- views


class Charts(NamedTuple):
    """What a page draws that the browser section waits for."""

    plotly: int
    sparklines: int = 0  # metric cards with a line (st.metric chart_data)


@dataclass
class View:
    seconds: float | None = None  # from the start of the navigation until ready (browser clock)
    runs: int = 0  # script runs (new_session) received until ready
    server: float | None = None  # seconds the server's script ran for the runs that began until ready
    server_cpu: float | None = None  # CPU seconds of the server process during the view
    browser_cpu: float | None = None  # CPU seconds of all the browser's processes during the view
    requests: int = 0  # rerun requests the browser sent until ready
    received: int = 0  # websocket payload bytes until ready
    late_runs: int = 0  # script runs that began after the page was ready
    error: str | None = None


class Recorder:
    """Follows the websocket of each navigation: script runs, rerun requests, bytes."""

    def __init__(self) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        self._forward, self._back = ForwardMsg, BackMsg
        self.view: View | None = None
        self.ready = False

    def attach(self, page: Any) -> None:
        page.on("websocket", self._opened)

    def start(self) -> View:
        self.view, self.ready = View(), False
        return self.view

    def _opened(self, socket_: Any) -> None:
        if "/_stcore/stream" not in socket_.url or self.view is None:
            return
        view = self.view

        def received(payload: bytes | str) -> None:
            if isinstance(payload, str):
                return
            kind = self._forward.FromString(payload).WhichOneof("type")
            if self.ready or view is not self.view:
                view.late_runs += kind == "new_session"
                return
            view.received += len(payload)
            view.runs += kind == "new_session"

        def sent(payload: bytes | str) -> None:
            if isinstance(payload, bytes) and not self.ready and view is self.view:
                view.requests += self._back.FromString(payload).WhichOneof("type") == "rerun_script"

        socket_.on("framereceived", received)
        socket_.on("framesent", sent)


class Tab:
    """One browser tab in its own context, whose navigations are measured."""

    def __init__(self, context: Any, server: Server, timeout: float, browser_cpu: Callable[[], dict[int, float]]):
        self.context, self.server, self.timeout, self.browser_cpu = context, server, timeout, browser_cpu
        self.page = context.new_page()
        self.recorder = Recorder()
        self.recorder.attach(self.page)

    def view(self, path: str, expected: Charts) -> View:
        """Open the server's `path` and wait until the app is idle with the `expected` charts drawn."""
        view = self.recorder.start()
        started, server_cpu, browser_cpu = time.time(), self.server.cpu_seconds(), self.browser_cpu()
        try:
            self.page.goto(self.server.url + path, wait_until="commit", timeout=self.timeout * 1000)
            ready = self.page.wait_for_function(READY, arg=list(expected), polling="raf", timeout=self.timeout * 1000)
            view.seconds = float(ready.json_value()) / 1000
            after = self.browser_cpu()  # processes that ended meanwhile are left out; new ones count whole
            view.browser_cpu = sum(cpu - browser_cpu.get(pid, 0.0) for pid, cpu in after.items())
            server_after = self.server.cpu_seconds()
            if server_cpu is not None and server_after is not None:
                view.server_cpu = server_after - server_cpu
            timed, seconds = self.server.script_seconds(started, time.time())
            view.server = seconds if timed else None
        except Exception as error:  # a page that is not ready in time is reported, not fatal
            try:
                state = self.page.evaluate(STATE)
                view.error = (
                    f"not ready after {self.timeout:.0f} s: script {state['state']}, "
                    f"{state['plotly']} of {expected.plotly} charts and {state['sparklines']} of "
                    f"{expected.sparklines} sparklines drawn" + (", running" if state["status"] else "")
                )
            except Exception:
                view.error = str(error).splitlines()[0][:160]
        self.recorder.ready = True
        return view


def best(views: Sequence[View]) -> View:
    measured = [v for v in views if v.seconds is not None]
    return min(measured, key=lambda v: v.seconds) if measured else views[-1]


@dataclass
class PageTiming:
    page: str
    charts: Charts
    first: View = field(default_factory=View)
    cached: View = field(default_factory=View)
    bare_first: View = field(default_factory=View)
    bare_cached: View = field(default_factory=View)
    error: str | None = None


@dataclass
class BrowserResult:
    engagements: int
    chromium: str = ""
    pages: list[PageTiming] = field(default_factory=list)
    error: str | None = None


class Run:
    """One browser section: the browser, the bare app's server and tab, the staff cookie."""

    def __init__(self, browser: Any, bare: Server, app_server: Callable[[], Server], token: str, timeout: float):
        self.browser, self.bare, self.app_server = browser, bare, app_server
        self.token, self.timeout = token, timeout
        self.devtools = browser.new_browser_cdp_session()
        self.bare_tab = self.tab(bare)
        self.bare_warm = False  # the bare server has answered, and its tab holds Streamlit's scripts

    def tab(self, server: Server) -> Tab:
        return Tab(self.browser.new_context(viewport=VIEWPORT, locale="en-US"), server, self.timeout, self.cpu)

    def cpu(self) -> dict[int, float]:
        """CPU seconds so far of each of the browser's processes, by process id (10 ms steps)."""
        processes = self.devtools.send("SystemInfo.getProcessInfo")["processInfo"]
        return {process["id"]: float(process["cpuTime"]) for process in processes}

    def bare_view(self, count: int) -> View:
        self.bare_warm = True
        return self.bare_tab.view(f"/charts-{count}", Charts(count))

    def page(self, page_id: str, charts: dict[str, Charts]) -> PageTiming:
        """A page's first view on a freshly started server (a staff page's: the best of FIRST_VIEWS
        servers), then its cached views, each beside the bare page with as many charts."""
        timing = PageTiming(page_id, charts[page_id])
        firsts: list[View] = []
        failure = None
        for _attempt in range(1 if page_id == PUBLIC_PAGE else FIRST_VIEWS):
            try:
                with running(self.app_server) as server:
                    tab = self.tab(server)
                    try:
                        if page_id == PUBLIC_PAGE:  # measured first: both servers fresh, both contexts empty
                            timing.bare_first = self.bare_view(timing.charts.plotly)
                        else:  # signed in; the server's code imported, Streamlit's scripts in the browser
                            tab.context.add_cookies([{"name": COOKIE_NAME, "value": self.token, "url": server.url}])
                            tab.view(f"/{PUBLIC_PAGE}", charts.get(PUBLIC_PAGE, Charts(1)))
                            if not self.bare_warm:
                                self.bare_view(timing.charts.plotly)
                        firsts.append(tab.view(f"/{page_id}", timing.charts))
                        if timing.cached.seconds is None:  # on the first server that drew the page
                            self.cached_views(tab, timing)
                    finally:
                        tab.context.close()
            except Exception as error:  # a server that did not start: the page's other attempts still count
                failure = str(error).splitlines()[0][:160] if str(error) else type(error).__name__
        if firsts:
            timing.first = best(firsts)
        if timing.cached.seconds is None:  # reported as failed only when no server measured the page
            timing.error = failure
        if page_id != PUBLIC_PAGE:  # the bare page has no caches: on a server that has answered
            timing.bare_first = timing.bare_cached  # once, its first view is any view
        return timing

    def cached_views(self, tab: Tab, timing: PageTiming) -> None:
        cached, bare_cached = [], []
        for _ in range(CACHED_VIEWS):  # interleaved: both see the machine's load alike
            cached.append(tab.view(f"/{timing.page}", timing.charts))
            bare_cached.append(self.bare_view(timing.charts.plotly))
        timing.cached, timing.bare_cached = best(cached), best(bare_cached)


def measure(database: Path, engagements: int, charts: dict[str, Charts], timeout: float) -> BrowserResult:
    """Every page of `charts` (page id -> the charts it draws) in headless chromium."""
    from playwright.sync_api import sync_playwright

    from impact import db

    result = BrowserResult(engagements)
    wanted = [p for p in (PUBLIC_PAGE, *STAFF_PAGES) if p in charts]
    if not Path(CHROMIUM).exists():
        result.error = f"no chromium at {CHROMIUM} (`make system-deps` installs Debian's)"
    elif not wanted:
        result.error = "no page to open"
    if result.error:
        return result
    db.close(database)  # the server must be the only process holding the file
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("IMPACT_")}
    with tempfile.TemporaryDirectory(prefix="impact-bench-browser-") as tmp:
        folder = Path(tmp)
        staff_env, token = staff_cookie(folder)
        app_env = base_env | staff_env | {"IMPACT_DB": str(database), "PYTHONPATH": str(config.PROJECT_ROOT)}
        (folder / "bare").mkdir()
        bare_app = write_bare_app(folder / "bare", [charts[p].plotly for p in wanted])

        def app_server() -> Server:
            return start_server(config.PROJECT_ROOT / "app.py", config.PROJECT_ROOT, app_env, folder)

        def bare_server() -> Server:
            return start_server(bare_app, folder / "bare", base_env, folder)

        with sync_playwright() as playwright, running(bare_server) as bare:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            result.chromium = browser.version
            try:
                run = Run(browser, bare, app_server, token, timeout)
                for page_id in wanted:
                    print(f"  browser: /{page_id} ...".ljust(70), end="\r", flush=True)
                    result.pages.append(run.page(page_id, charts))
            finally:
                browser.close()
    return result


# ------------------------------------------------------------------------------- report


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} s"


def _ratio(app: View, bare: View) -> str:
    if app.seconds is None or not bare.seconds:
        return "-"
    return f"{app.seconds / bare.seconds:.1f}x"


def _milliseconds(value: float | None) -> str:
    return "-" if value is None else f"{value * 1000:,.0f} ms"


def _kib(view: View) -> str:
    return f"{view.received / 1024:,.0f} KiB" if view.seconds is not None else "-"


def print_result(result: BrowserResult, table: Callable[..., str]) -> None:
    """The browser's two tables; `table` lays them out as the other sections are."""
    print(f"\nIn the browser, {result.engagements:,} engagements (headless Chromium {result.chromium})")
    if result.error:
        print(f"  skipped - {result.error}")
        return
    waits, goes, notes = [], [], []
    for t in result.pages:
        if t.error:
            notes.append(f"  /{t.page}: skipped - {t.error}")
            continue
        name = f"/{t.page}" + (" (fresh server)" if t.page == PUBLIC_PAGE else "")
        waits.append(
            [
                name,
                str(t.charts.plotly) + (f" +{t.charts.sparklines}" if t.charts.sparklines else ""),
                _seconds(t.first.seconds),
                _seconds(t.cached.seconds),
                _seconds(t.bare_first.seconds),
                _seconds(t.bare_cached.seconds),
                _ratio(t.first, t.bare_first),
                _ratio(t.cached, t.bare_cached),
            ]
        )
        goes.append(
            [
                f"/{t.page}",
                f"{t.first.runs}/{t.cached.runs}",
                _milliseconds(t.cached.server),
                _milliseconds(t.bare_cached.server),
                _milliseconds(t.cached.server_cpu),
                _milliseconds(t.bare_cached.server_cpu),
                _milliseconds(t.cached.browser_cpu),
                _milliseconds(t.bare_cached.browser_cpu),
                _kib(t.cached),
                _kib(t.bare_cached),
            ]
        )
        for label, view in (("first view", t.first), ("cached view", t.cached), ("bare page", t.bare_cached)):
            if view.error:
                notes.append(f"  /{t.page} {label}: {view.error}")
            if view.late_runs:
                notes.append(f"  /{t.page} {label}: {view.late_runs} more script run(s) after the page was ready")
    headers = ["page", "charts", "first view", "cached view", "bare first", "bare cached", "first ÷ bare",
               "cached ÷ bare"]  # fmt: skip
    print(table(headers, waits, "lrrrrrrr"))
    print(
        "  until the app is idle and every chart is drawn (browser clock, from the start of the navigation);\n"
        f"  first view: the page's first on a freshly started server (staff pages: the best of {FIRST_VIEWS} servers,\n"
        "  each after one view of /impact there;\n"
        "  /impact as the server's very first request, in an empty browser context, as the bare page's first;\n"
        "  a staff page's bare first: the bare page's best view (it has no caches), on a server that has answered once);\n"
        f"  cached view: best of {CACHED_VIEWS} later navigations (each a new session, as a reload is);\n"
        "  charts: plotly charts (+ metric sparklines); bare: a Streamlit page with only as many plotly charts,\n"
        "  on its own server, its views interleaved with the app's.\n"
        "  Staff pages as an admin (sign-in cookie), /impact as the public."
    )
    print("\nWhere a cached view goes (the best cached view above, app / bare page)")
    headers = ["page", "runs", "script", "bare script", "server CPU", "bare server CPU", "browser CPU",
               "bare browser CPU", "received", "bare received"]  # fmt: skip
    print(table(headers, goes, "lrrrrrrrrr"))
    print(
        "  runs: script runs until ready, first/cached view; script: the time they ran on the server;\n"
        "  server CPU, browser CPU: CPU time of the server process and of all the browser's processes\n"
        "  (renderers, GPU, browser) during the view; received: the websocket payload."
    )
    for line in notes:
        print(line)
