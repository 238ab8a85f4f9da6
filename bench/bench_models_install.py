"""Benchmark of ``levitor-studio models install`` against a local Hub: throughput and checks.

Run: ``.venv/bin/python bench/bench_models_install.py [--mb N]``. The tests' fake Hub
(``tests/hub_server.py``, a real HTTP server on 127.0.0.1) serves one random N MB LFS file as
the SAM ViT-B checkpoint. Times are the whole install (metadata, disk check, download into the
``.part`` file, sha256 + git blob hash, rename), ``models verify`` on the installed file, and a
resume that fetches only the second half. The network is the loopback, so this measures the
installer's own cost: the Hub's real bandwidth is what a user waits for. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=128)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["LEVITOR_STUDIO_DATA_DIR"] = tmp
        from hub_server import SAM, SAM_FILE, FakeHub, Repo

        from levitor_studio.model_store import installer
        from levitor_studio.model_store.catalog import find_entry, load_catalog

        entry = find_entry("sam-vit-b", load_catalog())
        data = os.urandom(args.mb * 1_000_000)
        rows = []
        with FakeHub() as hub:
            hub.repos[SAM] = Repo({SAM_FILE: data})
            start = time.perf_counter()
            installer.install(entry, hub.endpoint)
            rows.append(("install (download + sha256 + rename)", time.perf_counter() - start))
            start = time.perf_counter()
            report = installer.verify("sam-vit-b")
            rows.append(("verify (sha256 + git blob id)", time.perf_counter() - start))
            assert report == {"sam-vit-b": []}
            installer.remove("sam-vit-b")
            part = installer.staging_dir("sam-vit-b") / (SAM_FILE + ".part")
            plan = installer.fetch_plan(entry, hub.endpoint)
            installer._prepare_staging(plan)
            part.parent.mkdir(parents=True, exist_ok=True)
            part.write_bytes(data[: len(data) // 2])
            start = time.perf_counter()
            installer.install(entry, hub.endpoint, plan=plan)
            rows.append(("resume from half (Range request)", time.perf_counter() - start))
            assert hub.downloads(SAM_FILE)[-1] == f"bytes={len(data) // 2}-"
    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, {args.mb} MB file\n"
    )
    print("| operation | time | rate |\n|---|---|---|")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.2f} s | {args.mb / seconds:.0f} MB/s |")


if __name__ == "__main__":
    main()
