"""The file's page, its print page and its Word document (manual 2.2.1.4–2.2.1.6, 2.2.9): the
kit's record pages of the files module, with the files' own parts.

Scope: the owning unit sees the file, a superior unit once the file reached it, nobody else
(404). Full ID numbers and the actions belong to the owning unit's clerks."""

import io
from datetime import date
from decimal import Decimal
from urllib.parse import quote

import docx
import pghistory
import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals.services import report_rows
from org.models import Code
from records import id_numbers, services
from records.households.module import files
from records.kit.documents import RecordDocument, blank_document, word_document
from records.kit.sheet import Item, SheetSection, SheetTable
from records.models import FileCategory, WorkerFile
from records.views_detail import RELATED_SECTIONS

pytestmark = pytest.mark.django_db


def code(table: str, value: str) -> Code:
    return Code.objects.get(table__key=table, value=value)


def id_number(sequence: int, *, birth: str = "19800101", female: bool = False) -> str:
    first17 = f"510107{birth}{sequence:02d}{2 if female else 1}"
    return first17 + id_numbers.check_character(first17)


def person(name: str, number: str, **extra) -> dict:
    parsed = id_numbers.validate(number)
    return {
        "id_number": number,
        "name": name,
        "gender": parsed.gender,
        "birth_date": parsed.birth_date,
        "ethnicity": code("ethnicity", "汉族"),
        "political_status": code("political_status", "群众"),
        "health": code("health", "健康"),
        "disability_category": None,
        "monthly_income": Decimal("800"),
        "identity": code("identity", "职工"),
        "employer_or_school": "",
    } | extra


def member(name: str, number: str, relation: str = "儿子", **extra) -> dict:
    return person(name, number, **extra) | {"relation": code("relation", relation)}


def file_data(file_code: str, members: int, **extra) -> dict:
    return {
        "code": file_code,
        "category": FileCategory.SUBSISTENCE,
        "file_date": date(2026, 1, 5),
        "address": "浆洗街1号",
        "employer": "成都机床厂",
        "household_size": members + 1,
        "household_annual_income": Decimal("24000"),
        "self_help_ability": code("self_help_ability", "没有"),
        "hardship_cause": code("hardship_cause", "本人大病"),
        "remarks": "长期患病",
    } | extra


def make_file(cast, *, file_code="F001", head_name="张三", members=1, seed=10, **extra):
    head = person(head_name, id_number(seed))
    people = [member(f"成员{i}", id_number(seed + i, birth="20050101")) for i in range(1, members + 1)]
    data = file_data(file_code, members, **extra)
    file = services.file_create(actor=cast.users["street_a"], data=data, head=head, members=people)
    return file, data, head, people


def detail(cast, username, file):
    return cast.client(username).get(reverse("files:detail", args=[file.pk]))


def part(response, key: str):
    """What a part of the file page (records.views_detail) gave its template: its `key`."""
    extras = [*response.context["extras"], *response.context["extras_below"]]
    return next(extra[key] for extra in extras if key in extra)


def report_to_county(cast, file):
    report_rows(actor=cast.users["street_a"], model=WorkerFile, pks=[file.pk])


# --- scope ----------------------------------------------------------------------------------


def test_owner_sees_the_file_and_the_county_only_after_it_is_reported(cast):
    file, *_ = make_file(cast)
    assert detail(cast, "street_a", file).status_code == 200
    for outsider in ("county_a", "street_a2", "province_b"):
        assert detail(cast, outsider, file).status_code == 404, outsider

    report_to_county(cast, file)

    response = detail(cast, "county_a", file)
    assert response.status_code == 200
    assert response.context["state"] == "received"
    assert detail(cast, "street_a", file).context["state"] == "reported"
    for outsider in ("street_a2", "province_b"):
        assert detail(cast, outsider, file).status_code == 404, outsider
    for name in ("files:print", "files:word"):
        url = reverse(name, args=[file.pk])
        assert cast.client("county_a").get(url).status_code == 200
        assert cast.client("street_a2").get(url).status_code == 404
        assert cast.client("province_b").get(url).status_code == 404


def test_user_in_scope_without_the_files_module_is_refused(cast):
    file, *_ = make_file(cast)
    assert detail(cast, "street_a_admin", file).status_code == 403


def test_missing_file_is_404(cast):
    assert cast.client("street_a").get(reverse("files:detail", args=[987654])).status_code == 404


def test_page_shows_header_unit_chain_members_and_empty_related_sections(cast):
    file, _data, head, people = make_file(cast, members=2)
    body = detail(cast, "street_a", file).content.decode()
    for text in ("F001", "张三", "低保户", "在档", "未上报", "成员1", "成员2", "浆洗街1号", "本人大病"):
        assert text in body, text
    assert "中华全国总工会→四川省总工会→成都市总工会→武侯区总工会→浆洗街街道工会" in body
    # The linked sections: each module whose records belong to a person (records.kit.person).
    for label in ("帮扶救助信息", "法律援助", "人才信息", "信访接待", "政策咨询"):
        assert label in body
    assert body.count("暂无相关信息") == len(RELATED_SECTIONS)
    assert "流转记录" in body and "职工历史信息" in body


