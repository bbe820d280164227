"""The statistical forms (ch. 9–13): forms as data, their rules next to the item, one per unit
and period, report/return and edit while held, and the statistics of a subtree."""

from decimal import Decimal

import pytest
from django.db import IntegrityError

from approvals import services as approvals
from org.errors import DomainError
from records.kit.declaration import get
from records.stat_forms.catalogue import FORM_TYPES
from records.stat_forms.models import StatForm
from records.stat_forms.statistics import form_statistics
from tests.records.stat_forms.conftest import YEAR, make_form

pytestmark = pytest.mark.django_db
NEW = "/stat-forms/new/?form=school_aid"


def school_aid_post(**items) -> dict:
    data = {"year": YEAR, "reporter": "王统计", "phone": "028-87654321", "reported_on": "2026-12-01"}
    return data | {f"item_{code}": value for code, value in items.items()}


def test_six_forms_are_declared_as_data():
    assert sorted(FORM_TYPES) == sorted(
        ["warmth", "school_aid", "training_stats", "journey_home", "journey_back", "centre_stats"]
    )
    assert FORM_TYPES["journey_back"].text(FORM_TYPES["journey_back"].title) == "农民工平安返城统计表"


def test_a_hard_rule_refuses_the_save_next_to_its_item(cast):
    client = cast.client("street_a")
    response = client.post(NEW, school_aid_post(**{"3A": 10, "3B": 5, "3C": 3, "3D": 1}))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["item_3A"]
    assert "3A(通过发放助学款共资助困难职工和困难农民工子女)应等于3B+3C+3D" in errors["item_3A"][0]
    assert not StatForm.objects.exists()


def test_a_soft_rule_saves_and_warns(cast):
    client = cast.client("street_a")
    response = client.post(NEW, school_aid_post(**{"1A": "10.50", "1B": "3", "3A": 4, "3B": 4}), follow=True)
    row = StatForm.objects.get()
    assert row.values == {"1A": "10.50", "1B": "3", "3A": 4, "3B": 4}
    said = [str(m) for m in response.context["messages"]]
    assert any("1A(本次助学活动共筹集资金)应等于1B+1C+1D+1E" in m for m in said)
    assert "10.50" in response.content.decode()  # the paper form on the record's page


def test_bad_numbers_are_told_next_to_the_item(cast):
    response = cast.client("street_a").post(NEW, school_aid_post(**{"1A": "-1", "3A": "abc"}))
    assert set(response.context["form"].errors) == {"item_1A", "item_3A"}
    assert not StatForm.objects.exists()


def test_one_form_per_unit_type_and_period(cast):
    make_form(cast.users["street_a"])
    response = cast.client("street_a").post(NEW, school_aid_post())
    assert "本单位已填报" in response.context["form"].errors["year"][0]
    with pytest.raises(IntegrityError):
        StatForm.objects.create(
            unit=cast.units["street_a"], unit_path=cast.units["street_a"].path, holder=cast.units["street_a"],
            holder_depth=5, form_type="school_aid", year=YEAR, reporter="x",
        )  # fmt: skip


def test_a_quarterly_form_names_its_quarter(cast):
    with pytest.raises(DomainError, match="请选择填报季度"):
        make_form(cast.users["street_a"], "training_stats")
    assert make_form(cast.users["street_a"], "training_stats", quarter=4).period == f"{YEAR}年第四季度"


def test_editable_only_while_the_owner_holds_it_and_reports_go_through_the_engine(cast):
    street = cast.users["street_a"]
    row = make_form(street, values={"3A": 2, "3B": 2})
    approvals.report_rows(actor=street, model=StatForm, pks=[row.pk])
    row.refresh_from_db()
    assert row.holder == cast.units["county_a"] and row.first_reported_at is not None
    response = cast.client("street_a").get(f"/stat-forms/{row.pk}/edit/", follow=True)
    assert "上级退回后才能修改" in response.content.decode()
    approvals.return_rows(actor=cast.users["county_a"], model=StatForm, pks=[row.pk])
    response = cast.client("street_a").post(f"/stat-forms/{row.pk}/edit/", school_aid_post(**{"3A": 3, "3C": 3}))
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.values == {"3A": 3, "3C": 3}


def test_statistics_sum_the_subtree_each_level_once(cast):
    for name, raised in [("street_a", "10"), ("street_a2", "5.5")]:
        row = make_form(cast.users[name], values={"1A": Decimal(raised), "3A": 2, "3B": 2})
        approvals.report_rows(actor=cast.users[name], model=StatForm, pks=[row.pk])
    make_form(cast.users["county_a"], values={"1A": Decimal("1"), "3A": 1, "3D": 1})
    table = form_statistics(FORM_TYPES["school_aid"], YEAR, 0, viewer=cast.units["county_a"],
                            unit=cast.units["county_a"])  # fmt: skip
    codes = [item.code for item in FORM_TYPES["school_aid"].items]
    by_label = {row.label: dict(zip(codes, row.total, strict=True)) for row in table.all_rows}
    assert by_label["浆洗街街道工会"]["1A"] == Decimal("10")
    assert by_label["武侯区总工会(本级)"]["3A"] == 1
    assert by_label["合计"]["1A"] == Decimal("16.5") and by_label["合计"]["3A"] == 5 and by_label["合计"]["3B"] == 4


