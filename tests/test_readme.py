"""The README's scripting example runs as written (from the repository root)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from scenes import ROOT


def test_readme_python_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks, "the README lost its scripting example"
    code = blocks[0].replace('"resources/', f'"{ROOT}/resources/')
    monkeypatch.chdir(tmp_path)  # outputs (shot.levitor, signal.npz, take.mp4...) land here
    namespace: dict[str, object] = {}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - our own documentation
    assert (tmp_path / "shot.levitor").is_file() and (tmp_path / "take.mp4").is_file()
    assert namespace["tensor"].shape == (16, 3, 288, 512)  # type: ignore[attr-defined]
