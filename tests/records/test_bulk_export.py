"""批量导出/下载档案 (manual 2.5): requests, approval by the parent unit's admin only, the export
of exactly the rows the requesting unit sees, crash safety, idempotency, downloads with their
audit row and TOTP step, expiry."""

import codecs
import csv
import io
import os
from datetime import timedelta
from pathlib import Path

import dramatiq
import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from openpyxl import load_workbook
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from approvals import inbox
from approvals import services as approvals
from approvals.models import ReportAction
from approvals.reminders import pending_reminders_for_user
from audit.models import AuditLog
from org.errors import DomainError
from org.events import OrgEvent
from org.models import Module
from records import excel, exports
from records.events import FileEvent
from records.models import BulkExport, ExportFormat, ExportKind, ExportState, FileCategory, WorkerFile
from records.notices import FileNotice
from records.tasks import produce_export
from tests.conftest import worker_thread
from tests.records.conftest import make_file

pytestmark = pytest.mark.django_db

ALL_KINDS = list(ExportKind.values)
LIST = reverse("records:exports")


# --- helpers -------------------------------------------------------------------------------------


def reported(user, **overrides) -> WorkerFile:
    """A file of the user's unit, reported one level up."""
    file = make_file(user, **overrides)
    approvals.report_rows(actor=user, model=WorkerFile, pks=[file.pk])
    return file


def request_export(cast, admin: str, *, scope=None, kinds=None, conditions=None) -> BulkExport:
    user = cast.users[admin]
    scope_units = [cast.units[key] for key in scope] if scope else [user.unit]
    return exports.export_request(
        actor=user, kinds=kinds or ALL_KINDS, scope_units=scope_units, conditions=conditions or {}
    )


def approved(cast, admin: str, approver: str | None, **kwargs) -> BulkExport:
    export = request_export(cast, admin, **kwargs)
    if approver is None:  # the national unit's request approves itself
        return export
    return exports.export_decide(actor=cast.users[approver], export_id=export.pk, approve=True)


def produced(cast, admin: str, approver: str | None, **kwargs) -> BulkExport:
    export = approved(cast, admin, approver, **kwargs)
    exports.export_produce(export_id=export.pk)
    return BulkExport.objects.get(pk=export.pk)


def read_csv(export: BulkExport) -> tuple[bytes, list[dict]]:
    raw = exports.export_path(export).read_bytes()
    return raw, list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def open_tasks(export: BulkExport, task_type: str):
    return Task.objects.filter(process_id=export.process_id, flow_task_type=task_type, status=STATUS.NEW)


