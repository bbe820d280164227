"""自定义显示选项 (manual 2.7): columns and their order, sort, rows per page — per user and list,
applied by the shared list page; on the test-only sample list."""

import pytest
from django.urls import reverse

from approvals.models import DisplayPreference
from approvals.preferences import LISTS, display_for
from tests.approvals.conftest import new_row
from tests.reporting.models import SampleRecord
from tests.reporting.views import SampleRecordListView

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.reporting.urls")]

KEY = SampleRecordListView.get_list_key()


def page_url():
    return reverse("approvals:preferences") + f"?list={KEY}"


def save(client, **data):
    form = {"list": KEY, "action": "save", "show": ["title", "complete"], "direction": "asc", "page_size": 50}
    return client.post(page_url(), form | data)


def rows_at(unit, titles, **fields):
    return [new_row(SampleRecord, unit, title=title, **fields) for title in titles]


def test_the_sample_list_is_registered_under_its_model():
    assert LISTS[KEY] is SampleRecordListView


def test_columns_and_their_order_apply_to_the_list(cast):
    rows_at(cast.units["street_a"], ["甲"])
    client = cast.client("street_a")
    response = save(client, show=["title", "complete"], order_complete=1, order_title=2)
    assert response.status_code == 302
    listed = client.get(reverse("sample_list"))
    assert [c.label for c in listed.context["columns"]] == ["信息完整", "标题"]
    assert listed.context["rows"][0]["cells"] == ["是", "甲"]
    save(client, show=["title"])
    listed = client.get(reverse("sample_list"))
    assert [c.label for c in listed.context["columns"]] == ["标题"]
    assert listed.context["rows"][0]["cells"] == ["甲"]
    assert "自定义显示选项" in listed.content.decode()


def test_page_size_applies_with_keyset_pages(cast):
    rows = rows_at(cast.units["street_a"], [f"记录{i}" for i in range(15)])
    client = cast.client("street_a")
    save(client, page_size=10)
    first = client.get(reverse("sample_list"))
    assert len(first.context["rows"]) == 10
    second = client.get(reverse("sample_list"), {"after": first.context["next_after"]})
    assert len(second.context["rows"]) == 5 and second.context["next_after"] is None
    shown = [r["pk"] for r in first.context["rows"] + second.context["rows"]]
    assert shown == sorted((r.pk for r in rows), reverse=True)


@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_sort_pages_through_held_and_reported_rows(cast, direction):
    """street_a's own drafts and the rows it reported (held by the county) merge in one order."""
    titles = [f"T{(i * 7) % 23:02d}" for i in range(23)]
    rows = rows_at(cast.units["street_a"], titles)
    client = cast.client("street_a")
    client.post(reverse("sample_list"), {"move": "report", "pks": [r.pk for r in rows[::2]]})
    save(client, sort="title", direction=direction, page_size=10)
    shown, after = [], None
    for _ in range(5):
        response = client.get(reverse("sample_list"), {"after": after} if after else {})
        shown += [r["cells"][0] for r in response.context["rows"]]
        after = response.context["next_after"]
        if after is None:
            break
    assert shown == sorted(titles, reverse=direction == "desc")


def test_sort_with_duplicates_keeps_every_row_once(cast):
    rows = rows_at(cast.units["street_a"], ["同名"] * 12 + ["别名"] * 3)
    client = cast.client("street_a")
    save(client, sort="title", direction="desc", page_size=10)
    first = client.get(reverse("sample_list"))
    second = client.get(reverse("sample_list"), {"after": first.context["next_after"]})
    shown = [r["pk"] for r in first.context["rows"] + second.context["rows"]]
    assert sorted(shown) == sorted(r.pk for r in rows) and len(shown) == 15


