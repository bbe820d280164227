"""The Python widget renderer writes what Django's widget templates write, character for
character, for every widget kind it takes over."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from project.renderers import FastWidgetRenderer

HOSTILE = "<b>\"A&B\"</b> 'x'"
CHOICES = [("", "任意"), ("1", "男"), (2, "女 & <其他>"), ("3", gettext_lazy("Yes")), ("s", mark_safe("<i>安</i>"))]
GROUPED = [("", "全部"), ("省", [("a", "甲"), ("b", HOSTILE)]), ("市", [(3, "丙")]), ("z", "末")]


class Everything(forms.Form):
    text = forms.CharField(label="姓名", max_length=20)
    optional = forms.CharField(required=False, widget=forms.TextInput(attrs={"placeholder": HOSTILE, "class": "w"}))
    number = forms.IntegerField(min_value=0, required=False)
    money = forms.DecimalField(required=False, decimal_places=2)
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    hidden = forms.CharField(widget=forms.HiddenInput, required=False, initial="1")
    password = forms.CharField(widget=forms.PasswordInput(render_value=True), required=False)
    email = forms.EmailField(required=False)
    flag = forms.BooleanField(required=False)
    disabled = forms.CharField(required=False, disabled=True)
    note = forms.CharField(widget=forms.Textarea, required=False)
    select = forms.ChoiceField(choices=CHOICES, required=False)
    required_select = forms.TypedChoiceField(choices=CHOICES[1:], coerce=str)
    grouped = forms.ChoiceField(choices=GROUPED, required=False)
    radio = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect, required=False)
    radio_class = forms.ChoiceField(choices=GROUPED, widget=forms.RadioSelect(attrs={"class": "inline"}))
    many = forms.MultipleChoiceField(choices=GROUPED, widget=forms.CheckboxSelectMultiple, required=False)
    multi_select = forms.MultipleChoiceField(choices=CHOICES, required=False)


DATA = [
    None,
    {},
    {"text": HOSTILE, "optional": "x", "number": "12", "money": "1.5", "day": "2024-02-29", "password": "p&w",
     "flag": "on", "note": "第一行\n<script>", "select": "2", "required_select": "s", "grouped": "b",
     "radio": "3", "radio_class": "a", "many": ["a", "3"], "multi_select": ["1", "s"], "hidden": HOSTILE},
    {"number": "x", "select": "nope", "radio": "", "many": ["zz"], "day": "not a day"},
]  # fmt: skip


def _html(form, renderer):
    form.renderer = renderer
    return {name: str(form[name]) for name in form.fields}


@pytest.mark.parametrize("data", DATA)
def test_every_widget_renders_as_djangos_templates(data):
    form = Everything(data, initial={"number": 7, "money": Decimal("2.50"), "day": datetime.date(2024, 1, 2)})
    if data is not None:
        form.is_valid()
    assert _html(form, FastWidgetRenderer()) == _html(form, DjangoTemplates())


def test_the_project_renders_forms_with_it():
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), FastWidgetRenderer)


def test_other_templates_still_render_through_the_engine():
    class Own(forms.Select):
        option_template_name = "django/forms/widgets/radio_option.html"

    class OwnForm(forms.Form):
        choice = forms.ChoiceField(choices=CHOICES, widget=Own)

    form = OwnForm()
    assert _html(form, FastWidgetRenderer()) == _html(form, DjangoTemplates())
    assert str(Everything().as_div()) == str(Everything(renderer=DjangoTemplates()).as_div())


@pytest.mark.parametrize("separator", [False, True])
def test_text_is_what_a_variable_renders(settings, separator):
    from django.template import Context, Template

    from project.renderers import text

    settings.USE_THOUSAND_SEPARATOR = separator
    values = [1234567, -3, True, None, Decimal("1234.50"), 2.5, HOSTILE, mark_safe("<i>安</i>"), gettext_lazy("Yes"),
              datetime.date(2024, 1, 2)]  # fmt: skip
    for value in values:
        assert text(value) == Template("{{ v }}").render(Context({"v": value})), value


def test_a_kept_select_writes_what_a_select_writes_and_keeps_a_bounded_number():
    from project.renderers import KeptSelect

    class Codes(forms.Form):
        kept = forms.ChoiceField(choices=[("", "任意"), (1, "汉族"), (2, HOSTILE)], required=False, widget=KeptSelect)
        plain = forms.ChoiceField(choices=[("", "任意"), (1, "汉族"), (2, HOSTILE)], required=False)

    for data in [None, {"kept": "2", "plain": "2"}, {"kept": "9", "plain": "9"}, None, {"kept": "2", "plain": "2"}]:
        form = Codes(data)
        form.is_valid()
        assert str(form["kept"]).replace("kept", "plain") == str(form["plain"]), data
    changed = Codes()
    changed.fields["kept"].choices = changed.fields["plain"].choices = [("", "任意"), (1, "汉族(改)")]
    assert "汉族(改)" in str(changed["kept"])  # other choices: another entry
    for i in range(KeptSelect.HTML.size + 10):
        str(Codes({"kept": str(i)})["kept"])
    assert len(KeptSelect.HTML) == KeptSelect.HTML.size
