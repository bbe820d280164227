"""A tiny benchmark run on every test run, so that bench/ never rots (issue: bench)."""

import os
import subprocess
import sys

from django.conf import settings


def test_tiny_benchmark_builds_data_and_writes_its_table(bench_database, tmp_path):
    output = tmp_path / "latest.md"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "BENCH_DATABASE_NAME": bench_database}
    command = [sys.executable, "-m", "bench.run", "--scale", "0.001", "--runs", "1", "--output", str(output),
               "--load-seconds", "1", "--load-runs", "2"]  # fmt: skip
    completed = subprocess.run(command, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr[-3000:]
    table = output.read_text(encoding="utf-8")
    for operation in (
        "| household-file list, first |",
        "| household-file list, name contains ",
        "| migrant-file list, first |",
        "| temporary-file list, first |",
        "| file detail page |",
        "| advanced query, name contains ",
        "| statistics page, by gender |",
        "| reminder inbox, first |",
        "| file save, edit page |",
        "| report ",
        "| return ",
        "| quick report (",
        "| export throughput |",
        "| 信访接待 list, first |",  # every module declared on the kit (bench.records)
        "| 法律援助 list, 已上报 tab |",
        "| 政策咨询 query, ",
        "| 信访接待 statistics, by 信访类别 |",
        "| 帮扶救助 list, first |",  # its list with the 帮扶措施 column (operations.record_list_pages checks it)
        "| 帮扶救助 query, 帮扶金额(元) 1000–20000 + 帮扶措施 + date range |",
        "| 帮扶救助 statistics, by 是否帮扶 |",
        "| 帮扶救助 statistics, by 帮扶措施 |",  # a dimension of its lines: the GROUP BY joins them
        "| realistic load, 1 s |",
        "| HTTP load, 1 s |",
    ):
        assert operation in table
    assert "/sample/" not in table and "sample module" not in table  # a test fixture, not a bench row
    assert "| ratio |" in table and "SCALE=0.001" in table
    # Every page of both load mixes answered 2xx/3xx under gunicorn, without deadlocks.
    assert table.count(" 0 errors; 0 deadlocks") == 2
    assert "(median of 2 runs: " in table
    assert "per page kind, in the worker" in table and "file save " in table and "statistics " in table
    # What tells a slower machine from slower code, in the header and in the load note.
    assert table.count(" ms of CPU (bench.timing.reference_ms") == 1 and "; reference loop " in table
    assert "(6 provinces)" in table  # the tree grows with SCALE (bench.generate.fanout_for)
    assert ", stolen by the hypervisor " in table
