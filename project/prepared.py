"""Fixed-shape ORM queries compiled once per database connection.

Building and compiling a queryset costs more CPU than running a small indexed query (0.5–0.9
ms against ~0.15 ms). For the queries every request runs with the same shape, `Prepared`
compiles the queryset once (its varying values given as sentinels) and afterwards runs the same
SQL with the request's values, loading rows exactly as the ORM does (its column converters, the
models of select_related, the annotations): same SQL, same objects. A values_list() query
gives its tuples (or values, with flat=True), as the ORM would.

Each SQL parameter of the compiled queryset must be one of:
- a sentinel, as given (an equality or IN lookup, a list for `__any`), in as many places as
  the query uses it;
- a text sentinel followed by "%" (a `__startswith` lookup), which becomes the value, escaped
  for LIKE as Django escapes it, followed by "%";
- a constant that does not depend on the sentinels (a state name in a CASE, say).
Compiling twice with different sentinels tells these apart; a parameter computed from a
sentinel any other way (`depth + 1`) is refused with ValueError on first use rather than
frozen into the SQL.

The statement is also prepared on the server, once per connection: PostgreSQL then parses it
once and, after five runs, may plan it once for every value (its generic plan). Planning these
joins cost PostgreSQL 0.1–1 ms a run, more than running them (pg_stat_statements under the
bench's load). A generic plan cannot use an index range for `LIKE $1`, so a statement with a
LIKE prefix is planned for each value unless its caller says that a lookup by id drives its
plan whatever the prefix (`server_plan=True`)."""

import itertools
from collections.abc import Callable
from types import SimpleNamespace

from django.db import connections
from django.db.backends.postgresql.base import TIMESTAMPTZ_OID, ServerBindingCursor
from django.db.backends.postgresql.psycopg_any import register_tzloader
from django.db.models import Field, ForeignObject, Lookup, QuerySet
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    ValuesListIterable,
    get_related_populators,
)
from psycopg import errors, pq
from psycopg.pq import Format

_VALUE, _PREFIX, _CONSTANT = "value", "prefix", "constant"
_NUMBERS = itertools.count()
_MODELS, _TUPLES, _FLAT = "models", "tuples", "flat"
_SHAPES = {ModelIterable: _MODELS, ValuesListIterable: _TUPLES, FlatValuesListIterable: _FLAT}


class Any(Lookup):
    """`field__any=[…]`: `field = ANY(%s)` with the list as one array parameter — the same rows
    as `__in`, but one SQL text for every length of the list (so it can be Prepared)."""

    lookup_name = "any"
    prepare_rhs = False  # a list: each item is prepared below, not the list as one value

    def get_prep_lookup(self):
        return [self.lhs.output_field.get_prep_value(v) for v in self.rhs]

    def get_db_prep_lookup(self, value, connection):
        return ("%s", [[self.lhs.output_field.get_db_prep_value(v, connection) for v in value]])

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


Field.register_lookup(Any)
ForeignObject.register_lookup(Any)  # foreign keys have their own lookups: `person_id__any`


def _other(sentinel):
    """A second sentinel of the same kind, for the second compilation. Integers move away from
    zero: Django answers a lookup outside a positive field's range with no query at all."""
    if isinstance(sentinel, bool):
        raise TypeError("a boolean cannot be a sentinel")
    if isinstance(sentinel, int):
        return sentinel + 1 if sentinel > 0 else sentinel - 1
    if isinstance(sentinel, str):
        return sentinel + "\x01"
    if isinstance(sentinel, list):
        return [_other(item) for item in sentinel]
    raise TypeError(f"unsupported sentinel {sentinel!r}")


def _same(param, sentinel) -> bool:
    """The parameter is the sentinel, as given or wrapped by the backend (psycopg's Int4 for
    an integer field is an int subclass)."""
    kind = int if isinstance(sentinel, int) else type(sentinel)
    return isinstance(param, kind) and not isinstance(param, bool) and param == sentinel


def _roles(params, sentinels) -> list[tuple]:
    """What each parameter is: (_VALUE, index, the backend's wrapper type or None), (_PREFIX,
    index, None) or (_CONSTANT, the value, None)."""
    roles = []
    for param in params:
        role = (_CONSTANT, param, None)
        for index, sentinel in enumerate(sentinels):
            if _same(param, sentinel):
                # A value takes the wrapper its sentinel was given (psycopg's Int4): the same SQL.
                role = (_VALUE, index, type(param) if type(param) is not type(sentinel) else None)
            elif isinstance(sentinel, str) and isinstance(param, str) and param == sentinel + "%":
                role = (_PREFIX, index, None)
        roles.append(role)
    return roles


class _PreparingCursor(ServerBindingCursor):
    """Django's server-binding cursor, preparing each statement on the server (psycopg keeps
    the prepared statements of a connection, the last 100 used)."""

    shown_by = None  # the connection's operations, when it logs queries (DEBUG, tests)

    def execute(self, query, params=None, *, prepare=True, binary=None):
        try:
            super().execute(query, params, prepare=prepare, binary=binary)
        except errors.FeatureNotSupported as error:
            # "cached plan must not change result type": a migration run from another
            # connection changed a column the statement returns, and psycopg only forgets its
            # statements on DDL or a rollback of its own. Outside a transaction: drop them
            # (psycopg sees DEALLOCATE ALL and forgets its own) and run once more; inside one,
            # its rollback does the same for the next request.
            idle = self.connection.info.transaction_status == pq.TransactionStatus.IDLE
            if "cached plan" not in str(error) or not idle:
                raise
            self.connection.execute("DEALLOCATE ALL")
            super().execute(query, params, prepare=prepare, binary=binary)
        if self.shown_by is not None:
            # Django's query log reads a statement's text from psycopg's `_query`, which a
            # prepared statement's run leaves empty: the text with its values, as Django's
            # own server-side binding logs it (None where the values cannot be shown).
            try:
                self._query = SimpleNamespace(query=self.shown_by.compose_sql(query, params).encode())
            except errors.DataError:
                self._query = None
        return self


