"""The special funds' benchmark (issue 21), on a database of its own (bangfu_bench_funds_<scale>):

    DATABASE_URL=postgres://… python -m bench.funds --scale 0.1 [--runs 21] [--rebuild]

Data, all set-based: generate.py's tree at SCALE, 10,000,000 × SCALE ledger entries over the
streets (one in four an income, three income types and eight expense types in turn, dates over
two years), and for the picker one province's assistance made eligible for a central 医疗救助类
table: 1,000,000 × SCALE measure lines of 医疗救助 from 中央财政, 已帮扶 in one year, reported to
the province, among every province's assistance lines (records.load_records; one household
file a street, generate.load_files).

Measured, each beside its target:
- a street's month page with its running balance (the real view through the test client, a
  different street each run): p95 < 50 ms; its bare window query beside it;
- 资金情况统计 at national scope (the cross-tab engine with its layout) against the bare GROUP BY
  of the same sums: ≤ 1.5×;
- the picker's first page and a page deep in the keyset for the province's table: p95 < 100 ms.
Writes bench/results/funds.md.
"""

import time
from datetime import date
from pathlib import Path

from bench import stat_forms

LEDGER_AT_SCALE_1 = 10_000_000
ELIGIBLE_AT_SCALE_1 = 1_000_000
YEAR = 2025


def bench_user(unit, name: str):
    from org.models import Module

    return stat_forms.bench_user(unit, name, modules=(Module.FUNDS, Module.ASSISTANCE))


def load_ledger(rows: int, user_id: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE TEMP TABLE bench_streets AS
                SELECT id, path, row_number() OVER (ORDER BY path) AS rn FROM org_unit WHERE depth = 5;
            INSERT INTO funds_ledgerentry (unit_id, unit_path, entered_on, direction, fund_type_id, expense_type_id,
                                           amount, budget, remarks, created_by_id, created_at)
            SELECT s.id, s.path, DATE '2024-06-01' + (g %% 700),
                   CASE WHEN g %% 4 = 0 THEN 'income' ELSE 'expense' END,
                   (SELECT array_agg(c.id ORDER BY c.display_order) FROM org_code c JOIN org_codetable t
                      ON t.id = c.table_id WHERE t.key = 'fund_income_type')[(g / 4) %% 3 + 1],
                   CASE WHEN g %% 4 <> 0 THEN (SELECT array_agg(c.id ORDER BY c.display_order) FROM org_code c
                      JOIN org_codetable t ON t.id = c.table_id WHERE t.key = 'fund_expense_type')[(g / 4) %% 8 + 1] END,
                   ((g %% 500) + 1) * CASE WHEN g %% 4 = 0 THEN 40 ELSE 10 END, g %% 3 = 0, '', %s, now()
            FROM generate_series(1, %s) AS g
            JOIN bench_streets s ON s.rn = g %% (SELECT count(*) FROM bench_streets) + 1;
            DROP TABLE bench_streets;
            ANALYZE funds_ledgerentry;
            """,
            [user_id, rows],
        )  # fmt: skip


def load_eligible(scale: float, province) -> int:
    """The province's assistance, made eligible for a central 医疗救助类 table of YEAR: its lines
    (as records.load_records spreads them) become 医疗救助 from 中央财政, their records 已帮扶 in
    YEAR and held by the province. Each step is skipped when its rows are there (a run that
    stopped half-way goes on); the last is an UPDATE, the same again."""

    from bench.generate import load_files
    from bench.records import load_records
    from records.assistance.models import Assistance
    from records.kit import declaration
    from records.models import WorkerFile

    streets = type(province).objects.filter(path__startswith=province.path, depth=5).count()
    share = streets / max(1, type(province).objects.filter(depth=5).count())
    wanted = int(ELIGIBLE_AT_SCALE_1 * scale)
    assistances = int(wanted / 1.7 / share) + 1  # about 1.7 lines a record, the province's share of streets
    if not WorkerFile.objects.exists():
        # One household file a street: the picker reads only a line's file, by its key; the
        # national generator's 470,000 files at SCALE=0.1 took over 18 minutes on a shared machine.
        load_files(type(province).objects.filter(depth=5).count())
    if not Assistance.objects.exists():
        load_records({declaration.get("assistance"): assistances})
    return make_eligible(province)


def make_eligible(province) -> int:
    """The UPDATE of load_eligible for one province (the generator's line ids follow the streets'
    path order: the first province's lines have the lowest ids, the last one's the highest)."""
    from django.db import connection

    from records.assistance.models import AssistanceMeasure

    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE assistance_assistance SET helped = 'helped', holder_id = %s, holder_depth = 2,
                   report_state = 'reported', assisted_on = make_date(%s, (1 + id %% 12)::int, (1 + id %% 28)::int),
                   exit_on = NULL, exited = false, exit_method_id = NULL
            WHERE unit_path LIKE %s;
            UPDATE assistance_assistancemeasure m SET
                   measure_id = (SELECT c.id FROM org_code c JOIN org_codetable t ON t.id = c.table_id
                                 WHERE t.key = 'assistance_measure' AND c.value = '医疗救助'),
                   fund_source_id = (SELECT c.id FROM org_code c JOIN org_codetable t ON t.id = c.table_id
                                     WHERE t.key = 'fund_source' AND c.value = '中央财政')
            FROM assistance_assistance a WHERE a.id = m.assistance_id AND a.unit_path LIKE %s;
            ANALYZE assistance_assistance; ANALYZE assistance_assistancemeasure;
            """,
            [province.pk, YEAR, province.path + "%", province.path + "%"],
        )  # fmt: skip
    return AssistanceMeasure.objects.filter(assistance__unit_path__startswith=province.path).count()


