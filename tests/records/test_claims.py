"""Another unit's temporary file is asked for, never taken (security probe, issue 14 item 1).

Manual 2.2.1.1, case two: a unit entering the ID number of another unit's temporary file is
offered its conversion. The owning unit keeps the file until its admin agrees in 待办审批.
"""

import pytest
from django.urls import reverse

from approvals.models import ReportAction
from org.errors import DomainError
from org.models import Module
from records import transfers
from records.models import FileCategory, TransferRequest, TransferState, WorkerFile
from records.notices import FileNotice
from tests.records.conftest import make_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def temporary(cast):
    return make_file(cast.users["street_a"], category=FileCategory.TEMPORARY)


def regularize(client, file, **data):
    return client.post(reverse("records:file_regularize", args=[file.pk]), data)


def test_another_branch_cannot_take_a_temporary_file_by_its_id(cast, temporary):
    """The probe: 广东's admin posted a 四川 street's temporary file's pk with its ID number and
    the household moved to 广东. Now nothing moves, with or without the number."""
    taker = cast.client("province_b")
    assert regularize(taker, temporary, category=FileCategory.ACCIDENT).status_code == 404
    assert regularize(taker, temporary, category=FileCategory.ACCIDENT, id_number="1" * 18).status_code == 404
    response = regularize(
        taker, temporary, category=FileCategory.ACCIDENT, id_number=temporary.head.id_number, reason="已迁居广州"
    )
    assert response.status_code == 302
    file = WorkerFile.objects.get(pk=temporary.pk)
    assert (file.unit, file.holder, file.category) == (cast.units["street_a"], cast.units["street_a"],
                                                        FileCategory.TEMPORARY)  # fmt: skip
    assert cast.client("street_a").get(reverse("files:detail", args=[file.pk])).status_code == 200
    claim = TransferRequest.objects.get()
    assert claim.is_claim and claim.from_unit == cast.units["street_a"] and claim.to_unit == cast.units["province_b"]


def test_a_claim_needs_a_reason_and_a_hardship_category(cast, temporary):
    taker = cast.client("province_b")
    number = temporary.head.id_number
    page = regularize(taker, temporary, category=FileCategory.ACCIDENT, id_number=number)
    assert page.status_code == 302 and not TransferRequest.objects.exists()
    with pytest.raises(DomainError, match="请选择困难类别"):
        transfers.file_claim(actor=cast.users["province_b"], file=temporary, category=FileCategory.TEMPORARY,
                             id_number=number, reason="迁居")  # fmt: skip
    with pytest.raises(DomainError, match="请填写申请原因"):
        transfers.file_claim(actor=cast.users["province_b"], file=temporary, category=FileCategory.ACCIDENT,
                             id_number=number, reason=" ")  # fmt: skip


def test_the_owning_unit_admin_agrees_and_the_file_becomes_the_claimers(cast, temporary):
    claim = transfers.file_claim(actor=cast.users["province_b"], file=temporary, category=FileCategory.SUBSISTENCE,
                                 id_number=temporary.head.id_number, reason="已迁居广州")  # fmt: skip
    owner_admin = cast.client("street_a_admin")
    items = owner_admin.get(reverse("approvals:decisions_pending")).context["items"]
    assert [item.url for item in items] == [claim.get_absolute_url()]
    page = owner_admin.get(claim.get_absolute_url()).content.decode()
    assert "同意转出" in page and "广东省总工会" in page
    assert cast.client("street_a").post(claim.get_absolute_url(), {"decision": "accept"}).status_code == 403
    assert cast.client("province_b_admin").post(claim.get_absolute_url(), {"decision": "accept"}).status_code == 403

    assert owner_admin.post(claim.get_absolute_url(), {"decision": "accept"}).status_code == 302
    file = WorkerFile.objects.get(pk=temporary.pk)
    assert (file.unit, file.holder, file.category) == (cast.units["province_b"], cast.units["province_b"],
                                                        FileCategory.SUBSISTENCE)  # fmt: skip
    assert TransferRequest.objects.get().state == TransferState.ACCEPTED
    notice = ReportAction.objects.get(kind=FileNotice.TRANSFER, receiver=cast.units["province_b"])
    assert notice.module == Module.FILES and notice.count == 1
    assert cast.client("street_a").get(reverse("files:detail", args=[file.pk])).status_code == 404


def test_a_refused_claim_leaves_the_file_and_tells_the_claimer(cast, temporary):
    claim = transfers.file_claim(actor=cast.users["province_b"], file=temporary, category=FileCategory.ACCIDENT,
                                 id_number=temporary.head.id_number, reason="已迁居广州")  # fmt: skip
    owner_admin = cast.client("street_a_admin")
    owner_admin.post(claim.get_absolute_url(), {"decision": "reject", "note": "本人仍在本街道居住"})
    file = WorkerFile.objects.get(pk=temporary.pk)
    assert file.unit == cast.units["street_a"] and file.category == FileCategory.TEMPORARY
    refusal = ReportAction.objects.get(kind=FileNotice.TRANSFER_REJECTED)
    assert refusal.receiver == cast.units["province_b"] and refusal.module == Module.FILES
    assert (
        "本人仍在本街道居住" in cast.client("province_b").get(reverse("approvals:reminders_pending")).content.decode()
    )


def test_a_file_in_an_open_claim_is_not_claimed_twice(cast, temporary):
    transfers.file_claim(actor=cast.users["province_b"], file=temporary, category=FileCategory.ACCIDENT,
                         id_number=temporary.head.id_number, reason="迁居")  # fmt: skip
    with pytest.raises(DomainError, match="正在等待"):
        transfers.file_claim(actor=cast.users["street_a2"], file=temporary, category=FileCategory.ACCIDENT,
                             id_number=temporary.head.id_number, reason="迁居")  # fmt: skip


def test_the_owner_regularizes_its_own_temporary_file_at_once(cast, temporary):
    response = regularize(cast.client("street_a"), temporary, category=FileCategory.NEAR_SUBSISTENCE)
    assert response.status_code == 302
    file = WorkerFile.objects.get(pk=temporary.pk)
    assert file.category == FileCategory.NEAR_SUBSISTENCE and file.unit == cast.units["street_a"]
    assert not TransferRequest.objects.exists()
