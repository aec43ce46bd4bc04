"""`make bench`: how fast the app is next to DuckDB doing the same work alone.

    .venv/bin/python -m bench                  # 1,000,000 engagements
    .venv/bin/python -m bench --ten-million    # and 10,000,000
    .venv/bin/python -m bench --rebuild        # rebuild the demo databases in bench/out/
    .venv/bin/python -m bench --browser-only   # only the browser section (bench/browser.py)
    .venv/bin/python -m bench --no-browser     # all but the browser section
    .venv/bin/python -m bench --ingest-only    # only the ingest of a 1,000,000-row CSV

It prints, per page and per query the pages run, the app's time, DuckDB's raw time for
the same SQL and parameters, their ratio and the peak memory, and the time to ingest a
1,000,000-row engagements CSV next to DuckDB's plain read_csv of the same file. Its browser
section times what a person waits for: each dashboard in headless chromium until every chart
is drawn, beside a bare Streamlit page with as many charts. The numbers are printed, never
asserted: they depend on the machine.

This package is a measuring tool, not part of the app, so it imports duckdb directly
for the raw baselines (the app itself talks to DuckDB only through impact.db).
"""
