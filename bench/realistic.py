"""The realistic load's requests: every generated load user (bench.generate.create_load_users)
signed in, each with twenty-three requests on their own unit's pages — lists with varied filters
and cursors, file pages, advanced queries, statistics with varied conditions, the reminder inbox,
a list, a state tab and a record of one module declared on the kit — two of them writes: a street saves one of its files and reports a few; the levels above return
files received from below and report others up. The generator picks a user, then one of that
user's requests, for each request it sends."""

import random
import re
import statistics
from collections import Counter
from urllib.parse import urlencode

from django.conf import settings

from approvals.selectors import visible_to
from bench import posts
from bench.generate import GIVEN, SURNAMES, load_users, signed_in_sessions
from bench.records import record_modules
from bench.timing import p95
from records.models import FileCategory, FileStatus, WorkerFile

MOVE_BATCH = 5  # files a report or return takes at once
STATISTICS_CONDITIONS = [{}, {"head_gender": "F"}, {"category": "subsistence"},
                         {"head_birth_date_from": "1960-01-01", "head_birth_date_to": "1975-12-31"},
                         {"single_parent": "1"}]  # fmt: skip
DIMENSIONS = ["head.gender", "head.political_status", "head.health", "marital_status", "household_registration"]
STATES = ["draft", "received", "returned", "reported"]


def plan() -> list[tuple[str, list[tuple[str, str, str | None]]]]:
    """(cookie, requests) per load user; a request is (method, path, body or None)."""
    users = load_users()
    sessions = signed_in_sessions(users)
    rng = random.Random(15)  # the same plan on every run of one database
    by_unit: dict[int, list] = {}
    result = []
    for user in users:
        if user.unit_id not in by_unit:
            by_unit[user.unit_id] = _unit_requests(user.unit, rng)
        cookie = f"{settings.SESSION_COOKIE_NAME}={sessions[user.pk]}; {posts.csrf_cookie()}"
        result.append((cookie, by_unit[user.unit_id]))
    return result


def _name(rng) -> str:
    return rng.choice(SURNAMES) + (rng.choice(GIVEN) if rng.random() < 0.5 else "")


def _sample_files(unit, rng, count: int) -> list[int]:
    """`count` visible files of the unit, spread over its range of ids (a random id, the next
    visible file below it)."""
    rows = visible_to(WorkerFile.objects.filter(status=FileStatus.ACTIVE), unit).order_by("-pk")
    top = rows.values_list("pk", flat=True).first()
    if top is None:
        return []
    found = []
    for _ in range(count):
        pk = rows.filter(pk__lte=rng.randint(1, top)).values_list("pk", flat=True).first()
        found.append(pk or top)
    return found


def _reads(unit, rng, files: list[int]) -> list[tuple[str, str, None]]:
    lists = ["/files/", f"/files/?{urlencode({'head_name': _name(rng)})}", "/files/migrant/", "/files/temporary/",
             f"/files/?state={rng.choice(STATES)}",
             f"/files/?{urlencode({'category': rng.choice(FileCategory.values[:3]), 'head_name': _name(rng)})}"]  # fmt: skip
    deep = [f"/files/?after={pk}" for pk in files[:2]]
    details = [f"/files/{pk}/" for pk in files[2:]]
    queries = [
        "/files/query/?" + urlencode({"q": "1", "include_subordinates": "on", "head_name": _name(rng)}),
        "/files/query/?" + urlencode({"q": "1", "include_subordinates": "on", "kind": rng.choice(["migrant", "hardship"]),
                                      "file_date_from": f"{rng.randint(2020, 2024)}-01-01", "head_gender": "F"}),
    ]  # fmt: skip
    stats = [
        "/files/statistics/?" + urlencode({"dimension": rng.choice(DIMENSIONS), **rng.choice(STATISTICS_CONDITIONS)})
        for _ in range(2)
    ]
    paths = lists + deep + (details or ["/files/"] * 4) + queries + stats + ["/reminders/"] * 2
    return [("GET", path, None) for path in paths]


def _record_reads(unit, rng) -> list[tuple[str, str, None]]:
    """One module of the kit (records.kit): its list, one of its state tabs, a record the unit sees."""
    module = rng.choice(record_modules())
    paths = [module.url("list"), f"{module.url('list')}?state={rng.choice(STATES)}"]
    pk = visible_to(module.model.objects.order_by("-pk"), unit).values_list("pk", flat=True).first()
    if pk is not None:
        paths.append(module.url("detail", pk))
    return [("GET", path, None) for path in paths]


