"""bench/gpu_check.py on a machine without a GPU: one clear line, exit status 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[3] / "bench" / "gpu_check.py"


def test_without_a_gpu_it_refuses_in_one_line_with_status_2() -> None:
    env = {**os.environ, "CUDA_VISIBLE_DEVICES": ""}
    out = subprocess.run(
        [sys.executable, str(SCRIPT), "--steps", "1"], capture_output=True, text=True, env=env
    )
    assert out.returncode == 2
    assert out.stdout == ""
    assert out.stderr == "gpu_check: no CUDA GPU is visible to torch; nothing was measured\n"