def test_problems_are_highlighted(cast):
    file, *_ = make_file(cast, household_size=5)  # one member, so the size should be 2
    body = detail(cast, "street_a", file).content.decode()
    assert 'class="problems"' in body
    assert "家庭人口(5)应等于家庭成员人数加 1(2)" in body

    clean, *_ = make_file(cast, file_code="F002", head_name="李四", seed=40)
    assert 'class="problems"' not in detail(cast, "street_a", clean).content.decode()


# --- ID numbers -----------------------------------------------------------------------------


def test_full_id_numbers_only_for_the_owning_units_clerks(cast):
    file, _data, head, people = make_file(cast)
    full, masked = head["id_number"], id_numbers.mask(head["id_number"])
    own = detail(cast, "street_a", file).content.decode()
    assert full in own and people[0]["id_number"] in own

    report_to_county(cast, file)
    county = detail(cast, "county_a", file).content.decode()
    assert full not in county and people[0]["id_number"] not in county
    assert masked in county and id_numbers.mask(people[0]["id_number"]) in county
    assert "身份证号已部分隐藏" in county


# --- actions --------------------------------------------------------------------------------


def action_urls(file) -> dict[str, str]:
    names = {"file_edit": "files:edit", "file_delete": "files:delete", "file_cancel": "records:file_cancel",
             "file_convert": "records:file_convert", "file_regularize": "records:file_regularize"}  # fmt: skip
    return {name: reverse(url_name, args=[file.pk]) for name, url_name in names.items()}


def test_actions_are_offered_to_the_owner_only(cast):
    file, *_ = make_file(cast)
    urls = action_urls(file)
    own = detail(cast, "street_a", file).content.decode()
    for name in ("file_edit", "file_delete", "file_cancel", "file_convert"):
        assert f'"{urls[name]}"' in own, name
    assert urls["file_regularize"] not in own
    assert 'data-confirm="确定删除' in own and 'name="reason"' in own

    report_to_county(cast, file)
    own = detail(cast, "street_a", file).content.decode()
    assert f'"{urls["file_delete"]}"' not in own  # reported: no longer deletable
    assert f'"{urls["file_edit"]}"' in own  # but still editable (manual 2.2.1.3)

    county = detail(cast, "county_a", file).content.decode()
    for url in urls.values():
        assert f'"{url}"' not in county
    for name in ("files:print", "files:word"):
        assert reverse(name, args=[file.pk]) in county


def test_temporary_file_offers_regularization_not_cancellation(cast):
    file, *_ = make_file(cast, category=FileCategory.TEMPORARY)
    urls = action_urls(file)
    body = detail(cast, "street_a", file).content.decode()
    assert f'"{urls["file_regularize"]}"' in body
    assert '<option value="near_subsistence">低保边缘户</option>' in body
    assert f'"{urls["file_cancel"]}"' not in body and f'"{urls["file_convert"]}"' not in body
    assert "临时救助档案:张三" in body


def test_cancelled_file_offers_restore_not_cancel(cast):
    file, *_ = make_file(cast)
    services.file_cancel(actor=cast.users["street_a"], file=file, reason="已脱困")
    body = detail(cast, "street_a", file).content.decode()
    assert "已注销" in body and "已脱困" in body
    assert reverse("records:file_restore") in body
    assert f'"{reverse("records:file_cancel", args=[file.pk])}"' not in body


# --- history --------------------------------------------------------------------------------


def test_history_shows_each_change_with_old_and_new_value_and_who(cast):
    file, data, head, people = make_file(cast)
    people[0]["health"] = code("health", "慢性病")
    with pghistory.context(user=cast.users["street_a"].pk):
        services.file_update(
            actor=cast.users["street_a"],
            file=file,
            data=data | {"address": "浆洗街2号"},
            head=head,
            members=people,
        )
    response = detail(cast, "street_a", file)
    body = response.content.decode()
    assert "家庭住址:浆洗街1号 → 浆洗街2号" in body
    assert "健康状况:健康 → 慢性病" in body
    assert "家庭成员 成员1" in body
    assert "建立档案" in body

    newest = part(response, "history")[0]
    assert newest.operator == "street_a(浆洗街街道工会)"
    assert [line.subject for line in newest.lines] == ["档案", "家庭成员 成员1"]


def test_history_masks_id_numbers_for_other_units(cast):
    file, data, head, people = make_file(cast)
    old_number, new_number = people[0]["id_number"], id_number(55, birth="20050101")
    people[0]["id_number"] = new_number
    services.file_update(actor=cast.users["street_a"], file=file, data=data, head=head, members=people)
    # A new ID number is a new person: the member row goes and a new one comes.
    body = detail(cast, "street_a", file).content.decode()
    assert "删除家庭成员" in body and "新增家庭成员" in body

    head["name"] = "张叁"
    services.file_update(actor=cast.users["street_a"], file=file, data=data, head=head, members=people)
    report_to_county(cast, file)
    county = detail(cast, "county_a", file).content.decode()
    assert "姓名:张三 → 张叁" in county
    assert old_number not in county and new_number not in county


