"""`streamlit run` for the browser section of `make bench`, timing each script run on the server.

    python bench/serve.py run app.py --server.port ...   (the arguments of `streamlit`)

With $BENCH_RUN_LOG set, every script run appends one JSON line to that file: when it
started (time.time()) and how long the script itself ran. The timing wraps Streamlit's
`exec_func_with_error_handling`, which runs one script run; it is a private function, so
if a Streamlit version renames it the server runs untimed (the bench then prints "-"). The
app's own code is not touched.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any


def _time_script_runs(log: Path) -> None:
    try:
        from streamlit.runtime.scriptrunner import script_runner
    except ImportError:
        return
    original = getattr(script_runner, "exec_func_with_error_handling", None)
    if original is None:
        return

    def timed(func: Any, ctx: Any) -> Any:
        started, clock = time.time(), time.perf_counter()
        try:
            return original(func, ctx)
        finally:
            seconds = time.perf_counter() - clock
            with log.open("a") as out:
                out.write(json.dumps({"start": started, "seconds": seconds}) + "\n")

    script_runner.exec_func_with_error_handling = timed


def main() -> int:
    here = str(Path(__file__).resolve().parent)
    sys.path[:] = [p for p in sys.path if p != here]  # as `python -m streamlit`: bench/ is not on the path
    if os.environ.get("BENCH_RUN_LOG"):
        _time_script_runs(Path(os.environ["BENCH_RUN_LOG"]))
    from streamlit.web import cli

    sys.argv = ["streamlit", *sys.argv[1:]]
    return cli.main(prog_name="streamlit")


if __name__ == "__main__":
    sys.exit(main())