def token(device, ahead: int = 0) -> str:
    """The device's current token (`ahead` steps later: a token is accepted only once)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time += ahead * device.step
    return f"{totp.token():06d}"


@pytest.fixture
def files(cast):
    """Files around county_a: what it sees and what it must never export."""
    county, street, street2 = cast.users["county_a"], cast.users["street_a"], cast.users["street_a2"]
    return {
        "county_own": make_file(county),  # county_a's own draft
        "street_reported": reported(street),  # reached county_a
        "street_temporary": reported(street, category=FileCategory.TEMPORARY),
        "street_draft": make_file(street),  # not reported: county_a must not see it
        "street2_reported": reported(street2),
        "other_branch": make_file(cast.users["province_b"]),  # another province
    }


# --- requests and approval -----------------------------------------------------------------------


def test_a_request_waits_in_the_parent_admins_inbox_until_approved(cast):
    export = request_export(cast, "street_a_admin")

    assert export.state == ExportState.REQUESTED and not export.self_approved
    items = inbox.pending_items(cast.users["county_a_admin"])
    assert [item.url for item in items] == [reverse("records:export_decide", args=[export.pk])]
    assert inbox.pending_items(cast.users["city_a_admin"]) == []
    assert open_tasks(export, "HUMAN").count() == 1

    exports.export_decide(actor=cast.users["county_a_admin"], export_id=export.pk, approve=True)

    export.refresh_from_db()
    assert export.state == ExportState.APPROVED and export.decided_by == cast.users["county_a_admin"]
    assert open_tasks(export, "HUMAN").count() == 0
    assert open_tasks(export, "FUNCTION").count() == 1  # waits for the worker
    assert inbox.pending_items(cast.users["county_a_admin"]) == []
    assert AuditLog.objects.filter(event=FileEvent.EXPORT_APPROVED, object_id=str(export.pk)).count() == 1


@pytest.mark.parametrize(
    "username, refusal",
    [
        ("city_a_admin", PermissionDenied),  # the grandparent
        ("street_a_admin", PermissionDenied),  # the requester itself
        ("county_a", PermissionDenied),  # the parent unit, without the admin permission
        ("province_a_admin", PermissionDenied),
        ("national_admin", PermissionDenied),
        ("street_a2", Http404),  # a sibling: not even visible
        ("province_b_admin", Http404),  # another branch
    ],
)
def test_only_the_parent_units_admin_may_approve(cast, username, refusal):
    export = request_export(cast, "street_a_admin")

    with pytest.raises(refusal):
        exports.export_decide(actor=cast.users[username], export_id=export.pk, approve=True)

    export.refresh_from_db()
    assert export.state == ExportState.REQUESTED
    assert open_tasks(export, "HUMAN").count() == 1
    response = cast.client(username).post(reverse("records:export_decide", args=[export.pk]), {"decision": "approve"})
    assert response.status_code == (404 if refusal is Http404 else 403)
    assert BulkExport.objects.get(pk=export.pk).state == ExportState.REQUESTED


def test_the_national_units_own_request_is_self_approved(cast):
    export = request_export(cast, "national_admin")

    assert export.state == ExportState.APPROVED and export.self_approved
    assert export.decided_by == cast.users["national_admin"]
    assert open_tasks(export, "HUMAN").count() == 0 and open_tasks(export, "FUNCTION").count() == 1
    audit = AuditLog.objects.get(event=FileEvent.EXPORT_APPROVED, object_id=str(export.pk))
    assert audit.detail == {"self_approved": True}


def test_a_rejection_needs_a_reason_and_reaches_the_requester_as_a_reminder(cast):
    export = request_export(cast, "street_a_admin")
    county_admin = cast.users["county_a_admin"]

    response = cast.client("county_a_admin").post(
        reverse("records:export_decide", args=[export.pk]), {"decision": "reject", "reason": ""}
    )
    assert "请填写不批准的原因" in response.content.decode()
    assert BulkExport.objects.get(pk=export.pk).state == ExportState.REQUESTED

    exports.export_decide(actor=county_admin, export_id=export.pk, approve=False, reason="范围过大,请按街道分别申请")

    export.refresh_from_db()
    assert export.state == ExportState.REJECTED and export.reject_reason == "范围过大,请按街道分别申请"
    assert export.process.status == PROCESS.DONE
    reminder = pending_reminders_for_user(cast.users["street_a_admin"]).get()
    assert (reminder.kind, reminder.module) == (FileNotice.EXPORT_REJECTED, Module.UNIT_ADMIN)
    assert reminder.sender == cast.units["county_a"] and "范围过大" in reminder.message
    assert Task.objects.filter(process=reminder.process, flow_task_type="HUMAN", status=STATUS.NEW).exists()
    assert not pending_reminders_for_user(cast.users["street_a"]).exists()  # the clerk: not an admin matter
    page = cast.client("street_a_admin").get(reverse("approvals:reminders_pending")).content.decode()
    assert "批量导出申请未批准" in page
    assert f'href="{reverse("records:exports")}"' in page  # the notice opens the export list, not 0 rows
    cast.client("street_a_admin").post(reverse("approvals:reminder_handle", args=[reminder.pk]))
    reminder.process.refresh_from_db()
    assert reminder.process.status == PROCESS.DONE  # handled like any reminder
    with pytest.raises(DomainError):
        exports.export_decide(actor=county_admin, export_id=export.pk, approve=True)


def test_only_unit_admins_request(cast):
    with pytest.raises(PermissionDenied):
        request_export(cast, "street_a")
    assert cast.client("street_a").get(reverse("records:export_create")).status_code == 403


def test_the_scope_must_lie_inside_the_requesters_subtree(cast):
    cases = [("street_a_admin", ["street_a2"]), ("street_a_admin", ["county_a"]), ("county_a_admin", ["city_a"]),
             ("county_a_admin", ["province_b"]), ("county_a_admin", ["county_a", "street_b"])]  # fmt: skip
    for admin, outside in cases:
        with pytest.raises(DomainError, match="只能导出本单位及下级单位"):
            request_export(cast, admin, scope=outside)
    assert not BulkExport.objects.exists()
    # The form refuses a unit it does not offer, and the page says so next to the field.
    response = cast.client("street_a_admin").post(
        reverse("records:export_create"), {"kinds": ALL_KINDS, "scope_units": [cast.units["street_a2"].pk]}
    )
    assert response.status_code == 200 and "field-error" in response.content.decode()
    assert not BulkExport.objects.exists()


def test_invalid_conditions_are_refused_with_their_label(cast):
    with pytest.raises(DomainError, match="家庭人口"):
        request_export(cast, "street_a_admin", conditions={"household_size_from": "3", "household_size_to": "1"})


def test_request_page_creates_a_request_with_conditions(cast):
    client = cast.client("county_a_admin")
    assert client.get(reverse("records:export_create")).status_code == 200
    response = client.post(
        reverse("records:export_create"),
        {"kinds": ["hardship"], "scope_units": [cast.units["street_a"].pk], "c-head_name": "张"},
    )
    assert response.status_code == 302
    export = BulkExport.objects.get()
    assert export.kinds == ["hardship"] and export.conditions == {"head_name": "张"}
    assert list(export.scope_units.all()) == [cast.units["street_a"]]
    page = client.get(LIST).content.decode()
    assert "姓名:张" in page and "未批准" in page


def test_edit_only_while_unapproved_and_delete_only_while_not_exported(cast, files):
    export = request_export(cast, "county_a_admin")
    client = cast.client("county_a_admin")
    edit = reverse("records:export_edit", args=[export.pk])
    assert client.get(edit).status_code == 200
    client.post(edit, {"kinds": ["temporary"], "scope_units": [cast.units["county_a"].pk]})
    assert BulkExport.objects.get(pk=export.pk).kinds == ["temporary"]
    assert cast.client("city_a_admin").get(edit).status_code == 403  # the approver does not edit it

    exports.export_decide(actor=cast.users["city_a_admin"], export_id=export.pk, approve=True)
    with pytest.raises(DomainError, match="只能修改未批准"):
        exports.export_change(
            actor=cast.users["county_a_admin"], export_id=export.pk, kinds=ALL_KINDS,
            scope_units=[cast.units["county_a"]], conditions={},
        )  # fmt: skip

    # Approved but not exported: still deletable, and its process is cancelled with it.
    process = export.process
    client.post(reverse("records:export_delete", args=[export.pk]))
    assert not BulkExport.objects.filter(pk=export.pk).exists()
    process.refresh_from_db()
    assert process.status == PROCESS.CANCELED

    done = produced(cast, "county_a_admin", "city_a_admin")
    response = client.post(reverse("records:export_delete", args=[done.pk]), follow=True)
    assert "已导出的申请不能删除" in response.content.decode()
    assert BulkExport.objects.filter(pk=done.pk).exists()


# --- the export ----------------------------------------------------------------------------------


def test_csv_has_bom_chinese_headers_and_exactly_the_rows_county_a_sees(cast, files):
    export = produced(cast, "county_a_admin", "city_a_admin")

    raw, rows = read_csv(export)
    assert raw.startswith(codecs.BOM_UTF8)
    header = raw[3:].decode("utf-8").splitlines()[0].split(",")
    assert header[:4] == ["填报单位", "姓名", "身份证号", "性别"] and "困难类别" in header and "民族" in header
    expected = {files[k].code for k in ("county_own", "street_reported", "street_temporary", "street2_reported")}
    assert {row["职工编号"] for row in rows} == expected
    assert export.row_count == 4 and export.state == ExportState.EXPORTED
    first = next(row for row in rows if row["职工编号"] == files["street_reported"].code)
    head = files["street_reported"].head
    assert first["身份证号"] == head.id_number  # in full
    assert first["民族"] == "汉族" and first["困难类别"] == "低保户" and first["性别"] in ("男", "女")
    assert first["填报单位"] == cast.units["street_a"].name and first["是否单亲"] == "否"
    assert first["家庭成员人数"] == "1" and first["上报状态"] == "下级上报"  # as county_a's lists say
    own = next(row for row in rows if row["职工编号"] == files["county_own"].code)
    assert own["上报状态"] == "未上报"
    assert open_tasks(export, "FUNCTION").count() == 0 and export.process.status == PROCESS.DONE
    audit = AuditLog.objects.get(event=FileEvent.EXPORT_PRODUCED, object_id=str(export.pk))
    assert audit.detail["rows"] == 4


def test_an_export_never_includes_another_branch_or_unreported_rows(cast, files):
    """Whatever the scope chosen, the rows are those the requesting unit sees."""
    by_street = produced(cast, "county_a_admin", "city_a_admin", scope=["street_a"])
    _raw, rows = read_csv(by_street)
    assert {r["职工编号"] for r in rows} == {files["street_reported"].code, files["street_temporary"].code}

    # Even a scope forced past the form and the service (a crafted row) cannot widen it.
    crafted = approved(cast, "county_a_admin", "city_a_admin")
    crafted.scope_units.set([cast.units["national"], cast.units["province_b"]])
    assert exports.export_queryset(crafted).count() == 0

    street = produced(cast, "street_a_admin", "county_a_admin")
    _raw, rows = read_csv(street)
    assert {r["职工编号"] for r in rows} == {
        files["street_reported"].code, files["street_temporary"].code, files["street_draft"].code,
    }  # fmt: skip
    national = produced(cast, "national_admin", None)  # self-approved: sees only what reached it
    assert national.row_count == 0


def test_kinds_and_conditions_narrow_the_rows(cast, files):
    temporary = produced(cast, "county_a_admin", "city_a_admin", kinds=["temporary"])
    _raw, rows = read_csv(temporary)
    assert [r["职工编号"] for r in rows] == [files["street_temporary"].code]
    coded = files["county_own"].code
    by_code = produced(cast, "county_a_admin", "city_a_admin", conditions={"code": coded})
    assert [r["职工编号"] for r in read_csv(by_code)[1]] == [coded]


def test_a_crash_in_the_middle_leaves_no_file_and_the_request_pending(cast, files, monkeypatch):
    export = approved(cast, "county_a_admin", "city_a_admin")

    def crash_after_first_chunk(copy, out):
        for chunk in copy:
            out.write(chunk)
            raise OSError("disk full")

    monkeypatch.setattr(exports, "write_rows", crash_after_first_chunk)
    with pytest.raises(OSError, match="disk full"):
        exports.export_produce(export_id=export.pk)

    assert list(exports.export_dir().iterdir()) == []  # no partial file, no final file
    export.refresh_from_db()
    assert export.state == ExportState.APPROVED and export.file_name == "" and "disk full" in export.last_error
    assert open_tasks(export, "FUNCTION").count() == 1
    assert not ReportAction.objects.filter(kind=FileNotice.EXPORT_READY).exists()

    monkeypatch.undo()
    exports.export_produce(export_id=export.pk)  # the retry
    export.refresh_from_db()
    assert export.state == ExportState.EXPORTED and export.last_error == ""
    assert [p.name for p in exports.export_dir().iterdir()] == [export.file_name]


def test_a_message_delivered_twice_exports_once(cast, files):
    export = approved(cast, "county_a_admin", "city_a_admin")
    exports.export_produce(export_id=export.pk)
    first = BulkExport.objects.get(pk=export.pk)

    exports.export_produce(export_id=export.pk)

    assert BulkExport.objects.get(pk=export.pk).file_name == first.file_name
    assert len(list(exports.export_dir().iterdir())) == 1
    assert AuditLog.objects.filter(event=FileEvent.EXPORT_PRODUCED).count() == 1
    ready = ReportAction.objects.get(kind=FileNotice.EXPORT_READY)
    assert (ready.receiver, ready.count, ready.module) == (cast.units["county_a"], 4, Module.UNIT_ADMIN)
    assert ready in pending_reminders_for_user(cast.users["county_a_admin"])
    # A request not approved, or deleted, is left alone.
    assert exports.export_produce(export_id=request_export(cast, "county_a_admin").pk).state == ExportState.REQUESTED
    assert exports.export_produce(export_id=10**9) is None


def test_run_now_checks_the_row_limit_before_sending(cast, files, settings, django_capture_on_commit_callbacks):
    export = approved(cast, "county_a_admin", "city_a_admin")
    broker = dramatiq.get_broker()
    broker.flush_all()
    client = cast.client("county_a_admin")

    settings.BULK_EXPORT_RUN_NOW_LIMIT = 3
    response = client.post(reverse("records:export_run_now", args=[export.pk]), follow=True)
    assert "共 4 条数据,超过立即导出的上限 3 条" in response.content.decode()
    assert broker.queues.get(produce_export.queue_name) is None or broker.queues[produce_export.queue_name].empty()

    settings.BULK_EXPORT_RUN_NOW_LIMIT = 4
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("records:export_run_now", args=[export.pk]))
    queue = broker.queues[produce_export.queue_name]
    assert queue.qsize() == 1
    queue.get()
    queue.task_done()
    # The approver may choose it too; the requester's clerk, a sibling and the grandparent may not.
    assert cast.client("city_a_admin").post(reverse("records:export_run_now", args=[export.pk])).status_code == 302
    assert cast.client("province_a_admin").post(reverse("records:export_run_now", args=[export.pk])).status_code == 403
    broker.flush_all()


def test_night_run_and_expiry_jobs_are_scheduled():
    from dramatiq_crontab import scheduler

    jobs = {job.name: str(job.trigger) for job in scheduler.get_jobs()}
    assert "run_approved_exports" in jobs and "hour='2', minute='0'" in jobs["run_approved_exports"]
    assert "delete_expired_exports" in jobs


def test_the_night_run_sends_one_message_per_approved_request(cast, files):
    broker = dramatiq.get_broker()
    broker.flush_all()
    first = approved(cast, "county_a_admin", "city_a_admin")
    second = approved(cast, "street_a_admin", "county_a_admin")
    request_export(cast, "county_a_admin")  # not approved: not sent

    from records.tasks import run_approved_exports

    run_approved_exports.fn()

    queue = broker.queues[produce_export.queue_name]
    sent = []
    while not queue.empty():
        sent.append(dramatiq.Message.decode(queue.get()).args[0])
        queue.task_done()  # else a later broker.join() waits for this message forever
    assert sorted(sent) == sorted([first.pk, second.pk])
    broker.flush_all()


# --- download, TOTP, expiry ----------------------------------------------------------------------


def test_download_streams_the_file_with_a_chinese_name_and_is_audited(cast, files):
    export = produced(cast, "street_a_admin", "county_a_admin")
    url = reverse("records:export_download", args=[export.pk])

    response = cast.client("street_a_admin").get(url)

    assert response.status_code == 200 and response.streaming
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert "%E6%89%B9%E9%87%8F%E5%AF%BC%E5%87%BA" in response["Content-Disposition"]  # 批量导出
    body = b"".join(response.streaming_content)
    assert body.startswith(codecs.BOM_UTF8) and len(list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))) == 4
    audit = AuditLog.objects.get(event=FileEvent.EXPORT_DOWNLOADED)
    assert audit.detail["rows"] == 3 and audit.user == cast.users["street_a_admin"]
    full_ids = AuditLog.objects.get(event=FileEvent.ID_NUMBERS_VIEWED)  # the CSV holds full ID numbers
    assert full_ids.object_id == str(export.pk) and full_ids.detail["page"] == "bulk_export_download"
    for username, status in [("county_a_admin", 403), ("street_a", 403), ("street_a2", 404), ("province_b_admin", 404)]:
        assert cast.client(username).get(url).status_code == status, username
    assert AuditLog.objects.filter(event=FileEvent.EXPORT_DOWNLOADED).count() == 1


def test_province_admins_need_a_fresh_totp_token_to_download(cast):
    """Signed in with the second factor is not enough: the download asks for a token again."""
    export = produced(cast, "province_a_admin", "national_admin")
    user = cast.users["province_a_admin"]
    client = cast.client("province_a_admin")
    url = reverse("records:export_download", args=[export.pk])
    otp = reverse("org:second_factor")

    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(otp + "?fresh=1")
    with pytest.raises(PermissionDenied):
        exports.export_download(actor=user, export_id=export.pk, otp_verified=False)

    page = client.get(response.url).content.decode()
    assert "下载批量导出数据前须再次验证动态口令" in page and "data-otp-secret" not in page
    device = user.totpdevice_set.get()
    wrong = "000000" if token(device) != "000000" else "111111"
    response = client.post(otp, {"token": wrong, "next": url, "fresh": "1"})
    assert "动态口令或恢复码不正确" in response.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # django-otp slows the next try after a failure
    response = client.post(otp, {"token": token(device), "next": url, "fresh": "1"})
    assert response.status_code == 302 and response.url == url
    assert client.get(url).status_code == 200
    assert AuditLog.objects.filter(event=OrgEvent.OTP_VERIFIED, success=True).count() == 1

    # Another session must verify again, with a token of the bound device.
    other = cast.client("province_a_admin")
    assert other.get(url).status_code == 302
    assert other.post(otp, {"token": token(device, ahead=1), "next": url, "fresh": "1"}).status_code == 302
    assert other.get(url).status_code == 200


def test_the_verification_lasts_a_few_minutes(cast, settings, monkeypatch):
    export = produced(cast, "province_a_admin", "national_admin")
    client = cast.client("province_a_admin")
    device = cast.users["province_a_admin"].totpdevice_set.get()
    client.post(reverse("org:second_factor"), {"token": token(device), "fresh": "1"})
    url = reverse("records:export_download", args=[export.pk])
    assert client.get(url).status_code == 200

    from org.services import second_factor

    later = second_factor._clock() + settings.BULK_EXPORT_OTP_MINUTES * 60 + 1
    monkeypatch.setattr(second_factor, "_clock", lambda: later)
    assert client.get(url).status_code == 302


def test_a_street_opts_in_to_totp_for_its_downloads(cast, files):
    export = produced(cast, "street_a_admin", "county_a_admin")
    client = cast.client("street_a_admin")
    url = reverse("records:export_download", args=[export.pk])
    assert client.get(url).status_code == 200

    client.post(reverse("records:export_otp_setting"), {"enabled": "1"})

    assert client.get(url).status_code == 302
    assert AuditLog.objects.filter(event=OrgEvent.UNIT_CHANGED, detail__export_download_otp=True).exists()
    client.post(reverse("records:export_otp_setting"), {"enabled": "0"})
    assert client.get(url).status_code == 200


def test_expiry_deletes_old_files_and_the_request_shows_expired(cast, files, django_capture_on_commit_callbacks):
    old = produced(cast, "county_a_admin", "city_a_admin")
    fresh = produced(cast, "street_a_admin", "county_a_admin")
    path = exports.export_path(old)
    BulkExport.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    stale, recent = exports.export_dir() / ".partial-stale.csv", exports.export_dir() / ".partial-now.csv"
    stale.write_bytes(b"x")
    recent.write_bytes(b"x")
    day_old = (timezone.now() - timedelta(days=2)).timestamp()
    os.utime(stale, (day_old, day_old))

    with django_capture_on_commit_callbacks(execute=True):
        assert exports.exports_expire() == 1

    assert not path.exists() and exports.export_path(fresh).exists()
    assert not stale.exists() and recent.exists()  # a killed worker's leftover, a running export's file
    old.refresh_from_db()
    assert old.state == ExportState.EXPIRED and old.file_name == ""
    assert AuditLog.objects.filter(event=FileEvent.EXPORT_EXPIRED, object_id=str(old.pk)).exists()
    page = cast.client("county_a_admin").get(LIST).content.decode()
    assert "已过期" in page
    response = cast.client("county_a_admin").get(reverse("records:export_download", args=[old.pk]), follow=True)
    assert "数据文件已过期删除" in response.content.decode()


# --- the list (2.5.1) ----------------------------------------------------------------------------


def test_list_shows_the_selected_units_requests_filters_and_waiting_approvals(cast, files):
    mine = request_export(cast, "county_a_admin")
    done = produced(cast, "street_a_admin", "county_a_admin")
    waiting = request_export(cast, "street_a_admin")
    client = cast.client("county_a_admin")

    page = client.get(LIST)
    assert [r.pk for r in page.context["rows"]] == [mine.pk]
    assert [r.pk for r in page.context["pending"]] == [waiting.pk]
    assert reverse("records:export_decide", args=[waiting.pk]) in page.content.decode()

    street = client.get(LIST, {"unit": cast.units["street_a"].pk})
    assert [r.pk for r in street.context["rows"]] == [waiting.pk, done.pk]
    assert reverse("records:export_download", args=[done.pk]) not in street.content.decode()  # not theirs
    exported = client.get(LIST, {"unit": cast.units["street_a"].pk, "export": "exported"})
    assert [r.pk for r in exported.context["rows"]] == [done.pk]
    unapproved = client.get(LIST, {"unit": cast.units["street_a"].pk, "approval": "unapproved"})
    assert [r.pk for r in unapproved.context["rows"]] == [waiting.pk]
    today = timezone.localdate()
    future = client.get(LIST, {"date_from": (today + timedelta(days=1)).isoformat()})
    assert future.context["rows"] == []
    bad = client.get(LIST, {"date_from": today.isoformat(), "date_to": (today - timedelta(days=1)).isoformat()})
    assert bad.status_code == 200 and "“到”不能早于“从”" in bad.content.decode()
    assert client.get(LIST, {"unit": cast.units["street_b"].pk}).status_code == 404
    nav = cast.client("street_a_admin").get(LIST).content.decode()
    assert "批量导出" in nav and reverse("records:export_download", args=[done.pk]) in nav


# --- a real worker -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_worker_thread_exports_after_approval_and_run_now(cast):
    """The whole flow with a dramatiq worker thread on the stub broker: request, approval,
    run now (sent on commit), the worker's own connection writes the file, the requester is
    reminded and downloads it."""
    reported(cast.users["street_a"])
    with worker_thread() as drain:
        street_admin, county_admin = cast.client("street_a_admin"), cast.client("county_a_admin")
        street_admin.post(
            reverse("records:export_create"), {"kinds": ALL_KINDS, "scope_units": [cast.units["street_a"].pk]}
        )
        export = BulkExport.objects.get()
        county_admin.post(reverse("records:export_decide", args=[export.pk]), {"decision": "approve"})
        county_admin.post(reverse("records:export_run_now", args=[export.pk]))
        drain(produce_export.queue_name)
    export.refresh_from_db()
    assert export.state == ExportState.EXPORTED and export.row_count == 1
    assert export.process.status == PROCESS.DONE
    assert pending_reminders_for_user(cast.users["street_a_admin"]).filter(kind=FileNotice.EXPORT_READY).exists()
    response = cast.client("street_a_admin").get(reverse("records:export_download", args=[export.pk]))
    assert response.status_code == 200
    assert Path(exports.export_path(export)).exists()


def test_list_page_queries_do_not_grow_with_requests(cast, django_assert_max_num_queries):
    client = cast.client("county_a_admin")
    for _ in range(2):
        request_export(cast, "county_a_admin", conditions={"head_name": "王"})
        request_export(cast, "street_a_admin", conditions={"code": "JX"})
    with django_assert_max_num_queries(30) as few:
        assert client.get(LIST).status_code == 200
    for _ in range(6):
        request_export(cast, "county_a_admin", conditions={"head_name": "李"})
        request_export(cast, "street_a_admin")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(LIST)
    assert len(page.context["rows"]) == 8 and len(page.context["pending"]) == 8
    assert "姓名:李" in page.content.decode()


# --- the Excel file (issue 17 item 8) ----------------------------------------------------------------


def test_the_export_as_excel_keeps_id_numbers_as_text_and_splits_sheets(cast, files, monkeypatch):
    monkeypatch.setattr(excel, "MAX_SHEET_ROWS", 3)  # a header and two rows a sheet
    export = approved(cast, "county_a_admin", "city_a_admin")
    BulkExport.objects.filter(pk=export.pk).update(file_format=ExportFormat.XLSX)
    exports.export_produce(export_id=export.pk)
    export = BulkExport.objects.get(pk=export.pk)

    assert export.file_name.endswith(".xlsx") and export.row_count == 4
    book = load_workbook(exports.export_path(export), read_only=True)
    assert book.sheetnames == ["批量导出数据", "批量导出数据(2)"]
    sheets = [list(sheet.iter_rows()) for sheet in book.worksheets]
    header = [c.value for c in sheets[0][0]]
    assert header == [c.value for c in sheets[1][0]] and header[:3] == ["填报单位", "姓名", "身份证号"]
    rows = [dict(zip(header, row, strict=True)) for sheet in sheets for row in sheet[1:]]
    assert len(rows) == 4
    head = files["street_reported"].head
    number = next(r["身份证号"] for r in rows if r["职工编号"].value == files["street_reported"].code)
    assert number.value == head.id_number and number.data_type == "s"  # text, all 18 digits
    assert exports.download_file_name(export).endswith(".xlsx")

    response = cast.client("county_a_admin").get(reverse("records:export_download", args=[export.pk]))
    assert response.status_code in (200, 302)  # county_a's admin may need its TOTP step first


def test_the_request_page_offers_csv_and_excel(cast):
    client = cast.client("county_a_admin")
    page = client.get(reverse("records:export_create")).content.decode()
    assert "文件格式" in page and "Excel(.xlsx" in page and "CSV" in page
    data = {"kinds": ["hardship"], "scope_units": [cast.units["street_a"].pk], "file_format": "xlsx"}
    assert client.post(reverse("records:export_create"), data).status_code == 302
    assert BulkExport.objects.get().file_format == ExportFormat.XLSX
    refused = client.post(reverse("records:export_create"), data | {"file_format": "pdf"})
    assert refused.status_code == 200 and "选择一个有效的选项" in refused.content.decode()
