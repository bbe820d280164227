"""Defects a new user found in the household files (issue 17, items 1, 2, 7, 11, 12)."""

import pytest
from django.urls import reverse

from records.id_numbers import check_character, upgrade_15
from records.models import MIGRANT_IDENTITY, Person, WorkerFile
from tests.records.conftest import code, head_data, id_number, make_file, member_data
from tests.records.test_files import post_data

pytestmark = pytest.mark.django_db


# --- item 7: 新增档案 from the migrant-worker list ------------------------------------------------


def test_new_file_from_the_migrant_list_presets_the_identity(cast):
    client = cast.client("street_a")
    page = client.get(reverse("files:migrant"))
    link = next(href for label, href in page.context["list_actions"] if label.startswith("新增"))
    form = client.get(link).context["head_form"]
    assert form["identity"].value() == code("identity", MIGRANT_IDENTITY).pk


# --- item 12: a member's duplicate ID number is told next to the member's field ---------------------


def test_a_members_id_number_repeating_the_heads_is_told_next_to_the_members_field(cast):
    number = id_number("19750315")
    data = post_data(head=head_data(id_number=number), members=[member_data(id_number=number)])
    response = cast.client("street_a").post(reverse("files:create"), data)
    assert response.status_code == 200 and not WorkerFile.objects.exists()
    member = response.context["member_formset"].forms[0]
    assert "身份证号重复" in " ".join(member.errors.get("id_number", []))
    assert not response.context["head_form"].errors


def test_a_members_id_number_of_another_file_is_told_next_to_the_members_field(cast, clerk):
    taken = make_file(clerk).members.get().person.id_number
    data = post_data(members=[member_data(id_number=taken)])
    response = cast.client("street_a2").post(reverse("files:create"), data)
    member = response.context["member_formset"].forms[0]
    assert "已是" in " ".join(member.errors.get("id_number", []))
    assert not response.context["head_form"].errors


# --- item 1: an ID number as people type or paste it -----------------------------------------------


@pytest.mark.parametrize("space", [" ", "\u3000", "  "])
def test_an_id_number_with_a_space_inside_is_saved_normalized(cast, space):
    number = id_number("19850315")
    typed = number[:6] + space + number[6:]
    response = cast.client("street_a").post(
        reverse("files:create"), post_data(head=head_data(id_number=number) | {"id_number": typed})
    )
    assert response.status_code == 302, response.context["head_form"].errors
    assert Person.objects.filter(id_number=number).exists()


def test_full_width_digits_and_a_lower_case_x_are_accepted(cast):
    first17 = "11010519850315771"
    number = first17 + check_character(first17)
    full_width = "".join(chr(ord(c) - ord("0") + ord("０")) if c.isdigit() else c.lower() for c in number)
    response = cast.client("street_a").post(
        reverse("files:create"), post_data(head=head_data(id_number=number) | {"id_number": full_width})
    )
    assert response.status_code == 302, response.context["head_form"].errors
    assert Person.objects.filter(id_number=number).exists()


def test_the_id_number_inputs_do_not_cut_a_pasted_number(cast):
    body = cast.client("street_a").get(reverse("files:create")).content.decode()
    assert 'name="head-id_number"' in body
    assert 'maxlength="18"' not in body


def test_a_15_digit_number_upgraded_to_18_is_said(cast):
    legacy = "510107750315123"
    response = cast.client("street_a").post(
        reverse("files:create"), post_data(head=head_data(id_number=upgrade_15(legacy)) | {"id_number": legacy}),
        follow=True,
    )  # fmt: skip
    assert response.redirect_chain, response.context["head_form"].errors
    said = " ".join(str(m) for m in response.context["messages"])
    assert "15 位" in said and "18 位" in said
    assert Person.objects.filter(id_number__startswith="51010719750315123").exists()


def test_bulk_export_reminders_are_filed_under_the_files(cast):
    from records import exports

    admin = cast.users["street_a_admin"]
    export = exports.export_request(actor=admin, kinds=["hardship"], scope_units=[admin.unit], conditions={})
    exports.export_decide(actor=cast.users["county_a_admin"], export_id=export.pk, approve=False, reason="范围过大")

    client = cast.client("street_a_admin")
    page = client.get(reverse("approvals:reminders_all"))
    row = page.context["page"].rows[0]
    assert row.module_label == "职工档案"
    assert ("files", "职工档案") in page.context["form"].fields["module"].choices
    assert len(client.get(reverse("approvals:reminders_all"), {"module": "files"}).context["page"].rows) == 1


# --- item 2: a reminder's rows that moved on since -----------------------------------------------


