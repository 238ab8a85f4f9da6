from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import pytest

from levitor_studio.cli import main
from levitor_studio.model.project_io import load_project


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "levitor_studio", *args], capture_output=True, text=True, check=False
    )


def test_new_then_info_on_a_real_photo(example_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "c.levitor"
    done = _run("new", str(example_dir / "coffee.png"), "-o", str(out), "--frames", "12")
    assert done.returncode == 0, done.stderr
    scene = load_project(out)
    assert scene.size == (512, 288) and scene.frames == 12
    assert scene.depth is not None and scene.segments is not None and scene.segments.max() > 1
    info = _run("info", str(out))
    assert info.returncode == 0
    assert "fitted to 512x288" in info.stdout and "12 frames" in info.stdout


def _png(path: Path) -> Any:
    import numpy as np
    from PIL import Image

    with Image.open(path) as img:
        return np.asarray(img.convert("L")) > 0


def test_import_export_tracks_commands(
    example_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The project and the exported file hold what the tracks file says: keys, masks, size."""
    import numpy as np

    source = json.loads((example_dir / "coffee.tracks.json").read_text())
    proj = tmp_path / "c.levitor"
    assert main(["import-tracks", str(example_dir / "coffee.tracks.json"), "-o", str(proj)]) == 0
    assert capsys.readouterr().out == f"wrote {proj} (2 objects)\n"
    scene = load_project(proj)
    assert scene.size == (512, 288) and scene.frames == 16 and scene.fps == 8.0
    for obj, od in zip(scene.objects, source["objects"], strict=True):
        assert obj.name == od["name"]
        assert [k.to_json() for k in obj.keyframes] == [
            {"ease": "smooth", **kd} for kd in od["keyframes"]
        ]
        np.testing.assert_array_equal(obj.mask, _png(example_dir / od["mask"]))

    assert main(["export-tracks", str(proj), "-o", str(tmp_path / "t.json")]) == 0
    doc = json.loads((tmp_path / "t.json").read_text())
    assert (doc["size"], doc["frames"], doc["fps"]) == ([512, 288], 16, 8.0)
    assert [o["name"] for o in doc["objects"]] == ["cup", "spoon"]
    for od, original in zip(doc["objects"], source["objects"], strict=True):
        assert od["keyframes"] == [{"ease": "smooth", **kd} for kd in original["keyframes"]]
        np.testing.assert_array_equal(
            _png(tmp_path / od["mask"]), _png(example_dir / original["mask"])
        )
    capsys.readouterr()

    assert main(["info", str(proj)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == "image     (imported) fitted to 512x288 (crop)"
    assert lines[2] == "clip      16 frames at 8 fps, field of view 50°"
    assert lines[6] == "objects   2"
    assert lines[7].startswith("  #1 'cup' id 1, ") and lines[8].startswith("  #2 'spoon' id 2, ")
    assert lines[9:] == [
        "     frame   0  x   310.0  y   212.0  z 0.00488  smooth",
        "     frame   6  x   250.0  y   172.0  z 0.0075  smooth",
        "     frame  11  x   130.0  y   176.0  z 0.0075  smooth",
        "     frame  15  x    88.0  y   214.0  z 0.0056  smooth",
    ]


def _bomb_png(path: Path) -> None:
    """A valid 1×1 PNG whose header claims 100000 × 100000 pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00\x00")
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("case", ["missing", "empty", "text", "bomb", "size", "frames"])
def test_bad_images_exit_2_with_one_line_and_write_nothing(
    case: str, tmp_path: Path, example_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    image = tmp_path / "in.jpg"
    extra: list[str] = []
    if case == "empty":
        image.write_bytes(b"")
    elif case == "text":
        image.write_text("hello, I am not a JPEG\n")
    elif case == "bomb":
        image = tmp_path / "bomb.png"
        _bomb_png(image)
    elif case in ("size", "frames"):
        image = example_dir / "coffee.png"
        extra = ["--size", "300x500"] if case == "size" else ["--frames", "0"]
    out = tmp_path / "out.levitor"
    assert main(["new", str(image), "-o", str(out), *extra]) == 2
    err = capsys.readouterr().err
    assert err.startswith("levitor-studio: error: ") and err.count("\n") == 1
    assert "Traceback" not in err
    assert list(tmp_path.glob("out*")) == [] and not list(tmp_path.glob(".out*"))


def test_a_failed_command_does_not_overwrite_the_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "keep.levitor"
    out.write_bytes(b"previous")
    bad = tmp_path / "bad.levitor"
    bad.write_bytes(b"garbage")
    assert main(["export-tracks", str(bad), "-o", str(tmp_path / "t.json")]) == 2
    assert main(["import-tracks", str(tmp_path / "nope.json"), "-o", str(out)]) == 2
    assert out.read_bytes() == b"previous"
    assert not (tmp_path / "t.json").exists()
    assert "not a LeviTor project" in capsys.readouterr().err


def test_tracks_with_two_of_mask_box_clicks_exit_2(
    tmp_path: Path, example_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = json.loads((example_dir / "coffee.tracks.json").read_text())
    doc["image"] = str(example_dir / "coffee.png")
    doc["objects"][0]["box"] = [0, 0, 10, 10]
    doc["objects"][0]["mask"] = str(example_dir / "cup.png")
    (tmp_path / "t.json").write_text(json.dumps(doc))
    assert main(["import-tracks", str(tmp_path / "t.json"), "-o", str(tmp_path / "p.levitor")]) == 2
    assert capsys.readouterr().err.startswith("levitor-studio: error: objects[0]")
    assert not (tmp_path / "p.levitor").exists()


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["new"])
    assert info.value.code == 2


def test_help_and_plugins_do_not_import_torch_qt_or_vtk() -> None:
    code = (
        "import sys, contextlib, io\n"
        "from levitor_studio.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try: main(['--help'])\n"
        "    except SystemExit: pass\n"
        "    main(['plugins'])\n"
        "heavy = [m for m in ('torch', 'PySide6', 'vtk', 'vtkmodules', 'diffusers', 'transformers') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env={**os.environ}
    )
    assert done.stdout.strip() == "[]"


def test_plugins_lists_every_kind() -> None:
    done = _run("plugins")
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert any(line.startswith("segmenter  grabcut") and "available" in line for line in lines)
    assert any(line.startswith("depth      heuristic") for line in lines)
    assert any(
        line.startswith("depth      file") and "unavailable: needs a depth file" in line
        for line in lines
    )


def test_render_writes_video_take_record_and_signal(example_dir: Path, tmp_path: Path) -> None:
    import numpy as np

    from levitor_studio.engine.signal_export import read_signal_npz

    out = tmp_path / "take.mp4"
    args = ["render", str(example_dir / "coffee.levitor"), "-o", str(out), "--seed", "7"]
    args.append("--no-take")  # the bundled example's folder gets no coffee.takes/
    assert main([*args, "--signal", str(tmp_path / "s.npz")]) == 0
    import imageio_ffmpeg

    run = subprocess.run(  # decoded with ffmpeg itself, not with the code under test
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(out)]
        + ["-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        capture_output=True,
        check=True,
    )
    video = np.frombuffer(run.stdout, np.uint8).reshape(-1, 288, 512, 3)
    assert video.shape == (16, 288, 512, 3)
    # frame 0 is the photo itself (the rest pose), up to H.264's loss
    image = load_project(example_dir / "coffee.levitor").image.astype(np.int16)
    assert np.abs(video[0].astype(np.int16) - image).mean() < 4.0
    assert (
        np.abs(video[15].astype(np.int16) - image).mean()
        > np.abs(video[0].astype(np.int16) - image).mean()
    )  # the spoon has moved by the last frame
    record = json.loads((tmp_path / "take.mp4.take.json").read_text())
    assert record["generator"] == "preview" and record["settings"]["seed"] == 7
    assert (record["frames"], record["size"]) == (16, [512, 288])
    signal = read_signal_npz(tmp_path / "s.npz")
    assert signal.tensor.shape == (16, 3, 288, 512)
    assert {int(i) for i in np.concatenate(signal.points)[:, 2]} >= {1, 2}


def test_export_signal_writes_npz_and_keypoints(example_dir: Path, tmp_path: Path) -> None:
    assert (
        main(
            [
                "export-signal",
                str(example_dir / "coffee.levitor"),
                "-o",
                str(tmp_path / "s.npz"),
                "--keypoints",
                str(tmp_path / "k.json"),
            ]
        )
        == 0
    )
    import numpy as np
    from PIL import Image

    from levitor_studio.engine.signal_export import read_signal_npz

    keypoints = json.loads((tmp_path / "k.json").read_text())
    assert len(keypoints) == 16 and all(len(p) == 4 for frame in keypoints for p in frame)
    signal = read_signal_npz(tmp_path / "s.npz")
    assert [p.tolist() for p in signal.points] == keypoints  # the two files agree
    table = np.array([p for frame in keypoints for p in frame])
    assert table[:, 0].min() >= 0 and table[:, 0].max() < 288  # rows
    assert table[:, 1].min() >= 0 and table[:, 1].max() < 512  # columns
    assert {1, 2} <= set(table[:, 2].tolist()) and table[:, 3].max() <= 255
    # the spoon (id 2) at frame 15: every point lies on its mask moved as its key says (anchor
    # (310, 212) -> (88, 214), scale z0 / z15 = 0.00488 / 0.0056 about the anchor)
    with Image.open(example_dir / "spoon.png") as img:
        ys, xs = np.nonzero(np.asarray(img.convert("L")))
    s = 0.00488 / 0.0056
    moved = np.stack([214 + s * (ys - 212), 88 + s * (xs - 310)], axis=1)  # (row, col)
    spoon = np.array([p[:2] for p in keypoints[15] if p[2] == 2], dtype=np.float64)
    assert len(spoon) >= 1
    for point in spoon:
        assert np.hypot(*(moved - point).T).min() < 1.5


def test_render_with_an_unavailable_generator_exits_2(
    example_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.mp4"
    assert (
        main(["render", str(example_dir / "coffee.levitor"), "-o", str(out), "--generator", "nope"])
        == 2
    )
    assert "no generator backend called 'nope'" in capsys.readouterr().err
    assert not out.exists()


def test_editor_options_without_a_command_go_to_open(monkeypatch: pytest.MonkeyPatch) -> None:
    import levitor_studio.commands_cli as handlers

    seen = {}

    def fake_open(args: object) -> int:
        seen["args"] = args
        return 0

    monkeypatch.setattr(handlers, "cmd_open", fake_open)
    assert main(["--screenshot", "x.png", "--frame", "3"]) == 0
    assert seen["args"].screenshot == "x.png" and seen["args"].frame == 3
    assert seen["args"].project is None


def test_an_empty_output_name_exits_2(
    example_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new", str(example_dir / "coffee.png"), "-o", ""]) == 2
    assert capsys.readouterr().err.startswith("levitor-studio: error: ")


def test_clicks_off_the_image_exit_2(
    tmp_path: Path, example_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = json.loads((example_dir / "coffee.tracks.json").read_text())
    doc["image"] = str(example_dir / "coffee.png")
    for od in doc["objects"][1:]:  # the other objects' masks stay readable: one error only
        od["mask"] = str(example_dir / od["mask"])
    doc["objects"][0].pop("mask")
    doc["objects"][0]["clicks"] = [[-50, -50, 1]]
    (tmp_path / "t.json").write_text(json.dumps(doc))
    out = str(tmp_path / "p.levitor")
    assert (
        main(["import-tracks", str(tmp_path / "t.json"), "-o", out, "--allow-outside-paths"]) == 2
    )
    assert "outside the image" in capsys.readouterr().err
    assert not (tmp_path / "p.levitor").exists()


def test_the_editor_without_a_display_says_so_instead_of_aborting() -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    done = subprocess.run(
        [sys.executable, "-m", "levitor_studio"],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert done.returncode == 2
    assert (
        done.stderr.startswith("levitor-studio: error: no display") and done.stderr.count("\n") == 1
    )
