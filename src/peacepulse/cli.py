"""The `peacepulse` command: a thin shell over the core functions.

Exit codes: 0 done, 1 validation problems (nothing written) or a `sql` query that cannot run, 2 usage error,
3 the store or the users file could not be used (missing, locked, damaged), 4 an unexpected error, logged
as an incident.
"""
from __future__ import annotations

import argparse
import errno
import getpass
import os
import socket
import sys
import traceback
from datetime import datetime
from pathlib import Path

import pandas as pd

from . import __version__, access, closest, demo, incidents, ingest, seeds, store
from .access import users
from .assess import signals
from .ingest import Report, problems
from .kinds import KINDS
from .kinds.cells import DECIMALS
from .reads import exporting, partitioned

SHOWN = 40  # problems printed before pointing to --report


class UsageError(Exception):
    pass


def os_user() -> str:
    """Who runs this command, as the batches it writes record them."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name and no entry in the password database (a bare container)
        return f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown"


def _progress(text: str) -> None:
    if sys.stderr.isatty():
        print(f"  … {text}", file=sys.stderr, flush=True)


def _existing(names: list[str]) -> list[Path]:
    """The paths, or a usage error naming the first that is not a file."""
    for name in names:
        if not Path(name).is_file():
            raise UsageError(f"No such file: {name}")
    return [Path(name) for name in names]


def _print_reports(reports: list[Report], report_path: str | None) -> int:
    for r in reports:
        print(f"{r.file_name}: {r.message}")
        shown = problems.grouped(r.problems)
        for p in shown.head(SHOWN).itertuples():
            where = f"line {p.line}" + (f", {p.column}" if p.column else "")
            print(f"  {p.severity.upper():7} {where}: {p.problem}")
        if len(shown) > SHOWN:
            print(f"  … and {len(shown) - SHOWN:,} more. Write them all with --report problems.csv")
    if report_path:
        frames = [r.problems.assign(file=r.file_name) for r in reports]
        exporting.neutralised(pd.concat(frames)[problems.REPORT_COLUMNS + (["file"] if len(reports) > 1 else [])]
                              ).to_csv(report_path, index=False)
        print(f"Problems written to {report_path}")
    failed = [r.file_name for r in reports if not r.ok]
    if failed:
        if len(reports) > 1:
            print(f"Nothing was written: fix the problems in {', '.join(failed)} and try again.")
        return 1
    return 0


def cmd_init(args) -> int:
    for r in seeds.init(args.db, progress=_progress, user=os_user()):
        print(f"{r.file_name}: {r.message}")
    print(f"Store ready at {args.db}")
    return 0


def cmd_ingest(args) -> int:
    files = [(name, path.read_bytes()) for name, path in zip(args.files, _existing(args.files))]
    reports = ingest.ingest_many(args.db, files, commit=not args.dry_run, kind=args.kind,
                                 decimal=args.decimal, origin="cli", user=os_user(), progress=_progress)
    return _print_reports(reports, args.report)


def cmd_import_public(args) -> int:
    from .sources import importing
    _existing([args.file] + ([args.strength] if args.strength else []))
    reports = importing.import_file(args.db, args.source, Path(args.file), commit=not args.dry_run,
                                    strength=Path(args.strength) if args.strength else None, user=os_user())
    return _print_reports(reports, args.report)


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (1 to 65535)")
    return port


def _check_port(host: str, port: int) -> None:
    """A usage error unless the dashboard could listen on host:port, tried the way its server will bind."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        address = socket.getaddrinfo(host, port, family, socket.SOCK_STREAM, socket.IPPROTO_TCP)[0][4]
    except socket.gaierror:
        raise UsageError(f"cannot listen on {host}: no address has that name; choose another with --host") from None
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        if os.name == "posix":  # as the server does, so a port just left by a stopped server counts as free
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as err:
            if err.errno == errno.EADDRINUSE:
                raise UsageError(f"port {port} is already in use on {host}; choose another with --port") from None
            raise UsageError(f"cannot listen on {host} port {port}: {err.strerror}; "
                             "choose another with --host or --port") from None


