"""The journey of a record of each module declared on the kit, in the browser:

a street clerk enters a record through the module's form (bad input first: told next to the
field, nothing saved) → reports it with a message → the county sees the reminder, returns the
record with a message → the clerk sees it, fixes the record and reports it again. The county
then finds it in the query and the statistics, and its print view, Word and Excel downloads
carry the right Chinese.
"""

import re
from datetime import date

import pytest

from approvals.models import ReportState
from records.kit import declaration
from records.kit.forms import record_form
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The modules entered through the kit's form (the household files' own: test_file_journey).
MODULES = [module.key for module in declaration.all_modules() if "create" not in module.pages]
# Those whose rows travel on their own: a child's journey starts at its parent's page, and a row
# never reported does not travel (job placement's: test_jobs_journey).
TRAVELLING = [key for key in MODULES if declaration.get(key).reported and declaration.get(key).parent is None]


def fill_form(page, module, *, text: str) -> None:
    """Every field of the entry form, as a clerk fills it: a value of each list, today's date,
    2 of a number, `text` in the text boxes (the optional ID number left empty, the radio
    buttons as they stand), and the first of its lines (declaration.Lines) when it has them."""
    for name, field in record_form(module)().fields.items():
        box = page.locator(f"#id_{name}")
        kind = field.widget.input_type if hasattr(field.widget, "input_type") else field.widget.__class__.__name__
        if name == "id_number" or kind in ("checkbox", "radio"):
            continue
        if name in ("not_helped_reason", "exit_on", "exit_method"):
            continue  # said only when 未帮扶 / 已脱困 (the assistance's rules); 已帮扶, 未脱困 stand
        if kind == "select":
            box.select_option(index=1)
        elif kind == "date":
            box.fill(date.today().isoformat())
        elif kind == "number":
            box.fill("2")
        else:
            box.fill(text)
    if module.lines is not None:
        for name in module.lines.fields:
            box = page.locator(f"#id_lines-0-{name}")
            if box.evaluate("e => e.tagName") == "SELECT":
                box.select_option(index=1)
            else:
                box.fill("200")


def move(page, pk: int, button: str, message: str) -> None:
    page.locator(f'input[name="pks"][value="{pk}"]').check()
    page.get_by_role("button", name=button).click()
    page.locator("#move-message").fill(message)
    page.locator("[data-move-confirm]").click()


def open_module(page, module) -> None:
    """The module's first list from the navigation (named by its title: 帮扶情况填报)."""
    title = module.list_kinds[0].title
    page.get_by_role("navigation", name="功能模块").get_by_role("link", name=title, exact=True).click()


def open_list(page, module) -> None:
    """The module's first list: from the navigation, or for a list reached from a parent's page
    (招聘职位) by its address."""
    if module.list_kinds[0].nav:
        open_module(page, module)
    else:
        page.goto(module.url("list"))


def start_entry(page, module, cast) -> None:
    """新增 from the list; a module whose records belong to a household file asks for the
    worker's ID number first and continues with the file found."""
    page.get_by_role("link", name=f"新增{module.label}").click()
    if module.person is not None and module.person.required:
        from tests.records.conftest import make_file

        file = make_file(cast.users["street_a"])
        page.get_by_label("身份证号").fill(file.head.id_number)
        page.get_by_role("button", name="查询").click()
        page.get_by_role("link", name=re.compile("继续填写")).click()


