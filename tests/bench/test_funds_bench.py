"""The special funds' benchmark at a tiny size on every test run, so it never rots."""

import os
import subprocess
import sys

from django.conf import settings


def test_the_funds_benchmark_builds_its_data_and_writes_its_table(bench_database, tmp_path):
    output = tmp_path / "funds.md"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "BENCH_DATABASE_NAME": bench_database}
    command = [sys.executable, "-m", "bench.funds", "--scale", "0.001", "--runs", "1", "--output", str(output)]
    completed = subprocess.run(command, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, completed.stderr[-3000:]
    table = output.read_text(encoding="utf-8")
    assert "10,000 ledger entries" in table
    assert "| a street's month page" in table and "| 资金情况统计 at national scope" in table
    assert "| picker: first page, province lines at the oldest ids" in table