def prepare(rebuild: bool, scale: float) -> dict:
    from funds.models import LedgerEntry
    from org.models import Unit

    started = time.perf_counter()
    stat_forms.own_tree(scale, rebuild, LedgerEntry._meta.db_table)
    built = not LedgerEntry.objects.exists()
    national = Unit.objects.get(depth=1)
    province = Unit.objects.filter(depth=2).order_by("path").first()
    user = bench_user(national, "bench_funds_national")
    if not LedgerEntry.objects.exists():
        load_ledger(int(LEDGER_AT_SCALE_1 * scale), user.pk)
    eligible = load_eligible(scale, province)
    make_eligible(Unit.objects.filter(depth=2).order_by("path").last())
    return {"units": Unit.objects.count(), "entries": LedgerEntry.objects.count(), "eligible": eligible,
            "seconds": time.perf_counter() - started, "built": built}  # fmt: skip


BARE_MONTH = """
    SELECT * FROM (
        SELECT e.id, e.entered_on, e.amount,
               SUM(CASE WHEN e.direction = 'income' THEN e.amount ELSE -e.amount END)
                   OVER (ORDER BY e.entered_on, e.id) AS balance,
               SUM(CASE WHEN e.direction = 'income' THEN e.amount END) OVER () AS total_income,
               SUM(CASE WHEN e.direction = 'expense' THEN e.amount END) OVER () AS total_expense
        FROM funds_ledgerentry e
        WHERE e.unit_id = %s AND e.fund_type_id = %s AND e.entered_on < %s) w
    WHERE w.entered_on >= %s"""


