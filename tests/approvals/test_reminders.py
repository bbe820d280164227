"""Reminders (manual chapter 19): who sees them, marking them handled, the rows they point at."""

import datetime
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import PROCESS, STATUS

from approvals import reminders, services
from approvals.events import ReportingEvent
from approvals.models import ReportAction
from audit.models import AuditLog
from org.models import Module
from records.jobs.models import JobAgency
from tests.approvals.conftest import new_row
from tests.conftest import BUSINESS_MODULES, make_user
from tests.reporting.models import SampleRecord

pytestmark = pytest.mark.django_db

PENDING = reverse("approvals:reminders_pending")
ALL = reverse("approvals:reminders_all")
HANDLE_MANY = reverse("approvals:reminders_handle")


def handle_url(action) -> str:
    return reverse("approvals:reminder_handle", args=[action.pk])


def rows_url(action) -> str:
    return reverse("approvals:action_rows", args=[action.pk])


def report(cast, username="street_a", *, rows=1, message="请审核", model=SampleRecord) -> ReportAction:
    """`username` creates `rows` rows at their unit and reports them: one reminder upstairs."""
    user = cast.users[username]
    field = "title" if model is SampleRecord else "name"
    pks = [new_row(model, user.unit, **{field: f"来访{i}"}).pk for i in range(rows)]
    result = services.report_rows(actor=user, model=model, pks=pks, message=message)
    assert result.moved == rows
    return result.actions[0]


def remind_task(action) -> Task:
    return Task.objects.get(process_id=action.process_id, flow_task_type="HUMAN")


def add_user(cast, username, unit_key, modules):
    cast.users[username] = make_user(username, cast.units[unit_key], modules)
    return cast.users[username]


@pytest.fixture
def outsiders(cast):
    """Users who must never see county_a's reminders: a sibling unit with the same modules, the
    parent units (city, national) with every module, and the other province."""
    add_user(cast, "city_a_clerk", "city_a", BUSINESS_MODULES)
    return ["street_a2", "city_a_clerk", "national_admin", "province_b"]


# --- who sees a reminder ---------------------------------------------------------------------


def test_county_sees_the_report_of_its_street(cast):
    action = report(cast, rows=3, message="三月份信访记录,请审核")
    response = cast.client("county_a").get(PENDING)
    assert response.status_code == 200
    page = response.content.decode()
    assert "测试记录上报数据" in page
    assert "浆洗街街道工会" in page
    assert "三月份信访记录,请审核" in page
    assert rows_url(action) in page
    assert handle_url(action) in page
    assert [r.pk for r in response.context["page"].rows] == [action.pk]
    assert response.context["page"].rows[0].count == 3


def test_a_reminder_message_keeps_its_lines_and_is_escaped(cast):
    """The rows are Jinja2's (approvals/reminder_rows.jinja): lines as <br>, markup as text, and
    the row's own 处理 form carries the CSRF token."""
    action = report(cast, message="第一行\n<b>第二行</b>")
    page = cast.client("county_a").get(PENDING).content.decode()
    assert "第一行<br>&lt;b&gt;第二行&lt;/b&gt;" in page and "<b>第二行" not in page
    form = page[page.index(f'id="handle-{action.pk}"') :].split("</form>")[0]
    assert 'name="csrfmiddlewaretoken" value="' in form and 'value=""' not in form


def test_nobody_else_sees_or_handles_it(cast, outsiders):
    action = report(cast)
    for username in outsiders:
        client = cast.client(username)
        assert "测试记录上报数据" not in client.get(PENDING).content.decode(), username
        assert client.get(ALL).context["page"].rows == [], username
        assert client.post(handle_url(action)).status_code == 404, username
        assert client.post(HANDLE_MANY, {"ids": [action.pk]}).status_code == 404, username
        assert client.get(rows_url(action)).status_code == 404, username
    assert remind_task(action).status == STATUS.NEW
    assert not AuditLog.objects.filter(event=ReportingEvent.REMINDER_HANDLED).exists()


