"""A tiny benchmark run on every test run, so that bench/ never rots (issue: bench)."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from bench.run import admin_connection


@pytest.fixture
def bench_database():
    name = f"bangfu_bench_test_{os.getpid()}"
    yield name
    with admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_tiny_benchmark_builds_data_and_writes_its_table(bench_database, tmp_path):
    output = tmp_path / "latest.md"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "BENCH_DATABASE_NAME": bench_database}
    command = [sys.executable, "-m", "bench.run", "--scale", "0.001", "--runs", "1", "--output", str(output),
               "--load-seconds", "1", "--load-runs", "2"]  # fmt: skip
    completed = subprocess.run(command, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr[-3000:]
    table = output.read_text(encoding="utf-8")
    for operation in (
        "| list page, first |",
        "| inbox page, first |",
        "| report ",
        "| return ",
        "| quick report (",
        "| export throughput |",
        "| HTTP load, 1 s |",
    ):
        assert operation in table
    assert "| ratio |" in table and "SCALE=0.001" in table
    assert " 0 errors;" in table  # every page of the load mix answered 200 under gunicorn
    assert "(median of 2 runs: " in table
    # What tells a slower machine from slower code, in the header and in the load note.
    assert table.count(" ms of CPU (bench.timing.reference_ms") == 1 and "; reference loop " in table
    assert ", stolen by the hypervisor " in table
