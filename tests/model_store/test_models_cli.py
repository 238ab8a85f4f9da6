"""``levitor-studio models ...`` against the local Hub, and the installed model used by ``new``."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hub_server import SAM_FILE, no_partial_install

from levitor_studio.cli import main
from levitor_studio.model.project_io import load_project


def test_install_shows_the_licence_and_needs_it_accepted(hub, store, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # not a terminal: nobody to ask
    assert main(["models", "install", "sam-vit-b", "--endpoint", hub.endpoint]) == 2
    out, err = capsys.readouterr()
    assert "Licence: Apache-2.0" in out and "Segment Anything ViT-B (375 MB)" in out
    assert err == (
        "levitor-studio: error: sam-vit-b: accept the licence above with --accept-licence "
        "to install\n"
    )
    assert hub.log == [] and no_partial_install(store, "sam-vit-b")


def test_a_typed_yes_accepts_and_anything_else_declines(hub, store, capsys, monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdin", Terminal())
    answers = iter(["no", "yes"])
    monkeypatch.setattr("builtins.input", lambda _prompt: next(answers))
    assert main(["models", "install", "sam-vit-b", "--endpoint", hub.endpoint]) == 0
    assert capsys.readouterr().out.endswith("not installed\n") and hub.log == []
    assert main(["models", "install", "sam-vit-b", "--endpoint", hub.endpoint]) == 0
    assert capsys.readouterr().out.endswith(f"installed sam-vit-b in {store / 'sam-vit-b'}\n")
    assert (store / "sam-vit-b" / SAM_FILE).is_file()


def test_installed_depth_model_is_used_by_new_with_no_option(
    hub, store, capsys, monkeypatch, example_dir: Path, tmp_path: Path
):
    monkeypatch.setenv("LEVITOR_STUDIO_MODELS_ENDPOINT", hub.endpoint)  # a studio's mirror
    name = "depth-anything-v2-small"
    assert main(["models", "install", name, "--accept-licence"]) == 0
    assert main(["models", "list"]) == 0
    listing = capsys.readouterr().out
    assert f"installed {name} in {store / name}" in listing
    line = next(x for x in listing.splitlines() if x.startswith(name))
    assert line.endswith("depth-anything-v2:model_dir  installed") and "Apache-2.0" in line

    image = str(example_dir / "coffee.png")
    project = tmp_path / "p.levitor"
    args = ["new", image, "-o", str(project), "--size", "128x72", "--no-segments"]
    assert main([*args, "--depth", "depth-anything-v2"]) == 0
    scene = load_project(project)
    from levitor_depth_anything.backend import DepthAnythingEstimator

    explicit = DepthAnythingEstimator({"model_dir": str(store / name)}).estimate(scene.image)
    np.testing.assert_array_equal(scene.depth, explicit)
    heuristic = tmp_path / "h.levitor"
    assert main(["new", image, "-o", str(heuristic), "--size", "128x72", "--no-segments"]) == 0
    assert not np.array_equal(load_project(heuristic).depth, scene.depth)
    capsys.readouterr()
    assert main(["plugins"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if "depth-anything-v2" in x)
    assert line.endswith("  available")

    assert main(["models", "verify"]) == 0
    assert capsys.readouterr().out.endswith(f"{name}: ok\n")
    assert main(["models", "remove", name]) == 0
    assert main([*args, "--depth", "depth-anything-v2"]) == 2
    assert "no Depth Anything folder chosen" in capsys.readouterr().err


def test_verify_reports_a_damaged_install(hub, store, capsys, sam_bytes):
    assert (
        main(["models", "install", "sam-vit-b", "--endpoint", hub.endpoint, "--accept-licence"])
        == 0
    )
    (store / "sam-vit-b" / SAM_FILE).write_bytes(b"short")
    assert main(["models", "verify", "sam-vit-b"]) == 2
    out, err = capsys.readouterr()
    assert f"sam-vit-b: DAMAGED\n  {SAM_FILE}: 5 bytes, expected {len(sam_bytes)}\n" in out
    assert err == (
        "levitor-studio: error: 1 installed model(s) failed verification: install them again\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["install", "nope", "--accept-licence"], "no model called 'nope' in the catalogue"),
        (["remove", "sam-vit-b"], "sam-vit-b is not installed"),
        (["--catalog", "/no/such.json", "list"], "catalogue /no/such.json: No such file"),
    ],
)
def test_models_errors_exit_2_with_one_line(args, message, capsys):
    assert main(["models", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_new_and_render_never_touch_the_network(example_dir: Path, tmp_path: Path) -> None:
    code = (
        "import socket, sys\n"
        "def refuse(*a, **k): raise AssertionError('network access')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "from levitor_studio.cli import main\n"
        f"assert main(['new', {str(example_dir / 'coffee.png')!r}, '-o', {str(tmp_path / 'p.levitor')!r},"
        " '--size', '128x72', '--frames', '4']) == 0\n"
        f"assert main(['render', {str(tmp_path / 'p.levitor')!r}, '-o', {str(tmp_path / 'v.gif')!r}]) == 0\n"
        "print(sorted(m for m in sys.modules if m.startswith(('huggingface_hub', 'httpx'))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_the_progress_bar_and_an_installed_model_is_not_fetched_again(
    hub, store, capsys, monkeypatch
):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    err = Terminal()
    monkeypatch.setattr(sys, "stderr", err)
    args = ["models", "install", "sam-vit-b", "--endpoint", hub.endpoint, "--accept-licence"]
    assert main(args) == 0
    last = err.getvalue().rstrip("\n").split("\r")[-1].rstrip()
    assert last.startswith("[" + "#" * 30 + "] 100.0% ")
    requests = len(hub.log)
    assert main(args) == 0
    assert capsys.readouterr().out.endswith(
        f"sam-vit-b is already installed in {store / 'sam-vit-b'} (remove it to install again)\n"
    )
    assert len(hub.log) == requests
