"""The audit viewer (issue 14 item 11): the audit administrator searches the log by time, user,
unit, event and object, in keyset pages, and exports it to Excel; nobody else opens it."""

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit import excel
from audit.events import AuditLogEvent, SignInEvent
from audit.models import AuditLog
from audit.services import audit_record
from org.navigation import NAVIGATION
from org.selectors import audit_rows_for
from records.events import FileEvent
from tests.audit.conftest import EXPORT, LOG, found, logged

pytestmark = pytest.mark.django_db


def day(n: int) -> datetime.date:
    """`n` days before today (local)."""
    return timezone.localdate() - datetime.timedelta(days=n)


def local(n: int, hour: int = 12, minute: int = 0, second: int = 0) -> datetime.datetime:
    """That day at that local time."""
    return timezone.make_aware(datetime.datetime.combine(day(n), datetime.time(hour, minute, second)))


def ids(rows) -> list[int]:
    return [row.pk for row in rows]


# --- the search ---------------------------------------------------------------------------------


def test_the_time_range_is_whole_local_days_inclusive(cast):
    before = logged(username="a", at=local(13, 23, 59, 59))
    first_second = logged(username="b", at=local(12, 0))  # 00:00 in Beijing is 16:00 UTC the day before
    last_second = logged(username="c", at=local(11, 23, 59, 59))
    after = logged(username="d", at=local(10, 0))
    rows = ids(found(cast, date_from=day(12).isoformat(), date_to=day(11).isoformat()))
    assert rows == [last_second.pk, first_second.pk]
    assert before.pk not in rows and after.pk not in rows
    assert ids(found(cast, date_from=day(10).isoformat(), date_to=day(1).isoformat())) == [after.pk]


def test_user_name_contains_or_matches_exactly(cast):
    clerk, admin = logged(username="street_a"), logged(username="street_a_admin")
    assert set(ids(found(cast, username="STREET_A"))) >= {clerk.pk, admin.pk}
    exact = ids(found(cast, username="Street_A", username_exact="on"))
    assert clerk.pk in exact and admin.pk not in exact


def test_unit_event_object_and_result(cast):
    street = cast.users["street_a"]
    viewed = audit_record(event=FileEvent.ID_NUMBERS_VIEWED, actor=street, obj=street, detail={"page": "x"})
    failed = logged(event=SignInEvent.SIGN_IN_FAILED, username="nobody", success=False)
    other = audit_record(event=SignInEvent.SIGN_IN, actor=cast.users["province_b"])

    assert ids(found(cast, unit_name="浆洗街")) == [viewed.pk]
    assert ids(found(cast, event=FileEvent.ID_NUMBERS_VIEWED)) == [viewed.pk]
    assert ids(found(cast, object_type="用户")) == [viewed.pk]  # the verbose name finds "user"
    assert ids(found(cast, object_type="user", object_id=str(street.pk))) == [viewed.pk]
    assert ids(found(cast, object_repr="street")) == [viewed.pk]
    assert ids(found(cast, success="no")) == [failed.pk]
    assert other.pk in ids(found(cast, success="yes")) and failed.pk not in ids(found(cast, success="yes"))


def test_impossible_conditions_are_refused_in_chinese(cast):
    client = cast.client("national_audit")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    for conditions, message in [
        ({"date_from": day(1).isoformat(), "date_to": day(2).isoformat()}, "开始日期不能晚于结束日期"),
        ({"date_from": "1999-12-31"}, "日期不能早于"),
        ({"date_to": tomorrow.isoformat()}, "日期不能晚于今天"),
        ({"date_from": "2026-02-30"}, "输入一个有效的日期"),
    ]:
        response = client.get(LOG, conditions)
        assert response.status_code == 200 and response.context["page"] is None
        assert message in response.content.decode(), conditions
    assert not AuditLog.objects.filter(event=AuditLogEvent.AUDIT_SEARCHED).exists()


def test_a_submitted_search_is_audited_and_turning_its_pages_is_not(cast):
    for n in range(60):
        logged(username=f"probe{n}")
    client = cast.client("national_audit")
    client.get(LOG)  # opening the page is no search
    assert not AuditLog.objects.filter(event=AuditLogEvent.AUDIT_SEARCHED).exists()

    page = client.get(LOG, {"username": "probe", "success": "yes"}).context["page"]
    client.get(LOG, {"username": "probe", "success": "yes", "after": page.older})
    searches = AuditLog.objects.filter(event=AuditLogEvent.AUDIT_SEARCHED)
    assert searches.count() == 1
    search = searches.get()
    assert search.user == cast.users["national_audit"]
    assert search.detail == {"conditions": {"username": "probe", "success": True}}


# --- scope --------------------------------------------------------------------------------------


def test_the_national_auditor_reads_every_row_a_lower_one_its_subtree(cast):
    street = audit_record(event=SignInEvent.SIGN_IN, actor=cast.users["street_a"])
    province = audit_record(event=SignInEvent.SIGN_IN, actor=cast.users["province_a_admin"])
    other_branch = audit_record(event=SignInEvent.SIGN_IN, actor=cast.users["province_b"])
    national = audit_record(event=SignInEvent.SIGN_IN, actor=cast.users["national_admin"])
    no_unit = logged(event=SignInEvent.SIGN_IN_FAILED, username="nobody", success=False)

    everything = set(ids(found(cast, "national_audit")))
    assert {street.pk, province.pk, other_branch.pk, national.pk, no_unit.pk} <= everything
    subtree = set(ids(found(cast, "province_a_audit")))
    assert {street.pk, province.pk} <= subtree
    assert not subtree & {other_branch.pk, national.pk, no_unit.pk}
    assert found(cast, "province_a_audit", unit_name="广东") == []