@pytest.mark.parametrize("size", ["5", "201", "abc", ""])
def test_invalid_page_size_is_refused(cast, size):
    client = cast.client("street_a")
    response = save(client, page_size=size)
    assert response.status_code == 200
    assert response.context["form"].errors["page_size"]
    assert not DisplayPreference.objects.filter(user=cast.users["street_a"]).exists()


def test_no_column_and_unknown_sort_are_refused(cast):
    client = cast.client("street_a")
    response = save(client, show=[], sort="nosuchfield")
    errors = response.context["form"].errors
    assert "请至少选择一个显示项目。" in errors["show"] and "sort" in errors
    assert not DisplayPreference.objects.exists()


def test_preview_shows_the_choice_without_saving(cast):
    rows_at(cast.units["street_a"], ["B记录", "A记录"])
    client = cast.client("street_a")
    response = client.post(page_url(), {"list": KEY, "action": "preview", "show": ["complete"], "direction": "asc",
                                        "page_size": 20, "sort": "title"})  # fmt: skip
    assert [c.label for c in response.context["preview_columns"]] == ["信息完整"]
    assert response.context["preview_rows"] == [["是"], ["是"]]
    assert not DisplayPreference.objects.exists()
    response = client.post(page_url(), {"list": KEY, "action": "preview", "show": ["title"], "direction": "asc",
                                        "page_size": 20, "sort": "title"})  # fmt: skip
    assert response.context["preview_rows"] == [["A记录"], ["B记录"]]


def test_the_page_shows_saved_choices_and_reset_restores_defaults(cast):
    client = cast.client("street_a")
    save(client, show=["complete"], sort="title", direction="desc", page_size=30)
    page = client.get(page_url())
    assert page.context["form"].initial["page_size"] == 30
    assert page.context["form"].initial["sort"] == "title"
    assert [r["checked"] for r in page.context["column_rows"]] == [False, True]
    response = client.post(page_url(), {"list": KEY, "action": "reset"}, follow=True)
    assert any("恢复默认" in str(m) for m in response.context["messages"])
    assert not DisplayPreference.objects.exists()
    listed = client.get(reverse("sample_list"))
    assert [c.label for c in listed.context["columns"]] == ["标题", "信息完整"]


def test_another_users_preferences_are_unaffected(cast):
    save(cast.client("street_a"), show=["complete"], page_size=10)
    save(cast.client("street_a2"), show=["title"], page_size=20)
    cast.client("street_a").post(page_url(), {"list": KEY, "action": "reset"})
    other = display_for(SampleRecordListView, cast.users["street_a2"])
    assert [c.field for c in other.columns] == ["title"] and other.page_size == 20
    listed = cast.client("street_a2").get(reverse("sample_list"))
    assert [c.label for c in listed.context["columns"]] == ["标题"]
    assert display_for(SampleRecordListView, cast.users["street_a"]).page_size == 50


def test_stale_preferences_are_ignored(cast):
    DisplayPreference.objects.create(user=cast.users["street_a"], list_key=KEY, columns=["gone", "title"],
                                     sort="-gone", page_size=20)  # fmt: skip
    display = display_for(SampleRecordListView, cast.users["street_a"])
    assert [c.field for c in display.columns] == ["title"] and display.sort is None and display.page_size == 20


def test_page_access(cast):
    assert cast.client("street_a").get(reverse("approvals:preferences") + "?list=nosuch").status_code == 404
    assert cast.client("street_a_admin").get(page_url()).status_code == 403
    index = cast.client("street_a").get(reverse("approvals:preferences"))
    assert (KEY, "测试记录") in index.context["lists"]
    assert cast.client("street_a_admin").get(reverse("approvals:preferences")).context["lists"] == []


def test_next_link_only_to_this_site(cast):
    client = cast.client("street_a")
    ok = client.get(page_url() + "&next=/sample/?state=draft")
    assert ok.context["next_url"] == "/sample/?state=draft"
    evil = client.get(page_url() + "&next=https://evil.example/")
    assert evil.context["next_url"] == ""
