"""`make bench`: build the benchmark database if needed, time each operation several times and
print one table — operation, scope, median and p95 ms, and the ratio to the bare SQL doing the
same work on the same data in the same run. The table is also written to bench/results/latest.md.

    DJANGO_SETTINGS_MODULE=bench.settings python -m bench.run --scale 0.25 [--rows N] [--runs 7]
"""

import argparse
import os
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def admin_connection():
    """An autocommit connection to the `postgres` database of the configured server, for
    creating and dropping benchmark databases."""
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    params = {"dbname": "postgres", "user": db["USER"], "password": db["PASSWORD"] or None}
    params |= {"host": db["HOST"] or db.get("OPTIONS", {}).get("host"), "port": db["PORT"] or None}
    return psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True)


def _ensure_database() -> None:
    """Create the benchmark database on the configured server when it does not exist."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    with admin_connection() as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone():
            conn.execute(f'CREATE DATABASE "{db["NAME"]}"')


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=float(os.environ.get("SCALE", "0.01")))
    parser.add_argument("--rows", type=int, default=None, help="reportable rows (default 4.7M × scale)")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--rebuild", action="store_true", help="drop and regenerate the data")
    parser.add_argument("--load-seconds", type=int, default=0, help="HTTP load run with gunicorn (0: none)")
    parser.add_argument("--load-runs", type=int, default=3, help="load runs; the table shows the median")
    parser.add_argument("--output", default=str(RESULTS / "latest.md"))
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django
    from django.conf import settings

    settings.DATABASES  # noqa: B018  (evaluates the settings, starting an embedded server if used)
    _ensure_database()
    django.setup()

    from bench import operations
    from bench.generate import generate
    from bench.timing import Table

    operations.prepare(args.rebuild, lambda: generate(args.scale, args.rows))
    table = Table()
    operations.run_all(table, args.runs)
    if args.load_seconds:
        from bench import load
        from bench.generate import bench_users

        load.run(table, bench_users()[2], args.load_seconds, args.load_runs)
    header = operations.describe(args.scale)
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(table.markdown(header), encoding="utf-8")
    print(f"\n{header}\nwritten to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
