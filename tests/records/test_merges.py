"""合并重复档案 / 合并不同档案 (records.merges): every linked row reaches the kept file, the merged
files' content stays in its history, a failure changes nothing, and only unit admins of the
files' units (or above) merge."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from viewflow.workflow.status import PROCESS

from approvals import services as approvals
from audit.models import AuditLog
from flows.flows import MergeFlow
from flows.models import FileManagementProcess
from org.errors import DomainError
from records import merges, services, transfers
from records.events import FileEvent
from records.models import FamilyMember, FileAttachment, FileSnapshot, Person, WorkerFile
from tests.records.merge_helpers import link_everything, linked_counts, make_job_seeker, merge_input, worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(cast):
    """The same worker registered three times: twice by 浆洗街 (one reported to the county),
    once by 玉林; every kind of linked record on each (one 人才信息 only: one per file)."""
    kept = worker(cast.users["street_a"], members=1)
    approvals.report_rows(actor=cast.users["street_a"], model=WorkerFile, pks=[kept.pk])
    other = worker(cast.users["street_a2"], members=2)
    third = worker(cast.users["street_a"], members=0)
    link_everything(kept, job_seeker=False)
    link_everything(other)
    link_everything(third, job_seeker=False)
    return WorkerFile.objects.get(pk=kept.pk), other, third


def test_merging_three_files_keeps_every_linked_row_on_the_kept_file(cast, three):
    kept, other, third = three
    admin = cast.users["county_a_admin"]
    ids = [kept.pk, other.pk, third.pk]
    before = linked_counts(ids)
    copied = other.members.select_related("person").first().person
    form = merge_input(kept, three, copies=[(third.head, "兄弟"), (copied, "女儿")])

    merges.files_merge(actor=admin, kept_id=kept.pk, merged_ids=[other.pk, third.pk], form=form)

    assert linked_counts([kept.pk]) == before
    assert before == {
        "SampleAssistance": 3,
        "SampleLegalAid": 3,
        "JobSeeker": 1,
        "SampleAttachment": 3,
        "FileAttachment": 3,
        "FileImportItem": 3,
    }
    assert not WorkerFile.objects.filter(pk__in=[other.pk, third.pk]).exists()
    kept = WorkerFile.objects.get(pk=kept.pk)
    assert {m.person_id for m in kept.members.all()} >= {third.head_id, copied.pk}
    assert kept.members.count() == 3 and kept.household_size == 4 and kept.problems == []
    # Not copied: the other file's head and second member are gone with their memberships.
    assert not Person.objects.filter(pk=other.head_id).exists()
    assert FamilyMember.objects.filter(file_id__in=[other.pk, third.pk]).count() == 0
    # It stays where it was in the reporting flow.
    assert (kept.holder_id, kept.report_state) == (cast.units["county_a"].pk, "reported")


def test_the_kept_file_history_holds_every_file_as_it_was(cast, three):
    kept, other, third = three
    form = merge_input(kept, three)
    merges.files_merge(actor=cast.users["county_a_admin"], kept_id=kept.pk, merged_ids=[other.pk, third.pk], form=form)

    snapshots = {s.source_file_id: s for s in FileSnapshot.objects.filter(file=kept)}
    assert set(snapshots) == {kept.pk, other.pk, third.pk}
    other_snapshot = snapshots[other.pk]
    assert other_snapshot.source_unit_name == "玉林街道工会" and other_snapshot.source_code == other.code
    people = other_snapshot.data["people"]
    assert [p["role"] for p in people] == ["户主", "妻子", "妻子"]
    assert people[0]["id_number"] == other.head.id_number
    assert ["困难类别", "低保户"] in other_snapshot.data["file"]

    page = cast.client("street_a").get(f"/files/{kept.pk}/").content.decode()
    assert "合并前各档案的信息" in page and "玉林街道工会" in page and other.code in page


def test_the_merge_is_audited_and_recorded_as_a_finished_process(cast, three):
    kept, other, third = three
    form = merge_input(kept, three)
    merges.files_merge(actor=cast.users["county_a_admin"], kept_id=kept.pk, merged_ids=[other.pk, third.pk], form=form)

    audit = AuditLog.objects.get(event=FileEvent.FILES_MERGED)
    assert audit.object_id == str(kept.pk) and audit.username == "county_a_admin"
    assert {m["id"] for m in audit.detail["merged"]} == {other.pk, third.pk}
    process = FileManagementProcess.objects.get(pk=audit.detail["process"])
    assert process.flow_class is MergeFlow and process.status == PROCESS.DONE
    assert process.data["actor"] == cast.users["county_a_admin"].pk and process.artifact == kept


def test_a_merge_that_fails_half_way_changes_nothing(cast, three, monkeypatch):
    kept, other, third = three
    ids = [kept.pk, other.pk, third.pk]
    before = {model: count for model, count in linked_counts(ids).items()}
    per_file = {pk: linked_counts([pk]) for pk in ids}
    people = Person.objects.count()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(merges, "_attach_copied", broken)  # after rows moved and files deleted
    with pytest.raises(RuntimeError):
        merges.files_merge(
            actor=cast.users["county_a_admin"], kept_id=kept.pk, merged_ids=[other.pk, third.pk],
            form=merge_input(kept, three),
        )  # fmt: skip

    assert WorkerFile.objects.filter(pk__in=ids).count() == 3
    assert linked_counts(ids) == before
    assert {pk: linked_counts([pk]) for pk in ids} == per_file
    assert Person.objects.count() == people
    assert not FileSnapshot.objects.exists()
    assert not AuditLog.objects.filter(event=FileEvent.FILES_MERGED).exists()


def test_rows_a_relation_left_behind_are_caught_by_the_count_check(cast, three, monkeypatch):
    """Had a relation not been moved, deleting the merged files would cascade or null its rows:
    the counts differ and the whole merge rolls back."""
    kept, other, third = three

    def forgetting_attachments(merged_ids, kept):  # 附件 (records.models.FileAttachment)
        for relation in merges.linked_relations():
            if relation.related_model is not FileAttachment:  # deleting the files cascades these
                merges._rows(relation, merged_ids).update(**{relation.field.attname: kept.pk})

    monkeypatch.setattr(merges, "_move_linked", forgetting_attachments)
    with pytest.raises(merges.LinkedRowsLost):
        merges.files_merge(
            actor=cast.users["county_a_admin"], kept_id=kept.pk, merged_ids=[other.pk, third.pk],
            form=merge_input(kept, three),
        )  # fmt: skip
    assert WorkerFile.objects.filter(pk__in=[other.pk, third.pk]).count() == 2


def test_two_one_to_one_records_refuse_the_merge(cast, three):
    kept, other, _third = three
    make_job_seeker(kept, intention="焊工")
    with pytest.raises(DomainError, match="人才信息"):
        merges.files_merge(actor=cast.users["county_a_admin"], kept_id=kept.pk, merged_ids=[other.pk],
                           form=merge_input(kept, [kept, other]))  # fmt: skip
    assert WorkerFile.objects.filter(pk=other.pk).exists()


def test_a_file_changed_after_the_page_was_loaded_refuses_the_merge(cast, three):
    kept, other, _third = three
    form = merge_input(kept, [kept, other])
    other = WorkerFile.objects.get(pk=other.pk)
    services.file_update(
        actor=cast.users["street_a2"], file=other, data={"code": other.code} | {"address": "新地址 9 号"},
        head={n: getattr(other.head, n) for n in services.PERSON_FIELDS},
        members=[{n: getattr(m.person, n) for n in services.PERSON_FIELDS} | {"relation": m.relation}
                 for m in other.members.select_related("person")],
    )  # fmt: skip
    with pytest.raises(DomainError, match="在打开本页之后已被修改"):
        merges.files_merge(actor=cast.users["county_a_admin"], kept_id=kept.pk, merged_ids=[other.pk], form=form)
    assert WorkerFile.objects.get(pk=other.pk).address == "新地址 9 号"


def test_editing_a_file_merged_away_is_refused_with_where_it_went(cast, three):
    kept, other, _third = three
    stale = WorkerFile.objects.select_related("head").get(pk=other.pk)
    merges.files_merge(actor=cast.users["county_a_admin"], kept_id=kept.pk, merged_ids=[other.pk],
                       form=merge_input(kept, [kept, other]))  # fmt: skip
    with pytest.raises(DomainError, match="已被合并到档案"):
        services.file_update(actor=cast.users["street_a2"], file=stale, data={}, head={}, members=[])
    # Its old links say so too (still a 404: the file is gone).
    for url in (f"/files/{other.pk}/", f"/files/{other.pk}/edit/"):
        response = cast.client("street_a2").get(url)
        assert response.status_code == 404 and "已被合并到另一份档案" in response.content.decode()


@pytest.mark.parametrize(
    ("username", "error"),
    [
        ("county_a", PermissionDenied),  # a clerk of the unit above: no unit-admin permission
        ("street_a_admin", DomainError),  # the other file belongs to 玉林, outside 浆洗街
        ("province_b_admin", DomainError),  # another branch
    ],
)
def test_only_an_admin_whose_subtree_holds_every_file_merges(cast, three, username, error):
    kept, other, _third = three
    with pytest.raises(error):
        merges.files_merge(actor=cast.users[username], kept_id=kept.pk, merged_ids=[other.pk],
                           form=merge_input(kept, [kept, other]))  # fmt: skip
    assert WorkerFile.objects.filter(pk=other.pk).exists()


def test_a_file_waiting_for_a_cross_branch_transfer_cannot_be_merged(cast, three):
    kept, other, _third = three
    transfers.files_transfer(actor=cast.users["county_a_admin"], file_ids=[other.pk],
                             to_unit=cast.units["province_b"], message="调往广东")  # fmt: skip
    with pytest.raises(DomainError, match="等待其他单位接收"):
        merges.files_merge(actor=cast.users["county_a_admin"], kept_id=kept.pk, merged_ids=[other.pk],
                           form=merge_input(kept, [kept, other]))  # fmt: skip


# --- finding the files ---------------------------------------------------------------------------


def test_the_search_lists_the_file_of_the_number_and_the_likely_duplicates_of_the_subtree(cast, three):
    kept, other, third = three
    elsewhere = worker(cast.users["province_b"])  # same name and birth date, another branch
    unrelated = worker(cast.users["street_a"], name="李明")

    found = merges.duplicate_candidates(actor=cast.users["county_a_admin"], id_number=kept.head.id_number)

    assert [f.pk for f in found] == [kept.pk, other.pk, third.pk]
    assert elsewhere.pk not in [f.pk for f in found] and unrelated.pk not in [f.pk for f in found]
    member = other.members.first().person  # a member's number finds the member's file, and theirs
    assert other.pk in [f.pk for f in merges.duplicate_candidates(actor=cast.users["county_a_admin"],
                                                                  id_number=member.id_number)]  # fmt: skip


def test_the_search_refuses_numbers_outside_the_subtree(cast, three):
    kept, *_ = three
    with pytest.raises(DomainError, match="没有包含该身份证号"):
        merges.duplicate_candidates(actor=cast.users["province_b_admin"], id_number=kept.head.id_number)
    number = kept.head.id_number
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")  # a wrong check character
    with pytest.raises(DomainError, match="校验码"):
        merges.duplicate_candidates(actor=cast.users["county_a_admin"], id_number=wrong)


def test_merging_two_files_names_source_and_target_as_the_manual_does(cast):
    admin = cast.users["county_a_admin"]
    source = worker(cast.users["street_a"], name="赵六", birth="19650101")
    target = worker(cast.users["street_a2"], name="钱七", birth="19660202")
    outside = worker(cast.users["province_b"], name="孙八")

    assert merges.pair_for_merge(actor=admin, source=source.head.id_number, target=target.head.id_number) == (
        source,
        target,
    )
    with pytest.raises(DomainError, match="源职工档案不存在,或者不属于本单位或下级单位"):
        merges.pair_for_merge(actor=admin, source=outside.head.id_number, target=target.head.id_number)
    with pytest.raises(DomainError, match="目标职工档案不存在,或者不属于本单位或下级单位"):
        merges.pair_for_merge(actor=admin, source=source.head.id_number, target=outside.head.id_number)

    worker(cast.users["street_a"], name="钱七", birth="19660202")  # the target person twice
    with pytest.raises(DomainError) as refused:
        merges.pair_for_merge(actor=admin, source=source.head.id_number, target=target.head.id_number)
    assert refused.value.message == merges.SEVERAL_TARGETS


def test_a_subordinates_draft_is_not_the_admins_to_read_or_merge(cast):
    """The probe read subordinates' drafts through /files/manage/merged/<pk>/ by counting pks
    (issue 14 item 2); merges and transfers read through the same visibility selector."""
    draft = worker(cast.users["street_a"], report=False)
    admin = cast.users["county_a_admin"]
    with pytest.raises(DomainError, match="没有包含该身份证号"):
        merges.duplicate_candidates(actor=admin, id_number=draft.head.id_number)
    page = cast.client("county_a_admin").get(reverse("records:merge_result", args=[draft.pk]))
    assert page.status_code == 404
    assert cast.client("street_a_admin").get(reverse("records:merge_result", args=[draft.pk])).status_code == 200
