"""The shared list page and the quick report/return page, on the test-only sample module."""

import pytest
from django.urls import reverse
from django.utils import timezone

from approvals.lists import PAGE_SIZE
from approvals.models import Movement, ReportState
from tests.approvals.conftest import new_row, where
from tests.reporting.models import SampleRecord

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.reporting.urls")]


ANCESTORS_SQL = '"org_unit"."path" IN ('  # org.selectors.ancestors_of


def rows_at(unit, n, **fields):
    return [new_row(SampleRecord, unit, title=f"{unit.name}记录{i}", **fields) for i in range(n)]


def test_list_shows_visible_rows_with_viewer_states_and_counts(cast):
    own = rows_at(cast.units["county_a"], 2)
    from_street = rows_at(cast.units["street_a"], 3)
    client = cast.client("street_a")
    client.post(reverse("sample_list"), {"move": "report", "pks": [r.pk for r in from_street[:2]], "message": "请审核"})
    response = cast.client("county_a").get(reverse("sample_list"))
    body = response.content.decode()
    assert response.status_code == 200
    assert response.context["counts"]["draft"] == (2, False)
    assert response.context["counts"]["received"] == (2, False)
    assert "下级上报" in body and own[0].title in body and from_street[0].title in body
    assert from_street[2].title not in body  # still a draft at the street: not visible to the county


def test_state_tabs_link_each_state_with_its_capped_count(cast):
    from approvals.lists import COUNT_CAP, state_tabs

    counts = {"draft": (3, False), "received": (COUNT_CAP, True), "returned": (0, False), "reported": (7, False)}
    tabs = state_tabs(counts, "received", "unit=5&q=%E5%BC%A0")
    assert [t["count"] for t in tabs] == ["3", "10000+", "0", "7"]
    assert [t["active"] for t in tabs] == [False, True, False, False]
    assert tabs[0]["href"] == "?unit=5&q=%E5%BC%A0&state=draft"
    assert state_tabs(counts, None, "")[3]["href"] == "?state=reported"
    page = cast.client("county_a").get(reverse("sample_list"), {"state": "draft", "after": "9"}).content.decode()
    assert '<a href="?state=received"><span class="state state-received">▲ 下级上报</span>' in page
    assert 'aria-current="true" class="active"><span class="state state-draft">● 未上报</span>' in page


def test_a_rows_cells_are_escaped_and_the_first_links_to_the_row(cast, monkeypatch):
    """The rows are written by Jinja2 (approvals/list_rows.jinja), escaping every value."""
    monkeypatch.setattr(SampleRecord, "get_absolute_url", lambda row: f"/sample/{row.pk}/?a=1&b=2", raising=False)
    row = new_row(SampleRecord, cast.units["street_a"], title='<b>"甲"&乙</b>')
    page = cast.client("street_a").get(reverse("sample_list")).content.decode()
    assert "<b>" not in page
    title = "&lt;b&gt;&#34;甲&#34;&amp;乙&lt;/b&gt;"
    assert f'<input type="checkbox" name="pks" value="{row.pk}" aria-label="选择 {title}">' in page
    assert '<span class="state state-draft">● 未上报</span>' in page
    assert f'<td><a href="/sample/{row.pk}/?a=1&amp;b=2">{title}</a></td><td class="nowrap">是</td>' in page
    assert f"<td>{cast.units['street_a'].name}</td>" in page


def test_the_unit_switcher_offers_the_chain_and_the_children_escaped(cast):
    from org.models import Unit

    county, street = cast.units["county_a"], cast.units["street_a"]
    Unit.objects.filter(pk=street.pk).update(name="浆洗街<&>")
    page = cast.client("county_a").get(reverse("sample_list"), {"unit": street.pk}).content.decode()
    assert f'<option value="{county.pk}">{county.name}</option>' in page
    assert f'<option value="{street.pk}" selected>\u3000浆洗街&lt;&amp;&gt;</option>' in page


