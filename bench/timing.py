"""Timing helpers shared by the benchmark scripts (``from timing import ...``; bench/ is the
scripts' own folder, so it is on their import path)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def timings(fn: Callable[[], object], repeat: int, warmup: bool = False) -> list[float]:
    """Seconds taken by each of ``repeat`` calls (after one untimed call with ``warmup``)."""
    if warmup:
        fn()  # caches and lazy imports
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def median_min(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median and minimum seconds (the minimum shows the cost on a quiet machine)."""
    times = timings(fn, repeat)
    return statistics.median(times), min(times)


def median_ms(fn: Callable[[], object], repeat: int, warmup: bool = False) -> float:
    """Median milliseconds of ``repeat`` calls."""
    return 1000.0 * statistics.median(timings(fn, repeat, warmup))


def fmt_seconds(seconds: float) -> str:
    """``12.3 ms`` below a second, ``1.23 s`` above."""
    return f"{seconds * 1e3:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"
