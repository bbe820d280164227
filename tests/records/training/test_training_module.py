"""技能培训 on the kit (manual ch. 8, modules-spec §8): the parent/child rules with the manual's
messages at several depths (street → county → city), the trainees' lock once their class is
reported, where trainees are seen, the ID check on the trainee form, the warning past 培训人数,
the statistics with the employment outcome, and the institution's 培训成效."""

import pytest

from approvals import services as approvals
from org.errors import DomainError
from records.kit import services
from records.kit.declaration import get
from records.training.models import Trainee, TrainingClass, TrainingInstitution
from tests.records.conftest import code, id_number
from tests.records.kit.query_fixtures import found, ids, query

pytestmark = pytest.mark.django_db

INSTITUTION = {"name": "浆洗街职工培训学校", "registered_on": "2026-03-01"}


@pytest.fixture
def modules():
    return get("training_institutions"), get("training_classes"), get("trainees")


def class_data(institution, **fields) -> dict:
    return {"institution": institution, "planned": 2, "session": "1", "training_type": code("training_type", "技能培训"),
            "starts_on": "2026-04-01", "ends_on": "2026-04-20", "topic": "数控车床操作"} | fields  # fmt: skip


def trainee_data(training_class, **fields) -> dict:
    return {"training_class": training_class, "name": "王建国", "id_number": id_number("19850612"),
            "category": code("trainee_category", "下岗失业人员")} | fields  # fmt: skip


@pytest.fixture
def tree(cast, modules):
    """浆洗街's institution with one class of one trainee, nothing reported."""
    institutions, classes, trainees = modules
    street = cast.users["street_a"]
    institution = services.record_create(actor=street, module=institutions, data=INSTITUTION)
    training_class = services.record_create(actor=street, module=classes, data=class_data(institution))
    trainee = services.record_create(actor=street, module=trainees, data=trainee_data(training_class))
    return institution, training_class, trainee


def report(actor, model, row):
    return approvals.report_rows(actor=actor, model=model, pks=[row.pk])


def give_back(actor, model, row):
    return approvals.return_rows(actor=actor, model=model, pks=[row.pk], message="请核对")


def test_three_modules_share_the_training_permission_institutions_first(modules):
    from approvals import registry

    assert {module.permission for module in modules} == {"training"}
    assert registry.get("training").models == (TrainingInstitution, TrainingClass)  # trainees are not reported
    assert [module.reported for module in modules] == [True, True, False]


def test_a_class_reported_before_its_institution_is_refused_with_the_manuals_message(cast, tree):
    institution, training_class, _trainee = tree
    street, county = cast.users["street_a"], cast.users["county_a"]

    refused = report(street, TrainingClass, training_class)

    assert (
        refused.moved == 0 and refused.refused[0].reason == "此培训班信息不允许先被上报,请先上报其所属的培训机构信息。"
    )
    assert report(street, TrainingInstitution, institution).moved == 1
    assert report(street, TrainingClass, training_class).moved == 1
    # One level up, the county holds both: the class again goes only after its institution.
    assert report(county, TrainingClass, training_class).refused[0].reason.startswith("此培训班信息不允许先被上报")
    assert report(county, TrainingInstitution, institution).moved == 1
    assert report(county, TrainingClass, training_class).moved == 1
    assert TrainingClass.objects.get(pk=training_class.pk).holder == cast.units["city_a"]


def test_an_institution_comes_back_only_once_its_classes_have(cast, tree):
    institution, training_class, _trainee = tree
    street, county = cast.users["street_a"], cast.users["county_a"]
    report(street, TrainingInstitution, institution)
    report(street, TrainingClass, training_class)

    refused = give_back(county, TrainingInstitution, institution)

    assert refused.moved == 0
    assert refused.refused[0].reason == "该培训机构有相关联的培训班信息已上报,不允许退回;请先退回其培训班信息。"
    assert give_back(county, TrainingClass, training_class).moved == 1
    assert give_back(county, TrainingInstitution, institution).moved == 1


def test_an_institution_with_classes_is_not_deleted(cast, modules, tree):
    institutions, classes, trainees = modules
    institution, training_class, trainee = tree
    street = cast.users["street_a"]
    assert services.delete_refusal(institutions, institution) == "删除失败,当前机构下有信息"
    with pytest.raises(DomainError, match="删除失败,当前机构下有信息"):
        services.record_delete(actor=street, module=institutions, row=institution)
    with pytest.raises(DomainError, match="删除失败,当前机构下有信息"):  # a class with trainees neither
        services.record_delete(actor=street, module=classes, row=training_class)
    services.record_delete(actor=street, module=trainees, row=trainee)
    services.record_delete(actor=street, module=classes, row=training_class)
    services.record_delete(actor=street, module=institutions, row=institution)
    assert not TrainingInstitution.objects.exists()


