"""The receiving admin accepts while the requesting admin withdraws the same request (real
transactions, two threads started together): the request's row lock makes one win; the other
is told the request is already closed, and nothing is half done."""

import time

import pytest
from viewflow.workflow.status import PROCESS

from audit.models import AuditLog
from org.errors import DomainError
from records import transfers
from records.events import FileEvent
from records.models import TransferRequest, TransferState, WorkerFile
from tests.approvals.test_concurrency import race
from tests.records.merge_helpers import worker

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 6
HEAD_STARTS = [(0.0, 0.0), (0.3, 0.0), (0.0, 0.3)]  # seconds each call waits before starting


def attempt(call, delay: float = 0.0):
    time.sleep(delay)
    try:
        call()
    except DomainError as error:
        return error.message
    return "ok"


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_accepting_and_withdrawing_at_once_one_wins(cast, round_):
    file = worker(cast.users["street_a"])
    transfer = transfers.files_transfer(actor=cast.users["county_a_admin"], file_ids=[file.pk],
                                        to_unit=cast.units["province_b"], message="迁居").request  # fmt: skip
    # Started together (the row lock decides), or with a head start for each in turn, so that
    # both orders are exercised.
    accept_delay, withdraw_delay = HEAD_STARTS[round_ % len(HEAD_STARTS)]

    accepted, withdrawn = race(
        lambda: attempt(
            lambda: transfers.transfer_request_accept(actor=cast.users["province_b_admin"], pk=transfer.pk),
            accept_delay,
        ),
        lambda: attempt(
            lambda: transfers.transfer_request_withdraw(actor=cast.users["county_a_admin"], pk=transfer.pk),
            withdraw_delay,
        ),
    )

    assert [accepted, withdrawn].count("ok") == 1, (accepted, withdrawn)
    transfer = TransferRequest.objects.select_related("process").get(pk=transfer.pk)
    unit_id = WorkerFile.objects.get(pk=file.pk).unit_id
    if accepted == "ok":
        assert withdrawn == "该申请已接收,不能再次处理。"
        assert (transfer.state, transfer.process.status) == (TransferState.ACCEPTED, PROCESS.DONE)
        assert unit_id == cast.units["province_b"].pk
        assert not AuditLog.objects.filter(event=FileEvent.TRANSFER_WITHDRAWN).exists()
    else:
        assert accepted == "该申请已撤回,不能再次处理。"
        assert (transfer.state, transfer.process.status) == (TransferState.WITHDRAWN, PROCESS.CANCELED)
        assert unit_id == cast.units["street_a"].pk
        assert not AuditLog.objects.filter(event=FileEvent.TRANSFER_ACCEPTED).exists()
