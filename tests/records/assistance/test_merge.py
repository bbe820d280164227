"""合并重复档案 (manual 2.9.1) with assistance: the merged files' assistance, lines and all, moves
to the kept file, and the merge's row-count check counts it (records.merges finds every relation
to a file, so assistance needs no code there)."""

import pytest

from records import merges
from records.assistance.models import Assistance, AssistanceMeasure
from records.models import WorkerFile
from tests.records.assistance.conftest import line, make_assistance
from tests.records.merge_helpers import merge_input, worker

pytestmark = pytest.mark.django_db


def test_the_merged_files_assistance_moves_to_the_kept_file_with_its_lines(cast):
    clerk, other_clerk = cast.users["street_a"], cast.users["street_a2"]
    kept, merged = worker(clerk), worker(other_clerk)
    make_assistance(clerk, file=kept)
    moved = [make_assistance(other_clerk, file=merged, lines={1: line("100"), 2: line("50")}) for _ in range(2)]

    merges.files_merge(actor=cast.users["county_a_admin"], kept_id=kept.pk, merged_ids=[merged.pk],
                       form=merge_input(kept, [kept, merged]))  # fmt: skip

    assert not WorkerFile.objects.filter(pk=merged.pk).exists()
    assert Assistance.objects.filter(file=kept).count() == 3
    for row in moved:
        row.refresh_from_db()
        assert (row.file_id, row.unit, row.amount) == (kept.pk, other_clerk.unit, 150)
        assert AssistanceMeasure.objects.filter(assistance=row).count() == 2


def test_the_count_check_counts_assistance(cast):
    assert Assistance in {relation.related_model for relation in merges.linked_relations()}
