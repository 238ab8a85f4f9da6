"""Run every benchmark: ``python -m bench`` (or ``make bench``), or ``python -m bench NAME...``.

Each ``bench/bench_*.py`` is a script that prints its own table; this runner executes them one
after another in fresh interpreters (so one benchmark's caches and threads don't colour the next)
and reports any that failed. Results are recorded by hand in ``docs/benchmarks.md``.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(names: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if names:
        scripts = [s for s in scripts if any(n in s.stem for n in names)]
    failed = []
    for script in scripts:
        print(f"\n== {script.stem} ==", flush=True)
        start = time.perf_counter()
        done = subprocess.run([sys.executable, str(script)], check=False)
        print(f"({script.stem}: {time.perf_counter() - start:.1f} s)", flush=True)
        if done.returncode:
            failed.append(script.stem)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