def test_the_sender_sees_the_rows_but_does_not_get_the_reminder(cast):
    action = report(cast)
    client = cast.client("street_a")
    assert client.get(PENDING).context["page"].rows == []
    rows = client.get(rows_url(action))
    assert rows.status_code == 200 and not rows.context["can_handle"]
    assert handle_url(action) not in rows.content.decode()
    assert client.post(handle_url(action)).status_code == 404
    receiver = cast.client("county_a")
    assert handle_url(action) in receiver.get(rows_url(action)).content.decode()
    receiver.post(handle_url(action))
    assert not receiver.get(rows_url(action)).context["can_handle"]


def test_street_gets_a_reminder_when_the_county_returns_rows(cast):
    report(cast, rows=2)
    rows = list(SampleRecord.objects.values_list("pk", flat=True))
    result = services.return_rows(actor=cast.users["county_a"], model=SampleRecord, pks=rows, message="身份证号有误")
    returned = result.actions[0]
    response = cast.client("street_a").get(PENDING)
    page = response.content.decode()
    assert [r.pk for r in response.context["page"].rows] == [returned.pk]
    assert "测试记录退回数据" in page and "武侯区总工会" in page and "身份证号有误" in page
    assert cast.client("street_a2").get(PENDING).context["page"].rows == []


def test_a_user_without_the_module_does_not_see_its_reminders(cast):
    petitions = report(cast)
    jobs = report(cast, model=JobAgency)
    add_user(cast, "county_petitions", "county_a", [Module.PETITIONS])
    add_user(cast, "county_files", "county_a", [Module.FILES])
    assert [r.pk for r in cast.client("county_petitions").get(PENDING).context["page"].rows] == [petitions.pk]
    assert cast.client("county_petitions").post(handle_url(jobs)).status_code == 404
    assert cast.client("county_files").get(PENDING).context["page"].rows == []
    assert cast.client("county_files").get(rows_url(petitions)).status_code == 404
    assert cast.client("county_a_admin").get(PENDING).context["page"].rows == []
    assert cast.client("county_a_admin").post(handle_url(petitions)).status_code == 404
    assert {r.pk for r in cast.client("county_a").get(PENDING).context["page"].rows} == {petitions.pk, jobs.pk}
    assert remind_task(jobs).status == STATUS.NEW


def test_an_inactive_user_has_no_reminders(cast):
    report(cast)
    user = cast.users["county_a"]
    user.is_active = False
    assert reminders.pending_reminder_count(user) == 0


# --- marking handled -------------------------------------------------------------------------


def test_marking_one_handled_completes_the_task_and_moves_it_to_all(cast):
    action = report(cast)
    client = cast.client("county_a")
    response = client.post(handle_url(action), {"next": PENDING}, follow=True)
    assert response.redirect_chain == [(PENDING, 302)]
    assert "已将 1 条提醒标记为已处理" in response.content.decode()
    assert "暂无待处理提醒" in response.content.decode()

    task = remind_task(action)
    assert task.status == STATUS.DONE and task.owner == cast.users["county_a"] and task.finished
    assert Process.objects.get(pk=action.process_id).status == PROCESS.DONE
    action.refresh_from_db()
    assert action.pending is False

    everything = client.get(ALL)
    row = everything.context["page"].rows[0]
    assert row.pk == action.pk and row.is_handled and row.handled_by == "county_a"
    assert "已处理" in everything.content.decode()
    assert [r.pk for r in client.get(ALL, {"state": "handled"}).context["page"].rows] == [action.pk]
    assert client.get(ALL, {"state": "pending"}).context["page"].rows == []

    audit = AuditLog.objects.get(event=ReportingEvent.REMINDER_HANDLED)
    assert audit.object_id == str(action.pk) and audit.detail["action"] == action.pk
    assert audit.user == cast.users["county_a"]