def _writes(unit, rng, viewed: list[int]) -> list[tuple[str, str, str]]:
    """A street: save one of its files (edit page), report some of its drafts. Above: return
    some received files, report others up — not the files its file pages show (`viewed`): a
    unit sees a file it returned no more, so its next file page of it would answer 404, a
    right answer the load would count as an error. The national unit only reads."""
    if unit.depth == 1:
        return []
    reportable = WorkerFile.objects.filter(status=FileStatus.ACTIVE, problems=[], holder=unit).order_by("pk")
    if unit.depth == 5:
        own = list(reportable.filter(unit=unit).values_list("pk", flat=True)[: MOVE_BATCH * 4])
        file = WorkerFile.objects.filter(unit=unit, status=FileStatus.ACTIVE).select_related("head").first()
        writes = []
        if file is not None:
            assert posts.edit_form_valid(file), f"file {file.pk} does not save through its edit page unchanged"
            values = [(n, "BENCHSEQ" if n == "remarks" else v) for n, v in posts.edit_form_data(file)]
            writes.append(("POST", f"/files/{file.pk}/edit/", posts.body(values)))
        writes.append(_move("report", rng.sample(own, min(MOVE_BATCH, len(own)))))
        return writes
    received = reportable.filter(report_state="reported").exclude(pk__in=viewed)
    received = list(received.values_list("pk", flat=True)[: MOVE_BATCH * 4])
    picked = rng.sample(received, min(2 * MOVE_BATCH, len(received)))
    return [_move("return", picked[:MOVE_BATCH]), _move("report", picked[MOVE_BATCH:])]


def _move(move: str, pks: list[int]) -> tuple[str, str, str]:
    """上报/退回 of the checked files from the household-file list (?w= names it in the log)."""
    return ("POST", f"/files/?w={move}", posts.body([("move", move), *[("pks", str(pk)) for pk in pks]]))


REQUESTS_PER_UNIT = 23


def _unit_requests(unit, rng) -> list:
    """Twenty-three requests: twenty-one reads and two writes (the national unit: all reads)."""
    files = _sample_files(unit, rng, 6)
    reads = _reads(unit, rng, files) + _record_reads(unit, rng)
    writes = _writes(unit, rng, viewed=files[2:])
    while len(reads) + len(writes) < REQUESTS_PER_UNIT:
        reads.append(rng.choice(reads))
    return reads[: REQUESTS_PER_UNIT - len(writes)] + writes


KINDS = [
    ("file save", r"^POST /files/\d+/edit/"),
    ("report", r"^POST /files/ w=report"),
    ("return", r"^POST /files/ w=return"),
    ("list, deep", r"^GET /files/(migrant/|temporary/)? .*after="),
    ("list", r"^GET /files/(migrant/|temporary/)? "),
    ("file page", r"^GET /files/\d+/ "),
    ("query", r"^GET /files/query/ "),
    ("statistics", r"^GET /files/statistics/ "),
    ("inbox", r"^GET /reminders/ "),
    ("record page", rf"^GET /({'|'.join(m.url_prefix for m in record_modules())})/\d+/ "),
    ("record list", rf"^GET /({'|'.join(m.url_prefix for m in record_modules())})/ "),
]


WRITES = {"file save", "report", "return"}


def kind_of(line: str) -> str:
    for kind, pattern in KINDS:
        if re.search(pattern, line):
            return kind
    return "other"


def kinds_note(access: list[str]) -> str:
    """Per page kind of the access log's lines (method, path, query, status, µs): how many,
    their p95 and median in ms, and the answers other than 2xx/3xx (for writes: other than
    the redirect after success)."""
    times: dict[str, list[float]] = {}
    errors: dict[str, list[str]] = {}  # the statuses of the unexpected answers
    for line in access:
        parts = line.rsplit(" ", 2)
        if len(parts) != 3 or not parts[2].isdigit():
            continue
        kind = kind_of(parts[0])
        times.setdefault(kind, []).append(int(parts[2]) / 1000)
        # A write answers with its redirect: a 200 is its form shown again, refused.
        expected = ("3",) if kind in WRITES else ("2", "3")
        if not parts[1].startswith(expected):
            errors.setdefault(kind, []).append(parts[1])
    # Every kind of the plan has its entry, the ones a short run did not reach with a count of 0.
    for kind, _ in KINDS:
        times.setdefault(kind, [])
    return ", ".join(
        _kind_entry(kind, ms, errors.get(kind, []))
        for kind, ms in sorted(times.items(), key=lambda item: -len(item[1]))
    )


def _kind_entry(kind: str, ms: list[float], errors: list[str]) -> str:
    """`file page 172 / p95 147 (median 98) / 1 (404)`: the errors with their statuses, so a 404
    of a file a concurrent return took out of sight tells itself apart from a failure."""
    if not ms:
        return f"{kind} 0 / — / 0"
    statuses = f" ({', '.join(f'{s} ×{n}' if n > 1 else s for s, n in Counter(errors).items())})" if errors else ""
    return f"{kind} {len(ms):,} / p95 {p95(ms):.0f} (median {statistics.median(ms):.0f}) / {len(errors)}{statuses}"
