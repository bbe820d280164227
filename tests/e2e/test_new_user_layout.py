"""At 1366 × 768, the screen of most union offices, every main page fits without sideways
scrolling, and a list's name and date cells keep to one line (issue 17 item 4). Also the
ID number typed on the file form fills the birth date and gender before saving (item 1)."""

import pytest
from django.urls import reverse

from tests.e2e.conftest import sign_in
from tests.records.conftest import id_number, make_file

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 1366, 768


@pytest.fixture
def screen(page):
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    return page


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def main_pages(file) -> dict[str, str]:
    return {
        "困难职工档案": reverse("files:list"),
        "农民工档案": reverse("files:migrant"),
        "新增档案": reverse("files:create"),
        "档案页": reverse("files:detail", args=[file.pk]),
        "编辑档案": reverse("files:edit", args=[file.pk]),
        "档案查询": reverse("files:query"),
        "档案统计": reverse("files:statistics"),
        "信访接待列表": reverse("petitions:list"),
        "新增信访接待": reverse("petitions:create"),
        "提醒": reverse("approvals:reminders_all"),
    }


def test_the_main_pages_fit_a_1366_wide_screen(cast, screen):
    clerk = cast.users["street_a"]
    file = make_file(clerk, members=3, address="成都市武侯区浆洗街道办事处辖区内某某小区 12 栋 3 单元 501 室")
    sign_in(screen, "street_a")
    too_wide = {}
    for title, url in main_pages(file).items():
        screen.goto(url)
        width = page_width(screen)
        if width > WIDTH:
            too_wide[title] = width
            screen.screenshot(path=f"/tmp/h17a/shots/{title}.png", full_page=False)
    assert too_wide == {}
    screen.goto(reverse("files:edit", args=[file.pk]))
    members = screen.locator("table.members").evaluate("t => [t.parentElement.clientWidth, t.scrollWidth]")
    assert members[1] <= members[0], "the family members' table fits the form"
    number = screen.locator("#id_members-0-id_number").evaluate("i => [i.clientWidth, i.scrollWidth]")
    assert number[1] <= number[0], "a member's 18-character ID number is seen whole"


def test_a_lists_name_and_date_cells_keep_to_one_line(cast, screen):
    clerk = cast.users["street_a"]
    for _ in range(3):
        make_file(clerk, members=1, address="成都市武侯区浆洗街道办事处辖区内某某小区 12 栋 3 单元 501 室")
    sign_in(screen, "street_a")
    screen.goto(reverse("files:list"))
    screen.screenshot(path="/tmp/h17a/shots/list.png")
    heights = screen.evaluate(
        """() => {
          const table = document.querySelector("table.list");
          const heads = [...table.querySelectorAll("thead th")].map(th => th.textContent.trim());
          const cells = (label) => {
            const i = heads.findIndex(h => h.startsWith(label));
            return [...table.querySelectorAll("tbody tr")].map(tr => tr.children[i]);
          };
          const lines = (cell) => {  // the line boxes of the cell's text, not the row's height
            const range = document.createRange();
            range.selectNodeContents(cell);
            return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
          };
          return Object.fromEntries(["姓名", "出生日期", "建档日期"].map(l => [l, cells(l).map(lines)]));
        }"""
    )
    assert all(n == 1 for column in heights.values() for n in column), heights


def test_the_id_number_fills_birth_date_and_gender_as_it_is_typed(cast, screen):
    sign_in(screen, "street_a")
    screen.goto(reverse("files:create"))
    number = id_number("19850315", female=True)
    screen.locator("#id_head-id_number").press_sequentially(number[:6] + " " + number[6:])
    assert screen.locator("#id_head-birth_date").input_value() == "1985-03-15"
    assert (
        screen.locator("#id_head-gender_1").is_checked()
        or screen.locator('input[name="head-gender"][value="F"]').is_checked()
    )
    screen.locator("#id_members-0-id_number").fill(id_number("20100601"))
    assert screen.locator("#id_members-0-birth_date").input_value() == "2010-06-01"
    assert screen.locator("#id_members-0-gender").input_value() == "M"
