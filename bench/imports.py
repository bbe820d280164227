"""The Excel import of household files at national scale: `DJANGO_SETTINGS_MODULE=bench.settings
BENCH_DATABASE_NAME=bangfu_bench_1 python -m bench.imports [--rows 100000]`.

Writes a realistic legacy workbook (the import template's columns; households of one to five
persons with valid GB 11643 numbers; code-table values; dates in every accepted form — date
cells, Excel serial numbers, 1995年7月1日, 1995.7.1, 1995/7/1, 19950701; one household in a
hundred with a wrong check character), then times the real path in a fresh process: the
upload page's check (records.imports.check_upload), the job's creation and the worker's actor
(records.tasks.import_files) as the dramatiq worker runs it, as the street clerk bench5 (or a
street clerk of the demo data: BENCH_DATABASE_URL=… on a database after `seed_demo`).
Reports rows a second end to end and the worker process's peak RSS. The upload is committed
(the worker reads it, as in production), the import runs in a transaction rolled back at the
end and the job is deleted, so the bench database stays as it was built."""

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from bench.generate import GIVEN, SURNAMES, bench_users  # noqa: E402
from org.models import Code, Module, User  # noqa: E402
from records import id_numbers, imports  # noqa: E402
from records.models import FileCategory, FileImport  # noqa: E402
from records.tasks import import_files  # noqa: E402

AREA = "659001"  # 石河子: an address code the national data does not use, so the numbers are new
BAD_EVERY = 100  # one household in a hundred has a head's ID number with a wrong check character


def _date_cell(day: date, n: int):
    """The same date as legacy workbooks hold it, in turn."""
    forms = (
        day,
        (day - imports.EXCEL_EPOCH).days,
        f"{day.year}年{day.month}月{day.day}日",
        f"{day.year}.{day.month}.{day.day}",
        f"{day.year}/{day.month}/{day.day}",
        f"{day:%Y%m%d}",
    )
    return forms[n % len(forms)]


def _number(n: int, born: date, female: bool) -> str:
    first17 = f"{AREA}{born:%Y%m%d}{n * 2 + (0 if female else 1):03d}"
    return first17 + id_numbers.check_character(first17)


