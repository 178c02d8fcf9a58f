"""How every benchmark times a piece of work: a warm-up run, then the median of `repeat` runs, each after a
garbage collection so one run's garbage is not charged to the next."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable


def median_time(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm up
    times = []
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)