def server_cursor(connection):
    """A cursor of `connection` like connection.cursor() (execute wrappers, query logging),
    whose statements are prepared on the server: for fixed statements that every request runs
    and whose plan suits every value (a lookup by key, no LIKE prefix).

    Values are sent apart from the statement, each with its own type (a small Python int as a
    smallint): right for the comparisons the ORM writes, not for arithmetic on two values
    (`%s * %s` overflows a smallint), which must cast or use connection.cursor()."""
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        cursor = _PreparingCursor(connection.connection)
        # As Django's create_cursor: the cursor's time zone when the connection's differs.
        if connection.timezone != connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT).timezone:
            register_tzloader(connection.timezone, cursor)
        if connection.queries_logged:
            cursor.shown_by = connection.ops
        return connection._prepare_cursor(cursor)


class Prepared:
    def __init__(self, build: Callable[..., QuerySet], *sentinels, server_plan: bool | None = None):
        """`build(*values)` returns the queryset; `sentinels` are example values of a kind no
        real request uses (negative ids, a text with a NUL), each reaching the SQL parameters
        as described in the module's docstring. `server_plan`: whether PostgreSQL may keep one
        plan for every value; by default, unless a parameter is a LIKE prefix."""
        self.build = build
        self.sentinels = sentinels
        self.server_plan = server_plan
        # Where the compiled statement is kept on each connection: a number no other Prepared
        # ever has (an id() is reused once its object is freed, and the connection outlives it).
        self.key = f"_prepared_{next(_NUMBERS)}"
        self._db = None

    def _parameters(self, connection, queryset: QuerySet):
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        return compiler, sql, list(params)

    def _compiled(self, connection):
        queryset = self.build(*self.sentinels)
        shape = _SHAPES.get(queryset._iterable_class)
        if shape is None:
            raise TypeError(f"{queryset._iterable_class.__name__} rows cannot be prepared")
        compiler, sql, params = self._parameters(connection, queryset)
        others = [_other(sentinel) for sentinel in self.sentinels]
        if any(other in self.sentinels for other in others):
            raise ValueError(f"sentinels {self.sentinels!r} too close together: space them by more than 1")
        _compiler, other_sql, other_params = self._parameters(connection, self.build(*others))
        roles = _roles(params, self.sentinels)
        if sql != other_sql or roles != _roles(other_params, others):
            raise ValueError(f"the parameters {params!r} are not sentinels or constants of {self.sentinels!r}")
        select, klass_info = compiler.select, compiler.klass_info
        converters = compiler.get_converters([column[0] for column in select])
        server = self.server_plan if self.server_plan is not None else all(role != _PREFIX for role, *_ in roles)
        common = {"sql": sql, "roles": roles, "compiler": compiler, "shape": shape, "converters": converters,
                  "server": server}  # fmt: skip
        if shape != _MODELS:  # values_list(): the rows are the tuples, or their one value
            return common
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        return {
            **common,
            "model": klass_info["model"],
            "start": start,
            "end": end,
            "init_list": [column[0].target.attname for column in select[start:end]],
            "annotations": list(compiler.annotation_col_map.items()),
            "populators": get_related_populators(klass_info, select, compiler.using),
        }

    def _params(self, connection, roles, values) -> list:
        if len(values) != len(self.sentinels):
            raise TypeError(f"{len(self.sentinels)} values expected, {len(values)} given")
        params = []
        for role, what, wrapper in roles:
            if role == _VALUE:
                value = values[what]
                params.append(wrapper(value) if wrapper is not None and value is not None else value)
            elif role == _PREFIX:
                params.append(connection.ops.prep_for_like_query(values[what]) + "%")
            else:
                params.append(what)
        return params

    def all(self, *values) -> list:
        if self._db is None:
            self._db = self.build(*self.sentinels).db
        connection = connections[self._db]
        compiled = getattr(connection, self.key, None)  # per connection: per thread
        if compiled is None:
            compiled = self._compiled(connection)
            setattr(connection, self.key, compiled)
        with server_cursor(connection) if compiled["server"] else connection.cursor() as cursor:
            cursor.execute(compiled["sql"], self._params(connection, compiled["roles"], values))
            rows = cursor.fetchall()
        if compiled["converters"]:
            rows = compiled["compiler"].apply_converters(rows, compiled["converters"])
        if compiled["shape"] == _TUPLES:
            return [tuple(row) for row in rows]
        if compiled["shape"] == _FLAT:
            return [row[0] for row in rows]
        model, start, end, init_list = compiled["model"], compiled["start"], compiled["end"], compiled["init_list"]
        annotations, populators = compiled["annotations"], compiled["populators"]
        objects = []
        for row in rows:
            obj = model.from_db(connection.alias, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for name, position in annotations:
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects

    def first(self, *values):
        objects = self.all(*values)
        return objects[0] if objects else None
