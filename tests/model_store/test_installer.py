"""Installing from a real HTTP server on 127.0.0.1 that answers as the Hub does."""

from __future__ import annotations

import errno
import hashlib
import json
from pathlib import Path

import pytest
from hub_server import SAM, SAM_FILE, SMALL, no_partial_install

from levitor_studio.model.errors import Cancelled, InputError
from levitor_studio.model_store import installer
from levitor_studio.model_store.catalog import find_entry, load_catalog
from levitor_studio.model_store.locate import installed, installed_option
from levitor_studio.tasks.state import TaskState


def entry(name: str):
    return find_entry(name, load_catalog())


def test_install_fetches_verifies_and_records_every_file(hub, store: Path, tiny_small_files):
    progress: list[float] = []
    folder = installer.install(
        entry("depth-anything-v2-small"),
        hub.endpoint,
        task=TaskState(lambda f, _m: progress.append(f)),
    )
    assert folder == store / "depth-anything-v2-small"
    for name, data in tiny_small_files.items():
        assert (folder / name).read_bytes() == data
    manifest = json.loads((folder / "levitor-model.json").read_text())
    assert manifest["commit"] == hub.repos[SMALL].commit and manifest["repo"] == SMALL
    weights = next(f for f in manifest["files"] if f["path"] == "model.safetensors")
    assert weights["sha256"] == hashlib.sha256(tiny_small_files["model.safetensors"]).hexdigest()
    config = next(f for f in manifest["files"] if f["path"] == "config.json")
    assert config["sha256"] is None and len(config["blob_id"]) == 40  # not an LFS file
    assert progress[-1] == 1.0 and progress == sorted(progress)
    assert installed_option("depth-anything-v2", "model_dir") == str(folder)
    assert [m.name for m in installed()] == ["depth-anything-v2-small"]
    assert installer.verify() == {"depth-anything-v2-small": []}
    assert list((store / ".staging").iterdir()) == []
    # one metadata request, then each file once, at the resolved commit
    assert hub.log[0][1].startswith(f"/api/models/{SMALL}/revision/main")
    assert sorted(p for _m, p, _r in hub.log[1:]) == sorted(
        f"/{SMALL}/resolve/{hub.repos[SMALL].commit}/{n}" for n in tiny_small_files
    )


def test_a_dropped_connection_resumes_from_where_it_stopped(hub, sam_bytes, monkeypatch):
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "DOWNLOAD_CHUNK_SIZE", 65536)
    hub.repos[SAM].drop_after[SAM_FILE] = 100_000  # the second chunk is cut short
    folder = installer.install(entry("sam-vit-b"), hub.endpoint)
    assert (folder / SAM_FILE).read_bytes() == sam_bytes
    assert hub.downloads(SAM_FILE) == [None, "bytes=65536-"]


def _cancel_after(fraction: float) -> TaskState:
    state = TaskState(on_progress=lambda f, _m: state.cancel() if f >= fraction else None)
    return state


def test_an_interrupted_install_resumes_on_the_next_run(hub, store: Path, sam_bytes, monkeypatch):
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "DOWNLOAD_CHUNK_SIZE", 65536)
    with pytest.raises(Cancelled):
        installer.install(entry("sam-vit-b"), hub.endpoint, task=_cancel_after(0.4))
    part = store / ".staging/sam-vit-b" / (SAM_FILE + ".part")
    kept = part.stat().st_size
    assert kept == 2 * 65536 and no_partial_install(store, "sam-vit-b")
    assert installed_option("sam", "checkpoint") is None
    folder = installer.install(entry("sam-vit-b"), hub.endpoint)
    assert (folder / SAM_FILE).read_bytes() == sam_bytes
    assert hub.downloads(SAM_FILE) == [None, f"bytes={kept}-"]
    assert installed_option("sam", "checkpoint") == str(folder / SAM_FILE)


def test_a_wrong_checksum_installs_nothing(hub, store: Path, sam_bytes):
    hub.repos[SAM].served[SAM_FILE] = sam_bytes[:-1] + bytes([sam_bytes[-1] ^ 1])
    with pytest.raises(InputError) as info:
        installer.install(entry("sam-vit-b"), hub.endpoint)
    expected = hashlib.sha256(sam_bytes).hexdigest()
    assert f"does not match the published {expected}" in str(info.value)
    assert str(info.value).endswith("the download is damaged; nothing was installed")
    assert no_partial_install(store, "sam-vit-b")
    assert not list((store / ".staging").rglob("*.part"))


def test_a_missing_repository_or_file_is_a_404_sentence(hub, store: Path):
    del hub.repos[SMALL]
    with pytest.raises(InputError) as info:
        installer.install(entry("depth-anything-v2-small"), hub.endpoint)
    assert str(info.value) == f"{SMALL}@main: not found on {hub.endpoint} (404)"
    hub.repos[SAM].missing.add(SAM_FILE)
    with pytest.raises(InputError) as info:
        installer.install(entry("sam-vit-b"), hub.endpoint)
    assert str(info.value) == f"{SAM}/{SAM_FILE}: not found on {hub.endpoint} (404)"
    assert no_partial_install(store, "sam-vit-b")