# --- keyset pages -------------------------------------------------------------------------------


def test_pages_of_fifty_newest_first_forward_and_back_without_counting(cast):
    # A third of the rows share one instant: the id orders them.
    rows = [logged(username=f"pg{n}", at=local(30) if n % 3 == 0 else local(n % 20, n % 24)) for n in range(130)]
    expected = [row.pk for row in sorted(rows, key=lambda row: (row.at, row.pk), reverse=True)]
    client = cast.client("national_audit")

    seen, pages, after = [], [], None
    with CaptureQueriesContext(connection) as queries:
        while True:
            page = client.get(LOG, {"username": "pg", **({"after": after} if after else {})}).context["page"]
            pages.append(page)
            seen += ids(page.rows)
            if not page.older:
                break
            after = page.older
    assert seen == expected
    assert [len(page.rows) for page in pages] == [50, 50, 30]
    assert pages[0].newer is None and pages[1].newer
    assert not any("COUNT(" in query["sql"].upper() for query in queries.captured_queries)

    back = client.get(LOG, {"username": "pg", "before": pages[2].newer}).context["page"]
    assert ids(back.rows) == ids(pages[1].rows) and back.newer and back.older == pages[1].older
    first = client.get(LOG, {"username": "pg", "before": pages[1].newer}).context["page"]
    assert ids(first.rows) == ids(pages[0].rows) and first.newer is None


def test_a_forged_cursor_shows_the_first_page(cast):
    logged(username="solo")
    client = cast.client("national_audit")
    first = client.get(LOG).context["page"]
    for forged in ("x.y", "1.2.3", "99999999999999999999999.1"):
        assert ids(client.get(LOG, {"after": forged}).context["page"].rows) == ids(first.rows)


# --- Excel --------------------------------------------------------------------------------------


def read_sheet(response) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(book[excel.SHEET_TITLE].iter_rows(values_only=True))


def test_the_export_has_the_filtered_rows_as_text_and_is_audited(cast):
    hostile = logged(
        event=SignInEvent.SIGN_IN_FAILED, username="=HYPERLINK(\"http://evil\",\"x\")", success=False,
        detail={"note": "@SUM(1)"}, at=local(3, 9),
    )  # fmt: skip
    audit_record(event=SignInEvent.SIGN_IN, actor=cast.users["street_a"])  # a success: filtered out

    response = cast.client("national_audit").get(EXPORT, {"success": "no"})

    assert response.status_code == 200 and "filename*=utf-8''" in response["Content-Disposition"]
    header, *rows = read_sheet(response)
    assert list(header) == excel.HEADERS
    assert len(rows) == 1
    at, username, unit, event, object_type, object_id, obj, success, ip, detail = rows[0]
    assert at == local(3, 9).replace(tzinfo=None)  # local time
    assert username == "'" + hostile.username and event == "登录失败" and success == "否"
    assert detail == '{"note": "@SUM(1)"}'
    audit = AuditLog.objects.get(event=AuditLogEvent.AUDIT_EXPORTED)
    assert audit.user == cast.users["national_audit"]
    assert audit.detail == {"conditions": {"success": False}, "rows": 1, "capped": False}


def test_the_export_keeps_to_the_auditors_scope(cast):
    audit_record(event=SignInEvent.SIGN_IN, actor=cast.users["street_a"])
    audit_record(event=SignInEvent.SIGN_IN, actor=cast.users["province_b"])
    _header, *rows = read_sheet(cast.client("province_a_audit").get(EXPORT))
    assert {row[2] for row in rows} == {"浆洗街街道工会", "四川省总工会"}  # the auditor's own sign-in too


def test_the_export_stops_at_excels_limit_and_says_so(cast, monkeypatch):
    monkeypatch.setattr(excel, "MAX_ROWS", 3)
    for n in range(5):
        logged(username=f"cap{n}")
    file = io.BytesIO()
    written = excel.write_audit_workbook(file, AuditLog.objects.filter(username__startswith="cap"))
    assert (written.rows, written.capped) == (3, True)
    book = openpyxl.load_workbook(file)
    assert [row[1] for row in book[excel.SHEET_TITLE].iter_rows(min_row=2, values_only=True)] == [
        "cap4", "cap3", "cap2",
    ]  # fmt: skip
    assert "只导出了其中最新的" in book["说明"]["A1"].value


def test_an_export_with_impossible_conditions_goes_back_to_the_search(cast):
    response = cast.client("national_audit").get(
        EXPORT, {"date_from": day(1).isoformat(), "date_to": day(2).isoformat()}
    )
    assert response.status_code == 302 and response.url.startswith(LOG)
    assert not AuditLog.objects.filter(event=AuditLogEvent.AUDIT_EXPORTED).exists()


# --- who opens it -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "username", ["national_system", "national_security", "national_admin", "street_a_admin", "street_a"]
)
def test_nobody_but_the_audit_administrator_opens_the_viewer(cast, username):
    client = cast.client(username)
    assert client.get(LOG).status_code == 403
    assert client.get(EXPORT).status_code == 403
    with pytest.raises(PermissionDenied, match="审计管理员"):
        audit_rows_for(cast.users[username])


def test_the_navigation_entry_shows_only_for_the_audit_administrator(cast):
    entry = next(entry for entry in NAVIGATION if entry.url_name == "org:audit_log")
    assert entry.opens_for(cast.users["national_audit"]) and entry.opens_for(cast.users["province_a_audit"])
    assert not any(
        entry.opens_for(cast.users[name]) for name in ("national_system", "national_security", "national_admin")
    )
    home = cast.client("national_audit").get("/").content.decode()
    assert f'href="{LOG}"' in home and "审计日志" in home
