"""The statistical forms' benchmark (issue 20), on a database of its own (bangfu_bench_forms):

    DATABASE_URL=postgres://… python -m bench.stat_forms [--runs 21] [--rebuild]

The tree is generate.py's at SCALE=1 (~52,000 units over five levels). Every unit below the
national one fills each of the six forms for three past years (培训统计表 each quarter):
1.4 million forms, loaded set-based (INSERT … SELECT over the units, one statement per form
and period), nine in ten reported all the way up (held by the national unit), one in ten
still a draft at its owner, first reported around the deadline.

Measured, each beside what it must beat:
- national (and one province's) statistics of one form and period — the page's query through
  the cross-tab engine and its layout — against the bare SQL `SUM(…) … GROUP BY left(unit_path)`
  of the same items over the same visible rows: the ratio must stay ≤ 1.5;
- the completeness page (the real view through the test client) at national and province
  scope: p95 < 300 ms.
Writes bench/results/stat_forms.md.
"""

import argparse
import os
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
YEARS = 3


def setup(database: str = "bangfu_bench_forms") -> None:
    """Django on a benchmark database of its own (BENCH_DATABASE_NAME, else `database`), made
    if missing (bench/funds.py's too)."""
    os.environ.setdefault("BENCH_DATABASE_NAME", database)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django
    from django.conf import settings

    from bench.run import admin_connection

    settings.DATABASES  # noqa: B018  (evaluates the settings)
    name = settings.DATABASES["default"]["NAME"]
    with admin_connection() as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    django.setup()


def _item_sql(item, salt: int) -> str:
    """A plausible value of an item from the unit's id: a count, or 万元 with two places as text."""
    draw = f"((u.id::bigint * {2654435761 + salt * 7919}) %% 997)"  # %% : the statement has parameters
    return f"to_jsonb(round({draw} / 10.0, 2)::text)" if item.decimal else f"to_jsonb({draw} %% 200)"


def load_forms() -> int:
    from django.db import connection
    from django.utils import timezone

    from records.stat_forms import deadlines
    from records.stat_forms.catalogue import FORM_TYPES

    this_year = timezone.localdate().year
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM org_unit WHERE depth = 1")
        national = cursor.fetchone()[0]
        for form in FORM_TYPES.values():
            pairs = ", ".join(f"'{item.code}', {_item_sql(item, i)}" for i, item in enumerate(form.items))
            for year in range(this_year - YEARS, this_year):
                for quarter in deadlines.periods_of(form.key, year):
                    due, _grace = deadlines.deadline_of(form.key, year, quarter)
                    cursor.execute(
                        f"""
                        INSERT INTO stat_forms_statform (unit_id, unit_path, holder_id, holder_depth, report_state,
                            form_type, year, quarter, reporter, phone, reported_on, "values", first_reported_at)
                        SELECT u.id, u.path,
                               CASE WHEN u.id %% 10 = 0 THEN u.id ELSE %s END,
                               CASE WHEN u.id %% 10 = 0 THEN u.depth ELSE 1 END,
                               CASE WHEN u.id %% 10 = 0 THEN 'draft' ELSE 'reported' END,
                               %s, %s, %s, '统计员', '028-87654321', %s::date,
                               jsonb_build_object({pairs}),
                               CASE WHEN u.id %% 10 = 0 THEN NULL
                                    ELSE %s::date + ((u.id %% 20) - 14) * interval '1 day' END
                        FROM org_unit u WHERE u.depth > 1
                        """,
                        [national, form.key, year, quarter, due, due],
                    )  # fmt: skip
        cursor.execute("ANALYZE stat_forms_statform")
        cursor.execute("SELECT count(*) FROM stat_forms_statform")
        return cursor.fetchone()[0]


def own_tree(scale: float, rebuild: bool, table: str) -> None:
    """The database migrated, the static files' manifest (the pages render with the production
    settings), `table` and the tree emptied with `rebuild`, and the tree at `scale` loaded when
    missing (bench/funds.py's too)."""
    from django.core.management import call_command
    from django.db import connection

    from bench.generate import fanout_for, load_tree
    from org.models import Unit

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if rebuild:
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {table}, org_unit CASCADE")
    if not Unit.objects.exists():
        load_tree(fanout_for(scale))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE org_unit")


def prepare(rebuild: bool, scale: float) -> dict:
    from org.models import Unit
    from records.stat_forms.models import StatForm

    started = time.perf_counter()
    own_tree(scale, rebuild, StatForm._meta.db_table)
    built = not StatForm.objects.exists()
    if not StatForm.objects.exists():
        load_forms()
    seconds = time.perf_counter() - started
    return {"units": Unit.objects.count(), "forms": StatForm.objects.count(), "seconds": seconds, "built": built}


BARE = {"sum": "SUM({v})", "max": "MAX({v})", "min": "MIN({v})", "mean": "SUM({v} * {w})"}


