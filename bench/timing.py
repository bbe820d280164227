"""Timing helpers of the benchmark: repeated runs, rolled-back runs, the result table."""

import os
import platform
import statistics
import time


def timed(fn, runs: int) -> list[float]:
    fn()  # warm-up: caches, plans, connections
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return times


class Rollback(Exception):
    pass


def in_rollback(fn):
    """Run `fn` in a transaction that is always rolled back, so every run sees the same data."""
    from django.db import transaction

    def wrapped():
        try:
            with transaction.atomic():
                fn()
                raise Rollback
        except Rollback:
            pass

    return wrapped


def p95(times: list[float]) -> float:
    return sorted(times)[max(0, int(round(0.95 * len(times))) - 1)]


class Table:
    def __init__(self):
        self.rows = []

    def add(self, operation: str, scope: str, times: list[float], bare: list[float] | None, note: str = ""):
        median = statistics.median(times)
        ratio = f"{median / statistics.median(bare):.2f}" if bare else "—"
        bare_median = f"{statistics.median(bare):.1f}" if bare else "—"
        self.rows.append((operation, scope, f"{median:.1f}", f"{p95(times):.1f}", bare_median, ratio, note))
        print(" | ".join(self.rows[-1]), flush=True)

    def markdown(self, header: str) -> str:
        lines = [header, "", "| operation | scope | median ms | p95 ms | bare SQL median ms | ratio | note |",
                 "|---|---|---|---|---|---|---|"]  # fmt: skip
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        return "\n".join(lines) + "\n"


def machine() -> str:
    cores = os.cpu_count()
    try:
        memory_kb = int(next(line for line in open("/proc/meminfo") if line.startswith("MemTotal")).split()[1])
        memory = f"{memory_kb / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration):
        memory = "?"
    return f"{cores} cores, {memory}, {platform.python_implementation()} {platform.python_version()}"
