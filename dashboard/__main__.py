"""python -m dashboard [--host H] [--port P] [--debug] [--db PATH]"""
from __future__ import annotations

import argparse
import os


def run(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description="Start the PeacePulse dashboard.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8050)
    parser.add_argument("--debug", action="store_true")
    parser.add_argument("--db", help="path of the DuckDB store (default: $PEACEPULSE_DB or data/peacepulse.duckdb)")
    args = parser.parse_args(argv)
    if args.db:
        os.environ["PEACEPULSE_DB"] = args.db
    from dashboard.app import main  # after the store path is set

    main(args.host, args.port, args.debug)


if __name__ == "__main__":
    run()