def test_no_class_without_an_institution_of_the_own_unit(cast, modules):
    institutions, classes, _trainees = modules
    street, other = cast.users["street_a"], cast.users["street_a2"]
    page = cast.client("street_a").get(classes.url("create")).content.decode()
    assert "本单位还没有可以增加培训班的培训机构,请先增加培训机构。" in page
    theirs = services.record_create(actor=other, module=institutions, data=INSTITUTION)
    with pytest.raises(DomainError) as refused:
        services.record_create(actor=street, module=classes, data=class_data(theirs))
    assert refused.value.field == "institution"
    with pytest.raises(DomainError, match="请先选择培训机构"):
        services.record_create(actor=street, module=classes, data=class_data(None))
    assert not TrainingClass.objects.exists()


def test_the_class_form_says_the_dates_rule_next_to_the_end_date(cast, modules):
    institutions, classes, _trainees = modules
    institution = services.record_create(actor=cast.users["street_a"], module=institutions, data=INSTITUTION)
    data = class_data(institution.pk, training_type=code("training_type", "技能培训").pk, ends_on="2026-03-01",
                      planned=0)  # fmt: skip
    response = cast.client("street_a").post(classes.url("create"), data)
    assert response.status_code == 200 and not TrainingClass.objects.exists()
    errors = response.context["form"].errors
    assert errors["ends_on"] == ["结课日期不能早于开课日期。"] and "planned" in errors


def test_trainees_are_locked_once_their_class_is_reported(cast, modules, tree):
    _institutions, classes, trainees = modules
    institution, training_class, trainee = tree
    street = cast.users["street_a"]
    report(street, TrainingInstitution, institution)
    report(street, TrainingClass, training_class)
    locked = "培训班已上报,不能增加、修改或删除其培训学员信息。"

    with pytest.raises(DomainError, match=locked):
        services.record_create(actor=street, module=trainees, data=trainee_data(training_class))
    with pytest.raises(DomainError, match=locked):
        services.record_update(actor=street, module=trainees, row=trainee, data={"name": "王建华"})
    with pytest.raises(DomainError, match=locked):
        services.record_delete(actor=street, module=trainees, row=trainee)
    trainee = Trainee.objects.get(pk=trainee.pk)  # its class as stored now
    assert not services.can_edit(street, trainees, trainee) and not services.can_delete(street, trainees, trainee)
    client = cast.client("street_a")
    class_page = client.get(classes.url("detail", training_class.pk)).content.decode()
    assert locked in class_page and "增加新的学员信息" not in class_page
    for page in ("detail", "print", "excel"):  # showing, printing and saving remain
        assert client.get(trainees.url(page, trainee.pk)).status_code == 200
    # Returned all the way down, the class's trainees are the street's to change again.
    give_back(cast.users["county_a"], TrainingClass, training_class)
    services.record_update(actor=street, module=trainees, row=trainee, data={"name": "王建华"})
    assert Trainee.objects.get(pk=trainee.pk).name == "王建华"


def test_trainees_are_seen_where_their_class_is(cast, modules, tree):
    _institutions, _classes, trainees = modules
    institution, training_class, trainee = tree
    county = cast.client("county_a")
    assert county.get(trainees.url("detail", trainee.pk)).status_code == 404
    report(cast.users["street_a"], TrainingInstitution, institution)
    report(cast.users["street_a"], TrainingClass, training_class)
    assert county.get(trainees.url("detail", trainee.pk)).status_code == 200
    assert cast.client("street_a2").get(trainees.url("detail", trainee.pk)).status_code == 404
    assert cast.client("province_b").get(trainees.url("detail", trainee.pk)).status_code == 404


def test_a_trainee_with_a_wrong_id_number_is_told_next_to_the_field_and_not_saved(cast, modules, tree):
    _institutions, _classes, trainees = modules
    _institution, training_class, _trainee = tree
    number = id_number("19900101")
    wrong = number[:-1] + ("1" if number[-1] == "0" else "0")
    data = {"training_class": training_class.pk, "name": "李秀英", "id_number": wrong,
            "category": code("trainee_category", "农民工").pk}  # fmt: skip
    response = cast.client("street_a").post(f"{trainees.url('create')}?training_class={training_class.pk}", data)
    assert response.status_code == 200 and Trainee.objects.count() == 1
    assert response.context["form"].errors["id_number"]
    # Typed with spaces and as 15 digits (the legacy number), it is taken as its 18 digits.
    legacy = "510107900101123"
    data |= {"id_number": legacy[:6] + " " + legacy[6:]}
    response = cast.client("street_a").post(f"{trainees.url('create')}?training_class={training_class.pk}", data)
    saved = Trainee.objects.get(name="李秀英")
    assert response.status_code == 302 and len(saved.id_number) == 18 and saved.gender == "M"


