"""What a browser posts from the pages the bench writes through: the edit form of a file with
its values as the page shows them, and the CSRF pair a signed-in browser holds."""

import secrets
from urllib.parse import urlencode

from django import forms

from records.forms import HeadForm, MemberFormSet, WorkerFileForm
from records.models import WorkerFile

# A browser keeps the CSRF secret in its cookie and posts it back with each form: the unmasked
# 32-character secret is accepted as the form's token, so one pair serves every request.
CSRF_SECRET = secrets.token_hex(16)


def _form_values(form: forms.BaseForm) -> list[tuple[str, str]]:
    """The form's fields as a browser sends them untouched: initial values, checkboxes only
    when ticked, nothing for empty selects."""
    values = []
    for bound in form:
        value = bound.value()
        if isinstance(bound.field.widget, forms.CheckboxInput):
            if value:
                values.append((bound.html_name, "on"))
            continue
        if value is None:
            value = ""
        values.append((bound.html_name, str(value)))
    return values


def edit_form_data(file: WorkerFile, remarks: str = "") -> list[tuple[str, str]]:
    """编辑档案's POST: the file, its head and its members as the edit page shows them, the
    remarks replaced (so each save changes the file and writes its history)."""
    file_form = WorkerFileForm(instance=file, temporary=file.is_temporary, initial={"remarks": remarks})
    head_form = HeadForm(instance=file.head, prefix="head")
    members = [
        {**{name: getattr(m.person, name) for name in _member_fields()}, "relation": m.relation}
        for m in file.members.select_related("person", "relation")
    ]
    formset = MemberFormSet(initial=members, prefix="members")
    values = _form_values(file_form) + _form_values(head_form) + _form_values(formset.management_form)
    for member in formset.forms:
        values += _form_values(member)
    return [(name, value) for name, value in values if not name.endswith("-DELETE")]


def edit_form_valid(file: WorkerFile) -> bool:
    """Whether edit_form_data(file) passes the edit page's three forms, as the page checks them."""
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    for name, value in edit_form_data(file, remarks="x"):
        data.appendlist(name, value)
    forms_ = [WorkerFileForm(data, instance=file, temporary=file.is_temporary),
              HeadForm(data, instance=file.head, prefix="head"), MemberFormSet(data, prefix="members")]  # fmt: skip
    return all(form.is_valid() for form in forms_)


def _member_fields() -> list[str]:
    from records import services

    return list(services.PERSON_FIELDS)


def body(values: list[tuple[str, str]]) -> str:
    """A form body with the CSRF token (the secret of csrf_cookie)."""
    return urlencode([*values, ("csrfmiddlewaretoken", CSRF_SECRET)])


def csrf_cookie() -> str:
    return f"csrftoken={CSRF_SECRET}"
