"""Apply each listed mutant to a copy of the code and check that its tests fail (issue 12 item 9).

Usage: ``.venv/bin/python scripts/mutants.py [--only SUBSTRING] [--markdown]``

The package and the tests are copied once to a temporary folder; for every mutant one exact
source fragment is replaced in the copy (the fragment must occur exactly once, so a refactor
that moves it makes the script fail loudly instead of testing nothing), the named tests run
there with the copy first on ``sys.path``, and the file is restored. Before the mutants, the
same tests run unmutated on the copy and must pass. A mutant is *killed* when its tests fail.
Exit status 0 when every mutant is killed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Mutant:
    name: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...]


LIMITS = "levitor_studio/model/limits.py"
COMMANDS = "levitor_studio/model/commands.py"
PROJECT_IO = "levitor_studio/model/project_io.py"
KMEANS = "levitor_studio/engine/kmeans_batch.py"
T_LIMITS = ("tests/model/test_limits.py",)
T_PROJECT = ("tests/model/test_project_refusals.py",)
T_KMEANS = ("tests/engine/test_control_points.py",)

MUTANTS = (
    # -- the audit's list (issue 12 item 9) ------------------------------------------------
    Mutant(
        "render: card clip lower bound 0 -> 1 (object at the top edge)",
        "levitor_studio/engine/render.py",
        "dy0 = max(int(np.ceil(ey0)) - 1, 0)",
        "dy0 = max(int(np.ceil(ey0)) - 1, 1)",
        ("tests/engine/test_placement.py", "tests/engine/test_render.py"),
    ),
    Mutant(
        "render: card clip left bound 0 -> 1",
        "levitor_studio/engine/render.py",
        "dx0 = max(int(np.ceil(ex0)) - 1, 0)",
        "dx0 = max(int(np.ceil(ex0)) - 1, 1)",
        ("tests/engine/test_placement.py", "tests/engine/test_render.py"),
    ),
    Mutant(
        "kmeans_batch: two-thread sum split, problem start - -> +",
        KMEANS,
        "np.repeat(np.cumsum(n) - n, n)",
        "np.repeat(np.cumsum(n) + n, n)",
        T_KMEANS,
    ),
    Mutant(
        "kmeans_batch: two-thread sum split, index - -> +",
        KMEANS,
        "within = np.arange(self.owner.size) - np.repeat(",
        "within = np.arange(self.owner.size) + np.repeat(",
        T_KMEANS,
    ),
    Mutant(
        "kmeans_batch: one simulated thread instead of two",
        KMEANS,
        "_THREADS = 2",
        "_THREADS = 1",
        T_KMEANS,
    ),
    Mutant(
        "keyframes: ease-out exponent 3 -> 2",
        "levitor_studio/model/keyframes.py",
        "return 1.0 - (1.0 - u) ** 3",
        "return 1.0 - (1.0 - u) ** 2",
        ("tests/model/test_keyframes.py",),
    ),
    Mutant(
        "keyframes: ease-in-out 3 - 2u -> 3 - u",
        "levitor_studio/model/keyframes.py",
        "return u * u * (3.0 - 2.0 * u)",
        "return u * u * (3.0 - 1.0 * u)",
        ("tests/model/test_keyframes.py",),
    ),
    Mutant(
        "points ratio: (0, 10] -> [0, 10]",
        LIMITS,
        "POINTS_RATIO = Limit(0, 10, lo_open=True,",
        "POINTS_RATIO = Limit(0, 10, lo_open=False,",
        T_LIMITS,
    ),
    Mutant(
        "points ratio: an object's ratio unchecked",
        COMMANDS,
        'ratio = limits.POINTS_RATIO.check(ratio, "points ratio")',
        "ratio = ratio",
        T_LIMITS,
    ),
    Mutant(
        "noise aug: upper bound 1 -> 1.5",
        LIMITS,
        '"noise_aug": Limit(0, 1,',
        '"noise_aug": Limit(0, 1.5,',
        T_LIMITS,
    ),
    Mutant(
        "ranges: upper boundary <= -> <",
        LIMITS,
        "return bool(above and value <= self.hi)",
        "return bool(above and value < self.hi)",
        T_LIMITS,
    ),
    Mutant(
        "project: a missing asset reaches zipfile (bare KeyError)",
        PROJECT_IO,
        "if name not in self.names:",
        "if False:",
        T_PROJECT,
    ),
    Mutant(
        "project: depth map shape unchecked",
        PROJECT_IO,
        'archive.npy(doc["depth"], "depth", "f", (h, w))',
        'archive.npy(doc["depth"], "depth", "f", (None, None))',
        T_PROJECT,
    ),
    Mutant(
        "project: zip-bomb limit > -> >=",
        PROJECT_IO,
        "if sum(i.file_size for i in infos) > MAX_UNCOMPRESSED:",
        "if sum(i.file_size for i in infos) >= MAX_UNCOMPRESSED:",
        T_PROJECT,
    ),
    Mutant(
        "project: zip-bomb limit removed",
        PROJECT_IO,
        "if sum(i.file_size for i in infos) > MAX_UNCOMPRESSED:",
        "if False:",
        T_PROJECT,
    ),
    # -- the rules of items 3 and 4 ---------------------------------------------------------
    Mutant(
        "locked: a key command ignores the lock",
        COMMANDS,
        "    def apply(self, scene: Scene) -> Command:\n"
        "        obj = _unlocked(scene, self.uid)\n"
        "        key = _check_key(scene, self.key)",
        "    def apply(self, scene: Scene) -> Command:\n"
        "        obj = _object(scene, self.uid)\n"
        "        key = _check_key(scene, self.key)",
        ("tests/model/test_locked.py",),
    ),
    Mutant(
        "key x/y: margin of one frame -> two",
        LIMITS,
        "KEY_MARGIN = 1.0",
        "KEY_MARGIN = 2.0",
        T_LIMITS,
    ),
    Mutant(
        "key z: lower bound 1/255 -> 0",
        LIMITS,
        "DEPTH = Limit(1.0 / 255.0, 1.0,",
        "DEPTH = Limit(0.0, 1.0, lo_open=True,",
        T_LIMITS,
    ),
    Mutant(
        "placement: scale z0/zt -> zt/z0",
        "levitor_studio/engine/placement.py",
        "return Pose((x0, y0), (xt, yt), z0 / zt, zt)",
        "return Pose((x0, y0), (xt, yt), zt / z0, zt)",
        ("tests/engine/test_placement.py",),
    ),
)


def _run(copy: Path, tests: tuple[str, ...]) -> tuple[bool, str]:
    env = dict(os.environ, PYTHONPATH=str(copy), PYTHONDONTWRITEBYTECODE="1")
    env.pop("PYTEST_ADDOPTS", None)
    cmd = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *tests]
    proc = subprocess.run(cmd, cwd=copy, env=env, capture_output=True, text=True, timeout=900)
    failed = [ln.split(" ")[1] for ln in proc.stdout.splitlines() if ln.startswith("FAILED ")]
    return proc.returncode == 0, (failed[0] if failed else proc.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="run the mutants whose name contains this")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args()
    chosen = [m for m in MUTANTS if args.only in m.name]
    with tempfile.TemporaryDirectory(prefix="levitor-mutants-") as tmp:
        copy = Path(tmp)
        for part in ("levitor_studio", "tests", "pyproject.toml"):
            src = ROOT / part
            if src.is_dir():
                shutil.copytree(src, copy / part, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy2(src, copy / part)
        probe = subprocess.run(
            [sys.executable, "-c", "import levitor_studio; print(levitor_studio.__file__)"],
            cwd=copy,
            env=dict(os.environ, PYTHONPATH=str(copy)),
            capture_output=True,
            text=True,
        )
        if not probe.stdout.startswith(str(copy)):
            print(f"the copy is not what Python imports: {probe.stdout or probe.stderr}")
            return 2
        baseline = sorted({t for m in chosen for t in m.tests})
        ok, detail = _run(copy, tuple(baseline))
        if not ok:
            print(f"the unmutated tests fail on the copy: {detail}")
            return 2
        rows = []
        for m in chosen:
            target = copy / m.path
            original = target.read_text("utf-8")
            if original.count(m.old) != 1:
                print(f"{m.name}: fragment found {original.count(m.old)} times in {m.path}")
                return 2
            target.write_text(original.replace(m.old, m.new), "utf-8")
            try:
                passed, detail = _run(copy, m.tests)
            finally:
                target.write_text(original, "utf-8")
            rows.append((m.name, "survived" if passed else "killed", detail))
            print(f"{rows[-1][1]:8}  {m.name}  [{detail}]", flush=True)
    if args.markdown:
        print("\n| mutant | result | first failing test |\n|---|---|---|")
        for name, result, detail in rows:
            print(f"| {name} | {result} | `{detail}` |")
    survivors = [r for r in rows if r[1] == "survived"]
    print(f"{len(rows) - len(survivors)} of {len(rows)} mutants killed")
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
