"""转移职工档案 / 批量转移档案 (records.transfers): within the subtree files become draft files of
the target unit in one statement, with a reminder and a movement row each; to another branch
they move only once the receiving admin accepts."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from approvals import inbox, reminders
from approvals import services as approvals
from approvals.models import Movement, ReportAction, ReportState
from approvals.selectors import movements_of, visible_to
from audit.models import AuditLog
from org.errors import DomainError
from org.models import Module
from records import merges, services, transfers
from records.events import FileEvent
from records.models import FileCategory, TransferRequest, TransferState, WorkerFile
from records.notices import FileNotice
from tests.records.merge_helpers import merge_input, worker

pytestmark = pytest.mark.django_db


def place(file):
    file = WorkerFile.objects.get(pk=file.pk)
    return file.unit_id, file.holder_id, file.report_state


@pytest.fixture
def reported(cast):
    """A file of 浆洗街 reported to 武侯区, with two members."""
    file = worker(cast.users["street_a"], members=2)
    approvals.report_rows(actor=cast.users["street_a"], model=WorkerFile, pks=[file.pk])
    return WorkerFile.objects.get(pk=file.pk)


def test_a_transfer_in_the_subtree_makes_draft_files_of_the_target_with_a_reminder(cast, reported):
    u = cast.units
    result = transfers.files_transfer(actor=cast.users["county_a_admin"], file_ids=[reported.pk],
                                      to_unit=u["street_a2"], message="工作调动")  # fmt: skip

    assert result.moved == 1
    file = WorkerFile.objects.get(pk=reported.pk)
    assert (file.unit_id, file.unit_path, file.holder_id, file.holder_depth, file.report_state) == (
        u["street_a2"].pk, u["street_a2"].path, u["street_a2"].pk, 5, ReportState.DRAFT,
    )  # fmt: skip
    assert file.members.count() == 2
    action = result.action
    assert (action.kind, action.module, action.receiver_id, action.count) == (
        FileNotice.TRANSFER, Module.FILES, u["street_a2"].pk, 1,
    )  # fmt: skip
    movement = movements_of(file).get(action=result.action)
    assert (movement.from_holder_id, movement.to_holder_id, movement.action_id) == (
        u["county_a"].pk, u["street_a2"].pk, action.pk,
    )  # fmt: skip
    # The reminder of the new unit's clerks, listing the moved file.
    assert list(reminders.pending_reminders_for_user(cast.users["street_a2"])) == [action]
    assert Task.objects.get(process=action.process, flow_task_type="HUMAN").status == STATUS.NEW
    assert AuditLog.objects.get(event=FileEvent.FILES_TRANSFERRED).detail["count"] == 1
    page = cast.client("street_a2").get(f"/files/{file.pk}/").content.decode()
    assert "转移档案" in page and "未上报" in page


def test_transferring_a_whole_unit_is_one_update_whatever_the_number_of_files(cast):
    clerk, u = cast.users["street_a"], cast.units
    files = [worker(clerk, name=f"职工{i}") for i in range(6)]
    services.file_convert_to_temporary(actor=clerk, file=files[1])
    services.file_cancel(actor=clerk, file=files[2], reason="调离")
    other = worker(cast.users["street_a2"])

    with CaptureQueriesContext(connection) as queries:
        result = transfers.unit_files_transfer(actor=cast.users["city_a_admin"], from_unit=u["street_a"],
                                               to_unit=u["county_a2"], message="街道撤并")  # fmt: skip

    assert result.moved == 6
    updates = [q["sql"] for q in queries if 'UPDATE "records_workerfile"' in q["sql"] or "UPDATE records_workerfile"
               in q["sql"]]  # fmt: skip
    assert len(updates) == 1
    assert set(WorkerFile.objects.filter(pk__in=[f.pk for f in files]).values_list("unit_id", "report_state")) == {
        (u["county_a2"].pk, ReportState.DRAFT)
    }
    # All kinds move, cancelled and temporary ones too, keeping what they are.
    assert WorkerFile.objects.get(pk=files[1].pk).category == FileCategory.TEMPORARY
    assert WorkerFile.objects.get(pk=files[2].pk).status == "cancelled"
    assert Movement.objects.filter(action=result.action).count() == 6
    assert WorkerFile.objects.get(pk=other.pk).unit_id == u["street_a2"].pk


def test_a_clash_of_codes_at_the_target_refuses_the_transfer_and_lists_them(cast):
    file = worker(cast.users["street_a"], code="WH-001")
    worker(cast.users["street_a2"], code="WH-001")
    with pytest.raises(DomainError, match="WH-001"):
        transfers.files_transfer(actor=cast.users["county_a_admin"], file_ids=[file.pk],
                                 to_unit=cast.units["street_a2"])  # fmt: skip
    assert place(file)[0] == cast.units["street_a"].pk
    assert not ReportAction.objects.filter(kind=FileNotice.TRANSFER).exists()


@pytest.mark.parametrize(
    ("username", "error"),
    [
        ("street_a", PermissionDenied),  # the owning unit's clerk: not a unit admin
        ("street_a2_admin", DomainError),  # (made below) a sibling street's admin
        ("province_b_admin", DomainError),  # another branch
    ],
)
def test_only_admins_whose_subtree_holds_the_files_transfer_them(cast, reported, username, error):
    if username == "street_a2_admin":
        from tests.conftest import make_user

        cast.users[username] = make_user(username, cast.units["street_a2"], [Module.UNIT_ADMIN])
    with pytest.raises(error):
        transfers.files_transfer(actor=cast.users[username], file_ids=[reported.pk], to_unit=cast.units["street_a2"])
    assert place(reported)[0] == cast.units["street_a"].pk


# --- across branches -----------------------------------------------------------------------------


def request_to_province_b(cast, file) -> TransferRequest:
    result = transfers.files_transfer(actor=cast.users["county_a_admin"], file_ids=[file.pk],
                                      to_unit=cast.units["province_b"], message="随子女迁居广州")  # fmt: skip
    return result.request


def test_a_transfer_outside_the_subtree_waits_for_the_receiving_admin(cast, reported):
    before = place(reported)
    transfer = request_to_province_b(cast, reported)

    assert transfer.state == TransferState.PENDING and transfer.file_count == 1
    assert place(reported) == before
    assert not visible_to(WorkerFile.objects.all(), cast.units["province_b"]).exists()
    # In the receiving admin's 待办审批, nobody else's.
    items = inbox.pending_items(cast.users["province_b_admin"])
    assert [item.url for item in items] == [f"/files/manage/requests/{transfer.pk}/"]
    assert inbox.pending_items(cast.users["province_b"]) == []
    assert inbox.pending_items(cast.users["county_a_admin"]) == []
    assert AuditLog.objects.filter(event=FileEvent.TRANSFER_REQUESTED).count() == 1


def test_files_of_an_open_request_cannot_be_transferred_or_merged_again(cast, reported):
    request_to_province_b(cast, reported)
    with pytest.raises(DomainError, match="等待其他单位接收"):
        transfers.files_transfer(actor=cast.users["county_a_admin"], file_ids=[reported.pk],
                                 to_unit=cast.units["street_a2"])  # fmt: skip
    with pytest.raises(DomainError, match="等待其他单位接收"):
        request_to_province_b(cast, reported)
    other = worker(cast.users["street_a2"])
    with pytest.raises(DomainError):
        merges.files_merge(actor=cast.users["county_a_admin"], kept_id=other.pk, merged_ids=[reported.pk],
                           form=merge_input(other, [other, reported]))  # fmt: skip


def test_the_receiving_admin_accepts_and_the_files_become_draft_there(cast, reported):
    transfer = request_to_province_b(cast, reported)
    with pytest.raises(PermissionDenied):  # the requester cannot accept their own request
        transfers.transfer_request_accept(actor=cast.users["county_a_admin"], pk=transfer.pk)

    result = transfers.transfer_request_accept(actor=cast.users["province_b_admin"], pk=transfer.pk, note="同意")

    u = cast.units
    assert place(reported) == (u["province_b"].pk, u["province_b"].pk, ReportState.DRAFT)
    transfer.refresh_from_db()
    assert transfer.state == TransferState.ACCEPTED and transfer.decided_by == cast.users["province_b_admin"]
    assert transfer.process.status == PROCESS.DONE
    assert (result.action.sender_id, result.action.receiver_id) == (u["county_a"].pk, u["province_b"].pk)
    assert movements_of(reported).get(action=result.action).to_holder_id == u["province_b"].pk
    assert list(reminders.pending_reminders_for_user(cast.users["province_b"])) == [result.action]
    assert inbox.pending_items(cast.users["province_b_admin"]) == []
    assert AuditLog.objects.filter(event=FileEvent.TRANSFER_ACCEPTED).count() == 1
    with pytest.raises(DomainError, match="已接收"):
        transfers.transfer_request_reject(actor=cast.users["province_b_admin"], pk=transfer.pk, note="晚了")


def test_a_refusal_keeps_the_files_and_reminds_the_requesting_unit(cast, reported):
    before = place(reported)
    transfer = request_to_province_b(cast, reported)
    with pytest.raises(DomainError, match="拒绝原因"):
        transfers.transfer_request_reject(actor=cast.users["province_b_admin"], pk=transfer.pk, note=" ")

    action = transfers.transfer_request_reject(actor=cast.users["province_b_admin"], pk=transfer.pk,
                                               note="本单位无对应基层工会")  # fmt: skip

    assert place(reported) == before
    assert (action.kind, action.receiver_id) == (FileNotice.TRANSFER_REJECTED, cast.units["county_a"].pk)
    assert list(reminders.pending_reminders_for_user(cast.users["county_a_admin"])) == [action]
    assert "本单位无对应基层工会" in action.message
    assert TransferRequest.objects.get(pk=transfer.pk).state == TransferState.REJECTED
    # Once refused, the files may be transferred again.
    transfers.files_transfer(actor=cast.users["county_a_admin"], file_ids=[reported.pk],
                             to_unit=cast.units["street_a2"])  # fmt: skip


def test_a_target_unit_without_an_admin_cannot_receive_a_request(cast, reported):
    with pytest.raises(DomainError, match="尚未设置用户管理员"):
        transfers.files_transfer(actor=cast.users["county_a_admin"], file_ids=[reported.pk],
                                 to_unit=cast.units["county_b"], message="调动")  # fmt: skip
    assert not TransferRequest.objects.exists()


def test_a_whole_unit_cannot_be_transferred_outside_the_subtree(cast, reported):
    with pytest.raises(DomainError, match="批量转移只能在本单位及下级单位之间进行"):
        transfers.unit_files_transfer(actor=cast.users["county_a_admin"], from_unit=cast.units["street_a"],
                                      to_unit=cast.units["province_b"])  # fmt: skip


# --- withdrawing a request (撤回) -----------------------------------------------------------------


@pytest.mark.parametrize("username", ["county_a_admin", "city_a_admin", "national_admin"])
def test_the_requesting_side_withdraws_a_waiting_request_and_the_files_are_free(cast, reported, username):
    before = place(reported)
    transfer = request_to_province_b(cast, reported)
    actor = cast.users[username]

    transfers.transfer_request_withdraw(actor=actor, pk=transfer.pk)

    transfer = TransferRequest.objects.get(pk=transfer.pk)
    assert (transfer.state, transfer.decided_by) == (TransferState.WITHDRAWN, actor)
    assert transfer.process.status == PROCESS.CANCELED
    assert Task.objects.get(process=transfer.process, flow_task_type="HUMAN").status == STATUS.CANCELED
    assert place(reported) == before
    assert inbox.pending_items(cast.users["province_b_admin"]) == []
    log = AuditLog.objects.get(event=FileEvent.TRANSFER_WITHDRAWN)
    assert (log.user_id, log.object_id, log.detail["count"]) == (actor.pk, str(transfer.pk), 1)
    # Free again: merged into another file of the subtree (which refuses files in open requests).
    other = worker(cast.users["street_a2"])
    merges.files_merge(actor=cast.users["county_a_admin"], kept_id=other.pk, merged_ids=[reported.pk],
                       form=merge_input(other, [other, reported]))  # fmt: skip
    assert not WorkerFile.objects.filter(pk=reported.pk).exists()


def test_a_withdrawn_files_may_be_asked_for_again(cast, reported):
    first = request_to_province_b(cast, reported)
    transfers.transfer_request_withdraw(actor=cast.users["county_a_admin"], pk=first.pk)
    second = request_to_province_b(cast, reported)
    assert second.state == TransferState.PENDING
    assert [item.url for item in inbox.pending_items(cast.users["province_b_admin"])] == [second.get_absolute_url()]


@pytest.mark.parametrize(
    "username",
    [
        "province_b_admin",  # the receiving admin refuses instead
        "province_b",
        "street_a_admin",  # below the requesting unit: the files are not all theirs
        "county_a",  # the requesting unit's clerk
    ],
)
def test_only_admins_of_the_requesting_unit_or_above_withdraw(cast, reported, username):
    transfer = request_to_province_b(cast, reported)
    with pytest.raises(PermissionDenied):
        transfers.transfer_request_withdraw(actor=cast.users[username], pk=transfer.pk)
    transfer = TransferRequest.objects.get(pk=transfer.pk)
    assert transfer.state == TransferState.PENDING and transfer.process.status == PROCESS.NEW
    assert not AuditLog.objects.filter(event=FileEvent.TRANSFER_WITHDRAWN).exists()


def test_a_withdrawn_request_cannot_be_decided_and_a_decided_one_cannot_be_withdrawn(cast, reported):
    withdrawn = request_to_province_b(cast, reported)
    transfers.transfer_request_withdraw(actor=cast.users["county_a_admin"], pk=withdrawn.pk)
    receiver = cast.users["province_b_admin"]
    for call in (
        lambda: transfers.transfer_request_accept(actor=receiver, pk=withdrawn.pk),
        lambda: transfers.transfer_request_reject(actor=receiver, pk=withdrawn.pk, note="不同意"),
        lambda: transfers.transfer_request_withdraw(actor=cast.users["county_a_admin"], pk=withdrawn.pk),
    ):
        with pytest.raises(DomainError, match="^该申请已撤回,不能再次处理。$"):
            call()
    assert place(reported)[0] == cast.units["street_a"].pk

    accepted = request_to_province_b(cast, reported)
    transfers.transfer_request_accept(actor=receiver, pk=accepted.pk)
    with pytest.raises(DomainError, match="^该申请已接收,不能再次处理。$"):
        transfers.transfer_request_withdraw(actor=cast.users["county_a_admin"], pk=accepted.pk)
    assert TransferRequest.objects.get(pk=accepted.pk).state == TransferState.ACCEPTED
    assert AuditLog.objects.filter(event=FileEvent.TRANSFER_WITHDRAWN).count() == 1


def test_withdrawing_a_missing_request_says_so(cast):
    with pytest.raises(DomainError, match="该申请不存在"):
        transfers.transfer_request_withdraw(actor=cast.users["county_a_admin"], pk=999999)
