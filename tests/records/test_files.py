"""Worker household files: the rules of manual 2.2–2.4 and DESIGN.md §4."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse

from approvals import services as approvals
from approvals.models import ReportState
from audit.models import AuditLog
from org.errors import DomainError
from records import services
from records.events import FileEvent
from records.models import FileCategory, FileStatus, Person, WorkerFile
from tests.records.conftest import code, file_data, head_data, id_number, make_file, member_data

pytestmark = pytest.mark.django_db


# --- the persons table -------------------------------------------------------------------------


def test_id_number_is_unique_nationwide_as_a_database_constraint(clerk):
    file = make_file(clerk)
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(id_number=file.head.id_number, name="冒名", gender="M", birth_date=file.head.birth_date)


def test_create_saves_file_head_and_members_with_derived_size_and_state(cast, clerk):
    file = make_file(clerk, members=2)
    assert file.unit == cast.units["street_a"] and file.holder == cast.units["street_a"]
    assert file.report_state == ReportState.DRAFT and file.status == FileStatus.ACTIVE
    assert file.members.count() == 2 and file.problems == []
    assert file.per_capita_income == 10000
    assert AuditLog.objects.filter(event=FileEvent.FILE_CREATED, object_id=str(file.pk)).exists()


def test_an_id_number_already_in_a_file_names_the_case_and_saves_nothing(cast, clerk):
    existing = make_file(clerk)
    other = cast.users["street_a2"]
    before = Person.objects.count()
    with pytest.raises(services.ExistingPerson) as error:
        services.file_create(
            actor=other, data=file_data(household_size=1), head=head_data(id_number=existing.head.id_number), members=[]
        )
    assert error.value.case == "active" and "浆洗街街道工会" in error.value.message
    assert Person.objects.count() == before and WorkerFile.objects.count() == 1

    services.file_cancel(actor=clerk, file=existing, reason="已脱困")
    with pytest.raises(services.ExistingPerson) as error:
        services.file_create(
            actor=other, data=file_data(household_size=1), head=head_data(id_number=existing.head.id_number), members=[]
        )
    assert error.value.case == "cancelled" and "恢复" in error.value.message


def test_a_member_of_another_file_is_found_too(cast, clerk):
    existing = make_file(clerk, members=1)
    member_number = existing.members.get().person.id_number
    with pytest.raises(services.ExistingPerson) as error:
        services.file_create(
            actor=cast.users["street_a2"], data=file_data(household_size=1),
            head=head_data(id_number=member_number), members=[],
        )  # fmt: skip
    assert error.value.file == existing


def test_same_id_twice_in_one_household_is_refused(clerk):
    number = id_number("19900101")
    with pytest.raises(DomainError, match="同一档案中身份证号重复"):
        services.file_create(
            actor=clerk, data=file_data(), head=head_data(id_number=number), members=[member_data(id_number=number)]
        )
    assert not WorkerFile.objects.exists()


def test_code_is_unique_per_unit(cast, clerk):
    make_file(clerk, code="JX9999")
    with pytest.raises(DomainError, match="职工编号为“JX9999”"):
        make_file(clerk, code="JX9999")
    make_file(cast.users["street_a2"], code="JX9999")  # another unit may use it


# --- problems (有问题档案) -----------------------------------------------------------------------


def test_problem_files_cannot_be_reported_until_fixed(cast, clerk):
    file = make_file(clerk, members=1, household_size=3)
    assert any("家庭人口(3)应等于家庭成员人数加 1(2)" in p for p in file.problems)
    result = approvals.report_rows(actor=clerk, model=WorkerFile, pks=[file.pk])
    assert result.moved == 0 and result.refused[0].reason == "有问题档案,须先修改"
    members = [member_data(id_number=m.person.id_number, name=m.person.name) for m in file.members.all()]
    services.file_update(actor=clerk, file=file, data=file_data(code=file.code), head=head_data(
        id_number=file.head.id_number), members=members)  # fmt: skip
    assert WorkerFile.objects.get(pk=file.pk).problems == []
    assert approvals.report_rows(actor=clerk, model=WorkerFile, pks=[file.pk]).moved == 1


def test_disabled_without_category_is_a_problem(clerk):
    file = services.file_create(
        actor=clerk, data=file_data(household_size=1), head=head_data(health=code("health", "残疾")), members=[]
    )
    assert any("残疾类别" in p for p in file.problems)


# --- edit, delete -------------------------------------------------------------------------------


def test_edit_after_report_keeps_holder_and_state(cast, clerk):
    file = make_file(clerk)
    approvals.report_rows(actor=clerk, model=WorkerFile, pks=[file.pk])
    members = [member_data(id_number=m.person.id_number, name="改名") for m in file.members.all()]
    services.file_update(
        actor=clerk, file=file, data=file_data(code=file.code, address="新地址"),
        head=head_data(id_number=file.head.id_number), members=members,
    )  # fmt: skip
    file = WorkerFile.objects.get(pk=file.pk)
    assert file.address == "新地址" and file.holder == cast.units["county_a"]
    assert file.report_state == ReportState.REPORTED
    assert file.members.get().person.name == "改名"


def test_only_the_owning_unit_edits(cast, clerk):
    file = make_file(clerk)
    with pytest.raises(DomainError, match="只能修改本单位"):
        services.file_update(actor=cast.users["street_a2"], file=file, data=file_data(), head=head_data(), members=[])


def test_removed_member_leaves_the_persons_table(clerk):
    file = make_file(clerk, members=2)
    keep = file.members.first()
    members = [member_data(id_number=keep.person.id_number, name=keep.person.name)]
    services.file_update(actor=clerk, file=file, data=file_data(code=file.code), head=head_data(
        id_number=file.head.id_number), members=members)  # fmt: skip
    assert Person.objects.count() == 2


def test_delete_only_unreported_own_files(cast, clerk):
    file = make_file(clerk)
    approvals.report_rows(actor=clerk, model=WorkerFile, pks=[file.pk])
    with pytest.raises(DomainError, match="已上报,不能删除"):
        services.file_delete(actor=clerk, file=file)
    approvals.return_rows(actor=cast.users["county_a"], model=WorkerFile, pks=[file.pk])
    services.file_delete(actor=clerk, file=WorkerFile.objects.get(pk=file.pk))
    assert not WorkerFile.objects.exists() and not Person.objects.exists()


# --- cancel, restore, convert, regularize -------------------------------------------------------


def test_cancel_and_restore_into_another_unit(cast, clerk):
    file = make_file(clerk)
    approvals.report_rows(actor=clerk, model=WorkerFile, pks=[file.pk])
    services.file_cancel(actor=clerk, file=file, reason="调离本单位")
    file = WorkerFile.objects.get(pk=file.pk)
    assert file.status == FileStatus.CANCELLED and file.cancel_reason == "调离本单位"
    restored = services.file_restore(actor=cast.users["province_b"], file=file)
    assert restored.unit == cast.units["province_b"] and restored.holder == cast.units["province_b"]
    assert restored.report_state == ReportState.DRAFT and restored.status == FileStatus.ACTIVE
    assert restored.unit_path == cast.units["province_b"].path


def test_temporary_files_have_no_cancel_and_convert_both_ways(cast, clerk):
    file = make_file(clerk)
    services.file_convert_to_temporary(actor=clerk, file=file)
    file = WorkerFile.objects.get(pk=file.pk)
    assert file.category == FileCategory.TEMPORARY
    with pytest.raises(DomainError, match="没有注销功能"):
        services.file_cancel(actor=clerk, file=file, reason="x")
    with pytest.raises(DomainError, match="请选择困难类别"):
        services.file_regularize(actor=clerk, file=file, category=FileCategory.TEMPORARY)
    with pytest.raises(DomainError, match="只能修改本单位"):
        services.file_regularize(actor=cast.users["street_a2"], file=file, category=FileCategory.ACCIDENT)
    regular = services.file_regularize(actor=clerk, file=file, category=FileCategory.ACCIDENT)
    assert regular.category == FileCategory.ACCIDENT and regular.unit == cast.units["street_a"]


def test_services_need_the_files_module(cast):
    with pytest.raises(PermissionDenied):
        services.file_create(actor=cast.users["street_a_admin"], data=file_data(), head=head_data(), members=[])


# --- pages --------------------------------------------------------------------------------------


def post_data(head=None, members=(), **file_overrides):
    head = head or head_data()
    data = {f"head-{k}": v.pk if hasattr(v, "pk") else v for k, v in head.items() if v is not None}
    data.pop("head-monthly_income", None)
    data.pop("head-employer_or_school", None)
    for key, value in file_data(household_size=len(members) + 1, **file_overrides).items():
        if value is not None and value is not False:
            data[key] = value.pk if hasattr(value, "pk") else value
    data |= {"members-TOTAL_FORMS": len(members), "members-INITIAL_FORMS": 0, "submit_token": "t-1"}
    for i, member in enumerate(members):
        for key, value in member.items():
            if value is not None:
                data[f"members-{i}-{key}"] = value.pk if hasattr(value, "pk") else value
    return data


def test_entry_form_refuses_a_wrong_check_character_next_to_the_field(cast):
    number = id_number("19750315")
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    response = cast.client("street_a").post(reverse("files:create"), post_data(head=head_data() | {
        "id_number": wrong}))  # fmt: skip
    assert response.status_code == 200
    assert "校验码应为" in response.content.decode()
    assert not WorkerFile.objects.exists()


def test_entry_form_saves_once_even_when_submitted_twice(cast):
    client = cast.client("street_a")
    data = post_data(members=[member_data()])
    first = client.post(reverse("files:create"), data)
    assert first.status_code == 302, first.content.decode()[:2000]
    second = client.post(reverse("files:create"), data)
    assert second.status_code == 302 and WorkerFile.objects.count() == 1
    assert second.url == first.url


def test_entry_form_checks_household_size(cast):
    data = post_data(members=[member_data()])
    data["household_size"] = 5
    response = cast.client("street_a").post(reverse("files:create"), data)
    assert "家庭人口数必须为家庭成员人数 +1" in response.content.decode()
    assert not WorkerFile.objects.exists()


def test_entry_form_fills_birth_date_and_gender_from_the_id_number(cast):
    number = id_number("19820704", female=True)
    head = head_data(id_number=number) | {"gender": "", "birth_date": ""}
    assert cast.client("street_a").post(reverse("files:create"), post_data(head=head)).status_code == 302
    person = Person.objects.get(id_number=number)
    assert str(person.birth_date) == "1982-07-04" and person.gender == "F"


def test_entry_form_shows_the_owning_unit_of_an_active_file(cast, clerk):
    existing = make_file(clerk)
    head = head_data(id_number=existing.head.id_number)
    response = cast.client("street_a2").post(reverse("files:create"), post_data(head=head))
    body = response.content.decode()
    assert response.status_code == 200 and "浆洗街街道工会" in body and "查看联系方式" in body


def test_lists_by_kind_and_report_from_the_list(cast, clerk):
    hardship = make_file(clerk)
    migrant = services.file_create(
        actor=clerk, data=file_data(household_size=1), head=head_data(identity=code("identity", "农民工")), members=[]
    )
    temporary = make_file(clerk, category=FileCategory.TEMPORARY)
    client = cast.client("street_a")

    def shown(url):
        return {row["pk"] for row in client.get(url).context["rows"]}

    assert shown(reverse("files:list")) == {hardship.pk}
    assert shown(reverse("files:migrant")) == {migrant.pk}
    assert shown(reverse("files:temporary")) == {temporary.pk}
    client.post(reverse("files:list"), {"move": "report", "pks": [hardship.pk], "message": "请审核"})
    assert cast.client("county_a").get(reverse("files:list")).context["counts"]["received"] == (1, False)


def test_restore_page_finds_a_cancelled_file_by_id_number(cast, clerk):
    file = make_file(clerk)
    services.file_cancel(actor=clerk, file=file, reason="脱困")
    client = cast.client("street_a2")
    url, number = reverse("records:file_restore"), file.head.id_number
    assert client.get(url, {"id_number": number}).context["file"] is None  # never from a URL
    page = client.post(url, {"id_number": number})
    assert page.context["file"] == file and WorkerFile.objects.get(pk=file.pk).unit == cast.units["street_a"]
    response = client.post(url, {"id_number": number, "action": "restore"})
    assert response.status_code == 302
    assert WorkerFile.objects.get(pk=file.pk).unit == cast.units["street_a2"]
    assert "没有找到" in client.post(url, {"id_number": id_number()}).context["error"]


def test_edit_page_keeps_unchanged_members(cast, clerk):
    file = make_file(clerk, members=2)
    client = cast.client("street_a")
    form = client.get(reverse("files:edit", args=[file.pk])).context
    data = {}
    for prefix_form in (form["file_form"], form["head_form"], *form["member_formset"].forms):
        for name, field in prefix_form.fields.items():
            value = prefix_form.initial.get(name, field.initial)
            if value is not None and value is not False and value != "":  # what the browser sends
                data[prefix_form.add_prefix(name)] = getattr(value, "pk", value)
    management = form["member_formset"].management_form
    data |= {management.add_prefix(k): v for k, v in management.initial.items()}
    data["address"] = "改过的地址"
    response = client.post(reverse("files:edit", args=[file.pk]), data)
    assert response.status_code == 302, response.context["file_form"].errors
    file = WorkerFile.objects.get(pk=file.pk)
    assert file.address == "改过的地址" and file.members.count() == 2 and file.problems == []


def test_saving_a_file_takes_the_same_queries_for_one_or_five_members(clerk):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for n in (1, 5):
        data, head, members = file_data(household_size=n + 1), head_data(), [member_data() for _ in range(n)]
        with CaptureQueriesContext(connection) as queries:
            services.file_create(actor=clerk, data=data, head=head, members=members)
        counts.append(len(queries))
    # code check, ID check, head, file (in a savepoint), members in two bulk INSERTs, audit
    assert counts[0] == counts[1] <= 11


def test_checked_files_deleted_converted_and_restored_in_bulk(cast, clerk):
    drafts = [make_file(clerk) for _ in range(2)]
    reported = make_file(clerk)
    approvals.report_rows(actor=clerk, model=WorkerFile, pks=[reported.pk])
    client = cast.client("street_a")
    url = reverse("files:list")
    response = client.post(url, {"row_action": "delete", "pks": [drafts[0].pk, reported.pk]}, follow=True)
    texts = [str(m) for m in response.context["messages"]]
    assert any("已完成 1 份" in t for t in texts) and any("已上报,不能删除" in t for t in texts)
    assert set(WorkerFile.objects.values_list("pk", flat=True)) == {drafts[1].pk, reported.pk}

    client.post(url, {"row_action": "convert", "pks": [drafts[1].pk]})
    assert WorkerFile.objects.get(pk=drafts[1].pk).category == FileCategory.TEMPORARY

    services.file_cancel(actor=clerk, file=reported, reason="脱困")
    county = cast.client("county_a")
    county.post(reverse("files:cancelled"), {"row_action": "restore", "pks": [reported.pk]})
    restored = WorkerFile.objects.get(pk=reported.pk)
    assert restored.status == FileStatus.ACTIVE and restored.unit == cast.units["county_a"]
    assert county.post(url, {"row_action": "nope", "pks": [1]}, follow=True).status_code == 200


def test_a_cancelled_file_is_not_edited_even_from_the_url(cast):
    """The detail page hides 编辑 for a cancelled file; the service refuses the edit too, so a
    form posted to the edit URL changes nothing (one rule: services.can_edit)."""
    clerk = cast.users["street_a"]
    file = make_file(clerk)
    WorkerFile.objects.filter(pk=file.pk).update(status=FileStatus.CANCELLED)
    file.refresh_from_db()
    assert not services.can_edit(clerk, file)
    page = cast.client("street_a").get(reverse("files:detail", args=[file.pk])).content.decode()
    assert reverse("files:edit", args=[file.pk]) not in page
    with pytest.raises(DomainError, match="已注销的档案不能编辑"):
        services.file_update(actor=clerk, file=file, data={"code": "X-1"}, head={}, members=[])
    file.refresh_from_db()
    assert file.code != "X-1"


def test_the_file_list_reads_only_its_columns_in_the_same_queries_for_one_or_five_files(cast, clerk):
    """The page's rows read the shown columns and the label (ReportableListView.row_fields),
    never a deferred field one query a row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client, counts = cast.client("street_a"), []
    client.get(reverse("files:list"))  # the session's first page saves its expiry
    files = [make_file(clerk)]
    for more in (0, 4):
        files += [make_file(clerk) for _ in range(more)]
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("files:list"))
        rows = response.context["rows"]
        assert len(rows) == len(files)
        assert {row["label"] for row in rows} == {str(file) for file in files}  # 户主姓名(职工编号)
        counts.append(len(queries))
        rows_query = next(q["sql"] for q in queries if '"records_workerfile"."address"' in q["sql"])
        assert '"records_workerfile"."remarks"' not in rows_query  # a field no column shows
    assert counts[0] == counts[1]


