"""Issue 13 items 4-7: a full disk or a failed encoder never replaces a good video, commands
that write several files are all or nothing, colliding outputs are refused before anything is
written, and temporary files of a killed writer are removed by the next write."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
from hostile_files import write_tracks
from scenes import make_scene

from levitor_studio.cli import main
from levitor_studio.engine.video_export import write_mp4
from levitor_studio.model.errors import InputError
from levitor_studio.model.project_io import save_project

FRAMES = np.random.default_rng(1).integers(0, 255, (6, 48, 64, 3), dtype=np.uint8)


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _project(tmp_path: Path) -> Path:
    path = tmp_path / "p.levitor"
    save_project(make_scene(), path)
    (tmp_path / "p.levitor.bak").unlink(missing_ok=True)
    return path


def _fake_ffmpeg(tmp_path: Path, body: str) -> Path:
    """An ffmpeg that runs ``body`` when asked to encode and the real one otherwise."""
    real = imageio_ffmpeg.get_ffmpeg_exe()
    script = tmp_path / "fake-ffmpeg"
    script.write_text(
        textwrap.dedent(
            f"""\
            #!/bin/sh
            case "$*" in
              *rawvideo*) for last; do :; done; {body} ;;
              *) exec "{real}" "$@" ;;
            esac
            """
        )
    )
    script.chmod(0o755)
    return script


# -- 4: full disk and failed encoders -------------------------------------------------------


def test_a_full_disk_render_exits_2_and_keeps_the_previous_video(tmp_path: Path) -> None:
    project = _project(tmp_path)
    video = tmp_path / "v.mp4"
    video.write_bytes(b"the previous good video")
    child = textwrap.dedent(
        f"""\
        import resource, sys
        from levitor_studio.cli import main
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))  # the disk is full past 4 KB
        sys.exit(main(["render", {str(project)!r}, "-o", {str(video)!r}]))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", child], capture_output=True, text=True, check=False, cwd=tmp_path
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("levitor-studio: error: ") and done.stderr.count("\n") == 1
    assert "v.mp4: cannot write" in done.stderr
    assert video.read_bytes() == b"the previous good video"
    assert _files(tmp_path) == ["p.levitor", "v.mp4"]


