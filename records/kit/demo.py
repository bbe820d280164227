"""Demo rows of every module declared on the kit, for `make run` (seed_demo calls `load` after
the household files' demo): each street of 四川 enters a few rows from the module's own
`demo_row`, reports most of them, and every county returns one with a message and passes some
on — so each module shows rows at every stage of the reporting model. A child module's rows go
to the parent rows its street may add to (a module declared after its parent: those are made);
rows never reported stay where they are made."""

import random
from datetime import date, timedelta

from approvals import services as approvals
from org.models import Code, Unit, User
from records.kit import cases, declaration, services
from records.models import FileStatus, WorkerFile

ROWS_PER_STREET = 6


def load(password: str) -> str:
    rng = random.Random(2026)
    codes = codes_by_table()
    province = Unit.objects.get(name="四川省总工会")
    streets = list(Unit.objects.filter(path__startswith=province.path, depth=5).order_by("path"))
    counties = list(Unit.objects.filter(path__startswith=province.path, depth=4).order_by("path"))
    summary = []
    for module in declaration.all_modules():
        if module.demo_row is None:
            continue
        for street in streets:
            _enter(module, street, codes, rng)
        for county in counties if module.reported else ():
            _review(module, county)
        if module.cases is not None:
            _progress(module, rng)
        summary.append(f"{module.model.objects.count()} 条{module.label}")
    cases.cases_remind_overdue()  # the cases entered months ago are past due: their holders hear of it
    return "、".join(summary)


def codes_by_table() -> dict[str, list[Code]]:
    codes: dict[str, list[Code]] = {}
    for code in Code.objects.select_related("table").order_by("display_order"):
        codes.setdefault(code.table.key, []).append(code)
    return codes


def _enter(module, street: Unit, codes, rng) -> None:
    clerk = User.objects.filter(unit=street, modules__contains=[module.permission]).first()
    if clerk is None:
        return
    files = []
    if module.person is not None and module.person.required:
        files = list(WorkerFile.objects.filter(unit=street, status=FileStatus.ACTIVE).order_by("pk")[:ROWS_PER_STREET])
    parents = list(services.parent_rows(clerk, module).order_by("pk")[:ROWS_PER_STREET]) if module.parent else []
    if module.parent is not None and not parents:
        return
    rows = []
    for n in range(ROWS_PER_STREET if not files else len(files)):
        data = module.demo_row(rng, n, codes)
        lines = data.pop("lines", None)  # position → values, for a module declaring Lines
        if files:
            data[module.person.field] = files[n]
        if parents:
            data[module.parent.field] = parents[n % len(parents)]
        rows.append(services.record_create(actor=clerk, module=module, data=data, lines=lines))
    if not module.reported:
        return
    chosen = [row.pk for row in rows if rng.random() < 0.7]
    approvals.report_rows(actor=clerk, model=module.model, pks=chosen, message=f"本月{module.label}记录,请审核。")


def _progress(module, rng) -> None:
    """Cases in every state of progress: some being handled, some closed, the rest accepted
    (those accepted over 60 days ago are 逾期)."""
    clerks = {}
    for row in module.model.objects.select_related("unit").order_by("pk"):
        if row.unit_id not in clerks:
            clerks[row.unit_id] = User.objects.filter(unit=row.unit, modules__contains=[module.permission]).first()
        clerk = clerks[row.unit_id]
        roll = rng.random()
        if roll < 0.3:
            cases.case_start(actor=clerk, module=module, row=row)
        elif roll < 0.6:
            cases.case_close(
                actor=clerk,
                module=module,
                row=row,
                on=min(date.today(), row.accepted_on + timedelta(days=rng.randrange(5, 50))),
            )


def _review(module, county: Unit) -> None:
    reviewer = User.objects.filter(unit=county, modules__contains=[module.permission]).first()
    if reviewer is None:
        return
    held = list(module.model.objects.filter(holder=county).order_by("pk").values_list("pk", flat=True))
    approvals.return_rows(actor=reviewer, model=module.model, pks=held[:1], message="信息不完整,请补充后重新上报。")
    approvals.report_rows(actor=reviewer, model=module.model, pks=held[1:4], message="区县审核通过。")