def test_report_from_the_list_moves_rows_and_says_so(cast):
    rows = rows_at(cast.units["street_a"], 2)
    bad = new_row(SampleRecord, cast.units["street_a"], title="缺项记录", complete=False)
    response = cast.client("street_a").post(
        reverse("sample_list"), {"move": "report", "pks": [*(r.pk for r in rows), bad.pk], "message": "月度上报"},
        follow=True,
    )  # fmt: skip
    texts = [str(m) for m in response.context["messages"]]
    assert any("已上报 2 条至武侯区总工会" in t for t in texts)
    assert any("缺项记录:信息项没有填写完整" in t for t in texts)
    assert where(rows[0]) == (cast.units["county_a"].pk, ReportState.REPORTED)
    assert where(bad) == (cast.units["street_a"].pk, ReportState.DRAFT)


def test_return_from_the_list(cast):
    row = rows_at(cast.units["street_a"], 1)[0]
    cast.client("street_a").post(reverse("sample_list"), {"move": "report", "pks": [row.pk]})
    response = cast.client("county_a").post(
        reverse("sample_list"), {"move": "return", "pks": [row.pk], "message": "身份证号有误"}, follow=True
    )
    assert any("已退回 1 条至浆洗街街道工会" in str(m) for m in response.context["messages"])
    assert where(row) == (cast.units["street_a"].pk, ReportState.RETURNED)


def test_nothing_checked_is_a_message_not_an_error(cast):
    response = cast.client("street_a").post(reverse("sample_list"), {"move": "report"}, follow=True)
    assert any("请先勾选" in str(m) for m in response.context["messages"])


def test_subordinate_selector_narrows_to_that_subtree(cast):
    a = rows_at(cast.units["street_a"], 1)[0]
    a2 = rows_at(cast.units["street_a2"], 1)[0]
    for user, row in (("street_a", a), ("street_a2", a2)):
        cast.client(user).post(reverse("sample_list"), {"move": "report", "pks": [row.pk]})
    body = cast.client("county_a").get(reverse("sample_list"), {"unit": cast.units["street_a2"].pk}).content.decode()
    assert a2.title in body and a.title not in body
    # Another branch's unit is 404 in the selector.
    other = cast.client("county_a").get(reverse("sample_list"), {"unit": cast.units["street_b"].pk})
    assert other.status_code == 404


def test_state_filter_and_keyset_pages(cast):
    rows = rows_at(cast.units["street_a"], PAGE_SIZE + 5)
    client = cast.client("street_a")
    first = client.get(reverse("sample_list"), {"state": "draft"})
    assert len(first.context["rows"]) == PAGE_SIZE
    after = first.context["next_after"]
    second = client.get(reverse("sample_list"), {"state": "draft", "after": after})
    shown = [row["pk"] for row in second.context["rows"]]
    assert len(shown) == 5 and max(shown) < after and second.context["next_after"] is None
    assert {r.pk for r in rows} == {row["pk"] for row in first.context["rows"]} | set(shown)
    assert client.get(reverse("sample_list"), {"state": "returned"}).context["rows"] == []


def test_list_queries_do_not_grow_with_the_page(cast, django_assert_max_num_queries):
    rows_at(cast.units["street_a"], 3)
    client = cast.client("street_a")
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("sample_list"))
    rows_at(cast.units["street_a"], 40)
    with django_assert_max_num_queries(len(few)):
        client.get(reverse("sample_list"))


