"""Queries compiled once (project.prepared) load what the ORM loads; the session engine reads
what Django's database engine reads."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from org.auth import USER_WITH_UNIT, ModulePermissionBackend
from org.models import Module, Unit, User
from org.sessions import SessionStore
from project.prepared import Prepared
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def test_the_user_with_unit_is_the_orms(cast):
    user = make_user("prepared", cast.units["county_a"], [Module.FILES, Module.PETITIONS], full_name="张<三>")
    expected = User.objects.select_related("unit").get(pk=user.pk)
    for _ in range(2):  # compiled on the first call, reused on the second
        with CaptureQueriesContext(connection) as queries:
            loaded = ModulePermissionBackend().get_user(user.pk)
            unit = loaded.unit
        assert len(queries) == 1
        assert fields(loaded) == fields(expected) and fields(unit) == fields(expected.unit)
        assert loaded.modules == [Module.FILES, Module.PETITIONS] and isinstance(unit, Unit)
        assert not loaded._state.adding and loaded._state.db == "default"
    assert ModulePermissionBackend().get_user(-1) is None
    assert ModulePermissionBackend().get_user("x") is None
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert ModulePermissionBackend().get_user(user.pk) is None
    assert USER_WITH_UNIT.all(user.pk)[0].pk == user.pk


def test_sentinels_must_be_the_parameters():
    with pytest.raises(ValueError):
        Prepared(lambda pk: Unit.objects.filter(pk=pk, depth=2), -3).all(1)


def test_sessions_read_as_djangos(cast):
    store = SessionStore()
    store["answer"] = 42
    store.create()
    key = store.session_key
    assert SessionStore(key).load() == DjangoSessionStore(key).load() == {"answer": 42}
    Session.objects.filter(pk=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    for engine in (SessionStore, DjangoSessionStore):
        expired = engine(key)
        assert expired.load() == {} and expired.session_key is None
    missing = SessionStore("nosuchkey12345678901234567890abc")
    assert missing.load() == {} and missing.session_key is None


def test_pk_url_is_reverse():
    from django.urls import NoReverseMatch, reverse

    from project.links import pk_url

    for pk in (1, 7, 918273645, 12345678901):
        assert pk_url("records:file_detail", pk) == reverse("records:file_detail", args=[pk])
    assert pk_url("records:file_detail", "12") == reverse("records:file_detail", args=["12"])
    with pytest.raises(NoReverseMatch):
        pk_url("records:file_detail", None)
    with pytest.raises(NoReverseMatch):
        pk_url("home", 1)