def test_a_reminders_rows_link_only_the_files_the_viewer_still_sees(cast, clerk):
    from approvals import services as approvals

    kept, returned = make_file(clerk), make_file(clerk)
    action = approvals.report_rows(actor=clerk, model=WorkerFile, pks=[kept.pk, returned.pk]).actions[0]
    approvals.return_rows(actor=cast.users["county_a"], model=WorkerFile, pks=[returned.pk], message="缺材料")

    client = cast.client("county_a")
    response = client.get(reverse("approvals:action_rows", args=[action.pk]))
    body = response.content.decode()
    assert f'href="{kept.get_absolute_url()}"' in body
    assert f'href="{returned.get_absolute_url()}"' not in body
    moved_on = next(row for row in response.context["page"].rows if row.record.pk == returned.pk)
    assert moved_on.url is None and moved_on.where == "浆洗街街道工会"
    assert client.get(kept.get_absolute_url()).status_code == 200


# --- item 11: 姓名 in pinyin order -----------------------------------------------------------------


def test_a_file_list_sorted_by_name_is_in_pinyin_order_page_after_page(cast, clerk):
    from approvals.models import DisplayPreference

    # 单 and 曾 as surnames read shàn and zēng
    in_order = ["阿毛", "白云", "陈静", "黎明", "李四", "吕布", "欧阳修", "单田芳", "王五", "曾国藩", "张三", "赵六"]
    names = sorted(in_order)  # code point order: another one
    for name in names:
        _file_headed_by(clerk, name)
    DisplayPreference.objects.create(
        user=clerk, list_key="files", columns=["code", "head.name"], sort="head.name", page_size=10
    )
    client = cast.client("street_a")
    first = client.get(reverse("files:list"))
    shown = [row["label"].split("(")[0] for row in first.context["rows"]]
    rest = client.get(reverse("files:list"), {"after": first.context["next_after"]})
    shown += [row["label"].split("(")[0] for row in rest.context["rows"]]
    assert names != in_order and shown == in_order


def test_a_renamed_head_takes_the_new_names_place(cast, clerk):
    file = _file_headed_by(clerk, "张三")
    person = file.head
    person.name = "艾青"
    person.save(update_fields=["name"])
    assert WorkerFile.objects.values_list("head_name_sort", flat=True).get(pk=file.pk) == "ai4 qing1"


def _file_headed_by(clerk, name: str) -> WorkerFile:
    from records import services
    from tests.records.conftest import file_data

    return services.file_create(actor=clerk, data=file_data(household_size=1), head=head_data(name=name), members=[])


@pytest.mark.parametrize(
    ("username", "url"),
    [
        ("street_a", "records:file_restore"),
        ("county_a_admin", "records:merge_duplicates"),
        ("county_a_admin", "records:merge_two"),
    ],
)
def test_no_id_number_input_cuts_a_pasted_number(cast, username, url):
    body = cast.client(username).get(reverse(url)).content.decode()
    assert "身份证号" in body and 'maxlength="18"' not in body


def test_a_cancelled_file_is_found_by_a_number_pasted_with_a_space(cast, clerk):
    from records import services

    file = make_file(clerk)
    services.file_cancel(actor=clerk, file=file, reason="迁出")
    number = file.head.id_number
    body = cast.client("street_a").post(
        reverse("records:file_restore"), {"id_number": f"{number[:6]}\u3000{number[6:]}"}
    )
    assert body.context["file"] == file


def test_a_kit_list_sorted_by_name_is_in_pinyin_order(cast, clerk):
    from approvals.models import DisplayPreference
    from tests.records.kit.conftest import make_petition

    in_order = ["阿毛", "白云", "陈静", "黎明", "李四", "吕布", "欧阳修", "单田芳", "王五", "曾国藩", "张三"]
    for name in sorted(in_order):
        make_petition(clerk, name=name)
    DisplayPreference.objects.create(
        user=clerk, list_key="petitions", columns=["received_on", "name"], sort="name", page_size=10
    )
    client = cast.client("street_a")
    first = client.get(reverse("petitions:list"))
    rest = client.get(reverse("petitions:list"), {"after": first.context["next_after"]})
    shown = [row["cells"][1] for row in [*first.context["rows"], *rest.context["rows"]]]
    assert shown == in_order


def test_a_reminders_moved_files_take_the_same_queries_for_one_or_five(cast, clerk):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from approvals import services as approvals

    client = cast.client("county_a")
    counts = []
    for n in (1, 1, 5):  # the first request warms the session and the content types
        pks = [make_file(clerk).pk for _ in range(n)]
        action = approvals.report_rows(actor=clerk, model=WorkerFile, pks=pks).actions[0]
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("approvals:action_rows", args=[action.pk])).status_code == 200
        counts.append(len(queries))
    assert counts[1] == counts[2]
