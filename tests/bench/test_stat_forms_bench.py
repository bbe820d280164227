"""The statistical forms' benchmark at a tiny size on every test run, so it never rots."""

import os
import subprocess
import sys

from django.conf import settings


def test_the_stat_forms_benchmark_builds_its_forms_and_writes_its_table(bench_database, tmp_path):
    output = tmp_path / "stat_forms.md"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "BENCH_DATABASE_NAME": bench_database}
    command = [sys.executable, "-m", "bench.stat_forms", "--scale", "0.001", "--runs", "1", "--output", str(output)]
    completed = subprocess.run(command, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr[-3000:]
    table = output.read_text(encoding="utf-8")
    assert "| statistics school_aid (27 items) at 中华全国总工会 |" in table
    assert "| completeness page at 中华全国总工会 |" in table
