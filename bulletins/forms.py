"""The entry form of each kind and the search (15.6, 16.2): Chinese errors next to the field."""

import datetime

from django import forms
from django.db.models import QuerySet

from bulletins import selectors
from bulletins.kinds import Kind
from bulletins.models import Category
from bulletins.rules import document_categories_for
from org.forms.ranges import in_order

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
BODY_HELP = "可直接粘贴带格式的正文;脚本、样式和外部框架会被去掉。纯文字时每行为一段。"


class BulletinForm(forms.ModelForm):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if "category" in self.fields:  # only the categories the user may publish in (15.1–15.5)
            allowed = set(document_categories_for(user))
            self.fields["category"].choices = [("", "---------")] + [
                (c.value, c.label) for c in Category if c in allowed
            ]
        self.fields["body"].help_text = BODY_HELP

    def clean(self):
        return in_order(self, super().clean(), "published_on", "valid_until", "有效期至不能早于发布日期。")


def form_class(kind: Kind) -> type[BulletinForm]:
    dates = {name: DATE for name in ("published_on", "effective_on", "valid_until") if name in kind.form_fields}
    widgets = {**dates, "body": forms.Textarea(attrs={"rows": 16})}
    return forms.modelform_factory(kind.model, form=BulletinForm, fields=kind.form_fields, widgets=widgets)


YES_NO = [("", "全部"), ("1", "有效"), ("0", "废止")]


class SearchForm(forms.Form):
    """Every condition of every kind; a kind keeps the ones of its `search_fields`."""

    category = forms.ChoiceField(label="类别", required=False, choices=[("", "全部"), *Category.choices])
    title = forms.CharField(label="标题包含", required=False, max_length=100)
    number = forms.CharField(label="文号", required=False, max_length=100)
    keywords = forms.CharField(label="关键字", required=False, max_length=100)
    publisher = forms.CharField(label="发布单位或发文机关", required=False, max_length=100)
    words = forms.CharField(label="正文包含", required=False, max_length=100)
    date_from = forms.DateField(label="发布日期从", required=False, widget=DATE)
    date_to = forms.DateField(label="到", required=False, widget=DATE)
    is_valid = forms.ChoiceField(label="是否有效", required=False, choices=YES_NO)

    def __init__(self, *args, kind: Kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        for name in list(self.fields):
            if name not in kind.search_fields:
                del self.fields[name]

    def clean(self):
        return in_order(self, super().clean(), "date_from", "date_to", "结束日期不能早于开始日期。")

    def substrings(self) -> dict[str, str]:
        """The conditions that are a substring of a column ({column: text}): bulletins.views
        looks for them (LIKE, after the bigram indexes where the column has one, so Chinese
        words are found without a tokeniser)."""
        if not (self.is_bound and self.is_valid()):
            return {}
        columns = {"title": "title", "number": "number", "keywords": "keywords", "words": "body_text"}
        given = {column: self.cleaned_data.get(name, "").strip() for name, column in columns.items()}
        return {column: text for column, text in given.items() if text}

    def filter(self, rows: QuerySet) -> QuerySet:
        """The rows meeting every condition but the substrings (`substrings`)."""
        data = self.cleaned_data
        lookups = {"category": "category", "date_from": "published_on__gte", "date_to": "published_on__lte"}
        for name, lookup in lookups.items():
            value = data.get(name)
            if isinstance(value, str):
                value = value.strip()
            if value not in (None, ""):
                rows = rows.filter(**{lookup: value})
        if data.get("publisher", "").strip():
            issuer = "issuer" in self.kind.form_fields
            rows = rows.filter(selectors.published_by(rows.model, data["publisher"].strip(), issuer))
        if data.get("is_valid") in ("0", "1"):
            rows = rows.filter(is_valid=data["is_valid"] == "1")
        return rows


def parse_cursor(raw: str | None) -> tuple[datetime.date, int] | None:
    """The keyset of the next page: `<published_on>.<id>` of the last row shown."""
    try:
        day, pk = (raw or "").split(".")
        cursor = datetime.date.fromisoformat(day), int(pk)
    except ValueError:
        return None
    return cursor if 0 < cursor[1] < 2**63 else None