def bare_statistics(form, year: int, quarter: int, unit):
    """The hand-written GROUP BY the page must stay near: the same aggregates over the same rows
    (a sum per item; 13 item 13's maxima, minima and weighted sums)."""
    from django.db import connection

    def value(code: str) -> str:
        return f"(\"values\" ->> '{code}')::numeric"

    aggregates = ", ".join(BARE[item.combine].format(v=value(item.code), w=value(item.weight or item.code))
                           for item in form.items)  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT left(unit_path, %s), {aggregates} FROM stat_forms_statform
                WHERE form_type = %s AND year = %s AND quarter = %s AND unit_path LIKE %s AND holder_depth <= %s
                GROUP BY 1""",
            [len(unit.path) + 4, form.key, year, quarter, unit.path + "%", unit.depth],
        )  # fmt: skip
        return cursor.fetchall()


def bench_user(unit, name: str, modules=("stat_forms",)):
    from org.models import User

    user, _created = User.objects.get_or_create(
        username=name, defaults={"unit": unit, "modules": list(modules), "must_change_password": False,
                                 "unit_confirmed": True, "profile_confirmed": True, "full_name": name},
    )  # fmt: skip
    return user


def run(runs: int) -> list[tuple]:
    from django.test import Client
    from django.utils import timezone

    from bench.timing import p95, timed
    from org.models import Unit
    from records.stat_forms.catalogue import FORM_TYPES
    from records.stat_forms.statistics import form_statistics

    national = Unit.objects.get(depth=1)
    province = Unit.objects.filter(depth=2).order_by("path").first()
    year = timezone.localdate().year - 1
    rows = []
    for form_key in ("school_aid", "centre_stats"):
        form = FORM_TYPES[form_key]
        for unit in (national, province):
            page = timed(lambda f=form, u=unit: form_statistics(f, year, 0, viewer=u, unit=u), runs)
            bare = timed(lambda f=form, u=unit: bare_statistics(f, year, 0, u), runs)
            median_page, median_bare = sorted(page)[len(page) // 2], sorted(bare)[len(bare) // 2]
            rows.append((f"statistics {form_key} ({len(form.items)} items) at {unit.name}", median_page, median_bare,
                         f"{median_page / median_bare:.2f}× (≤ 1.5×)"))  # fmt: skip
    for unit, name in ((national, "bench_forms_national"), (province, "bench_forms_province")):
        client = Client()
        client.force_login(bench_user(unit, name), backend="org.auth.ModulePermissionBackend")
        url = f"/stat-forms/completeness/?form_type=school_aid&year={year}&quarter=0"

        def get(client=client, url=url):
            response = client.get(url, HTTP_HOST="localhost")
            assert response.status_code == 200, response.status_code

        times = timed(get, runs)
        rows.append((f"completeness page at {unit.name}", sorted(times)[len(times) // 2], None,
                     f"p95 {p95(times):.0f} ms (< 300 ms)"))  # fmt: skip
    return rows


def declaration_lines() -> dict[str, int]:
    """Lines of each form's declaration in the catalogue (from `NAME = FormType(` to its close)."""
    from records.stat_forms import catalogue

    counts, name, start = {}, None, 0
    for number, line in enumerate(Path(catalogue.__file__).read_text(encoding="utf-8").splitlines()):
        if line.endswith("= FormType(") or line.startswith("def journey("):
            name, start = line.split(" ")[0 if "=" in line else 1].split("(")[0], number
        elif name and line.strip() in (")", ")  # fmt: skip"):
            counts[name] = number - start + 1
            name = None
    return counts


def write(rows: list[tuple], prepared: dict, runs: int, path: Path) -> Path:
    from bench.timing import machine

    lines = [
        "# Statistical forms (issue 20)",
        "",
        f"{prepared['units']:,} units, {prepared['forms']:,} forms (6 forms × {YEARS} years, 培训统计表 quarterly); "
        + (f"data built in {prepared['seconds']:.0f} s" if prepared["built"] else "data of an earlier run")
        + f". {runs} runs each after a warm-up; medians in ms. {machine()}.",
        "",
        "| operation | page (ms) | bare SQL (ms) | result |",
        "|---|---:|---:|---|",
        *(
            f"| {name} | {page:.1f} | {'' if bare is None else f'{bare:.1f}'} | {note} |"
            for name, page, bare, note in rows
        ),
        "",
        "A seventh form is one declaration in records/stat_forms/catalogue.py (and its key in FORM_TYPES): "
        + ", ".join(f"{name} {count} lines" for name, count in declaration_lines().items())
        + ".",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def own_tree_arguments(argv, doc: str, output: str) -> argparse.Namespace:
    """The options of a benchmark on its own tree (this one, bench.funds): runs, rebuild, scale
    and the results file."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--scale", type=float, default=1.0, help="the tree's size (bench.generate.fanout_for)")
    parser.add_argument("--output", default=str(RESULTS / output))
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = own_tree_arguments(argv, __doc__, "stat_forms.md")
    setup()
    prepared = prepare(args.rebuild, args.scale)
    rows = run(args.runs)
    print(write(rows, prepared, args.runs, Path(args.output)).read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
