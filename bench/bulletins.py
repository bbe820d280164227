"""The bench of policy documents, briefs and notices (issue 22): 100,000 documents, 50,000
notices and 20,000 briefs on the national tree, built set-based (generate_series), then the
real pages through Django's test client — the document search (15.6) with each condition,
the words-in-the-body search (bigram columns and their GIN indexes) at several selectivities, and the home page for many
users of every level — each beside the bare SQL the page sent (replayed). The table goes to
bench/results/bulletins.md.

    DJANGO_SETTINGS_MODULE=bench.settings BENCH_DATABASE_NAME=bangfu_bench_bulletins \\
        python -m bench.bulletins [--rebuild] [--runs 30]
"""

import argparse
import os
import random
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("BENCH_DATABASE_NAME", "bangfu_bench_bulletins")

DOCUMENTS, NOTICES, BRIEFS = 100_000, 50_000, 20_000
BODY_CHARS = 600
# Common characters of union documents, most frequent first: a body draws them Zipf-like.
CHARS = (
    "的工会职困难帮扶作业中国人在和有关全总省市区县街道为了对是以于发展作进行要各级组织服务生活保障"
    "劳动合同工资社会救助医疗教育培训就业农民工女会员权益维护安全生产民主管理建设推动落实加强完善"
    "制度政策法规文件通知简报意见办法规定实施方案计划总结报告会议精神学习贯彻部署开展活动慰问送温暖"
    "金秋助学春节元旦节日基层单位企业事业机关党委政府部门领导干部群众家庭子女老人儿童病残疾低保边缘"
    "资金专项财政预算审计监督检查考核评价统计信息系统网络平台数据档案记录登记申请审批办理受理答复"
)
# Phrases planted in a known share of the bodies: the search's selectivities.
PLANTED = [("困难职工帮扶", 0.10), ("劳动合同", 0.01), ("送温暖工程", 0.001), ("农民工工资保证金", 0.0001)]
RESULTS = Path(__file__).resolve().parent / "results" / "bulletins.md"


def _ensure_database() -> None:
    from django.conf import settings

    from bench.run import admin_connection

    name = settings.DATABASES["default"]["NAME"]
    with admin_connection() as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _body_sql(rows: int, chars: int = BODY_CHARS) -> str:
    """A body per row: BODY_CHARS characters drawn Zipf-like from CHARS, with the planted
    phrases in their shares (random() after setseed: the same data on every build)."""
    planted = " || ".join(f"CASE WHEN random() < {share} THEN '{phrase}' ELSE '' END" for phrase, share in PLANTED)
    return f"""
        SELECT i, b.text || {planted} AS text
        FROM generate_series(1, {rows}) i
        CROSS JOIN LATERAL (
            SELECT string_agg(substr(%(chars)s, 1 + floor(%(n)s * random() ^ 2)::int, 1), '') AS text
            FROM generate_series(1, {chars}) j WHERE i > 0  -- i: a new body for every row
        ) b"""


