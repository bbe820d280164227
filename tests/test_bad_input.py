"""The bad-input corpus (issue 14): every URL of the route table, as a user it opens for, gets
each bad value in every parameter name the forms and templates use, by GET and by POST. No
answer may be a server error: bad input gets a clear message and changes nothing.

The test client re-raises a view's exception, so an unhandled one fails the test with its
traceback; a 5xx answer fails it too."""

import re
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from records.kit import batch, declaration, wiring
from records.kit.forms import filter_form, record_form
from records.kit.query import query_form
from tests.test_url_permissions import DUTY_USERS, OK, ROUTES, USERS, expected_status, resolve_kwargs, with_duty_users

pytestmark = pytest.mark.django_db

BAD_VALUES = [
    "", " ", "'", '"', "\\", "%", "_", "*", "--", "' OR '1'='1", '"><script>alert(1)</script>',
    "-1", "0", "-0", "1.5", "1e309", "NaN", "inf", "99999999999999999999999", "-99999999999999999999",
    "\x00", "a\x00b", "²", "\u202e", "\ufeff", "１２３", "壹贰叁", "2999-13-45", "0000-00-00", "1899-12-31",
    "=HYPERLINK(\"http://x\")", "../../etc/passwd", "[]", "{}", "null", "true", "a" * 5000,
]  # fmt: skip


@cache
def parameter_names() -> list[str]:
    """Every form field and every `name="…"` of the templates: what any page reads."""
    names = set()
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        names |= set(re.findall(r'name="([A-Za-z_][\w\-]*)"', path.read_text(encoding="utf-8")))
    for path in Path(settings.BASE_DIR).glob("*/**/*.py"):
        if ".venv" in path.parts or "tests" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if "forms." in text:
            names |= set(re.findall(r"^\s+(\w+) = (?:forms|filters|django_filters)\.\w+\(", text, re.M))
            # A ModelForm's Meta.fields, which no `name = forms.…(` line states.
            for listed in re.findall(r"^\s+fields = \[([^\]]*)\]", text, re.M):
                names |= set(re.findall(r'"(\w+)"', listed))
    names |= kit_form_names()
    names -= {"csrfmiddlewaretoken"}
    return sorted(names)


def kit_form_names() -> set[str]:
    """The fields of the forms the kit makes from each declaration (entry, filter, query and
    statistics forms), which no template or form class names."""
    names = {"dimension"}  # the statistics' other fields are the query's conditions
    for module in declaration.all_modules():
        names |= set(record_form(module).base_fields)
        names |= set(filter_form(module).base_fields) if filter_form(module) else set()
        names |= set(query_form(module).base_fields) if module.query_fields else set()
        if wiring.batch_of(module):  # the batch page's filter, apart from its entry form
            names |= {f"{batch.FILTER}-{name}" for name in batch.filter_form().base_fields}
    return names


@pytest.fixture
def cast(cast):
    return with_duty_users(cast)


def allowed_user(route, cast) -> str | None:
    for name, *_ in USERS + DUTY_USERS:
        if expected_status(route, cast, name) & OK:
            return name
    return None


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.label)
def test_no_bad_value_answers_with_a_server_error(cast, route):
    username = allowed_user(route, cast)
    assert username is not None, f"no cast member opens {route.name}"
    client = cast.client(username)
    url = reverse(route.name, kwargs=resolve_kwargs(route, cast))
    names = parameter_names()
    for value in BAD_VALUES:
        data = dict.fromkeys(names, value)
        for method in ("get", "post"):
            response = getattr(client, method)(url, data)
            assert response.status_code < 500, f"{username} {method.upper()} {url} {value!r}: {response.status_code}"