def test_a_text_condition_ignores_case_and_reads_caseless_text_as_it_is(cast, clerk):
    """org.selectors.text_contains: a caseless search (a Chinese name) is a plain LIKE, the same
    rows without upper-casing each value; one with letters still ignores their case."""
    from org.selectors import text_contains

    file = make_file(clerk)
    WorkerFile.objects.filter(pk=file.pk).update(employer="Acme 机械厂")
    files = WorkerFile.objects.filter(pk=file.pk)
    assert files.filter(text_contains("employer", "机械")).exists()
    assert files.filter(text_contains("employer", "acme")).exists()
    assert not files.filter(text_contains("employer", "机电")).exists()
    assert "UPPER" not in str(files.filter(text_contains("head_name", "王")).query)
    assert "UPPER" in str(files.filter(text_contains("employer", "acme")).query)
    client = cast.client("street_a")
    name = file.head.name[:1]
    rows = client.get(reverse("files:list"), {"head_name": name}).context["rows"]
    assert [row["pk"] for row in rows] == [file.pk]
    assert client.get(reverse("files:list"), {"employer": "ACME"}).context["rows"][0]["pk"] == file.pk


def test_the_entry_form_reads_each_forms_code_tables_once_and_refuses_a_value_of_another_table(cast):
    """org.forms.codes.CodesInOneQuery: the file's, the head's and each member's code fields
    are offered and checked from one query per form, and a value of another code table (a
    forged POST) is refused next to its field, saving nothing."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from org.models import Code

    client = cast.client("street_a")
    data = post_data(members=[member_data(), member_data()])
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("files:create"), data)
    assert response.status_code == 302
    reads = [q["sql"] for q in queries if q["sql"].startswith('SELECT "org_code"."id"')]
    assert len(reads) <= 5, reads  # the file, the head, two members (one query each), the saved codes

    other_table = Code.objects.filter(table__key="relation").first()
    forged = post_data(head=head_data() | {"ethnicity": other_table}, code="F-2") | {"submit_token": "t-2"}
    response = client.post(reverse("files:create"), forged)
    assert response.status_code == 200
    assert response.context["head_form"].errors["ethnicity"]
    assert not WorkerFile.objects.filter(code="F-2").exists()