def test_item_13_means_maxima_and_minima_are_never_summed(cast):
    values = [
        {"01A": 2, "01C": 2, "13B": Decimal("100"), "13B2": Decimal("120"), "13B3": Decimal("80")},
        {"01A": 1, "01C": 1, "13B": Decimal("400"), "13B2": Decimal("400"), "13B3": Decimal("400")},
    ]
    for name, filled in zip(["street_a", "street_a2"], values, strict=True):
        row = make_form(cast.users[name], "centre_stats", filled)
        approvals.report_rows(actor=cast.users[name], model=StatForm, pks=[row.pk])
    form = FORM_TYPES["centre_stats"]
    table = form_statistics(form, YEAR, 0, viewer=cast.units["county_a"], unit=cast.units["county_a"])
    total = dict(zip([item.code for item in form.items], table.totals.total, strict=True))
    assert total["13B"] == Decimal("200.00")  # (2 × 100 + 1 × 400) / 3
    assert (total["13B2"], total["13B3"]) == (Decimal("400"), Decimal("80"))


def test_statistics_page_and_its_paper_form(cast):
    row = make_form(cast.users["street_a"], values={"1A": Decimal("7.25")})
    approvals.report_rows(actor=cast.users["street_a"], model=StatForm, pks=[row.pk])
    client = cast.client("county_a")
    query = f"/stat-forms/statistics/?form_type=school_aid&year={YEAR}&quarter=0"
    assert "7.25" in client.get(query).content.decode()
    paper = client.get(f"{query}&area=total")
    assert "7.25" in paper.content.decode() and "本次助学活动共筹集资金" in paper.content.decode()
    excel = client.get(f"{query}&area=total&format=xlsx")
    assert excel["Content-Type"].startswith("application/vnd.openxmlformats")
    bad = client.get("/stat-forms/statistics/?form_type=training_stats&year=abc")
    assert bad.status_code == 200 and bad.context["form"].errors


def test_record_print_and_excel_lay_out_the_paper_form(cast):
    row = make_form(cast.users["street_a"], values={"3A": 12, "3B": 12})
    client = cast.client("street_a")
    assert "通过发放助学款共资助困难职工和困难农民工子女" in client.get(f"/stat-forms/{row.pk}/print/").content.decode()
    assert client.get(f"/stat-forms/{row.pk}/excel/").status_code == 200
    assert get("stat_forms").label == "统计报表"


def test_the_rule_report_lists_every_violation_by_area(cast):
    from records.stat_forms.rules_report import violations

    soft_broken = make_form(cast.users["street_a"], values={"1A": Decimal("10"), "1B": Decimal("3")})
    legacy = make_form(cast.users["street_a2"])
    StatForm.objects.filter(pk=legacy.pk).update(values={"3A": 5, "3B": 1})  # came in before the rule
    approvals.report_rows(actor=cast.users["street_a"], model=StatForm, pks=[soft_broken.pk])
    approvals.report_rows(actor=cast.users["street_a2"], model=StatForm, pks=[legacy.pk])
    report = violations(FORM_TYPES["school_aid"], YEAR, 0, viewer=cast.units["county_a"], unit=cast.units["county_a"])
    messages = [message for _rule, message in report["rules"]]
    assert len(messages) == 2 and any("3A" in m for m in messages) and any("1A" in m for m in messages)
    counts = dict(report["areas"])
    assert sum(counts["浆洗街街道工会"]) == 1 and sum(counts["玉林街道工会"]) == 1 and sum(counts["合计"]) == 2
    assert sorted(row.unit.name for row, _said in report["forms"]) == ["浆洗街街道工会", "玉林街道工会"]
    page = cast.client("county_a").get(f"/stat-forms/rules/?form_type=school_aid&year={YEAR}&quarter=0")
    assert "玉林街道工会" in page.content.decode()


def test_the_help_centre_profile_is_offered_as_suggested_values(cast):
    from org.models import HelpCentreProfile

    HelpCentreProfile.objects.create(unit=cast.units["county_a"], centre_name="武侯区困难职工帮扶中心",
                                     full_time_staff=3, part_time_staff=2, has_hotline=True, hotline="12351")  # fmt: skip
    form = cast.client("county_a").get("/stat-forms/new/?form=centre_stats").context["form"]
    assert form.suggested == {"01A": 1, "01B": 0, "01C": 0, "01D": 1, "03A": 5, "03B": 0, "03C": 0, "03D": 5,
                              "04A": 3, "05A": 0, "06A": 1}  # fmt: skip
    assert cast.client("street_a").get("/stat-forms/new/?form=centre_stats").context["form"].suggested == {}


def test_a_second_save_racing_past_the_check_is_refused_in_chinese(cast, monkeypatch):
    """Two clicks on 保存 at once: both pass one_per_period before either has saved; the
    database's constraint stops the second, which is told as the check would tell it."""
    from records.stat_forms import services as form_services

    make_form(cast.users["street_a"])
    checks = iter([None])  # the first check (before the save) misses the other form; later ones see it
    real = form_services.one_per_period
    monkeypatch.setattr(form_services, "one_per_period", lambda row: next(checks, None) or real(row))
    with pytest.raises(DomainError, match="本单位已填报"):
        make_form(cast.users["street_a"])
    assert StatForm.objects.count() == 1
