"""The command line: python -m impact init | demo | ingest | batches | undo | users | brief | publish.

Exit codes: 0 done; 1 a file was rejected or an action refused (nothing stored);
2 bad usage; 3 the database file is in use by another process (nothing stored).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from impact import audit, config, contract, db, i18n, ingest
from impact import users as users_store

EXIT_OK, EXIT_REJECTED, EXIT_USAGE, EXIT_BUSY = 0, 1, 2, 3


def _who(args: argparse.Namespace) -> str:
    return getattr(args, "by", None) or os.environ.get("IMPACT_USER") or getpass.getuser() or "unknown"


def _audit_actor(args: argparse.Namespace) -> str:
    """Who did it, as the audit log names a command-line user."""
    return f"{_who(args)} (command line)"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m impact", description="Coalition Impact data tools")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def with_db(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--db", help="database file (default: $IMPACT_DB or data/coalition.duckdb)")
        return p

    with_db(sub.add_parser("init", help="create an empty database with the coalition's tables"))

    demo = with_db(sub.add_parser("demo", help="build a database of synthetic demo data"))
    demo.add_argument(
        "--engagements", type=int, default=200_000, metavar="N", help="contacts to generate (default 200,000)"
    )
    demo.add_argument("--seed", type=int, default=7, metavar="S", help="random seed (default 7)")
    demo.add_argument("--force", action="store_true", help="replace a database that already holds data")

    ing = with_db(sub.add_parser("ingest", help="validate and load CSV files and Excel workbooks (.xlsx, .xlsm)"))
    ing.add_argument("files", nargs="+", metavar="FILE")
    ing.add_argument("--kind", choices=contract.KINDS, help="the files' kind (default: recognised from the header)")
    ing.add_argument(
        "--sheet",
        metavar="NAME",
        help="the sheet read from each workbook (default: its only sheet with data, else the first whose header "
        "row names a kind)",
    )
    ing.add_argument("--dry-run", action="store_true", help="check the files and store nothing")
    ing.add_argument("--by", metavar="NAME", help="who is loading (default: $IMPACT_USER or your login)")
    ing.add_argument("--progress", action="store_true", help="report each step on standard error (for large files)")

    with_db(sub.add_parser("batches", help="list the upload batches"))

    undo = with_db(sub.add_parser("undo", help="remove one upload batch"))
    undo.add_argument("batch_id", type=int, metavar="BATCH_ID")
    undo.add_argument("--by", metavar="NAME", help="who is undoing (default: your login)")

    _users_parser(sub)
    _public_parsers(sub, with_db)
    return parser


def _public_parsers(sub: argparse._SubParsersAction, with_db: Callable) -> None:
    brief = with_db(sub.add_parser("brief", help="write the public impact page as a PDF brief"))
    brief.add_argument(
        "--lang",
        choices=list(i18n.URL_CODES.values()),
        help="the brief's language (default: a share link's own language, else en)",
    )
    brief.add_argument("--out", required=True, metavar="FILE", help="the PDF file to write")
    brief.add_argument(
        "--share-label", metavar="LABEL", help="the brief of an active share link's scope, named by its label"
    )
    brief.add_argument("--paper", choices=["a4", "letter"], default="a4", help="paper size (default a4)")

    publish = with_db(sub.add_parser("publish", help="write the public impact page as a static web site"))
    publish.add_argument(
        "--out", required=True, metavar="DIR", help="the site's folder (new, empty or published before)"
    )


def _users_parser(sub: argparse._SubParsersAction) -> None:
    users = sub.add_parser(
        "users", help="manage the local sign-in accounts (file: $IMPACT_USERS_FILE or users.json beside the database)"
    )
    users.add_argument("--db", help="database whose folder holds users.json (default: $IMPACT_DB or data/)")
    actions = users.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="add an account; the password is read from standard input or prompted")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", required=True, choices=users_store.ACCOUNT_ROLES)
    actions.add_parser("list", help="list the accounts with their roles and locks")
    remove = actions.add_parser("remove", help="remove an account")
    remove.add_argument("name", metavar="NAME")
    set_role = actions.add_parser("set-role", help="change an account's role (signs it out everywhere)")
    set_role.add_argument("name", metavar="NAME")
    set_role.add_argument("role", metavar="ROLE", choices=users_store.ACCOUNT_ROLES)
    password = actions.add_parser("set-password", help="set a new password (read like 'add'); also unlocks")
    password.add_argument("name", metavar="NAME")
    unlock = actions.add_parser("unlock", help="forget an account's wrong passwords and end its wait")
    unlock.add_argument("name", metavar="NAME")


# Commands that only read what is stored (or change it): they never create a database.
_NEEDS_A_DATABASE = ("batches", "undo", "brief", "publish")


# Commands that load or undo data: the public page's stored reports are built again after them
# (impact.public registers itself with ingest.batches.on_change when imported).
_CHANGES_DATA = frozenset({"demo", "ingest", "undo"})


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    os.umask(0o077)  # what the command line creates (a database, a key, logs) is private
    try:
        _check_database(args)
    except config.DatabasePathError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.command in _CHANGES_DATA:
        from impact import public  # noqa: F401 - rebuilds the public page's reports after a load or an undo

    try:
        return _COMMANDS[args.command](args)
    except db.DatabaseBusy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BUSY
    except ingest.IngestUsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        db.close_all()


def _check_database(args: argparse.Namespace) -> None:
    """Refuse a --db (or $IMPACT_DB) that is not a DuckDB database path, before anything is made.

    `users --db` only says which folder holds users.json; it is checked all the same.
    """
    if args.command == "users" and not args.db:
        return
    must_exist = args.command in _NEEDS_A_DATABASE or (args.command == "ingest" and args.dry_run)
    config.check_db_path(config.db_path(args.db), must_exist=must_exist)


def _init(args: argparse.Namespace) -> int:
    path = config.db_path(args.db)
    db.connection(path)
    print(f"Database ready: {path}")
    return EXIT_OK


def _demo(args: argparse.Namespace) -> int:
    from impact import demo  # numpy-heavy; only the demo needs it

    if args.engagements < 1:
        print("error: --engagements must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    path = config.db_path(args.db)
    if path.exists():
        held = db.run_sql("select count(*) as n from batches where status = 'loaded'", db=path)["n"][0]
        if held and not args.force:
            print(
                f"error: {path} already holds data ({held} batches). Use --force to replace it, "
                "or --db to build the demo elsewhere.",
                file=sys.stderr,
            )
            return EXIT_REJECTED
        db.close(path)
        path.unlink()
        Path(str(path) + ".wal").unlink(missing_ok=True)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="impact-demo-") as tmp:
        files = demo.write_demo_csvs(Path(tmp), engagements=args.engagements, seed=args.seed, outcomes=True)
        reports = ingest.load_files(files, database=path, by="demo")
    failed = [r for r in reports if not r.ok]
    for report in failed:
        _print_rejection(report)
    if failed:
        # a half-built demo would be served as if complete by `make run`: remove it
        db.close(path)
        path.unlink(missing_ok=True)
        Path(str(path) + ".wal").unlink(missing_ok=True)
        print(f"error: the demo could not be built; {path} was removed.", file=sys.stderr)
        return EXIT_REJECTED
    rows = {k: sum(r.row_count for r in reports if r.kind == k) for k in contract.KINDS}
    print(
        f"Demo database ready: {path} ({rows['partners']} partners, {rows['events']:,} events, "
        f"{rows['engagements']:,} engagements, {rows['targets']} targets, {rows['milestones']} milestones, "
        f"{rows['surveys']:,} survey responses in {len(reports)} batches, {time.perf_counter() - started:.1f} s). "
        "All names and people in it are fictional."
    )
    return EXIT_OK


def _print_rejection(report: ingest.FileReport) -> None:
    print(
        f"{report.file_name}: rejected, nothing stored ({report.problem_count:,} problem"
        f"{'s' if report.problem_count != 1 else ''})",
        file=sys.stderr,
    )
    for problem in report.problems:
        print(f"  {problem}", file=sys.stderr)
    if report.problem_count > len(report.problems):
        print(f"  ... and {report.problem_count - len(report.problems):,} more", file=sys.stderr)


def _ingest(args: argparse.Namespace) -> int:
    paths = [Path(f) for f in args.files]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        print(f"error: no such file: {', '.join(missing)}", file=sys.stderr)
        return EXIT_USAGE
    progress = None
    if args.progress:

        def progress(step: str, fraction: float) -> None:
            print(f"{fraction:4.0%}  {step}", file=sys.stderr, flush=True)

    reports = ingest.load_files(
        paths,
        kind=args.kind,
        database=args.db,
        by=_who(args),
        dry_run=args.dry_run,
        progress=progress,
        sheet=args.sheet,
    )
    for report in reports:
        if not report.ok:
            _print_rejection(report)
            continue
        for warning in report.warnings:
            print(f"{report.file_name}: warning: {warning}", file=sys.stderr)
        # a workbook's line names the sheet it was read from; a CSV file's line is unchanged
        read = f"{report.file_name} (sheet '{report.sheet}')" if report.sheet is not None else report.file_name
        if args.dry_run:
            print(f"{read}: ok, {report.row_count:,} {report.kind} rows would be loaded (dry run)")
        else:
            print(f"{read}: loaded as batch {report.batch_id}, {report.row_count:,} {report.kind} rows")
            audit.record(
                "load",
                _audit_actor(args),
                target=f"batch {report.batch_id}: {report.file_name}",
                detail={"kind": report.kind, "rows": report.row_count},
                database=args.db,
            )
    return EXIT_OK if all(r.ok for r in reports) else EXIT_REJECTED


def _batches(args: argparse.Namespace) -> int:
    frame = ingest.list_batches(args.db)
    if frame.empty:
        print("No batches yet.")
        return EXIT_OK
    print(f"{'batch':>5}  {'kind':<11}  {'rows':>10}  {'status':<7}  {'loaded at (UTC)':<16}  {'by':<12}  file")
    for row in frame.itertuples():
        sheet = f" (sheet '{row.sheet}')" if isinstance(row.sheet, str) else ""
        print(
            f"{row.batch_id:>5}  {row.kind:<11}  {row.row_count:>10,}  {row.status:<7}  "
            f"{row.loaded_at:%Y-%m-%d %H:%M}  {row.loaded_by:<12}  {row.file_name}{sheet}"
        )
    return EXIT_OK


def _undo(args: argparse.Namespace) -> int:
    try:
        result = ingest.undo_batch(args.batch_id, database=args.db, by=_who(args))
    except ingest.UndoRefused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    print(f"Batch {result.batch_id} ({result.file_name}) undone: {result.rows_removed:,} {result.kind} rows removed.")
    audit.record(
        "undo",
        _audit_actor(args),
        target=f"batch {result.batch_id}: {result.file_name}",
        detail={"kind": result.kind, "rows": result.rows_removed},
        database=args.db,
    )
    return EXIT_OK


def _read_password(confirm: bool = True) -> str:
    """The new password: prompted twice on a terminal, else the first line of standard input."""
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if confirm and getpass.getpass("Password again: ") != first:
            raise users_store.AccountError("The two passwords differ; nothing was changed.")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _users(args: argparse.Namespace) -> int:
    store = users_store.UserStore(users_store.users_path(args.db), audit_as=_audit_actor(args), database=args.db)
    try:
        if args.users_command == "add":
            account = store.add(args.name, args.role, _read_password())
            print(f"Account '{account.name}' added with role {account.role} ({store.path}).")
        elif args.users_command == "list":
            accounts = store.list()
            if not accounts:
                print(f"No accounts yet ({store.path}). Add one with: python -m impact users add NAME --role ROLE")
                return EXIT_OK
            print(f"{'name':<24}  {'role':<8}  {'created (UTC)':<19}  state")
            for a in accounts:
                until = a.waiting_at(users_store.now_utc())
                state = f"waiting until {until:%H:%M:%S} UTC" if until else "active"
                if a.failed_attempts:
                    state += f", {a.failed_attempts} wrong password{'s' if a.failed_attempts != 1 else ''} in a row"
                print(f"{a.name:<24}  {a.role:<8}  {a.created_at[:19].replace('T', ' '):<19}  {state}")
        elif args.users_command == "remove":
            store.remove(args.name)
            print(f"Account '{users_store.normalise_name(args.name)}' removed.")
        elif args.users_command == "set-role":
            account = store.set_role(args.name, args.role)
            print(f"Account '{account.name}' now has role {account.role}.")
        elif args.users_command == "set-password":
            account = store.set_password(args.name, _read_password())
            print(f"Password of '{account.name}' changed; its sign-ins elsewhere have ended.")
        elif args.users_command == "unlock":
            account = store.unlock(args.name)
            print(f"Account '{account.name}' unlocked.")
    except users_store.AccountError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    return EXIT_OK


def _brief(args: argparse.Namespace) -> int:
    from impact import brief, publish  # chart drawing and PDF writing: only these commands need them

    language = i18n.language_from_tag(args.lang) if args.lang else None
    try:
        publish.check_file(Path(args.out))  # before the database is read or a browser started
        page, recipient = publish.public_page(language, database=args.db, share_label=args.share_label)
        content = brief.pdf(page, paper={"a4": "A4", "letter": "Letter"}[args.paper], prepared_for=recipient)
        path = publish.write_file(Path(args.out), content)
    except publish.PublishError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (publish.NothingToPublish, brief.BriefError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    print(f"Impact brief written: {path} ({page.title}, {i18n.LANGUAGES[page.language]}, {args.paper}).")
    return EXIT_OK


def _publish(args: argparse.Namespace) -> int:
    from impact import brief, publish

    try:
        site = publish.publish(Path(args.out), database=args.db)
    except publish.PublishError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (publish.NothingToPublish, brief.BriefError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    print(
        f"Static site written: {site.folder} ({len(site.languages)} languages, {len(site.pages)} pages, "
        f"{len(site.briefs)} PDF briefs). "
        "Serve the folder with any web server."
    )
    return EXIT_OK


_COMMANDS = {
    "init": _init,
    "demo": _demo,
    "ingest": _ingest,
    "batches": _batches,
    "undo": _undo,
    "users": _users,
    "brief": _brief,
    "publish": _publish,
}
