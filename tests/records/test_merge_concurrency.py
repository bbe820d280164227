"""A clerk edits a file while an admin merges it away (real transactions, two threads started
together): the edit is either applied before the merge — and then the merge, built from the
page's older version, is refused — or refused after it with a clear message. Never lost."""

import time

import pytest

from org.errors import DomainError
from records import merges, services
from records.models import FileSnapshot, WorkerFile
from tests.approvals.test_concurrency import race
from tests.records.merge_helpers import merge_input, worker

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 5
EDITED = "玉林北路 12 号(并发修改)"


def edit_page(clerk, file_pk: int, address: str):
    """The clerk's edit page, opened now; calling the result submits it (maybe after a merge
    took the file away, which the service must then say)."""
    file = WorkerFile.objects.select_related("head").get(pk=file_pk)
    head = {name: getattr(file.head, name) for name in services.PERSON_FIELDS}
    members = [
        {name: getattr(m.person, name) for name in services.PERSON_FIELDS} | {"relation": m.relation}
        for m in file.members.select_related("person")
    ]
    return lambda: services.file_update(
        actor=clerk, file=file, data={"code": file.code, "address": address}, head=head, members=members
    )


def edit(clerk, file_pk: int, address: str):
    return edit_page(clerk, file_pk, address)()


def attempt(call, delay: float = 0.0):
    time.sleep(delay)
    try:
        call()
    except DomainError as error:  # DomainError is one too
        return error.message
    return "ok"


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_an_edit_racing_a_merge_is_applied_before_or_refused_after(cast, round_):
    kept = worker(cast.users["street_a"])
    other = worker(cast.users["street_a2"])
    form = merge_input(kept, [kept, other])  # the admin's merge page is open
    submit_edit = edit_page(cast.users["street_a2"], other.pk, EDITED)  # and the clerk's edit page
    # Started together the merge tends to win; every other round it starts a moment later, so
    # both orders are exercised.
    merge_delay = 0.3 if round_ % 2 else 0.0

    merge_outcome, edit_outcome = race(
        lambda: attempt(
            lambda: merges.files_merge(
                actor=cast.users["county_a_admin"], kept_id=kept.pk, merged_ids=[other.pk], form=form
            ),
            merge_delay,
        ),
        lambda: attempt(submit_edit),
    )

    assert [merge_outcome, edit_outcome].count("ok") == 1, (merge_outcome, edit_outcome)
    if edit_outcome == "ok":
        assert "已被修改" in merge_outcome
        assert WorkerFile.objects.get(pk=other.pk).address == EDITED
        assert not FileSnapshot.objects.exists()
    else:
        assert "已被合并到档案" in edit_outcome
        assert not WorkerFile.objects.filter(pk=other.pk).exists()
        snapshot = FileSnapshot.objects.get(source_file_id=other.pk)
        assert ["家庭住址", other.address] in snapshot.data["file"]


def test_an_edit_page_submitted_after_the_merge_says_where_the_file_went(cast):
    kept = worker(cast.users["street_a"])
    other = worker(cast.users["street_a2"])
    submit_edit = edit_page(cast.users["street_a2"], other.pk, EDITED)
    merges.files_merge(actor=cast.users["county_a_admin"], kept_id=kept.pk, merged_ids=[other.pk],
                       form=merge_input(kept, [kept, other]))  # fmt: skip
    assert "已被合并到档案" in attempt(submit_edit)
    assert not WorkerFile.objects.filter(pk=other.pk).exists()


def test_an_edit_saved_before_the_page_was_loaded_is_in_the_snapshot(cast):
    kept = worker(cast.users["street_a"])
    other = worker(cast.users["street_a2"])
    edit(cast.users["street_a2"], other.pk, EDITED)

    merges.files_merge(actor=cast.users["county_a_admin"], kept_id=kept.pk, merged_ids=[other.pk],
                       form=merge_input(kept, [kept, other]))  # fmt: skip

    assert ["家庭住址", EDITED] in FileSnapshot.objects.get(source_file_id=other.pk).data["file"]