def _serve(db: Path, host: str, port: int) -> int:
    """Hand this process over to the dashboard, a program of its own: the core never imports it."""
    _check_port(host, port)
    login = _login_settings()
    print(f"PeacePulse dashboard on http://{host}:{port}/  (store: {db}; "
          f"{'login on, users in ' + str(users.path_for(db)) if login.auth else 'no login'}; Ctrl+C to stop)", flush=True)
    command = [sys.executable, "-m", "dashboard", "--host", host, "--port", str(port), "--db", str(db.resolve())]
    os.execv(sys.executable, command)
    return 0  # not reached: execv replaces the process


def _login_settings() -> access.Settings:
    """The dashboard's login settings, or a usage error that says what to set: before a build or a start."""
    try:
        return access.from_env()
    except access.SettingsError as err:
        raise UsageError(str(err)) from None


def cmd_serve(args) -> int:
    if not args.db.exists():
        raise store.StoreError(f"There is no store at {args.db}. Create one with `peacepulse init` "
                               "or try `peacepulse demo`.")
    return _serve(args.db, args.host, args.port)


def _writable_folder(db: Path) -> None:
    """A store error unless the folder of db exists, or can be made, and can be written."""
    folder = db.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        writable, why = os.access(folder, os.W_OK), f"{folder} is read-only"
    except FileExistsError:
        writable, why = False, f"{folder} is a file, not a folder"
    except OSError as err:
        writable, why = False, err.strerror or str(err)
    if not writable:
        raise store.StoreError(f"Cannot write the demo store at {db}: {why}. "
                               "Choose another place with --db or $PEACEPULSE_DB.")


def _only_demo_data(db: Path) -> None:
    """Refuse to rebuild, and so delete, a store that holds anyone's own uploads."""
    own = store.read_df(db, "SELECT count(*) AS n, arg_max(file_name, uploaded_at) AS latest, max(uploaded_at) AS at "
                            "FROM batches WHERE origin NOT IN ('seed', 'demo')").iloc[0]
    if own["n"]:
        uploads = "1 upload that is" if own["n"] == 1 else f"{own['n']:,} uploads that are"
        raise UsageError(f"{db} holds {uploads} not demo data (the "
                         f"latest, {own['latest']}, on {own['at']:%Y-%m-%d}); --rebuild would delete them. "
                         "Give another path with --db, or delete the file yourself if you mean it.")


def cmd_demo(args) -> int:
    db = (args.db if args.db_given else demo.default_db()).resolve()
    if args.path:
        print(db)
        return 0
    if not args.no_serve:
        _check_port(args.host, args.port)  # before a build that takes a while
        _login_settings()
    if args.rebuild and db.exists():
        _only_demo_data(db)
    if args.rebuild or not db.exists():
        _writable_folder(db)
        print(f"Building the demo store at {db} …", flush=True)
        demo.build_demo(db, progress=_progress)
    else:
        print(f"Using the demo store at {db} (--rebuild builds it anew)")
    print(demo.summary(db))
    return 0 if args.no_serve else _serve(db, args.host, args.port)


def cmd_sql(args) -> int:
    frame = store.read_df(args.db, args.query, external=True)  # the analyst's own query may read files
    if args.csv:
        print(frame.to_csv(index=False), end="")
    else:
        print(frame.to_string(index=False, max_rows=200))
    return 0


def cmd_signals(args) -> int:
    found = signals.find(args.db, mission=args.mission)
    if args.csv:
        print(exporting.neutralised(found[signals.COLUMNS]).to_csv(index=False), end="")
        return 0
    when = f" as of {store.as_of_label(args.as_of)}" if args.as_of else ""
    if found.empty:
        print("No signal needed a decision" + when if when else "No signal needs a decision", end="")
        print(f" for {args.mission}." if args.mission else ".")
        return 0
    if when:
        print(f"Signals{when}:")
    for mission, rows in found.groupby("mission", sort=True):
        print(f"{mission}: {len(rows)} signal{'s' if len(rows) != 1 else ''}")
        for r in rows.itertuples():
            print(f"  {r.severity.upper():6}  {r.rule}: {r.detail}")
    return 0


