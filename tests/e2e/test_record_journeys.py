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

MODULES = [module.key for module in declaration.all_modules()]


def fill_form(page, module, *, text: str) -> None:
    """Every field of the entry form, as a clerk fills it: a value of each list, today's date,
    2 of a number, `text` in the text boxes (the optional ID number left empty)."""
    for name, field in record_form(module)().fields.items():
        box = page.locator(f"#id_{name}")
        kind = field.widget.input_type if hasattr(field.widget, "input_type") else field.widget.__class__.__name__
        if name == "id_number" or kind == "checkbox":
            continue
        if kind == "select":
            box.select_option(index=1)
        elif kind == "date":
            box.fill(date.today().isoformat())
        elif kind == "number":
            box.fill("2")
        else:
            box.fill(text)


def move(page, pk: int, button: str, message: str) -> None:
    page.locator(f'input[name="pks"][value="{pk}"]').check()
    page.get_by_role("button", name=button).click()
    page.locator("#move-message").fill(message)
    page.locator("[data-move-confirm]").click()


def open_module(page, module) -> None:
    page.get_by_role("navigation", name="功能模块").get_by_role("link", name=module.label).click()


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


@pytest.mark.parametrize("key", MODULES)
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
    text_box = page.locator("textarea").first
    text_box.fill("已补充:企业承诺月底前付清")
    page.get_by_role("button", name="保存", exact=True).click()
    page.get_by_text("已保存").wait_for()
    open_module(page, module)
    move(page, row.pk, "上报选中记录", "已补充")
    page.get_by_text("已上报 1 条至武侯区总工会").wait_for()
    assert (model.objects.get().holder_id, model.objects.get().report_state) == (
        cast.units["county_a"].pk, ReportState.REPORTED)  # fmt: skip
