"""The benchmark's assistance rows (issue 18): each of a file of its own street, its measure
lines as the declaration's Lines, and every rule of the module holding (bench.records)."""

import pytest
from django.db.models import Count, F, Max, Q, Sum

from bench.generate import load_files, load_tree
from bench.records import generate_records, rows_of
from records.assistance.models import Assistance, AssistanceMeasure, Helped
from records.assistance.module import assistance

pytestmark = pytest.mark.django_db

SCALE = 0.0001  # 2,000 assistances


@pytest.fixture
def rows():
    load_tree({2: 2, 3: 2, 4: 2, 5: 3})  # 24 streets
    load_files(1_000)
    return generate_records(SCALE, [assistance])


def test_assistance_has_its_own_count_of_rows_each_of_a_file_of_its_street(rows):
    assert rows_of(assistance, 1) == 20_000_000 and rows["assistance"] == 2_000 == Assistance.objects.count()
    assert not Assistance.objects.exclude(file__unit=F("unit")).exists()
    assert Assistance.objects.values("file").distinct().count() > 900  # about two per file, all used


def test_lines_follow_the_declaration_and_the_amount_is_their_sum(rows):
    assisted = Assistance.objects.annotate(lines=Count("measures"), total=Sum("measures__amount"),
                                           last=Max("measures__position"))  # fmt: skip
    helped = assisted.filter(helped=Helped.HELPED)
    assert rows["assistance lines"] == AssistanceMeasure.objects.count()
    assert not helped.filter(Q(lines=0) | Q(lines__gt=3) | ~Q(last=F("lines")) | ~Q(total=F("amount"))).exists()
    assert set(helped.values_list("lines", flat=True)) == {1, 2, 3}
    not_helped = assisted.filter(helped=Helped.NOT_HELPED)
    assert not_helped.exists() and not not_helped.filter(Q(lines__gt=0) | ~Q(amount=0)).exists()
    assert not AssistanceMeasure.objects.exclude(summarized_in="").exists()  # nothing summarized yet


def test_every_rule_of_the_module_holds(rows):
    exited = Assistance.objects.filter(exited=True)
    assert exited.exists() and not exited.filter(Q(exit_on__lt=F("assisted_on")) | Q(exit_method=None)).exists()
    assert not exited.exclude(helped=Helped.HELPED).exists()
    for row in Assistance.objects.select_related("file")[:200]:
        row.full_clean(exclude=["file"])  # the form's rules too: 帮扶形式 when helped, 未帮原因 when not
    codes = {"category": "assistance_category", "form": "assistance_form", "exit_method": "exit_method"}
    for field, table in codes.items():
        assert (
            not Assistance.objects.exclude(**{f"{field}__isnull": True})
            .exclude(**{f"{field}__table__key": table})
            .exists()
        )