def cmd_report(args) -> int:
    from . import briefing  # plotly and the rest are loaded only for this command
    output = Path(args.output)
    if output.is_dir():
        raise UsageError(f"{output} is a folder; give the file to write, such as "
                         f"{output / briefing.file_name(args.mission, args.period, args.as_of)}")
    if not output.parent.is_dir():
        raise UsageError(f"No such folder: {output.parent}")
    if not os.access(output.parent, os.W_OK) or (output.exists() and not os.access(output, os.W_OK)):
        raise UsageError(f"Cannot write {output}: permission denied")
    try:
        size = briefing.write(args.db, args.mission, output, period=args.period, as_of=args.as_of)
    except briefing.BriefingError as err:
        raise UsageError(str(err)) from None
    except OSError as err:
        raise UsageError(f"Cannot write {output}: {err.strerror or err}") from None
    print(f"Briefing written to {output} ({size / 1_000_000:.1f} MB). Open it in a browser; it needs no network.")
    return 0


def cmd_export(args) -> int:
    if args.partitioned is None:
        if args.overwrite:
            raise UsageError("--overwrite goes with --partitioned DIR (a flat export replaces its files anyway)")
        for path in exporting.export(args.db, Path(args.out or "export"), args.format or "csv", args.views or None):
            print(path)
        return 0
    if args.format == "csv":
        raise UsageError("--partitioned writes Parquet only; leave out --format csv")
    if args.out is not None or args.views:
        raise UsageError("--partitioned DIR writes the whole store into DIR: it takes no --out and no view names")
    try:
        done = partitioned.export_partitioned(args.db, Path(args.partitioned), args.overwrite, progress=_progress)
    except partitioned.Refused as err:
        raise UsageError(str(err)) from None
    print(f"Exported to {done.folder}: {done.rows['observations']:,} observations and "
          f"{done.rows['observation_history']:,} revisions by mission and year, with the catalogue; "
          f"{done.files:,} files, {done.size / 1_000_000:,.1f} MB.")
    print(f"Read it with DuckDB: SELECT * FROM read_parquet('{done.folder / 'observations'}/*/*/*.parquet', "
          "hive_partitioning = true)")
    return 0


def cmd_status(args) -> int:
    print(exporting.status_text(args.db))
    return 0


def _password(args) -> str:
    """The new user's password: one line of standard input with --password-stdin, else asked twice."""
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise UsageError("no password on standard input")
        return password
    if not sys.stdin.isatty():
        raise UsageError("there is no terminal to ask for the password on: give it on standard input "
                         "with --password-stdin")
    first = getpass.getpass(f"Password for {args.name}: ")
    if getpass.getpass("The same password again: ") != first:
        raise UsageError("the two passwords differ; nothing was changed")
    return first


def _missions(db: Path, codes: list[str]) -> list[str]:
    """The mission codes as the store writes them, or a usage error naming the first unknown one."""
    if not codes:
        return []
    store.require(db)
    known = store.read_df(db, "SELECT code FROM missions ORDER BY code")["code"].tolist()
    by_upper = {k.upper(): k for k in known}
    unknown = [c for c in codes if c.strip().upper() not in by_upper]
    if unknown:
        hint = closest.suggestions(unknown, known)[unknown[0]]
        raise UsageError(f"unknown mission code '{unknown[0]}'.{hint}")
    return [by_upper[c.strip().upper()] for c in codes]


def cmd_users_add(args) -> int:
    path = users.path_for(args.db)
    missions = _missions(args.db, args.mission)
    users.check_new(path, args.name, args.role, missions)  # before asking for a password
    user = users.add(path, args.name, args.role, _password(args), missions)
    print(f"Added {user.name}, {user.role.value} for {user.described()}, to {path}.")
    try:
        login = access.from_env().auth
    except access.SettingsError:
        login = True  # the dashboard will say what is wrong with its settings
    if not login:
        print("The dashboard asks for logins only with PEACEPULSE_AUTH=on and PEACEPULSE_SECRET_KEY set "
              "(see the README).")
    return 0


def cmd_users_list(args) -> int:
    path = users.path_for(args.db)
    found = sorted(users.load(path).values(), key=lambda u: u.name.casefold())
    if not found:
        print(f"No users yet in {path}. Add one with: peacepulse users add NAME --role admin")
        return 0
    print(f"Users in {path}:")
    table = pd.DataFrame({"name": [u.name for u in found], "role": [u.role.value for u in found],
                          "missions": [u.described() for u in found]})
    print(table.to_string(index=False))
    return 0


def cmd_users_remove(args) -> int:
    path = users.path_for(args.db)
    user = users.remove(path, args.name)
    print(f"Removed {user.name} ({user.role.value}) from {path}. Their sessions end at their next request.")
    return 0