def test_marking_many_handled(cast):
    first, second, third = report(cast), report(cast), report(cast)
    client = cast.client("county_a")
    response = client.post(HANDLE_MANY, {"ids": [first.pk, second.pk], "next": ALL})
    assert response.status_code == 302 and response.url == ALL
    assert remind_task(first).status == STATUS.DONE and remind_task(second).status == STATUS.DONE
    assert remind_task(third).status == STATUS.NEW
    assert [r.pk for r in client.get(PENDING).context["page"].rows] == [third.pk]
    assert AuditLog.objects.filter(event=ReportingEvent.REMINDER_HANDLED).count() == 2


def test_handling_again_is_a_no_op_with_a_message(cast):
    action = report(cast)
    client = cast.client("county_a")
    client.post(handle_url(action))
    response = client.post(handle_url(action), follow=True)
    assert response.status_code == 200
    assert "1 条提醒此前已处理" in response.content.decode()
    response = client.post(HANDLE_MANY, {"ids": [action.pk]}, follow=True)
    assert "此前已处理" in response.content.decode()
    assert AuditLog.objects.filter(event=ReportingEvent.REMINDER_HANDLED).count() == 1
    assert Task.objects.filter(process_id=action.process_id, flow_task_type="HUMAN").count() == 1


def test_a_colleague_of_the_same_unit_may_handle_it(cast):
    action = report(cast)
    colleague = add_user(cast, "county_colleague", "county_a", [Module.PETITIONS])
    assert cast.client("county_colleague").post(handle_url(action)).status_code == 302
    assert remind_task(action).owner == colleague


def test_many_with_one_foreign_reminder_handles_none(cast):
    own = report(cast, rows=2)
    row = SampleRecord.objects.order_by("pk").first()
    foreign = services.return_rows(actor=cast.users["county_a"], model=SampleRecord, pks=[row.pk]).actions[0]
    assert foreign.receiver == cast.units["street_a"]
    assert cast.client("county_a").post(HANDLE_MANY, {"ids": [own.pk, foreign.pk]}).status_code == 404
    assert remind_task(own).status == STATUS.NEW and remind_task(foreign).status == STATUS.NEW


def test_nothing_checked_and_bad_input(cast):
    client = cast.client("county_a")
    response = client.post(HANDLE_MANY, {}, follow=True)
    assert "请先勾选" in response.content.decode()
    assert client.post(HANDLE_MANY, {"ids": ["x"]}, follow=True).status_code == 200
    assert client.get(handle_url(report(cast))).status_code == 405
    assert client.post(HANDLE_MANY, {"ids": [999999]}).status_code == 404


def test_next_must_be_local(cast):
    action = report(cast)
    response = cast.client("county_a").post(handle_url(action), {"next": "https://evil.example/"})
    assert response.url == PENDING


