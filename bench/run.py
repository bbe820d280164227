"""`make bench`: build the benchmark database if needed, time each operation several times and
print one table — operation, scope, median and p95 ms, and the ratio to the bare SQL doing the
same work on the same data in the same run. The table is also written to bench/results/latest.md.

    DJANGO_SETTINGS_MODULE=bench.settings python -m bench.run --scale 0.25 [--runs 7]
    python -m bench.run --scale-growth 0.01,0.1,1      # one run per scale, then the growth table

Each scale has its own database, bangfu_bench_<scale> (BENCH_DATABASE_NAME overrides it),
built once and reused.
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def database_name(scale: float) -> str:
    return "bangfu_bench_" + f"{scale:g}".replace(".", "_")


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


def _arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=float(os.environ.get("SCALE", "0.01")))
    parser.add_argument("--runs", type=int, default=7, help="0: build or load the data only")
    parser.add_argument("--rebuild", action="store_true", help="drop and regenerate the data")
    parser.add_argument("--load-seconds", type=int, default=0, help="HTTP load runs with gunicorn (0: none)")
    parser.add_argument("--load-runs", type=int, default=3, help="load runs; the table shows the median")
    parser.add_argument("--only", action="append", default=[], metavar="MODULE",
                        help="time only this kit module's operations (its key; repeatable)")  # fmt: skip
    parser.add_argument("--reload", action="append", default=[], metavar="MODULE",
                        help="load this kit module's rows again into the built database first")  # fmt: skip
    parser.add_argument("--output", default=str(RESULTS / "latest.md"))
    parser.add_argument("--json", default="", help="also write the table's numbers here")
    parser.add_argument(
        "--scale-growth", default="", help="comma-separated scales: one run each, then the growth table"
    )
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = _arguments(argv)
    if args.scale_growth:
        return scale_growth(args, [float(s) for s in args.scale_growth.split(",")])
    os.environ.setdefault("BENCH_DATABASE_NAME", database_name(args.scale))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django
    from django.conf import settings

    settings.DATABASES  # noqa: B018  (evaluates the settings, starting an embedded server if used)
    _ensure_database()
    django.setup()

    from bench import operations
    from bench.generate import generate
    from bench.records import generate_records
    from bench.timing import Table

    operations.prepare(args.rebuild, lambda: generate(args.scale) | generate_records(args.scale))
    if args.reload:
        print(f"reloaded… {operations.reload_records(args.scale, args.reload)}", flush=True)
    if not args.runs:
        return 0  # the data only
    table = Table()
    operations.run_all(table, args.runs, args.only)
    if args.load_seconds:
        from bench import load

        load.run_all(table, args.scale, args.load_seconds, args.load_runs)
    header = operations.describe(args.scale)
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(table.markdown(header), encoding="utf-8")
    if args.json:
        Path(args.json).write_text(json.dumps({"header": header, "rows": table.records}, ensure_ascii=False))
    print(f"\n{header}\nwritten to {args.output}")
    return 0


def scale_growth(args, scales: list[float]) -> int:
    """One run per scale in a process of its own (its own database), then the `scale growth`
    table: each operation's median and page/bare ratio at each scale, appended to --output."""
    runs = {}
    for scale in scales:
        numbers = RESULTS / f"scale_{scale:g}.json"
        command = [sys.executable, "-m", "bench.run", "--scale", str(scale), "--runs", str(args.runs),
                   "--load-seconds", str(args.load_seconds), "--load-runs", str(args.load_runs),
                   "--output", str(RESULTS / f"scale_{scale:g}.md"), "--json", str(numbers)]  # fmt: skip
        env = {k: v for k, v in os.environ.items() if k != "BENCH_DATABASE_NAME"}
        subprocess.run(command + (["--rebuild"] if args.rebuild else []), check=True, env=env)
        runs[scale] = json.loads(numbers.read_text())
    growth = growth_table(runs)
    tables = [(RESULTS / f"scale_{scale:g}.md").read_text(encoding="utf-8") for scale in sorted(runs, reverse=True)]
    Path(args.output).write_text("\n".join([*tables, growth]), encoding="utf-8")
    print(growth)
    return 0


def _level(scope: str) -> str:
    """A row's scope without its counts, which differ by scale: 省总(38,205 份可见) → 省总."""
    return scope.split("(")[0]


def _operation(name: str) -> str:
    """An operation's name without the figures that follow the data (depth reached, rows held)."""
    import re

    return re.sub(r"[0-9][0-9,]* (rows deep|held)", r"N \1", name)


def growth_table(runs: dict[float, dict]) -> str:
    scales = sorted(runs)
    cells: dict[tuple[str, str], dict[float, str]] = {}
    for scale in scales:
        for row in runs[scale]["rows"]:
            ratio = f" ({row['median'] / row['bare']:.2f}×)" if row["bare"] else ""
            key = (_operation(row["operation"]), _level(row["scope"]))
            cells.setdefault(key, {})[scale] = f"{row['median']:.1f}{ratio}"
    header = " | ".join(f"SCALE={s:g} median ms (page/bare)" for s in scales)
    lines = ["## scale growth", "", f"| operation | scope | {header} |", "|---|---|" + "---|" * len(scales)]
    for (operation, level), by_scale in cells.items():
        lines.append(f"| {operation} | {level} | " + " | ".join(by_scale.get(s, "—") for s in scales) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