def _rows(count: int, rng: random.Random):
    """(cells by column name) of `count` rows, household by household."""
    codes = {}
    for table, value in Code.objects.values_list("table__key", "value"):
        codes.setdefault(table, []).append(value)
    relations = [v for v in codes["relation"] if v != imports.HEAD_RELATION]
    category = [str(c.label) for c in FileCategory]
    made, household = 0, 0
    while made < count:
        household += 1
        size = min(rng.choice((1, 2, 3, 3, 3, 4, 4, 5)), count - made)
        for position in range(size):
            n = made + position
            born = date(1940, 1, 1) + timedelta(days=n % 25_000)
            female = position % 2 == 1
            number = _number(n // 25_000, born, female)  # (birth date, sequence) differ for every n
            if position == 0 and household % BAD_EVERY == 0:
                number = number[:-1] + ("0" if number[-1] != "0" else "1")
            row = {
                "code": f"L{household:07d}", "name": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                "id_number": number, "birth_date": _date_cell(born, n), "political_status": rng.choice(codes["political_status"]),
                "health": rng.choice([v for v in codes["health"] if v != "残疾"]), "identity": rng.choice(codes["identity"]),
            }  # fmt: skip
            if position == 0:
                row |= {
                    "relation": imports.HEAD_RELATION, "ethnicity": rng.choice(codes["ethnicity"]),
                    "category": category[household % 3], "file_date": _date_cell(date(2025, 1, 1) + timedelta(days=household % 600), n),
                    "address": f"石河子市{household % 97}路{household % 313}号", "employer": "石河子纺织厂",
                    "household_size": size, "household_annual_income": rng.randrange(6_000, 60_000),
                    "monthly_income": rng.randrange(0, 3_000), "hardship_cause": rng.choice(codes["hardship_cause"]),
                    "single_parent": imports.NO, "zero_employment": rng.choice((imports.YES, imports.NO)),
                    "phone": f"0993-{rng.randrange(2_000_000, 9_999_999)}", "postal_code": "832000",
                }  # fmt: skip
            else:
                row |= {"relation": rng.choice(relations), "monthly_income": rng.randrange(0, 2_000)}
            yield row
        made += size


def write_workbook(path: str, count: int) -> None:
    """The template's layout (note row, header row) with `count` data rows, written row by row."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(imports.SHEET)
    columns = imports.columns()
    sheet.append([imports.NOTE])
    sheet.append([(imports.REQUIRED_MARK if c.required else "") + c.header for c in columns])
    by_scope = {True: imports.HEAD_SCOPES, False: imports.MEMBER_SCOPES}
    for row in _rows(count, random.Random(17)):
        scopes = by_scope[row["relation"] == imports.HEAD_RELATION]
        sheet.append([row.get(c.name) if c.scope in scopes or c.scope == imports.RELATION else None for c in columns])
    book.save(path)


def _street_clerk() -> User:
    """bench5 on the built bench data, else any street's clerk (a database with the demo data)."""
    streets = User.objects.filter(unit__depth=5).select_related("unit").order_by("pk")
    return bench_users().get(5) or next(user for user in streets if user.has_module(Module.FILES))


def _cpu_s() -> float | None:
    """CPU seconds of this process and of its PostgreSQL backend (read from /proc when the
    server runs on this machine, else None): what the import costs, whatever else the machine
    runs at the time."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    backend = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
    return round(time.process_time() + backend, 2)


def upload(path: str) -> dict:
    """What the upload page does while the clerk waits (check, store the job), committed."""
    with open(path, "rb") as stream:
        content = stream.read()
    started = time.perf_counter()
    total = imports.check_upload(os.path.basename(path), len(content), content)
    job = imports.file_import_create(
        actor=_street_clerk(), file_name="legacy.xlsx", content=content, keep_problems=False, total_rows=total
    )
    elapsed = round(time.perf_counter() - started, 2)
    return {"job": job.pk, "rows": total, "bytes": len(content), "upload_s": elapsed, "upload_cpu_s": _cpu_s()}


def work(job_id: int) -> dict:
    """The worker's actor on the job, in a fresh process (its peak RSS is the worker's), in a
    transaction rolled back at the end; the job is deleted then."""
    started = time.perf_counter()
    with transaction.atomic():
        import_files.fn(job_id)
        job = FileImport.objects.defer("content").get(pk=job_id)
        result = {
            "import_s": round(time.perf_counter() - started, 2), "created": job.created_count,
            "refused": job.refused_count, "state": job.state, "error": job.error,
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "import_cpu_s": _cpu_s(), "load_average": round(os.getloadavg()[0], 1),
        }  # fmt: skip
        transaction.set_rollback(True)
    FileImport.objects.filter(pk=job_id).delete()
    return result


def _child(*args: str) -> dict:
    child = subprocess.run([sys.executable, "-m", "bench.imports", *args], capture_output=True, text=True)
    if child.returncode:
        raise SystemExit(child.stderr[-3000:])
    return json.loads(child.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--workbook", help="where to keep the generated workbook (reused when it exists)")
    parser.add_argument("--upload", help=argparse.SUPPRESS)  # the child processes
    parser.add_argument("--work", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.upload or args.work:
        print(json.dumps(upload(args.upload) if args.upload else work(args.work), ensure_ascii=False))
        return
    with tempfile.TemporaryDirectory() as directory:
        path = args.workbook or os.path.join(directory, "legacy.xlsx")
        if not os.path.exists(path):
            started = time.perf_counter()
            write_workbook(path, args.rows)
            print(f"workbook of {args.rows} rows written in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        result = _child("--upload", path)
        result |= _child("--work", str(result.pop("job")))
        result["total_s"] = round(result["upload_s"] + result["import_s"], 2)
        result["rows_per_s"] = round(result["rows"] / result["total_s"])
        if result["upload_cpu_s"] and result["import_cpu_s"]:
            result["rows_per_cpu_s"] = round(result["rows"] / (result["upload_cpu_s"] + result["import_cpu_s"]))
        print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