def _view(name: str) -> str:
    """A public view's name; argparse's choices refuse an empty list of them (Python 3.11)."""
    if name not in exporting.PUBLIC_VIEWS:
        raise argparse.ArgumentTypeError(f"unknown view '{name}'; choose from {', '.join(exporting.PUBLIC_VIEWS)}")
    return name


def _moment(text: str) -> datetime:
    try:
        return store.parse_as_of(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="peacepulse", description=(
        "PeacePulse: performance assessment for peace operations. "
        "The store is --db, else $PEACEPULSE_DB, else data/peacepulse.duckdb."))
    parser.add_argument("--version", action="version", version=f"peacepulse {__version__}")
    parser.add_argument("--db", help="path of the DuckDB store")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS, help="path of the DuckDB store")
    past = argparse.ArgumentParser(add_help=False)
    past.add_argument("--as-of", type=_moment, metavar="WHEN", help=(
        "read the store as it stood then: a date (2026-03-31, the end of that day, UTC) or a UTC time "
        "(2026-03-31T14:05:00); later uploads and revisions are ignored"))
    serving = argparse.ArgumentParser(add_help=False)
    serving.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serving.add_argument("--port", type=_port, default=8050, help="port to listen on (default: 8050)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser("init", parents=[common], help="create or migrate the store and load the seeds").set_defaults(run=cmd_init)
    p = sub.add_parser("ingest", parents=[common], help="validate and load CSV or .xlsx files")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--kind", choices=KINDS, help="the kind of file (default: detected from the header)")
    p.add_argument("--decimal", choices=DECIMALS, help=(
        "how the files write decimals (default: a comma in semicolon-separated files, else a point)"))
    p.add_argument("--dry-run", action="store_true", help="report what would change, write nothing")
    p.add_argument("--report", metavar="PROBLEMS_CSV", help="write every problem to this CSV")
    p.set_defaults(run=cmd_ingest)
    p = sub.add_parser("import-public", parents=[common], help="load a public dataset (see data/README.md)")
    p.add_argument("source", choices=("fatalities", "gender", "radpko", "sea"))
    p.add_argument("file")
    p.add_argument("--strength", help="gender file giving deployed strength (fatalities only)")
    p.add_argument("--dry-run", action="store_true")
    p.add_argument("--report", metavar="PROBLEMS_CSV")
    p.set_defaults(run=cmd_import_public)
    p = sub.add_parser("demo", parents=[common, serving], help="build the demo store and start the dashboard",
                       description=(
                           "Build the demo store, if it is not built yet, and start the dashboard on it. "
                           "The demo store is --db, else $PEACEPULSE_DB, else demo.duckdb in your data folder "
                           f"(here: {demo.default_db()})."))
    p.add_argument("--rebuild", action="store_true", help="rebuild the demo store even if it exists")
    p.add_argument("--no-serve", action="store_true", help="build only")
    p.add_argument("--path", action="store_true", help="print where the demo store is (or would be built), and stop")
    p.set_defaults(run=cmd_demo)
    sub.add_parser("serve", parents=[common, serving], help="start the dashboard").set_defaults(run=cmd_serve)
    p = sub.add_parser("sql", parents=[common, past], help="run a read-only SQL query")
    p.add_argument("query")
    p.add_argument("--csv", action="store_true", help="print CSV instead of a table")
    p.set_defaults(run=cmd_sql)
    p = sub.add_parser("signals", parents=[common, past], help="what needs a decision now, per mission",
                       description="Signals that need a decision, most severe first. The rules and their "
                                   "thresholds: " + " ".join(f"{k}: {v}" for k, v in signals.RULES.items()))
    p.add_argument("--mission", help="one mission's signals only")
    p.add_argument("--csv", action="store_true", help="print CSV instead of text")
    p.set_defaults(run=cmd_signals)
    p = sub.add_parser("report", parents=[common, past], help="write a mission's briefing: one HTML file that works offline",
                       description=(
                           "Write a briefing on one mission as a single HTML file that opens offline and prints "
                           "to PDF: its scorecard row, each theme's trends, the latest assessments with their "
                           "findings and open recommendations, the signals, and where the data came from. With "
                           "--as-of, all of it as the store stood then."))
    p.add_argument("mission", metavar="MISSION", help="mission code, such as UNMISS")
    p.add_argument("--output", "-o", required=True, metavar="FILE", help="the HTML file to write")
    p.add_argument("--period", metavar="P", help=(
        "limit the trends to values up to the end of P, and the assessments to those of periods within P; "
        "P is a period code as in uploads (2025, 2025-S1, 2025-Q3, 2025-07, FY2024/25). The scorecard and "
        "signals stay those of all the data (as of --as-of, if given)"))
    p.set_defaults(run=cmd_report)
    p = sub.add_parser("export", parents=[common], help="export the public views to CSV or Parquet",
                       description=(
                           "Write the public views to one file each in --out; or, with --partitioned DIR, the "
                           "whole store as Parquet, observations and their history partitioned by mission and "
                           "year (the year the period begins), for DuckDB, Spark or Trino to read in place. "
                           "docs/schema.md describes the layout."))
    p.add_argument("--format", choices=("csv", "parquet"), help="file format (default: csv; --partitioned: parquet)")
    p.add_argument("--out", help="folder to write into (default: export/)")
    p.add_argument("--partitioned", metavar="DIR", help=(
        "write a partitioned Parquet export into DIR, which must be new or empty"))
    p.add_argument("--overwrite", action="store_true", help="with --partitioned: replace an earlier export in DIR")
    p.add_argument("views", nargs="*", type=_view, metavar="VIEW",
                   help=f"views to export (default: all): {', '.join(exporting.PUBLIC_VIEWS)}")
    p.set_defaults(run=cmd_export)
    sub.add_parser("status", parents=[common], help="row counts and the latest uploads").set_defaults(run=cmd_status)
    p = sub.add_parser("users", help="who may log in to the dashboard, and with which role", description=(
        "Manage the dashboard's users (used with PEACEPULSE_AUTH=on). A viewer sees the dashboards; an editor "
        "also uploads data, makes assessments and acknowledges signals, for every mission or only those given "
        "with --mission; an admin also changes the catalogue (indicators and missions) and manages users. "
        "The users file is $PEACEPULSE_USERS, else users.json in the folder beside the store that is never "
        "published; it holds argon2 hashes, never passwords."))
    users_sub = p.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    p = users_sub.add_parser("add", parents=[common], help="add a user; the password is asked for")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--role", required=True, choices=[r.value for r in access.Role])
    p.add_argument("--mission", action="append", default=[], metavar="CODE",
                   help="hold an editor to this mission; repeat for more (default: every mission)")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.set_defaults(run=cmd_users_add)
    users_sub.add_parser("list", parents=[common], help="list the users, their roles and missions").set_defaults(
        run=cmd_users_list)
    p = users_sub.add_parser("remove", parents=[common], help="remove a user")
    p.add_argument("name", metavar="NAME")
    p.set_defaults(run=cmd_users_remove)
    return parser


def _incident(command: str, err: BaseException) -> int:
    """The last line of defence: the traceback goes to the incident log, the user gets its id."""
    incident, path = incidents.new_id(), incidents.log_file()
    try:
        incidents.append(path, incident, f"peacepulse {command}", err)
        where = f"The details are in {path}"
    except OSError:
        where = f"The details could not be written to {path}; run again with PEACEPULSE_DEBUG=1 to see them"
    if os.environ.get("PEACEPULSE_DEBUG"):
        traceback.print_exception(err, file=sys.stderr)
    print(f"peacepulse: something went wrong inside PeacePulse (incident {incident}). {where}; "
          "quote the incident when you report the problem.", file=sys.stderr)
    return 4


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    args.db_given = bool(args.db or os.environ.get("PEACEPULSE_DB"))
    args.db = store.resolve_db(args.db)
    try:
        with store.as_of(getattr(args, "as_of", None)):
            return args.run(args)
    except (UsageError, access.UsersError) as err:
        print(f"peacepulse: {err}", file=sys.stderr)
        return 2
    except (store.StoreError, access.UsersFileError) as err:
        print(f"peacepulse: {err}", file=sys.stderr)
        return 3
    except store.QueryError as err:
        if args.command != "sql":  # PeacePulse's own query failed: a fault in PeacePulse, not the user's
            return _incident(args.command, err)
        print(f"peacepulse: the query could not run: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("peacepulse: interrupted; nothing more was written.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader stopped early (| head): not a fault, and nothing left to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as err:
        return _incident(args.command, err)


if __name__ == "__main__":
    sys.exit(main())