def build() -> None:
    """The tree (31 provinces, ~50,000 units), the bench's users, then the three tables."""
    from django.db import connection, transaction

    from bench.generate import fanout_for, load_tree
    from org.models import Module, Unit, User

    _with_search_indexes(False)
    with transaction.atomic():
        load_tree(fanout_for(1))
        author = User.objects.create(username="bulletins_author", unit=Unit.objects.get(depth=1),
                                     modules=[Module.BULLETINS], must_change_password=False)  # fmt: skip
        _create_readers()
        params = {"chars": CHARS, "n": len(CHARS), "author": author.pk}
        with connection.cursor() as cursor:
            cursor.execute("SELECT setseed(0.22)")
            _insert_documents(cursor, params)
            _insert_notices(cursor, params)
            _insert_briefs(cursor, params)
            _insert_reads(cursor)
    _with_search_indexes(True)
    with connection.cursor() as cursor:
        for table in ("bulletins_policydocument", "bulletins_notice", "bulletins_brief", "bulletins_noticeread"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def _search_indexes() -> list:
    from bulletins.models import Brief, Notice, PolicyDocument

    return [(model, index) for model in (PolicyDocument, Notice, Brief) for index in model._meta.indexes
            if "trgm" in index.name or "bigram" in index.name]  # fmt: skip


def _with_search_indexes(present: bool) -> None:
    """Rows first, then the trigram and bigram GIN indexes in one build each (after the rows are
    committed): kept up row by row, a GIN index of 60 million entries made the inserts many times slower."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
    with connection.schema_editor(atomic=False) as editor:
        for model, index in _search_indexes():
            (editor.add_index if present else editor.remove_index)(model, index)


def _create_readers() -> None:
    """Users without a second factor (政策文件 and 信访接待, no files, no unit admin): 60
    streets, 30 counties, 20 cities, 10 provinces and the national unit, over every branch."""
    from org.models import Module, Unit, User

    rng = random.Random(22)
    users = []
    for depth, count in ((1, 1), (2, 10), (3, 20), (4, 30), (5, 60)):
        units = list(Unit.objects.filter(depth=depth).values_list("pk", flat=True))
        for n, unit_id in enumerate(rng.sample(units, min(count, len(units))), start=1):
            users.append(User(username=f"reader{depth}_{n}", unit_id=unit_id, modules=[Module.BULLETINS,
                              Module.PETITIONS], must_change_password=False, unit_confirmed=True,
                              profile_confirmed=True, password="!"))  # fmt: skip
    User.objects.bulk_create(users)


def _publishers(cursor) -> str:
    """The national unit and the provinces, as an array of ids (the publishers of everything)."""
    cursor.execute("SELECT array_agg(id ORDER BY path) FROM org_unit WHERE depth <= 2")
    return "(ARRAY[" + ",".join(str(pk) for pk in cursor.fetchone()[0]) + "])"


def _insert_documents(cursor, params) -> None:
    units = _publishers(cursor)
    categories = "ARRAY['national_law','local_law','acftu','province','other_local']"
    cursor.execute(
        f"""INSERT INTO bulletins_policydocument (title, keywords, body, body_text, published_on, unit_id,
                author_id, created_at, updated_at, category, number, issuer, effective_on, is_valid)
            SELECT left(text, 12) || '的通知', substr(text, 20, 4) || ' ' || substr(text, 40, 4),
                   '<p>' || text || '</p>', text, date '2000-01-01' + (i %% 9490), {units}[1 + i %% 32],
                   %(author)s, now(), now(), ({categories})[1 + i %% 5], '工发〔' || (2000 + i %% 26) || '〕' || i || '号',
                   '发文机关' || (i %% 97), NULL, i %% 17 <> 0
            FROM ({_body_sql(DOCUMENTS)}) bodies""",
        params,
    )


def _insert_notices(cursor, params) -> None:
    units = _publishers(cursor)
    cursor.execute(
        f"""INSERT INTO bulletins_notice (title, keywords, body, body_text, published_on, unit_id, author_id,
                created_at, updated_at, shown, valid_until)
            SELECT left(text, 14) || '的通知', '', '<p>' || left(text, 200) || '</p>', left(text, 200),
                   current_date - (i %% 3650), {units}[1 + i %% 32], %(author)s, now(), now(), i %% 10 <> 0,
                   CASE WHEN i %% 4 = 0 THEN current_date - (i %% 3650) + 30 END
            FROM ({_body_sql(NOTICES, 200)}) bodies""",
        params,
    )


def _insert_briefs(cursor, params) -> None:
    units = _publishers(cursor)
    cursor.execute(
        f"""INSERT INTO bulletins_brief (title, keywords, body, body_text, published_on, unit_id, author_id,
                created_at, updated_at, issue)
            SELECT left(text, 12) || '工作简报', '', '<p>' || text || '</p>', text, current_date - (i %% 3650),
                   {units}[1 + i %% 32], %(author)s, now(), now(), (2026 - i %% 10) || '年第' || (1 + i %% 24) || '期'
            FROM ({_body_sql(BRIEFS, 300)}) bodies""",
        params,
    )


def _insert_reads(cursor) -> None:
    """Each reader has opened a third of the notices of the last year that they see."""
    cursor.execute(
        """INSERT INTO bulletins_noticeread (notice_id, user_id, read_at)
           SELECT n.id, u.id, now() FROM org_user u JOIN org_unit uu ON uu.id = u.unit_id
           JOIN org_unit nu ON nu.path IN (left(uu.path, 4), left(uu.path, 8))
           JOIN bulletins_notice n ON n.unit_id = nu.id AND n.published_on > current_date - 365 AND n.id % 3 = 0
           WHERE u.username LIKE 'reader%%'"""
    )


# --- timing ----------------------------------------------------------------------------------------


def _touches_bulletins(sql: str) -> bool:
    return '"bulletins_' in sql


def _ok(response):
    assert response.status_code == 200, (response.status_code, response.get("Location"))
    return response


def _page(table, label: str, scope: str, client, url: str, runs: int, note: str = "") -> None:
    from bench.operations import page_statements
    from bench.timing import timed

    request = lambda: _ok(client.get(url))  # noqa: E731
    bare = _replay(page_statements(request, _touches_bulletins))
    table.add(label, scope, timed(request, runs), timed(bare, runs), note)


def _replay(statements):
    from django.db import connection

    def run():
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                cursor.fetchall()

    return run


def _client(username: str):
    from django.test import Client

    from org.models import User

    client = Client()
    client.force_login(User.objects.get(username=username), backend="org.auth.ModulePermissionBackend")
    return client


def _matches(condition: str, value: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM bulletins_policydocument WHERE {condition}", [value])
        return cursor.fetchone()[0]


SEARCHES = [
    # label, query string, note
    ("search: 正文 planted 6 chars (10%)", {"words": "困难职工帮扶"}),
    ("search: 正文 planted 4 chars (1%)", {"words": "劳动合同"}),
    ("search: 正文 planted 5 chars (0.1%)", {"words": "送温暖工程"}),
    ("search: 正文 planted 8 chars (0.01%)", {"words": "农民工工资保证金"}),
    ("search: 正文 3 chars absent", {"words": "龘靐齉"}),
    ("search: 正文 2 chars common", {"words": "工会"}),
    ("search: 正文 2 chars rare", {"words": "审答"}),
    ("search: 正文 1 char", {"words": "审"}),
    ("search: 标题 contains", {"title": "帮扶"}),
    ("search: 标题 2 chars rare", {"title": "审答"}),
    ("search: 文号", {"number": "〕12345号"}),
    ("search: 关键字", {"keywords": "劳动"}),
    ("search: 类别 + 日期范围", {"category": "acftu", "date_from": "2010-01-01", "date_to": "2010-12-31"}),
    ("search: 发布单位", {"publisher": "省3工会"}),
    ("search: 类别 + 正文 + 日期", {"category": "local_law", "words": "劳动合同", "date_from": "2015-01-01"}),
]


def searches(table, runs: int) -> None:
    from urllib.parse import urlencode

    from django.urls import reverse

    client = _client("reader2_1")
    for label, query in SEARCHES:
        note = f"{_matches('body_text LIKE %s', '%' + query['words'] + '%'):,} docs match" if "words" in query else ""
        _page(table, label, "100,000 documents", client, reverse("bulletins:document_list") + "?" + urlencode(query),
              runs, note)  # fmt: skip


def home_pages(table, runs: int) -> None:
    """The home page for every reader of a level in turn (a real mix: no user twice in a row)."""
    from django.urls import reverse

    from bench.operations import page_statements
    from bench.timing import timed
    from org.models import User

    for depth, label in ((5, "street"), (4, "county"), (2, "province"), (1, "national")):
        clients = [_client(u) for u in User.objects.filter(username__startswith=f"reader{depth}_").values_list(
            "username", flat=True)]  # fmt: skip
        request = _rotating(clients, reverse("home"))
        bare = _replay(page_statements(request, _touches_bulletins))
        table.add("home page", f"{label} ({len(clients)} users)", timed(request, max(runs, 4 * len(clients))),
                  timed(bare, runs), "notices + briefs + unread marks")  # fmt: skip


def _rotating(clients: list, url: str):
    """Each call as the next user in turn."""
    turn = iter(range(10**9))
    return lambda: _ok(clients[next(turn) % len(clients)].get(url))


def explain(words: str) -> str:
    """The plan of the search's second step (outside the window): the phrase's bigrams through
    the GIN index, then the exact LIKE (bulletins.selectors.containing)."""
    from django.db import connection

    from bulletins.models import bigrams

    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) SELECT id FROM bulletins_policydocument"
            " WHERE body_text_bigrams @> %s::text[] AND body_text LIKE %s ORDER BY published_on DESC, id DESC LIMIT 51",
            [bigrams(words), "%" + words + "%"],
        )
        return "\n".join(row[0] for row in cursor.fetchall())


def index_sizes() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexrelname, pg_size_pretty(pg_relation_size(indexrelid)) FROM pg_stat_user_indexes"
            " WHERE relname = 'bulletins_policydocument' AND indexrelname ~ '(trgm|bigram)$' ORDER BY 1"
        )
        sizes = ", ".join(f"{name} {size}" for name, size in cursor.fetchall())
        cursor.execute("SELECT pg_size_pretty(pg_table_size('bulletins_policydocument'))")
        return f"Search indexes of the documents: {sizes}; the table (with TOAST) {cursor.fetchone()[0]}."


def main(argv=None) -> None:
    import django

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args(argv)
    django.setup()
    from django.conf import settings

    from bench.run import admin_connection
    from bench.timing import Table, machine

    name = settings.DATABASES["default"]["NAME"]
    if args.rebuild:
        with admin_connection() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _ensure_database()
    from django.core.management import call_command

    from bulletins.models import PolicyDocument

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # the pages render with DEBUG off

    built = ""
    if not PolicyDocument.objects.exists():
        started = time.monotonic()
        build()
        built = f"Built in {time.monotonic() - started:.0f} s. "
    load = os.getloadavg()[0]  # the machine may be shared: the figures carry its queue
    table = Table()
    searches(table, args.runs)
    home_pages(table, args.runs)
    plans = "\n\n".join(f"`{w}`:\n\n```\n{explain(w)}\n```" for w in ("劳动合同", "审答"))
    header = (f"# Bulletins bench\n\n{machine()}. {built}Database `{name}`: {DOCUMENTS:,} documents of "
              f"{BODY_CHARS} characters, {NOTICES:,} notices, {BRIEFS:,} briefs. {args.runs} runs each. Load average (1 min) "
              f"{load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end. {index_sizes()}")  # fmt: skip
    RESULTS.write_text(table.markdown(header) + "\n## Plans\n\n" + plans + "\n", encoding="utf-8")
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