def test_an_encoder_that_reports_success_but_writes_a_broken_file_is_caught(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    video = tmp_path / "v.mp4"
    video.write_bytes(b"the previous good video")
    fake = _fake_ffmpeg(
        tmp_path, 'cat > /dev/null; printf "\\0\\0\\0\\30ftypisom" > "$last"; exit 0'
    )
    monkeypatch.setenv("IMAGEIO_FFMPEG_EXE", str(fake))
    with pytest.raises(InputError) as info:
        write_mp4(FRAMES, video)
    assert str(info.value).startswith(f"{video}: cannot write (the encoded video reads back as")
    assert video.read_bytes() == b"the previous good video"
    assert _files(tmp_path) == ["fake-ffmpeg", "v.mp4"]


def test_a_failing_encoder_is_one_line_and_its_chatter_goes_to_the_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    chatter = "; ".join(f"echo 'ffmpeg line {i}' >&2" for i in range(13))
    fake = _fake_ffmpeg(tmp_path, f"{chatter}; exit 1")
    monkeypatch.setenv("IMAGEIO_FFMPEG_EXE", str(fake))
    with (
        caplog.at_level(logging.WARNING, logger="levitor_studio"),
        pytest.raises(InputError) as info,
    ):
        write_mp4(FRAMES, tmp_path / "v.mp4")
    assert (
        str(info.value)
        == f"{tmp_path / 'v.mp4'}: cannot write (the encoder failed: ffmpeg line 12)"
    )
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert all(f"ffmpeg line {i}" in logged for i in range(13))
    assert _files(tmp_path) == ["fake-ffmpeg"]


@pytest.mark.parametrize("fps", [0.001, 0.004999, 0.49, 241.0, float("nan")])
def test_fps_outside_what_the_encoder_takes_is_refused(fps: float, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"^frame rate .* must be 0.5…240$"):
        write_mp4(FRAMES, tmp_path / "v.mp4", fps=fps)
    assert _files(tmp_path) == []


def test_a_project_with_a_tiny_fps_is_refused_with_its_key(tmp_path: Path) -> None:
    from hostile_files import write_project

    from levitor_studio.model.errors import ValidationError
    from levitor_studio.model.project_io import load_project

    with pytest.raises(ValidationError) as info:
        load_project(write_project(tmp_path, lambda m: m.update(fps=0.004)))
    assert info.value.path == "fps"


# -- 5: all or nothing -----------------------------------------------------------------------


def test_render_with_a_failing_signal_write_leaves_no_new_video(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import levitor_studio.engine.signal_export as signal_export

    project = _project(tmp_path)
    video = tmp_path / "v.mp4"
    video.write_bytes(b"the previous good video")

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(signal_export.np, "savez_compressed", disk_full)
    code = main(["render", str(project), "-o", str(video), "--signal", str(tmp_path / "s.npz")])
    assert code == 2
    assert "s.npz: cannot write (No space left on device)" in capsys.readouterr().err
    assert video.read_bytes() == b"the previous good video"
    assert _files(tmp_path) == ["p.levitor", "v.mp4"]


def test_export_tracks_with_a_failing_json_write_leaves_no_assets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import levitor_studio.model.tracks_io as tracks_io

    project = _project(tmp_path)

    class FullDisk:
        @staticmethod
        def dumps(*args: object, **kwargs: object) -> str:
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(tracks_io, "json", FullDisk)
    assert main(["export-tracks", str(project), "-o", str(tmp_path / "t.json")]) == 2
    assert "No space left on device" in capsys.readouterr().err
    assert _files(tmp_path) == ["p.levitor"]


# -- 6: colliding outputs --------------------------------------------------------------------


def test_render_onto_its_own_signal_is_refused_before_writing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(tmp_path)
    out = str(tmp_path / "x.mp4")
    assert main(["render", str(project), "-o", out, "--signal", out]) == 2
    assert capsys.readouterr().err == (
        f"levitor-studio: error: {out}: the video and the signal would be the same file\n"
    )
    assert _files(tmp_path) == ["p.levitor"]


def test_export_signal_onto_its_own_keypoints_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(tmp_path)
    out = str(tmp_path / "x.npz")
    assert main(["export-signal", str(project), "-o", out, "--keypoints", out]) == 2
    assert "the signal and the keypoints would be the same file" in capsys.readouterr().err
    assert _files(tmp_path) == ["p.levitor"]


def test_import_tracks_onto_its_own_photo_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tracks = write_tracks(tmp_path)
    before = (tmp_path / "photo.png").read_bytes()
    assert main(["import-tracks", str(tracks), "-o", str(tmp_path / "photo.png")]) == 2
    assert "output would overwrite an input" in capsys.readouterr().err
    assert (tmp_path / "photo.png").read_bytes() == before


def test_a_take_record_that_would_replace_the_input_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tracks = write_tracks(tmp_path)
    shot = tmp_path / "v.mp4.take.json"
    tracks.rename(shot)
    before = shot.read_bytes()
    assert main(["render", str(shot), "-o", str(tmp_path / "v.mp4")]) == 2
    assert "take record would overwrite an input" in capsys.readouterr().err
    assert shot.read_bytes() == before and not (tmp_path / "v.mp4").exists()


def test_export_tracks_does_not_replace_unrelated_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(tmp_path)
    mine = tmp_path / "t.image.png"
    mine.write_bytes(b"someone's picture")
    assert main(["export-tracks", str(project), "-o", str(tmp_path / "t.json")]) == 2
    assert "t.image.png already exists" in capsys.readouterr().err
    assert mine.read_bytes() == b"someone's picture"
    assert _files(tmp_path) == ["p.levitor", "t.image.png"]
    mine.unlink()
    # a re-export replaces its own assets, and only with --overwrite someone else's
    assert main(["export-tracks", str(project), "-o", str(tmp_path / "t.json")]) == 0
    assert main(["export-tracks", str(project), "-o", str(tmp_path / "t.json")]) == 0
    mine.write_bytes(b"replaced by hand")
    (tmp_path / "t.json").unlink()
    args = ["export-tracks", str(project), "-o", str(tmp_path / "t.json"), "--overwrite"]
    assert main(args) == 0
    assert json.loads((tmp_path / "t.json").read_text())["image"] == "t.image.png"


# -- 7: temporary files of a killed writer ---------------------------------------------------


def _killed_midway(tmp_path: Path, body: str) -> None:
    """Run ``body`` in a child process that kills itself with SIGKILL when it calls die()."""
    head = (
        "import os, signal, sys\n"
        f"sys.path.insert(0, {str(Path(__file__).parents[1])!r})\n"
        "def die(*args, **kwargs):\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    done = subprocess.run([sys.executable, "-c", head + body], cwd=tmp_path, check=False)
    assert done.returncode == -signal.SIGKILL


def test_temporary_files_of_a_killed_save_are_removed_by_the_next_write(tmp_path: Path) -> None:
    _killed_midway(
        tmp_path,
        textwrap.dedent(
            """\
            import zipfile
            from scenes import make_scene
            from levitor_studio.model.project_io import save_project
            real = zipfile.ZipFile.writestr
            def write_then_die(self, name, data, *a, **k):
                real(self, name, data, *a, **k)
                if name != "manifest.json":
                    die()
            zipfile.ZipFile.writestr = write_then_die
            save_project(make_scene(), "p.levitor")
            """
        ),
    )
    left = _files(tmp_path)
    assert len(left) == 1 and left[0].startswith(".p.levitor.lvtmp-")
    save_project(make_scene(), tmp_path / "other.levitor")
    assert _files(tmp_path) == ["other.levitor"]


def test_temporary_video_and_frame_folders_of_a_killed_export_are_removed(tmp_path: Path) -> None:
    _killed_midway(
        tmp_path,
        textwrap.dedent(
            """\
            import numpy as np
            from levitor_studio.engine import video_export
            real_save = video_export.Image.Image.save
            def save_then_die(self, path, *a, **k):
                real_save(self, path, *a, **k)
                die()
            video_export.Image.Image.save = save_then_die
            video_export.write_png_sequence(np.zeros((3, 8, 8, 3), np.uint8), "frames")
            """
        ),
    )
    left = _files(tmp_path)
    assert len(left) == 1 and left[0].startswith(".frames.lvtmp-")
    assert _files(tmp_path / left[0]) == ["frame_0000.png"]
    _killed_midway(  # killed after encoding, before the rename
        tmp_path,
        textwrap.dedent(
            """\
            import numpy as np
            from levitor_studio.engine import video_export
            from levitor_studio.model.atomic import Stage
            Stage.commit = die
            video_export.write_mp4(np.zeros((3, 8, 8, 3), np.uint8), "v.mp4")
            """
        ),
    )
    left = _files(tmp_path)  # the second writer removed the first one's folder
    assert len(left) == 1 and left[0].startswith(".v.mp4.lvtmp-") and left[0].endswith(".mp4")
    write_mp4(FRAMES, tmp_path / "w.mp4")
    assert _files(tmp_path) == ["w.mp4"]


def test_a_live_writer_s_temporary_file_is_left_alone(tmp_path: Path) -> None:
    from levitor_studio.model.atomic import atomic_write, temp_name

    live = temp_name(tmp_path / "busy.json")
    live.write_bytes(b"still being written by this process")
    with atomic_write(tmp_path / "x.json") as fh:
        fh.write(b"{}")
    assert _files(tmp_path) == sorted([live.name, "x.json"])
    os.unlink(live)
