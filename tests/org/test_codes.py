"""Code tables (manual 18.1): the seed, the national admin's maintenance pages and their rules."""

from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.urls import reverse

from audit.models import AuditLog
from org.events import OrgEvent
from org.models import Code, CodeTable, Module
from org.selectors import codes_by_table, codes_of
from org.services import codes as code_services
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

SEED_KEYS = [
    "ethnicity", "political_status", "health", "disability_category", "housing_type", "industry",
    "employer_nature", "enterprise_status", "household_registration", "marital_status", "hardship_cause",
    "identity", "relation", "model_worker_type", "medical_insurance", "self_help_ability",
    "assistance_category", "assistance_form", "assistance_measure", "exit_method",
]  # fmt: skip


def values(key):
    return list(codes_of(key).values_list("value", flat=True))


@pytest.fixture
def admin(cast):
    return cast.client("national_admin")


@pytest.fixture
def health():
    return CodeTable.objects.get(key="health")


def code(key, value):
    return Code.objects.get(table__key=key, value=value)


# The seed


def test_every_standard_table_is_seeded():
    keys = set(CodeTable.objects.values_list("key", flat=True))
    assert set(SEED_KEYS) <= keys
    assert all(values(key) for key in SEED_KEYS)


def test_several_tables_at_once_read_as_each_table_alone():
    keys = [table.key for table in CodeTable.objects.all()]
    assert keys
    together = codes_by_table(keys)
    for key in keys:
        assert [(pk, code.value) for pk, code in together[key].items()] == list(
            codes_of(key).values_list("pk", "value")
        ), key
    assert codes_by_table(["no_such_table"]) == {"no_such_table": {}}


def test_ethnicity_has_the_56_groups_han_first():
    ethnicity = values("ethnicity")
    assert ethnicity[0] == "汉族"
    assert len([v for v in ethnicity if v.endswith("族")]) == 56
    assert "其他" in ethnicity


def test_standard_values():
    assert "农民工" in values("identity")
    assert values("political_status") == ["中共党员", "中共预备党员", "共青团员", "民主党派", "无党派人士", "群众"]
    assert values("health")[-1] == "残疾"
    assert values("household_registration") == ["城镇", "农村"]
    assert len(values("disability_category")) == 7
    assert len(values("industry")) == 20


# Permissions


def code_urls(table, value):
    return [
        ("get", reverse("org:code_tables")),
        ("post", reverse("org:code_add", args=[table.pk])),
        ("post", reverse("org:code_order", args=[table.pk])),
        ("post", reverse("org:code_rename", args=[value.pk])),
        ("post", reverse("org:code_delete", args=[value.pk])),
    ]


@pytest.mark.parametrize("username", ["province_a_admin", "street_a_admin", "street_a", "province_b"])
def test_only_the_national_admin_may_maintain_codes(cast, health, username):
    client = cast.client(username)
    for method, url in code_urls(health, code("health", "健康")):
        assert getattr(client, method)(url, {"add-value": "x", "rename-value": "y"}).status_code == 403, url
    assert values("health")[0] == "健康"
    assert not Code.objects.filter(value__in=["x", "y"]).exists()


def test_national_user_without_unit_admin_gets_403(cast, health):
    cast.users["national_clerk"] = make_user("national_clerk", cast.units["national"], [Module.FILES])
    client = cast.client("national_clerk")
    for method, url in code_urls(health, code("health", "健康")):
        assert getattr(client, method)(url).status_code == 403, url
        assert client.get(url).status_code == 403, url


def test_writes_are_post_only(admin, health):
    assert admin.get(reverse("org:code_add", args=[health.pk])).status_code == 405
    assert admin.get(reverse("org:code_delete", args=[code("health", "健康").pk])).status_code == 405


# The page