def test_page_rows_read_the_unit_name_and_no_other_relation(cast):
    """A row's 填报单位 is its unit's name: the rows' query joins the unit for that column alone
    and follows no other foreign key (select_related() without fields would follow them all)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    street = cast.units["street_a"]
    rows_at(street, 2)
    client = cast.client("street_a")
    client.get(reverse("sample_list"))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("sample_list"))
    assert [row["unit"] for row in response.context["rows"]] == [street.name, street.name]
    assert f"<td>{street.name}</td>" in response.content.decode()
    (rows_sql,) = [q["sql"] for q in captured.captured_queries if '."name" AS "unit_name"' in q["sql"]]
    assert rows_sql.count(" JOIN ") == 1  # the unit's, for its name; no other relation


def test_counts_and_pages_answer_with_the_current_rows_on_every_page(cast):
    """What a list's counts and pages show is the data of the moment, and each page's cursor is
    its own."""
    url = reverse("sample_list")
    rows = rows_at(cast.units["street_a"], PAGE_SIZE + 3)
    street, county = cast.client("street_a"), cast.client("county_a")
    assert county.get(url).context["counts"]["received"] == (0, False)
    first = street.get(url)
    assert first.context["counts"]["draft"] == (PAGE_SIZE + 3, False)
    street.post(url, {"move": "report", "pks": [r.pk for r in rows[:2]], "message": ""})
    again = street.get(url)
    assert again.context["counts"]["draft"] == (PAGE_SIZE + 1, False)
    assert again.context["counts"]["reported"] == (2, False)
    assert county.get(url).context["counts"]["received"] == (2, False)  # the county's own
    pages, after = [], None
    for _ in range(3):
        response = street.get(url, {"after": after} if after else {})
        pages.append([row["pk"] for row in response.context["rows"]])
        after = response.context["next_after"]
        if after is None:
            break
    assert sorted(pk for page in pages for pk in page) == sorted(r.pk for r in rows)  # 已上报 ones too
    assert [row["pk"] for row in street.get(url, {"state": "draft"}).context["rows"]] == pages[0]
    assert street.get(url, {"state": "returned"}).context["rows"] == []


def test_already_reported_pages_merge_the_parents_and_farther_ancestors_rows_newest_first(cast):
    """已上报 rows sit at the parent (read by report_via) and farther up (read by path prefix):
    the pages give every one of them once, newest first, and the count says how many."""
    rows = rows_at(cast.units["street_a"], PAGE_SIZE + 10)
    street, county = cast.client("street_a"), cast.client("county_a")
    url = reverse("sample_list")
    street.post(url, {"move": "report", "pks": [r.pk for r in rows], "message": ""})
    county.post(url, {"move": "report", "pks": [r.pk for r in rows[::3]], "message": ""})  # on to the city
    assert {SampleRecord.objects.get(pk=r.pk).holder_id for r in rows} == {
        cast.units["county_a"].pk,
        cast.units["city_a"].pk,
    }
    shown, after = [], None
    while True:
        response = street.get(url, {"state": "reported", **({"after": after} if after else {})})
        shown += [row["pk"] for row in response.context["rows"]]
        after = response.context["next_after"]
        if after is None:
            break
    assert shown == sorted((r.pk for r in rows), reverse=True)
    assert response.context["counts"]["reported"] == (len(rows), False)


def test_a_list_looks_up_the_viewers_ancestors_once(cast):
    """Counting and paging split the rows by the same ancestors: one lookup a page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rows_at(cast.units["street_a"], 2)
    client = cast.client("street_a")
    client.get("/")  # the session and the user
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("sample_list"))
    ancestors = [q for q in first.captured_queries if ANCESTORS_SQL in q["sql"]]
    assert len(ancestors) == 1


def test_a_page_reads_the_parents_rows_in_id_order_from_the_held_via_index(cast):
    """The page's query states report_via as the index does, so the planner can read the
    parent's rows newest first from it (a province's 已上报 runs to 100,000s of rows)."""
    from django.db import connection

    from approvals.selectors import held_and_above

    _counted, (_held, above) = held_and_above(SampleRecord.objects.all(), cast.units["street_a"])
    sql, params = above[0].values_list("pk", flat=True)[: PAGE_SIZE + 1].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a test's few rows would be read whole
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(line for (line,) in cursor.fetchall())
    assert "Index Scan Backward using reporting_tests_samplerecord_held_via" in plan, plan
    assert "Sort" not in plan, plan