def test_too_little_free_space_is_refused_before_downloading(hub, store: Path, monkeypatch):
    class Usage:
        free = 50_000

    monkeypatch.setattr(installer.shutil, "disk_usage", lambda _p: Usage)
    with pytest.raises(InputError) as info:
        installer.install(entry("sam-vit-b"), hub.endpoint)
    assert str(info.value) == (
        f"not enough free disk space for sam-vit-b: it needs 17.1 MB, {store} has 50 KB free"
    )
    assert hub.downloads(SAM_FILE) == []


def test_a_disk_that_fills_up_mid_download_keeps_nothing_installed(
    hub, store, sam_bytes, monkeypatch
):
    class FullDisk:
        def __init__(self, path: Path) -> None:
            self.fh = path.open("ab")

        def write(self, data: bytes) -> int:
            if self.fh.tell() + len(data) > 120_000:
                raise OSError(errno.ENOSPC, "No space left on device")
            return self.fh.write(data)

        def __enter__(self):
            return self

        def __exit__(self, *_):
            self.fh.close()

    from huggingface_hub import constants

    monkeypatch.setattr(constants, "DOWNLOAD_CHUNK_SIZE", 40_000)
    monkeypatch.setattr(installer, "open_part", FullDisk)
    with pytest.raises(InputError) as info:
        installer.install(entry("sam-vit-b"), hub.endpoint)
    part = store / ".staging/sam-vit-b" / (SAM_FILE + ".part")
    assert str(info.value) == (
        f"writing {part} failed: No space left on device; free some space and run the "
        "install again to resume"
    )
    assert no_partial_install(store, "sam-vit-b") and part.stat().st_size == 120_000
    monkeypatch.setattr(installer, "open_part", lambda path: path.open("ab"))  # space freed
    folder = installer.install(entry("sam-vit-b"), hub.endpoint)
    assert (folder / SAM_FILE).read_bytes() == sam_bytes
    assert hub.downloads(SAM_FILE)[-1] == "bytes=120000-"


def test_a_gated_model_needs_a_token(hub, store: Path, sam_bytes):
    hub.repos[SAM].gated_token = "hf_secret"
    with pytest.raises(InputError, match=f"{SAM} is gated: accept its licence at "):
        installer.install(entry("sam-vit-b"), hub.endpoint)
    with pytest.raises(InputError, match="the access token was refused \\(401\\)"):
        installer.install(entry("sam-vit-b"), hub.endpoint, token="hf_wrong")
    folder = installer.install(entry("sam-vit-b"), hub.endpoint, token="hf_secret")
    assert (folder / SAM_FILE).read_bytes() == sam_bytes


def test_verify_finds_damage_and_remove_deletes(hub, store: Path):
    folder = installer.install(entry("sam-vit-b"), hub.endpoint)
    with (folder / SAM_FILE).open("r+b") as fh:
        fh.write(b"X")
    (problem,) = installer.verify("sam-vit-b")["sam-vit-b"]
    assert problem.startswith(f"{SAM_FILE}: sha256 ") and "does not match the published" in problem
    assert installer.remove("sam-vit-b") == folder and not folder.exists()
    assert installed() == []
    with pytest.raises(InputError, match="sam-vit-b is not installed"):
        installer.remove("sam-vit-b")
    with pytest.raises(InputError, match="sam-vit-b is not installed"):
        installer.verify("sam-vit-b")


def test_an_unreachable_mirror_and_a_bad_address_are_sentences(store: Path):
    with pytest.raises(InputError, match="cannot reach http://127.0.0.1:9"):
        installer.install(entry("sam-vit-b"), "http://127.0.0.1:9")
    with pytest.raises(InputError, match="mirror 'ftp://x': expected an http:// or https://"):
        installer.install(entry("sam-vit-b"), "ftp://x")


def test_a_backend_switching_the_hub_offline_does_not_block_installs(hub, store, monkeypatch):
    # the depth and SVD backends set HF_HUB_OFFLINE when they load a model; huggingface_hub
    # imported after that reads it as on, but the person never asked for offline
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    folder = installer.install(entry("sam-vit-b"), hub.endpoint)
    assert (folder / SAM_FILE).is_file()


def test_offline_set_by_the_person_stops_installs(hub, store, monkeypatch):
    from huggingface_hub import constants

    from levitor_studio.model_store import paths

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    monkeypatch.setattr(paths, "USER_OFFLINE", True)
    with pytest.raises(InputError) as info:
        installer.install(entry("sam-vit-b"), hub.endpoint)
    assert str(info.value) == (
        "downloads are switched off: HF_HUB_OFFLINE (or TRANSFORMERS_OFFLINE) is set in the "
        "environment; unset it to install models"
    )
    assert hub.log == []


def test_without_huggingface_hub_an_install_is_a_sentence(store, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda n, *a: None if n == "huggingface_hub" else real(n, *a)
    )
    with pytest.raises(InputError, match="installing models needs the huggingface_hub package"):
        installer.fetch_plan(entry("sam-vit-b"), "http://127.0.0.1:9")
    plan = installer.Plan(entry("sam-vit-b"), "", "0" * 40, ())  # as the CLI passes it
    with pytest.raises(InputError, match="installing models needs the huggingface_hub package"):
        installer.install(entry("sam-vit-b"), plan=plan)
