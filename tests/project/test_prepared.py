"""Queries compiled once (project.prepared) load what the ORM loads; the session engine reads
what Django's database engine reads."""

from datetime import timedelta

import pytest
from django.conf import settings
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


def test_a_parameter_computed_from_a_sentinel_is_refused():
    """Frozen into the SQL, `depth + 1` would answer every later call with the first value."""
    with pytest.raises(ValueError):
        Prepared(lambda depth: Unit.objects.filter(depth=depth + 1), 30_000).all(1)
    with pytest.raises(ValueError):  # a list spelled out with __in changes length
        Prepared(lambda pks: Unit.objects.filter(pk__in=pks), [-3]).all([1, 2])


def test_repeated_sentinels_prefixes_constants_lists_and_annotations_load_as_the_orm(cast):
    """One compiled query answers every unit as the ORM's own query would: a sentinel used
    twice, a __startswith prefix, constants beside them, a list through __any, annotations."""
    from django.db.models import Case, Q, Value, When

    def build(unit_id, path, pks):
        state = Case(When(Q(pk=unit_id), then=Value("self")), default=Value("other"))
        return (
            Unit.objects.filter(Q(pk=unit_id) | Q(path__startswith=path, depth__gte=2), pk__any=pks)
            .annotate(relation=state)
            .order_by("path")
        )

    prepared = Prepared(build, -7, "\x00path", [-8])
    every = list(Unit.objects.values_list("pk", flat=True))
    for key in ["national", "province_a", "county_a", "street_a", "province_b"]:
        unit = cast.units[key]
        with CaptureQueriesContext(connection) as queries:
            loaded = prepared.all(unit.pk, unit.path, every)
        expected = list(build(unit.pk, unit.path, every))
        assert len(queries) == 1 and "ANY(" in queries[0]["sql"]
        assert [fields(u) for u in loaded] == [fields(u) for u in expected], key
        assert [u.relation for u in loaded] == [u.relation for u in expected], key
    assert prepared.all(cast.units["county_a"].pk, "no_such_path", []) == []
    assert [u.pk for u in Unit.objects.filter(pk__any=every[:2])] == sorted(every[:2])
    values = Prepared(lambda path: Unit.objects.filter(path__startswith=path).values_list("pk", "name"), "\x00p")
    province = cast.units["province_a"]
    assert values.all(province.path) == list(
        Unit.objects.filter(path__startswith=province.path).values_list("pk", "name")
    )
    units = [cast.units["county_a"].pk, cast.units["province_b"].pk]  # and on a foreign key
    assert set(User.objects.filter(unit_id__any=units)) == set(User.objects.filter(unit_id__in=units)) != set()


def server_statements() -> list[str]:
    """The statements this session has prepared on the server."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [statement for (statement,) in cursor.fetchall()]


PREPARING = pytest.mark.skipif(
    settings.DATABASES["default"]["OPTIONS"].get("prepare_threshold") is None,
    reason="BANGFU_PREPARED_STATEMENTS=0: no statement is prepared on the server",
)


@PREPARING
def test_statements_are_prepared_on_the_server_unless_a_like_prefix_needs_its_value(cast):
    """PostgreSQL parses and may plan a prepared statement once for every value: that suits a
    lookup by id, not `LIKE $1`, whose index range only a plan for the value can use."""
    county = cast.units["county_a"]
    by_id = Prepared(lambda pk: Unit.objects.filter(pk=pk).order_by(), -7)
    by_prefix = Prepared(lambda path: Unit.objects.filter(path__startswith=path).order_by("path"), "\x00p")
    by_id_and_prefix = Prepared(
        lambda pk, path: Unit.objects.filter(pk=pk, path__startswith=path).order_by(), -7, "\x00p", server_plan=True
    )
    with CaptureQueriesContext(connection) as queries:  # logged with their values, as the ORM's
        assert [u.pk for u in by_id.all(county.pk)] == [county.pk]
    assert f'"org_unit"."id" = {county.pk}' in queries[0]["sql"]
    assert [u.pk for u in by_prefix.all(county.path)] == list(
        Unit.objects.filter(path__startswith=county.path).order_by("path").values_list("pk", flat=True)
    )
    assert by_id_and_prefix.first(county.pk, cast.units["city_a"].path).pk == county.pk
    assert by_id_and_prefix.first(county.pk, cast.units["province_b"].path) is None
    prepared = {statement.replace("$1", "%s").replace("$2", "%s") for statement in server_statements()}
    sql_of = {name: p._compiled(connection)["sql"] for name, p in
              [("id", by_id), ("prefix", by_prefix), ("both", by_id_and_prefix)]}  # fmt: skip
    assert sql_of["id"] in prepared and sql_of["both"] in prepared
    assert sql_of["prefix"] not in prepared


@PREPARING
def test_every_page_s_fixed_statements_are_prepared_on_the_server(cast):
    """The session, the user, the header's reminder count: planned once per connection."""
    cast.client("county_a").get("/")
    prepared = " ".join(server_statements())
    assert 'FROM "django_session"' in prepared and 'FROM "org_user"' in prepared
    assert 'FROM "approvals_reportaction"' in prepared


