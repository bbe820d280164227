"""The benchmarks' database of a test run, dropped after it."""

import os

import pytest

from bench.run import admin_connection


@pytest.fixture
def bench_database():
    name = f"bangfu_bench_test_{os.getpid()}"
    yield name
    with admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
