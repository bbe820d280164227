"""技能培训 in the browser (issue 19, "Done when"): a street creates an institution, a class and
its trainees → reporting the class first is refused with the manual's message → the institution
then the class go up → the trainees are locked (shown, printed, never changed)."""

import pytest

from approvals.models import ReportState
from records.kit import declaration
from records.training.models import Trainee, TrainingClass, TrainingInstitution
from tests.e2e.conftest import sign_in
from tests.e2e.test_record_journeys import move, open_module
from tests.records.conftest import id_number

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def save(page) -> None:
    page.get_by_role("button", name="保存", exact=True).click()
    page.get_by_text("已保存").wait_for()


def add_trainee(page, name: str, number: str) -> None:
    page.get_by_role("link", name="增加新的学员信息").click()
    page.locator("#id_name").fill(name)
    page.locator("#id_id_number").fill(number)
    page.locator("#id_category").select_option(label="下岗失业人员")
    save(page)


def test_institution_class_and_trainees_go_up_in_order_and_the_trainees_are_locked(cast, page):
    institutions, classes, trainees = (
        declaration.get(k) for k in ("training_institutions", "training_classes", "trainees")
    )
    sign_in(page, "street_a")
    open_module(page, classes)
    page.get_by_role("link", name="新增培训班").click()
    page.get_by_text("本单位还没有可以增加培训班的培训机构,请先增加培训机构。").wait_for()

    open_module(page, institutions)
    page.get_by_role("link", name="新增培训机构").click()
    page.locator("#id_name").fill("浆洗街职工培训学校")
    save(page)
    institution = TrainingInstitution.objects.get()

    page.get_by_role("link", name="增加新的培训班信息").click()
    page.locator("#id_planned").fill("1")
    page.locator("#id_session").fill("2026-1")
    page.locator("#id_training_type").select_option(label="技能培训")
    page.locator("#id_starts_on").fill("2026-04-10")
    page.locator("#id_ends_on").fill("2026-04-01")
    page.locator("#id_topic").fill("数控车床操作")
    page.get_by_role("button", name="保存", exact=True).click()
    page.get_by_text("结课日期不能早于开课日期。").wait_for()  # next to its field; nothing saved
    assert not TrainingClass.objects.exists()
    page.locator("#id_ends_on").fill("2026-04-30")
    save(page)
    training_class = TrainingClass.objects.get()
    assert training_class.institution == institution

    add_trainee(page, "王建国", id_number("19850612"))
    page.goto(classes.url("detail", training_class.pk))
    page.get_by_role("link", name="王建国").wait_for()  # the class's page lists its trainees
    page.get_by_role("link", name="增加新的学员信息").click()
    page.locator("#id_name").fill("李秀英")
    page.locator("#id_id_number").fill("51010719900101123")  # 17 characters: told next to the field
    page.locator("#id_category").select_option(label="农民工")
    page.get_by_role("button", name="保存", exact=True).click()
    page.locator("#id_id_number ~ .field-error, .has-error .field-error").first.wait_for()
    assert Trainee.objects.count() == 1
    page.locator("#id_id_number").fill(id_number("19900101", female=True))
    page.get_by_role("button", name="保存", exact=True).click()
    page.get_by_text("超过培训人数 1 人").wait_for()  # saved, with the warning
    assert Trainee.objects.count() == 2

    open_module(page, classes)
    move(page, training_class.pk, "上报选中记录", "培训班")
    page.get_by_text("此培训班信息不允许先被上报").wait_for()
    assert TrainingClass.objects.get().report_state == ReportState.DRAFT
    open_module(page, institutions)
    move(page, institution.pk, "上报选中记录", "培训机构")
    page.get_by_text("已上报 1 条至武侯区总工会").wait_for()
    open_module(page, classes)
    move(page, training_class.pk, "上报选中记录", "培训班")
    page.get_by_text("已上报 1 条至武侯区总工会").wait_for()

    page.goto(classes.url("detail", training_class.pk))
    page.get_by_text("培训班已上报,不能增加、修改或删除其培训学员信息。").first.wait_for()
    assert page.get_by_role("link", name="增加新的学员信息").count() == 0
    trainee = Trainee.objects.get(name="王建国")
    page.goto(trainees.url("detail", trainee.pk))
    assert page.get_by_role("link", name="编辑").count() == 0
    assert page.get_by_role("button", name="删除").count() == 0
    assert page.get_by_role("link", name="打印").count() >= 1  # print and Excel remain

    sign_in(page, "county_a")  # the county now sees the class and its trainees
    page.goto(classes.url("detail", training_class.pk))
    page.get_by_role("link", name="王建国").wait_for()