def test_a_failed_transaction_keeps_prepared_statements_usable(cast):
    """A statement prepared in a transaction that then fails is still there (or prepared again)
    for the next request on the same connection."""
    from django.db import DatabaseError, transaction

    county = cast.units["county_a"]
    by_id = Prepared(lambda pk: Unit.objects.filter(pk=pk).order_by(), -7)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        assert by_id.first(county.pk).pk == county.pk
        cursor.execute("SELECT 1 / 0")
    assert by_id.first(county.pk).pk == county.pk
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT 1 / 0")  # failed before the statement's first run in it
        by_id.first(county.pk)
    assert by_id.first(cast.units["city_a"].pk).pk == cast.units["city_a"].pk


@PREPARING
@pytest.mark.django_db(transaction=True)
def test_a_column_changed_by_another_connection_does_not_break_prepared_statements():
    """A migration run elsewhere changes the type of a column a prepared statement returns:
    PostgreSQL then refuses the statement ("cached plan must not change result type") on every
    run until the connection ends. The cursor drops its prepared statements and runs again."""
    from project.prepared import server_cursor

    other = connection.get_new_connection(connection.get_connection_params())
    other.autocommit = True
    try:
        other.execute("CREATE TABLE prepared_probe (value varchar(5))")
        other.execute("INSERT INTO prepared_probe VALUES ('短')")
        for _ in range(2):
            with server_cursor(connection) as cursor:
                cursor.execute("SELECT value FROM prepared_probe")
                assert cursor.fetchall() == [("短",)]
        assert any("prepared_probe" in statement for statement in server_statements())
        other.execute("ALTER TABLE prepared_probe ALTER COLUMN value TYPE integer USING 7")
        with server_cursor(connection) as cursor:
            cursor.execute("SELECT value FROM prepared_probe")
            assert cursor.fetchall() == [(7,)]
    finally:
        other.execute("DROP TABLE IF EXISTS prepared_probe")
        other.close()


def test_a_new_prepared_never_takes_a_freed_one_s_compiled_statement(cast):
    """Compiled statements are kept on the connection, which outlives short-lived Prepared
    objects: a new one must not find the statement of a freed one (at a reused id())."""
    county = cast.units["county_a"]
    keys = set()
    for sentinels in [(-7, "\x00p", [-8]), ("\x00p",)] * 20:
        if len(sentinels) == 3:
            prepared = Prepared(lambda pk, path, pks: Unit.objects.filter(pk=pk, path__startswith=path, pk__any=pks),
                                *sentinels)  # fmt: skip
            assert prepared.first(county.pk, county.path, [county.pk]).pk == county.pk
        else:
            prepared = Prepared(lambda path: Unit.objects.filter(path__startswith=path).order_by("path"), *sentinels)
            assert prepared.first(county.path).pk == county.pk
        assert prepared.key not in keys
        keys.add(prepared.key)
        del prepared


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
