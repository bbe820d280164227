"""附件 of a household file (manual 2.2.1.1, 2.9.1): typed from the code table 附件类型, within
the size and type limits, stored outside the static files, served only to units that see the
file (audited), uploaded and deleted by its owner, moved by merges."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from approvals import services as approvals
from audit.models import AuditLog
from org.events import OrgEvent
from org.models import Code
from records.models import FileAttachment, WorkerFile
from tests.bulletins.conftest import upload
from tests.records.conftest import make_file, make_file_attachment

pytestmark = pytest.mark.django_db


def kind(value: str = "低保证明") -> Code:
    return Code.objects.get(table__key="attachment_type", value=value)


@pytest.fixture
def reported(cast):
    """A file of street_a reported to county_a."""
    file = make_file(cast.users["street_a"])
    approvals.report_rows(actor=cast.users["street_a"], model=WorkerFile, pks=[file.pk])
    return file


def test_the_owner_uploads_from_the_file_page_and_a_superior_downloads_it(cast, reported):
    clerk = cast.client("street_a")
    page = clerk.get(reverse("files:detail", args=[reported.pk])).content.decode()
    assert "上传附件" in page and "低保证明" in page  # the type list comes from the code table
    response = clerk.post(reverse("records:file_attachment_add", args=[reported.pk]),
                          {"kind": kind().pk, "content": upload("低保证.pdf", b"%PDF-1.4 proof")})  # fmt: skip
    assert response.url == reverse("files:detail", args=[reported.pk])
    attachment = FileAttachment.objects.get()
    assert attachment.kind == kind() and Path(attachment.content.path).is_relative_to(settings.ATTACHMENT_DIR)

    county = cast.client("county_a")
    page = county.get(reverse("files:detail", args=[reported.pk])).content.decode()
    assert "低保证.pdf" in page and "上传附件" not in page  # a superior reads, only the owner changes
    download = county.get(reverse("records:file_attachment", args=[attachment.pk]))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 proof"
    assert AuditLog.objects.filter(event=OrgEvent.ATTACHMENT_DOWNLOADED, username="county_a").count() == 1


def test_units_that_do_not_see_the_file_get_404_and_no_audit_row(cast, reported):
    attachment = make_file_attachment(reported, cast.users["street_a"])
    for username in ("street_a2", "province_b"):
        assert cast.client(username).get(reverse("records:file_attachment", args=[attachment.pk])).status_code == 404
    assert not AuditLog.objects.filter(event=OrgEvent.ATTACHMENT_DOWNLOADED).exists()


def test_a_superior_may_not_upload_or_delete(cast, reported):
    attachment = make_file_attachment(reported, cast.users["street_a"])
    county = cast.client("county_a")
    response = county.post(reverse("records:file_attachment_add", args=[reported.pk]),
                           {"kind": kind().pk, "content": upload()})  # fmt: skip
    assert response.status_code == 403
    assert county.post(reverse("records:file_attachment_delete", args=[attachment.pk])).status_code == 403
    assert FileAttachment.objects.count() == 1


def test_a_missing_type_or_a_forbidden_file_is_told_next_to_the_field(cast, reported):
    response = cast.client("street_a").post(reverse("records:file_attachment_add", args=[reported.pk]),
                                            {"kind": "", "content": upload("脚本.html", b"<script>")})  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 200 and "这个字段是必填项" in page and "不支持“.html”类型的文件" in page
    assert not FileAttachment.objects.exists()


def test_the_owner_deletes_an_attachment_and_its_stored_file(cast, reported, django_capture_on_commit_callbacks):
    attachment = make_file_attachment(reported, cast.users["street_a"])
    stored = Path(attachment.content.path)
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client("street_a").post(reverse("records:file_attachment_delete", args=[attachment.pk]))
    assert response.status_code == 302 and not FileAttachment.objects.exists() and not stored.exists()
    assert AuditLog.objects.filter(event=OrgEvent.ATTACHMENT_DELETED).count() == 1


def test_deleting_a_draft_file_removes_its_attachment_files(cast, django_capture_on_commit_callbacks):
    from records import services

    file = make_file(cast.users["street_a"])
    stored = Path(make_file_attachment(file, cast.users["street_a"]).content.path)
    with django_capture_on_commit_callbacks(execute=True):
        services.file_delete(actor=cast.users["street_a"], file=file)
    assert not stored.exists()


def test_a_merge_moves_the_attachments_and_their_stored_files_stay(cast):
    """The count check of the merge (records.merges) includes them: tests/records/test_merges.py
    proves a merge that left them behind rolls back."""
    from records import merges
    from tests.records.merge_helpers import merge_input, worker

    kept, other = worker(cast.users["street_a"]), worker(cast.users["street_a2"])
    attachment = make_file_attachment(other, cast.users["street_a2"])
    merges.files_merge(actor=cast.users["county_a_admin"], kept_id=kept.pk, merged_ids=[other.pk],
                       form=merge_input(kept, [kept, other]))  # fmt: skip
    attachment.refresh_from_db()
    assert attachment.worker_file_id == kept.pk and Path(attachment.content.path).exists()
    page = cast.client("street_a").get(reverse("files:detail", args=[kept.pk])).content.decode()
    assert attachment.name in page


def test_a_save_that_fails_after_the_file_was_written_leaves_no_file(cast, reported, monkeypatch):
    """The storage takes no part in the transaction: when the audit row fails, the file the
    row's save wrote goes with the rolled-back row."""
    from org import attachments

    def fail(**_kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(attachments, "audit_record", fail)
    with pytest.raises(RuntimeError):
        attachments.attachment_add(actor=cast.users["street_a"], model=FileAttachment, worker_file=reported, kind=kind(),
                                   upload=upload("低保证.pdf", b"%PDF-1.4 proof"))  # fmt: skip
    assert not FileAttachment.objects.exists()
    assert not [p for p in Path(settings.ATTACHMENT_DIR).rglob("*") if p.is_file()]