def test_more_trainees_than_planned_are_saved_with_a_warning(cast, modules, tree):
    _institutions, _classes, trainees = modules
    _institution, training_class, _trainee = tree
    client = cast.client("street_a")
    url = f"{trainees.url('create')}?training_class={training_class.pk}"
    for name in ("李秀英", "赵志强"):
        data = {"training_class": training_class.pk, "name": name, "id_number": id_number("19880808"),
                "category": code("trainee_category", "农民工").pk}  # fmt: skip
        response = client.post(url, data, follow=True)
    warnings = [str(m) for m in response.context["messages"]]
    assert Trainee.objects.filter(training_class=training_class).count() == 3
    assert any("已有学员 3 人,超过培训人数 2 人" in m for m in warnings)


def test_the_class_statistics_count_classes_places_trainees_and_those_employed_after(cast, modules, tree):
    _institutions, classes, trainees = modules
    institution, training_class, _trainee = tree
    street = cast.users["street_a"]
    services.record_create(actor=street, module=trainees, data=trainee_data(training_class, employed_after=True))
    report(street, TrainingInstitution, institution)
    report(street, TrainingClass, training_class)

    page = cast.client("county_a").get(classes.url("statistics"))

    table = page.context["table"]
    assert table.measures == ["班次", "培训人数", "学员数", "培训后就业"]
    street_row = next(row for row in table.rows if row.unit_pk == cast.units["street_a"].pk)
    assert street_row.total == [1, 2, 2, 1]


def test_the_institution_page_shows_the_employment_outcome_of_the_classes_the_viewer_sees(cast, modules, tree):
    institutions, classes, trainees = modules
    institution, training_class, _trainee = tree
    street = cast.users["street_a"]
    services.record_create(actor=street, module=trainees, data=trainee_data(training_class, employed_after=True))
    draft = services.record_create(actor=street, module=classes, data=class_data(institution, topic="家政服务"))
    services.record_create(actor=street, module=trainees, data=trainee_data(draft, employed_after=True))
    report(street, TrainingInstitution, institution)
    report(street, TrainingClass, training_class)

    own = cast.client("street_a").get(institutions.url("detail", institution.pk)).content.decode()
    county = cast.client("county_a").get(institutions.url("detail", institution.pk)).content.decode()

    assert "共 2 个培训班,培训后就业:2 / 3 人(66%)" in own
    assert "共 1 个培训班,培训后就业:1 / 2 人(50%)" in county and "家政服务" not in county
    class_page = cast.client("county_a").get(classes.url("detail", training_class.pk)).content.decode()
    assert "1 / 2 人(50%)" in class_page


def test_the_class_query_by_institution_type_topic_dates_and_unit_with_its_subordinates(cast, modules):
    """8.3: 培训机构, 培训类型, 培训主题, 开课日期 从–到, 填报单位 + 包含下级."""
    institutions, classes, _trainees = modules
    street, county = cast.users["street_a"], cast.users["county_a"]
    school = services.record_create(actor=street, module=institutions, data=INSTITUTION)
    centre = services.record_create(actor=street, module=institutions, data=INSTITUTION | {"name": "家政服务中心"})
    lathe = services.record_create(actor=street, module=classes, data=class_data(school))
    startup = code("training_type", "创业培训")
    care = services.record_create(actor=street, module=classes, data=class_data(
        centre, topic="家政服务", training_type=startup, starts_on="2026-06-01", ends_on="2026-06-02"))  # fmt: skip
    own = services.record_create(actor=county, module=institutions, data=INSTITUTION | {"name": "区培训中心"})
    county_class = services.record_create(actor=county, module=classes, data=class_data(own, topic="电工"))
    for model, row in ((TrainingInstitution, school), (TrainingInstitution, centre), (TrainingClass, lathe),
                       (TrainingClass, care)):  # fmt: skip
        report(street, model, row)
    client = cast.client("county_a")
    below = {"include_subordinates": "on"}

    assert found(query(client, classes, institution_name="家政", **below)) == ids(care)
    assert found(query(client, classes, training_type=startup.pk, **below)) == ids(care)
    assert found(query(client, classes, topic="车床", **below)) == ids(lathe)
    assert found(query(client, classes, starts_on_from="2026-05-01", starts_on_to="2026-06-30", **below)) == ids(care)
    assert found(query(client, classes, **below)) == ids(lathe, care, county_class)
    assert found(query(client, classes)) == ids(county_class)  # without 包含下级: the county's own


def test_a_quick_report_moves_the_institution_before_its_class_and_a_quick_return_brings_both(cast, tree):
    institution, training_class, _trainee = tree
    street, county = cast.users["street_a"], cast.users["county_a"]

    moved = approvals.quick_report(actor=street, module_key="training", scope=street.unit)

    assert moved.moved == 2 and moved.refused_total == 0
    assert {TrainingInstitution.objects.get().holder, TrainingClass.objects.get().holder} == {cast.units["county_a"]}
    back = approvals.quick_return(actor=county, module_key="training", child=street.unit, message="请核对")
    assert back.moved == 2 and TrainingInstitution.objects.get().holder == street.unit