def test_list_needs_the_module_permission(cast):
    assert cast.client("street_a_admin").get(reverse("sample_list")).status_code == 403


def test_quick_page_counts_waiting_rows_per_child(cast):
    for key, n in (("street_a", 2), ("street_a2", 1)):
        rows = rows_at(cast.units[key], n)
        cast.client(key).post(reverse("sample_list"), {"move": "report", "pks": [r.pk for r in rows]})
    rows_at(cast.units["county_a"], 4)
    response = cast.client("county_a").get(reverse("sample_quick", args=["petitions"]))
    assert response.context["total"] == 7 and response.context["own_count"] == 4
    counts = {child.name: n for child, n in response.context["children"]}
    assert counts == {"浆洗街街道工会": 2, "玉林街道工会": 1}


def test_quick_return_and_quick_report_from_the_page(cast):
    rows = rows_at(cast.units["street_a"], 3)
    cast.client("street_a").post(reverse("sample_list"), {"move": "report", "pks": [r.pk for r in rows]})
    url = reverse("sample_quick", args=["petitions"])
    client = cast.client("county_a")
    response = client.post(url, {"move": f"quick_return:{cast.units['street_a'].pk}", "message": "请补充"}, follow=True)
    assert any("已退回 3 条至浆洗街街道工会" in str(m) for m in response.context["messages"])
    cast.client("street_a").post(reverse("sample_list"), {"move": "report", "pks": [r.pk for r in rows]})
    response = client.post(url, {"move": f"quick_report:{cast.units['county_a'].pk}"}, follow=True)
    assert any("已上报 3 条至成都市总工会" in str(m) for m in response.context["messages"])
    assert where(rows[0]) == (cast.units["city_a"].pk, ReportState.REPORTED)


def test_quick_page_refusals_and_scope(cast):
    url = reverse("sample_quick", args=["petitions"])
    client = cast.client("county_a")
    response = client.post(url, {"move": f"quick_return:{cast.units['county_a'].pk}"}, follow=True)
    assert any("本级单位的数据没有快速退回" in str(m) for m in response.context["messages"])
    assert client.post(url, {"move": f"quick_report:{cast.units['street_b'].pk}"}).status_code == 404
    assert client.get(reverse("sample_quick", args=["nosuchmodule"])).status_code == 404
    assert cast.client("street_a_admin").get(url).status_code == 403
    national = cast.client("national_admin").post(
        url, {"move": f"quick_report:{cast.units['national'].pk}"}, follow=True
    )
    assert any("全国总工会没有上级单位" in str(m) for m in national.context["messages"])


def test_movement_log_of_a_record(cast):
    from django.template import Context, Template

    row = rows_at(cast.units["street_a"], 1)[0]
    cast.client("street_a").post(reverse("sample_list"), {"move": "report", "pks": [row.pk], "message": "请审核"})
    cast.client("county_a").post(reverse("sample_list"), {"move": "return", "pks": [row.pk], "message": "电话有误"})
    html = Template("{% load reporting %}{% movement_log row %}").render(Context({"row": row}))
    assert html.index("上报") < html.index("退回")
    assert "请审核" in html and "电话有误" in html and "浆洗街街道工会" in html and "武侯区总工会" in html
    report, back = Movement.objects.filter(object_id=row.pk).select_related("action__actor").order_by("pk")
    at = timezone.localtime(report.action.at).strftime("%Y-%m-%d %H:%M")
    actor = str(report.action.actor)
    assert (
        f"<td>{at}</td>\n        <td>上报</td>\n        <td>浆洗街街道工会</td>\n        <td>武侯区总工会</td>\n"
        in html
    )
    assert f"<td>{actor}</td>\n        <td>请审核</td>" in html
    assert (
        f"<td>退回</td>\n        <td>武侯区总工会</td>\n        <td>浆洗街街道工会</td>\n        <td>{back.action.actor}</td>"
        in html
    )