# --- print and Word -------------------------------------------------------------------------


def test_print_page_is_the_paper_form(cast):
    file, *_ = make_file(cast, members=2)
    response = cast.client("street_a").get(reverse("files:print", args=[file.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    for text in (
        "困难职工档案",
        "张三",
        "成员1",
        "成员2",
        "所属单位",
        "职工编号",
        "家庭成员",
        "自救能力",
        "致困主要原因",
    ):
        assert text in body, text
    assert "data-print" in body  # bangfu.js prints: no inline script under the CSP
    assert "side-nav" not in body


def test_sheet_layout_escapes_values_spans_short_rows_and_says_when_alone(cast):
    grid = SheetSection("户主", [Item("姓名", "<b>张三</b>", False), Item("住址", 'A&B "路"', True)], pairs=3)
    table = SheetTable("家庭成员", ["姓名", "关系"], [], "无家庭成员(单人户)。")
    html = render_to_string("kit/print.html", {"document": RecordDocument("困难职工档案", [], [grid, table])})
    assert '<th scope="row">姓名</th><td colspan="5">&lt;b&gt;张三&lt;/b&gt;</td>' in html
    assert '<td colspan="5">A&amp;B &quot;路&quot;</td>' in html
    assert '<tr><td colspan="2" class="empty">无家庭成员(单人户)。</td></tr>' in html
    assert html.count("<table") == 3 and html.count("</table>") == 3  # the header lines, the grid, the table
    table = SheetTable("家庭成员", ["姓名", "关系"], [["李<四>", "子女"]], "无家庭成员(单人户)。")
    html = render_to_string("kit/print.html", {"document": RecordDocument("困难职工档案", [], [grid, table])})
    assert "<tr><td>李&lt;四&gt;</td><td>子女</td></tr>" in html


def document_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        texts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(texts)


def test_word_document_is_a_docx_with_a_chinese_file_name(cast):
    file, _data, head, people = make_file(cast)
    response = cast.client("street_a").get(reverse("files:word", args=[file.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == documents_content_type()
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''" + quote("困难职工档案_张三(F001).docx") in disposition

    text = document_text(response.content)
    for expected in (
        "困难职工档案",
        "张三",
        "成员1",
        head["id_number"],
        people[0]["id_number"],
        "本人大病",
        "长期患病",
    ):
        assert expected in text, expected
    normal = docx.Document(io.BytesIO(response.content)).styles["Normal"]
    assert (
        normal.element.rPr.rFonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
        == "宋体"
    )

    report_to_county(cast, file)
    county = document_text(cast.client("county_a").get(reverse("files:word", args=[file.pk])).content)
    assert head["id_number"] not in county and id_numbers.mask(head["id_number"]) in county


def documents_content_type() -> str:
    return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_blank_form_is_a_docx(cast):
    text = document_text(word_document(blank_document(files)))
    for expected in ("困难职工档案", "身份证号", "与户主关系", "自救能力", "备注", "□低保户"):
        assert expected in text, expected
    response = cast.client("street_a").get(reverse("records:file_blank_form"))
    assert response.status_code == 200 and "与户主关系" in document_text(response.content)


def test_temporary_file_word_name(cast):
    file, *_ = make_file(cast, category=FileCategory.TEMPORARY)
    response = cast.client("street_a").get(reverse("files:word", args=[file.pk]))
    assert quote("临时救助档案_张三(F001).docx") in response["Content-Disposition"]
    assert "临时救助档案" in document_text(response.content)


# --- bounded queries ------------------------------------------------------------------------


# 20, and the household's timeline: one bounded query per source (transfers, merges, assistance,
# legal aid, job seekers, exits, follow-ups), whatever the household's length; the attachments
# part: its rows, and the owner's list of 附件类型; the 人才信息 and 培训学员 sections' rows (records.jobs,
# records.training).
DETAIL_MAX_QUERIES = 31


def test_detail_queries_do_not_grow_with_members_or_history(cast, django_assert_max_num_queries):
    small, *_ = make_file(cast, file_code="S001", head_name="王五", members=1, seed=60)
    big, data, head, people = make_file(cast, file_code="B001", members=5, seed=10)
    for n in range(10):
        services.file_update(
            actor=cast.users["street_a"],
            file=big,
            data=data | {"address": f"浆洗街{n + 2}号"},
            head=head,
            members=people,
        )
    history = part(detail(cast, "street_a", big), "history")
    assert sum(len(line.changes) for entry in history for line in entry.lines) >= 10

    client = cast.client("street_a")
    client.get(reverse("files:detail", args=[small.pk]))  # warm the session and caches
    with CaptureQueriesContext(connection) as small_queries:
        client.get(reverse("files:detail", args=[small.pk]))
    with django_assert_max_num_queries(DETAIL_MAX_QUERIES):
        response = client.get(reverse("files:detail", args=[big.pk]))
    assert response.status_code == 200
    with CaptureQueriesContext(connection) as big_queries:
        client.get(reverse("files:detail", args=[big.pk]))
    assert len(big_queries) == len(small_queries)
