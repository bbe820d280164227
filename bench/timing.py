"""Timing helpers of the benchmark: repeated runs, rolled-back runs, the result table."""

import os
import platform
import statistics
import time


def timed(fn, runs: int) -> list[float]:
    """Milliseconds of `runs` calls of `fn` after a warm-up."""
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
        self.records = []  # the same rows as numbers, for the scale-growth table (bench.run)

    def add(self, operation: str, scope: str, times: list[float], bare: list[float] | None, note: str = ""):
        median = statistics.median(times)
        ratio = f"{median / statistics.median(bare):.2f}" if bare else "—"
        bare_median = f"{statistics.median(bare):.1f}" if bare else "—"
        self.rows.append((operation, scope, f"{median:.1f}", f"{p95(times):.1f}", bare_median, ratio, note))
        self.records.append({"operation": operation, "scope": scope, "median": median, "p95": p95(times),
                             "bare": statistics.median(bare) if bare else None})  # fmt: skip
        print(" | ".join(self.rows[-1]), flush=True)

    def markdown(self, header: str) -> str:
        lines = [header, "", "| operation | scope | median ms | p95 ms | bare SQL median ms | ratio | note |",
                 "|---|---|---|---|---|---|---|"]  # fmt: skip
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        return "\n".join(lines) + "\n"


def reference_ms(repeats: int = 5) -> float:
    """CPU milliseconds of a fixed piece of pure Python (dict and attribute lookups, calls,
    string building: what a page's Python does), best of `repeats`.

    The same code measured 98 and 166 requests/s on machines of this one kind, and drifted
    within one session: this figure, printed with every result, tells a slower machine from
    slower code. Lower is faster."""

    class Row:
        def __init__(self, pk, name):
            self.pk, self.name = pk, name

    def work():  # 20,000 rows: megabytes, like a page's objects, not a loop that fits in a cache
        rows = [Row(i, f"职工{i}") for i in range(20_000)]
        cells = {}
        for row in rows:
            cells[row.pk] = f"<td>{row.name}</td><td>{row.pk % 7}</td>".replace("<", "&lt;")
        return sum(len(cell) for cell in cells.values())

    best = float("inf")
    for _ in range(repeats):
        started = time.process_time()
        for _ in range(2):
            work()
        best = min(best, (time.process_time() - started) * 1000)
    return best


def machine() -> str:
    cores = os.cpu_count()
    try:
        memory_kb = int(next(line for line in open("/proc/meminfo") if line.startswith("MemTotal")).split()[1])
        memory = f"{memory_kb / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration):
        memory = "?"
    return (f"{cores} cores, {memory}, {platform.python_implementation()} {platform.python_version()}, "
            f"reference loop {reference_ms():.0f} ms of CPU (bench.timing.reference_ms; lower is faster)")  # fmt: skip