def run(runs: int, scale: float) -> list[tuple]:
    from django.db import connection
    from django.test import Client

    from bench.timing import p95, timed
    from funds import selectors, statistics
    from funds.models import INCOME_TYPES, FundSummary
    from org.models import Unit
    from org.selectors import codes_of

    national = Unit.objects.get(depth=1)
    province = Unit.objects.filter(depth=2).order_by("path").first()
    streets = list(Unit.objects.filter(depth=5).order_by("?")[: runs + 1])
    fund_type = codes_of(INCOME_TYPES).first()
    rows = []

    clients = []
    for n, street in enumerate(streets):
        client = Client()
        user = bench_user(street, f"bench_funds_{n}")  # an earlier run's user keeps its street
        client.force_login(user, backend="org.auth.ModulePermissionBackend")
        clients.append((client, user.unit))
    turn = iter(range(10**9))

    def month_page():
        client, street = clients[next(turn) % len(clients)]
        response = client.get(f"/fund-ledger/?unit={street.pk}&fund_type={fund_type.pk}&month=2025-06",
                              HTTP_HOST="localhost")  # fmt: skip
        assert response.status_code == 200, response.status_code

    def bare_month():
        street = streets[next(turn) % len(streets)]
        with connection.cursor() as cursor:
            cursor.execute(BARE_MONTH, [street.pk, fund_type.pk, date(2025, 7, 1), date(2025, 6, 1)])
            cursor.fetchall()

    page, bare = timed(month_page, runs), timed(bare_month, runs)
    rows.append(
        (
            "a street's month page (running balance, 本月合计, 累计)",
            p95(page),
            p95(bare),
            f"p95 {p95(page):.0f} ms (< 50 ms)",
        )
    )

    def stats_page():
        statistics.fund_table({}, viewer=national, unit=national)

    def bare_stats():
        sums = ", ".join(f"SUM(amount) FILTER (WHERE direction = 'expense' AND expense_type_id = {code.pk})"
                         for code in codes_of("fund_expense_type"))  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT left(unit_path, %s), {sums}, SUM(amount) FILTER (WHERE direction = 'income'),
                           SUM(amount) FILTER (WHERE direction = 'expense'),
                           SUM(CASE WHEN direction = 'expense' THEN -amount ELSE amount END)
                    FROM funds_ledgerentry WHERE unit_path LIKE %s GROUP BY 1""",
                [len(national.path) + 4, national.path + "%"],
            )  # fmt: skip
            cursor.fetchall()

    page, bare = timed(stats_page, runs), timed(bare_stats, runs)
    median_page, median_bare = sorted(page)[len(page) // 2], sorted(bare)[len(bare) // 2]
    rows.append(("资金情况统计 at national scope (medians)", median_page, median_bare,
                 f"{median_page / median_bare:.2f}× (≤ 1.5×)"))  # fmt: skip

    last = Unit.objects.filter(depth=2).order_by("path").last()
    for unit, where in ((province, "oldest ids (first province)"), (last, "newest ids (last province)")):
        table, _created = FundSummary.objects.get_or_create(
            unit=unit, year=YEAR, scope="central", category="medical",
            defaults={"unit_path": unit.path, "holder": unit, "holder_depth": unit.depth,
                      "reporter": "bench", "phone": "1", "filled_on": date(YEAR, 12, 1)},
        )  # fmt: skip
        eligible = selectors.eligible_lines(table)
        half = eligible.values_list("pk", flat=True)[int(ELIGIBLE_AT_SCALE_1 * scale) // 2 :][:1]
        deep = next(iter(half), None)  # None: fewer lines than that (a tiny scale), the first page again
        first = timed(lambda t=table: selectors.pick_page(t, None), runs)
        far = timed(lambda t=table, d=deep: selectors.pick_page(t, d), runs)
        rows.append((f"picker: first page, province lines at the {where}", p95(first), None,
                     f"p95 {p95(first):.0f} ms (< 100 ms)"))  # fmt: skip
        rows.append((f"picker: a page half-way down, {where}", p95(far), None, f"p95 {p95(far):.0f} ms (< 100 ms)"))
    return rows


def write(rows: list[tuple], prepared: dict, runs: int, scale: float, path: Path) -> Path:
    from bench.timing import machine

    eligible = (
        f", {prepared['eligible']:,} lines of the province's assistance made eligible" if prepared["eligible"] else ""
    )
    lines = [
        "# Special funds (issue 21)",
        "",
        f"SCALE={scale}: {prepared['units']:,} units, {prepared['entries']:,} ledger entries{eligible}; "
        + (f"data built in {prepared['seconds']:.0f} s" if prepared["built"] else "data of an earlier run")
        + f". {runs} runs each after a warm-up, ms. {machine()}.",
        "",
        "| operation | page (ms) | bare SQL (ms) | result |",
        "|---|---:|---:|---|",
        *(
            f"| {name} | {page:.1f} | {'' if bare is None else f'{bare:.1f}'} | {note} |"
            for name, page, bare, note in rows
        ),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def main(argv=None) -> int:
    args = stat_forms.own_tree_arguments(argv, __doc__, "funds.md")
    stat_forms.setup(f"bangfu_bench_funds_{str(args.scale).replace('.', '_')}")
    prepared = prepare(args.rebuild, args.scale)
    rows = run(args.runs, args.scale)
    print(write(rows, prepared, args.runs, args.scale, Path(args.output)).read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