def test_page_lists_tables_and_values_of_the_chosen_table(admin, health):
    response = admin.get(reverse("org:code_tables"), {"table": health.pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert "民族" in html and "政治面貌" in html
    assert "患大病" in html and "汉族" not in html


def test_choosing_a_value_fills_the_rename_box(admin, health):
    value = code("health", "一般")
    response = admin.get(reverse("org:code_tables"), {"table": health.pk, "code": value.pk})
    assert response.context["rename_form"].initial == {"value": "一般"}
    assert reverse("org:code_delete", args=[value.pk]) in response.content.decode()


@pytest.mark.parametrize("query", [{"table": "999999"}, {"table": "abc"}])
def test_unknown_table_is_404(admin, query):
    assert admin.get(reverse("org:code_tables"), query).status_code == 404


def test_value_of_another_table_is_404(admin, health):
    other = code("ethnicity", "汉族")
    assert admin.get(reverse("org:code_tables"), {"table": health.pk, "code": other.pk}).status_code == 404


# Add


def test_add_appends_a_trimmed_value_and_audits(admin, health):
    response = admin.post(reverse("org:code_add", args=[health.pk]), {"add-value": "  良好 "})
    assert response.status_code == 302
    assert values("health")[-1] == "良好"
    log = AuditLog.objects.get(event=OrgEvent.CODE_CHANGED)
    assert log.detail == {"action": "add", "table": "health", "value": "良好"}
    assert log.user.username == "national_admin"


@pytest.mark.parametrize(
    ("value", "message"),
    [("   ", "请输入代码值。"), ("长" * 51, "代码值最多 50 个字。"), ("健康", "本代码表中已有“健康”。")],
)
def test_add_refuses_bad_values_next_to_the_field(admin, health, value, message):
    before = values("health")
    response = admin.post(reverse("org:code_add", args=[health.pk]), {"add-value": value})
    assert response.status_code == 200
    assert response.context["add_form"].errors["value"] == [message]
    assert values("health") == before
    assert not AuditLog.objects.filter(event=OrgEvent.CODE_CHANGED).exists()


def test_same_value_in_another_table_is_allowed(cast):
    table = CodeTable.objects.get(key="self_help_ability")
    code_services.code_add(actor=cast.users["national_admin"], table=table, value="健康")
    assert "健康" in values("self_help_ability")


def test_duplicate_from_a_concurrent_insert_is_a_message_not_an_error(cast, health):
    # The pre-check misses a value another clerk inserted a moment ago: the constraint catches it.
    with mock.patch.object(code_services.Code.objects, "filter") as stale_filter:
        stale_filter.return_value.exclude.return_value.exists.return_value = False
        with pytest.raises(ValidationError, match="本代码表中已有“健康”"):
            code_services.code_add(actor=cast.users["national_admin"], table=health, value="健康")
    assert values("health").count("健康") == 1


# Rename


def test_rename(admin, health):
    value = code("health", "较差")
    response = admin.post(reverse("org:code_rename", args=[value.pk]), {"rename-value": " 差 "})
    assert response.status_code == 302
    value.refresh_from_db()
    assert value.value == "差"
    assert AuditLog.objects.get(event=OrgEvent.CODE_CHANGED).detail["old_value"] == "较差"


@pytest.mark.parametrize(
    ("value", "message"),
    [("", "请输入代码值。"), ("长" * 51, "代码值最多 50 个字。"), ("健康", "本代码表中已有“健康”。")],
)
def test_rename_refuses_bad_values(admin, health, value, message):
    target = code("health", "一般")
    response = admin.post(reverse("org:code_rename", args=[target.pk]), {"rename-value": value})
    assert response.status_code == 200
    assert response.context["rename_form"].errors["value"] == [message]
    assert response.context["code"].value == "一般"
    target.refresh_from_db()
    assert target.value == "一般"


def test_rename_to_itself_changes_nothing(cast):
    target = code("health", "一般")
    code_services.code_rename(actor=cast.users["national_admin"], code=target, value="一般")
    assert not AuditLog.objects.exists()


# Delete


def test_delete_an_unused_value(admin, health):
    target = code("health", "较差")
    response = admin.post(reverse("org:code_delete", args=[target.pk]))
    assert response.status_code == 302
    assert "较差" not in values("health")
    log = AuditLog.objects.get(event=OrgEvent.CODE_CHANGED)
    assert log.detail == {"action": "delete", "table": "health", "value": "较差"}


def test_delete_asks_for_confirmation(admin, health):
    target = code("health", "较差")
    html = admin.get(reverse("org:code_tables"), {"table": health.pk, "code": target.pk}).content.decode()
    assert 'data-confirm="确定删除代码值“较差”吗?"' in html


def test_delete_refused_while_in_use(admin, health):
    target = code("health", "较差")
    users_of_it = {object(), object(), object()}
    with mock.patch.object(Code, "delete", side_effect=ProtectedError("protected", users_of_it)):
        response = admin.post(reverse("org:code_delete", args=[target.pk]), follow=True)
    assert "“较差”正在被 3 条记录使用,不能删除。" in [str(m) for m in response.context["messages"]]
    assert "较差" in values("health")
    assert not AuditLog.objects.filter(event=OrgEvent.CODE_CHANGED).exists()


def test_unknown_value_is_404(admin):
    assert admin.post(reverse("org:code_delete", args=[999999])).status_code == 404
    assert admin.post(reverse("org:code_rename", args=[999999]), {"rename-value": "x"}).status_code == 404


# Order


def test_order_values(admin, health):
    ids = list(codes_of("health").values_list("pk", flat=True))
    response = admin.post(reverse("org:code_order", args=[health.pk]), {"order": list(reversed(ids))})
    assert response.status_code == 302
    assert values("health") == ["残疾", "慢性病", "患大病", "较差", "一般", "健康"]
    assert AuditLog.objects.get(event=OrgEvent.CODE_CHANGED).detail == {"action": "order", "table": "health"}


@pytest.mark.parametrize("tamper", ["missing", "foreign", "garbage"])
def test_order_refuses_a_stale_or_foreign_list(admin, health, tamper):
    before = values("health")
    ids = [str(pk) for pk in codes_of("health").values_list("pk", flat=True)]
    posted = {
        "missing": ids[1:],
        "foreign": [*ids[:-1], str(code("ethnicity", "汉族").pk)],
        "garbage": [*ids[:-1], "x"],
    }[tamper]
    response = admin.post(reverse("org:code_order", args=[health.pk]), {"order": posted}, follow=True)
    assert "代码值已被他人修改,请刷新页面后重新排序。" in [str(m) for m in response.context["messages"]]
    assert values("health") == before


def test_page_renders_the_sortable_list(admin, health):
    html = admin.get(reverse("org:code_tables"), {"table": health.pk}).content.decode()
    assert '<ol class="sortable">' in html and "data-restart" in html
    assert html.count('name="order"') == 6