@pytest.mark.parametrize("key", TRAVELLING)
def test_a_record_goes_up_comes_back_with_a_message_and_goes_up_again(cast, page, key):
    module = declaration.get(key)
    model = module.model
    sign_in(page, "street_a")
    open_module(page, module)
    start_entry(page, module, cast)
    fill_form(page, module, text="拖欠工资")
    first_date = next(
        n for n, f in record_form(module)().fields.items() if getattr(f.widget, "input_type", "") == "date"
    )
    page.locator(f"#id_{first_date}").fill("2999-01-01")
    page.get_by_role("button", name="保存", exact=True).click()
    page.get_by_text("不能晚于今天").first.wait_for()
    assert not model.objects.exists()
    page.locator(f"#id_{first_date}").fill(date.today().isoformat())
    page.get_by_role("button", name="保存", exact=True).click()
    page.get_by_text("已保存").wait_for()
    row = model.objects.get()

    open_module(page, module)
    move(page, row.pk, "上报选中记录", "本月新登记,请审核")
    page.get_by_text("已上报 1 条至武侯区总工会").wait_for()

    sign_in(page, "county_a")
    page.get_by_role("link", name=re.compile("待处理提醒")).first.click()
    page.get_by_text("本月新登记,请审核").wait_for()
    open_module(page, module)
    move(page, row.pk, "退回选中记录", "请补充处理结果")
    page.get_by_text("已退回 1 条至浆洗街街道工会").wait_for()
    assert model.objects.get().report_state == ReportState.RETURNED

    sign_in(page, "street_a")
    page.get_by_role("link", name=re.compile("待处理提醒")).first.click()
    page.get_by_text("请补充处理结果").wait_for()
    page.goto(module.url("edit", row.pk))
    boxes = page.locator("textarea")  # a form without a text box: its first line of text
    text_box = boxes.first if boxes.count() else page.locator('input[type="text"]').first
    text_box.fill("已补充:企业承诺月底前付清")
    page.get_by_role("button", name="保存", exact=True).click()
    page.get_by_text("已保存").wait_for()
    open_module(page, module)
    move(page, row.pk, "上报选中记录", "已补充")
    page.get_by_text("已上报 1 条至武侯区总工会").wait_for()
    assert (model.objects.get().holder_id, model.objects.get().report_state) == (
        cast.units["county_a"].pk, ReportState.REPORTED)  # fmt: skip


@pytest.mark.parametrize("key", [key for key in MODULES if declaration.get(key).query_fields])
def test_the_county_finds_a_reported_record_in_query_and_statistics_and_prints_it(cast, page, key, tmp_path):
    import docx
    import openpyxl

    from tests.records.kit.conftest import make_record, report_with_parents

    module = declaration.get(key)
    row = make_record(module, cast.users["street_a"])
    report_with_parents(module, row, cast.users["street_a"])  # a row never reported: its parents are
    label = str(row)
    sign_in(page, "county_a")
    open_list(page, module)
    page.get_by_role("link", name=f"{module.label}查询").click()
    page.get_by_label("包含下级数据").check()
    page.get_by_role("button", name="查询", exact=True).click()
    page.locator(f'input[name="pks"][value="{row.pk}"]').wait_for()

    open_list(page, module)
    page.get_by_role("link", name=f"{module.label}统计").click()
    page.locator("table.crosstab").wait_for()
    totals = page.locator("table.crosstab tfoot").inner_text().split()
    assert totals[-len(module.stat_measures)] == "1"  # 合计 × 总数 of the count: the one reported row
    page.locator("#kit-chart-areas svg").wait_for()  # ECharts drew the bars (static/js/kit_charts.js)

    page.goto(module.url("detail", row.pk))
    with page.expect_popup() as popup:
        page.get_by_role("link", name="打印").click()
    printed = popup.value
    printed.get_by_text(module.sheet[0].title).first.wait_for()
    assert label.split()[0] in printed.content()
    for link, suffix in (("另存为Word", ".docx"), ("另存为Excel", ".xlsx")):
        with page.expect_download() as download:
            page.get_by_role("link", name=link).click()
        saved = tmp_path / f"record{suffix}"
        download.value.save_as(saved)
        assert download.value.suggested_filename.startswith(module.label)
        if suffix == ".docx":
            text = "\n".join(cell.text for table in docx.Document(saved).tables for r in table.rows for cell in r.cells)
        else:
            text = "\n".join(
                str(v) for r in openpyxl.load_workbook(saved).active.iter_rows(values_only=True) for v in r if v
            )
        assert module.sheet[0].title in text or module.label_of(module.sheet[0].fields[0]) in text
        assert label.split()[0] in text