@pytest.mark.django_db(transaction=True)
def test_two_clerks_at_once_handle_it_exactly_once(cast):
    action = report(cast)
    colleague = add_user(cast, "county_colleague", "county_a", [Module.PETITIONS])
    barrier = threading.Barrier(2)
    results = []

    def handle(user):
        try:
            barrier.wait()
            results.append(reminders.reminders_mark_handled(actor=user, action_ids=[action.pk]))
        finally:
            connection.close()

    threads = [threading.Thread(target=handle, args=(u,)) for u in (cast.users["county_a"], colleague)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted((len(r.handled), len(r.already_handled)) for r in results) == [(0, 1), (1, 0)]
    assert remind_task(action).status == STATUS.DONE
    assert AuditLog.objects.filter(event=ReportingEvent.REMINDER_HANDLED).count() == 1
    action.refresh_from_db()
    assert action.pending is False


def test_the_pending_flag_is_the_state_of_the_process(cast):
    """The flag the lists and the header count read says what the process says, whichever
    way a reminder was handled: one, many at once, or again."""
    actions = [report(cast) for _ in range(5)]
    client = cast.client("county_a")
    client.post(handle_url(actions[0]))
    client.post(HANDLE_MANY, {"ids": [actions[1].pk, actions[2].pk]})
    client.post(handle_url(actions[0]))
    for action in ReportAction.objects.filter(pk__in=[a.pk for a in actions]).select_related("process"):
        assert action.pending == (action.process.status == PROCESS.NEW), action.pk
    assert reminders.pending_reminder_count(cast.users["county_a"]) == 2


# --- the all-reminders filters and the pages ---------------------------------------------------


def test_all_reminders_filters_by_module_and_date(cast):
    petitions = report(cast)
    jobs = report(cast, model=JobAgency)
    old = report(cast)
    ReportAction.objects.filter(pk=old.pk).update(at=timezone.now() - datetime.timedelta(days=40))
    client = cast.client("county_a")
    assert {r.pk for r in client.get(ALL, {"module": Module.JOBS}).context["page"].rows} == {jobs.pk}
    today = timezone.localdate()
    recent = client.get(ALL, {"date_from": today.isoformat(), "date_to": today.isoformat()})
    assert {r.pk for r in recent.context["page"].rows} == {petitions.pk, jobs.pk}
    past = client.get(ALL, {"date_to": (today - datetime.timedelta(days=30)).isoformat()})
    assert [r.pk for r in past.context["page"].rows] == [old.pk]
    backwards = client.get(ALL, {"date_from": today.isoformat(), "date_to": "2020-01-01"})
    assert "开始日期不能晚于结束日期" in backwards.content.decode()
    keys = [key for key, _label in client.get(ALL).context["form"].fields["module"].choices]
    # Every module with reminders (the kit's and the test-only 职业介绍), in the Module order.
    assert keys[0] == "" and keys[1:] == sorted(keys[1:], key=list(Module.values).index)
    assert {Module.FILES, Module.ASSISTANCE, Module.PETITIONS, Module.LEGAL_AID, Module.STAT_FORMS, Module.JOBS} <= set(
        keys
    )
    ReportAction.objects.filter(pk=old.pk).update(module=Module.PETITIONS)
    ReportAction.objects.filter(pk=jobs.pk).update(module=Module.PETITIONS)
    empty = client.get(ALL, {"module": Module.JOBS})
    assert "没有符合条件的提醒" in empty.content.decode()


def test_keyset_pages_newest_first(cast, monkeypatch):
    monkeypatch.setattr(reminders, "PAGE_SIZE", 2)
    actions = [report(cast) for _ in range(5)]
    client = cast.client("county_a")
    seen, after = [], None
    for _ in range(3):
        page = client.get(PENDING, {"after": after} if after else {}).context["page"]
        assert page.total == 5
        seen += [r.pk for r in page.rows]
        after = page.next_cursor
    assert after is None
    assert seen == [a.pk for a in reversed(actions)]
    assert client.get(PENDING, {"after": "nonsense"}).context["page"].is_first


def test_action_rows_lists_exactly_the_moved_rows(cast, monkeypatch):
    monkeypatch.setattr(reminders, "PAGE_SIZE", 3)
    new_row(SampleRecord, cast.units["street_a"], title="没有上报的")
    action = report(cast, rows=4)
    client = cast.client("county_a")
    first = client.get(rows_url(action))
    assert first.status_code == 200
    labels = [row.label for row in first.context["page"].rows]
    assert labels == ["来访0", "来访1", "来访2"]
    page = first.content.decode()
    assert "没有上报的" not in page and "浆洗街街道工会" in page and "武侯区总工会" in page
    second = client.get(rows_url(action), {"after": first.context["page"].next_cursor})
    assert [row.label for row in second.context["page"].rows] == ["来访3"]
    SampleRecord.objects.filter(title="来访3").delete()
    assert "已删除" in client.get(rows_url(action), {"after": first.context["page"].next_cursor}).content.decode()


# --- the header count and query counts ---------------------------------------------------------


def header_count(client):
    response = client.get(reverse("home"))
    return response.content.decode().count("data-pending-reminders"), response


def test_header_shows_the_pending_count(cast):
    first = report(cast)
    report(cast, model=JobAgency)
    client = cast.client("county_a")
    shown, response = header_count(client)
    assert shown == 1 and "待处理提醒 (2)" in response.content.decode()
    client.post(handle_url(first))
    assert "待处理提醒 (1)" in client.get(reverse("home")).content.decode()
    add_user(cast, "county_petitions", "county_a", [Module.PETITIONS])
    assert "待处理提醒 (0)" not in cast.client("county_petitions").get(reverse("home")).content.decode()
    for username in ["street_a", "street_a2", "national_admin", "province_b"]:
        assert header_count(cast.client(username))[0] == 0, username


def test_the_compiled_header_count_is_the_selectors_count(cast):
    first = report(cast)
    report(cast, model=JobAgency)
    add_user(cast, "county_petitions", "county_a", [Module.PETITIONS])
    for username in ["county_a", "county_petitions", "street_a", "county_a_admin"]:
        user = cast.users[username]
        assert reminders.pending_reminder_count(user) == reminders.pending_reminders_for_user(user).count(), username
    assert reminders.pending_reminder_count(cast.users["county_a"]) == 2
    cast.client("county_a").post(handle_url(first))
    assert reminders.pending_reminder_count(cast.users["county_a"]) == 1


def _reminder_queries(client, url):
    client.get(url)  # the first request of a session also refreshes its idle timeout
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def test_header_costs_one_count_query(cast):
    report(cast)
    queries = _reminder_queries(cast.client("county_a"), reverse("org:directory"))
    on_actions = [sql for sql in queries if "approvals_reportaction" in sql]
    assert len(on_actions) == 1 and "COUNT(" in on_actions[0]
    # By the waiting flag's partial index: no lookup of each reminder's process.
    assert "viewflow_process" not in on_actions[0]
    # The home page lists the newest pending reminders, and the header's count is that list's
    # window count: one query (bulletins.views.home).
    client = cast.client("county_a")
    home = [sql for sql in _reminder_queries(client, reverse("home")) if "approvals_reportaction" in sql]
    assert len(home) == 1 and "LIMIT 5" in home[0] and "COUNT(" in home[0] and "OVER" in home[0]
    assert 'data-pending-reminders="1"' in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("url", [PENDING, ALL])
def test_list_queries_do_not_grow_with_rows(cast, url):
    report(cast)
    client = cast.client("county_a")
    few = _reminder_queries(client, url)
    for _ in range(6):
        report(cast, model=JobAgency)
    client.post(HANDLE_MANY, {"ids": list(ReportAction.objects.values_list("pk", flat=True)[:3])})
    many = _reminder_queries(client, url)
    assert (
        len(many) == len(few) <= 6
    )  # session, user with unit, its second-factor device, the list, its total, the header count
    on_actions = [sql for sql in many if "approvals_reportaction" in sql]
    # the list and its total; the pending page's header reuses the total
    assert len(on_actions) == (2 if url == PENDING else 3)


def test_action_rows_queries_do_not_grow_with_rows(cast):
    client = cast.client("county_a")
    few = _reminder_queries(client, rows_url(report(cast, rows=1)))
    many = _reminder_queries(client, rows_url(report(cast, rows=20)))
    assert len(many) == len(few)


def test_deleting_a_user_who_handled_reminders_keeps_the_reminders(cast):
    from viewflow.workflow.models import Task

    from approvals import reminders
    from org.services.users import user_delete

    row = new_row(SampleRecord, cast.units["street_a"], title="来访一")
    result = services.report_rows(actor=cast.users["street_a"], model=SampleRecord, pks=[row.pk])
    action = result.actions[0]
    reminders.reminders_mark_handled(actor=cast.users["county_a"], action_ids=[action.pk])
    user_delete(actor=cast.users["county_a_admin"], user=cast.users["county_a"])
    task = Task.objects.filter(process=action.process).exclude(flow_task_type__in=["START", "END"]).get()
    assert task.status == "DONE" and task.owner_id is None
