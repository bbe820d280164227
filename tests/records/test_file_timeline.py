"""The household's timeline on the file page (records.views_detail): file created, assistance,
legal aid, exits, follow-ups, transfers and merges in date order, each with a link where the
viewer may open it, only what the viewer's unit sees, in a bounded number of queries."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from approvals import services as approvals
from records import transfers
from records.assistance.models import Assistance
from records.kit.declaration import get
from records.legal_aid.models import LegalAid
from records.models import FileSnapshot, WorkerFile
from records.views_detail import file_timeline
from tests.records.assistance.conftest import code, make_assistance
from tests.records.conftest import make_file
from tests.records.kit.conftest import make_record

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def texts(entries) -> list[str]:
    return [entry.text for entry in entries]


def test_the_timeline_lists_the_households_events_in_date_order_with_their_links(cast):
    clerk = cast.users["street_a"]
    file = make_file(clerk)
    assistance = get("assistance")
    row = make_assistance(clerk, file=file, assisted_on=TODAY - timedelta(days=300), exited=True,
                          exit_on=TODAY - timedelta(days=200), exit_method=code("exit_method"))  # fmt: skip
    make_assistance(clerk, file=file, assisted_on=TODAY - timedelta(days=30))
    legal_aid = make_record(get("legal_aid"), clerk, file=file, applied_on=TODAY - timedelta(days=100),
                            accepted_on=TODAY - timedelta(days=99))  # fmt: skip
    FileSnapshot.objects.create(file=file, source_file_id=0, source_unit_name="玉林街道工会", source_code="YL0001",
                                data={}, reason="重复档案")  # fmt: skip
    approvals.report_rows(actor=clerk, model=WorkerFile, pks=[file.pk])
    for model, rows in ((Assistance, file.assistance.all()), (LegalAid, [legal_aid])):
        approvals.report_rows(actor=clerk, model=model, pks=[r.pk for r in rows])  # so county_a sees them
    transfers.files_transfer(actor=cast.users["county_a_admin"], file_ids=[file.pk], to_unit=cast.units["street_a2"])
    entries = file_timeline(WorkerFile.objects.select_related("unit").get(pk=file.pk), cast.users["county_a"])
    row.refresh_from_db()
    legal_aid.refresh_from_db()
    file.refresh_from_db()
    assert [entry.on for entry in entries] == sorted(entry.on for entry in entries)
    method = code("exit_method")
    assert texts(entries) == [
        f"帮扶救助:{row}", f"脱困({method})", f"法律援助:{legal_aid}", f"帮扶救助:{file.head_name} {TODAY - timedelta(days=30):%Y-%m-%d}",
        "脱困 6 个月回访:待回访", "建立档案", "转移档案到玉林街道工会", "合并档案:玉林街道工会 YL0001并入本档案",
        "脱困 12 个月回访:待回访",
    ]  # fmt: skip
    assert entries[0].url == assistance.url("detail", row.pk) and entries[2].url == get("legal_aid").url(
        "detail", legal_aid.pk
    )


def test_the_viewer_reads_only_what_its_unit_sees_and_its_modules_open(cast):
    clerk = cast.users["street_a"]
    file = make_file(clerk)
    approvals.report_rows(actor=clerk, model=WorkerFile, pks=[file.pk])
    shown = make_assistance(clerk, file=file, assisted_on=date(2026, 10, 1))
    make_assistance(clerk, file=file, assisted_on=date(2026, 10, 2))  # a draft: street_a's only
    approvals.report_rows(actor=clerk, model=shown._meta.model, pks=[shown.pk])
    shown.refresh_from_db()
    file = WorkerFile.objects.select_related("unit").get(pk=file.pk)
    assert len([t for t in texts(file_timeline(file, clerk)) if t.startswith("帮扶救助")]) == 2
    assert [t for t in texts(file_timeline(file, cast.users["county_a"])) if t.startswith("帮扶救助")] == [
        f"帮扶救助:{shown}"
    ]
    assert not [t for t in texts(file_timeline(file, cast.users["street_a_admin"])) if t.startswith("帮扶救助")]


def test_the_timeline_takes_the_same_queries_however_long_it_is(cast, django_assert_max_num_queries):
    clerk = cast.users["street_a"]
    file = WorkerFile.objects.select_related("unit").get(pk=make_file(clerk).pk)
    make_assistance(clerk, file=file, exited=True, exit_on=date(2026, 10, 9), exit_method=code("exit_method"))
    with django_assert_max_num_queries(20) as few:
        file_timeline(file, clerk)
    for day in range(1, 6):
        make_assistance(clerk, file=file, assisted_on=date(2026, 9, day), exited=True, exit_on=date(2026, 10, day),
                        exit_method=code("exit_method"))  # fmt: skip
    with django_assert_max_num_queries(len(few)):
        assert len(file_timeline(file, clerk)) > 10


def test_the_file_page_shows_the_timeline(cast):
    clerk = cast.users["street_a"]
    file = make_file(clerk)
    make_assistance(clerk, file=file)
    page = cast.client("street_a").get(get("files").url("detail", file.pk)).content.decode()
    assert '<ol class="timeline">' in page and get("assistance").url("detail", file.assistance.get().pk) in page
