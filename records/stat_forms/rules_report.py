"""校验规则 (modules-spec §9): every rule a form's period breaks, by area — how many forms of each
area break each rule (hard ones too: forms that came in before a rule was declared), and the
forms themselves, each with what it breaks. The rules are the declaration's, turned into SQL
here, so a national scope is one grouped query, not a loop over its forms."""

from django.db.models import Case, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Coalesce, Left
from django.db.models.lookups import Exact, GreaterThan, LessThan
from django.shortcuts import render
from django.views.decorators.http import require_GET

from forms_stats.crosstab import OWN_ROWS, TOTAL, scope
from org.models import Unit
from org.selectors import children_of
from records.stat_forms.layout import HARD, Rule
from records.stat_forms.models import StatForm
from records.stat_forms.statistics import NUMBER, period_query, value_of

LISTED = 100  # forms listed below the table; the counts are of all of them
ONE, NONE = Value(1), Value(0)


def _side(codes) -> object:
    total = None
    for code in codes:
        value = Coalesce(value_of(code), Value(0, output_field=NUMBER))
        total = value if total is None else total + value
    return total


def broken(rule: Rule) -> Case:
    """1 where a form breaks the rule, else 0 (Rule.holds in SQL)."""
    left, right = _side(rule.left), _side(rule.right)
    zero = Value(0, output_field=NUMBER)
    if rule.op == "=":
        whens = [When(GreaterThan(left, right), then=ONE), When(LessThan(left, right), then=ONE)]
    elif rule.op == "<=":
        whens = [When(GreaterThan(left, right), then=ONE)]
    else:
        whens = [When(GreaterThan(left, zero), then=Case(When(Exact(right, zero), then=ONE), default=NONE))]
    return Case(*whens, default=NONE, output_field=IntegerField())


def violations(form, year: int, quarter: int, *, viewer: Unit, unit: Unit) -> dict:
    rows = scope(StatForm.objects.filter(form_type=form.key, year=year, quarter=quarter), viewer=viewer, unit=unit)
    counts = {f"r{i}": Sum(broken(rule)) for i, rule in enumerate(form.rules)}
    width = len(unit.path) + Unit.steplen
    by_area = {
        r["area"]: r for r in rows.order_by().annotate(area=Left("unit_path", width)).values("area").annotate(**counts)
    }
    areas = [(f"{unit.name}({OWN_ROWS})", unit.path)] + [(child.name, child.path) for child in children_of(unit)]
    table = [
        (label, [(by_area.get(path) or {}).get(f"r{i}") or 0 for i in range(len(form.rules))]) for label, path in areas
    ]
    totals = [sum(values[i] for _label, values in table) for i in range(len(form.rules))]
    shown = [i for i, n in enumerate(totals) if n]  # only the rules something breaks
    any_broken = Q()
    for i in shown:
        any_broken |= Q(**{f"b{i}": 1})
    listed = []
    if shown:
        flagged = rows.annotate(**{f"b{i}": broken(form.rules[i]) for i in shown}).filter(any_broken)
        for row in flagged.select_related("unit").order_by("unit_path")[:LISTED]:
            listed.append((row, [message for _rule, message in form.violations(row.values, HARD)]
                           + [message for _rule, message in form.violations(row.values, "soft")]))  # fmt: skip
    return {
        "rules": [(form.rules[i], form.rules[i].message(form)) for i in shown],
        "areas": [(label, [values[i] for i in shown]) for label, values in table]
        + [(TOTAL, [totals[i] for i in shown])],
        "forms": listed,
        "more": sum(totals) and len(listed) == LISTED,
    }


@require_GET
def rules_page(request, module):
    switcher, form, _period, report = period_query(request, module, violations)
    context = {**switcher, "module": module, "title": "校验规则", "form": form, "report": report, "hard": HARD}
    return render(request, "stat_forms/rules.html", context)
