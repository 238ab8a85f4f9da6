"""Preferences ▸ Models: Install with the licence, progress, Cancel, then the backend is ready."""

from __future__ import annotations

import json
import threading

from hub_server import SAM, SAM_FILE

from levitor_studio.ui.models_page import ModelsPage
from levitor_studio.ui.preferences import Preferences, PreferencesDialog


def test_install_from_the_page_makes_the_backend_ready(qtbot, hub, store, tmp_path):
    page = ModelsPage({})
    qtbot.addWidget(page)
    box = page.downloads
    state, install, remove = box.rows["depth-anything-v2-small"]
    assert page.status["depth-anything-v2"].text() == "not set up"
    assert (state.text(), install.isEnabled(), remove.isEnabled()) == ("not installed", True, False)
    assert (
        "Depth Anything V2 Small</b><br>99.2 MB · Apache-2.0 · suggested"
        in box.grid.itemAtPosition(0, 0).widget().text()
    )
    box.endpoint.setText(hub.endpoint)
    assert box.install("depth-anything-v2-small", accept=False) is None
    assert hub.log == []
    with qtbot.waitSignal(box.installedChanged, timeout=60_000):
        handle = box.install("depth-anything-v2-small", accept=True)
        assert handle is not None and not box.cancel_button.isHidden()
    assert box.message.text() == f"installed in {store / 'depth-anything-v2-small'}"
    assert (state.text(), install.isEnabled(), remove.isEnabled()) == ("installed", False, True)
    assert page.status["depth-anything-v2"].text() == "ready (installed model)"
    saved = json.loads((tmp_path / "config" / "models.json").read_text())
    assert saved == {"endpoint": hub.endpoint, "catalog": ""}
    assert box.remove("depth-anything-v2-small", confirm=True)
    assert page.status["depth-anything-v2"].text() == "not set up"
    assert state.text() == "not installed"


def test_cancel_stops_the_download_and_install_resumes_it(
    qtbot, hub, store, sam_bytes, monkeypatch
):
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "DOWNLOAD_CHUNK_SIZE", 65536)
    release = threading.Event()
    hub.repos[SAM].hold_after[SAM_FILE] = (65536, release)
    page = ModelsPage({})
    qtbot.addWidget(page)
    box = page.downloads
    box.endpoint.setText(hub.endpoint)
    handle = box.install("sam-vit-b", accept=True)
    assert handle is not None and not box.cancel_button.isHidden()
    with qtbot.waitSignal(handle.progress, timeout=60_000):
        pass  # the first 64 KB arrived
    with qtbot.waitSignal(box.installedChanged, timeout=60_000):
        box.cancel()
        release.set()
    assert box.message.text() == "cancelled: Install again resumes the download"
    assert box.cancel_button.isHidden() and box.rows["sam-vit-b"][0].text() == "not installed"
    part = store / ".staging/sam-vit-b" / (SAM_FILE + ".part")
    assert part.stat().st_size == 65536
    with qtbot.waitSignal(box.installedChanged, timeout=60_000):
        box.install("sam-vit-b", accept=True)
    assert (store / "sam-vit-b" / SAM_FILE).read_bytes() == sam_bytes
    assert hub.downloads(SAM_FILE) == [None, "bytes=65536-"]
    assert page.status["sam"].text() == "ready (installed model)"


def test_a_bad_mirror_address_is_refused_on_the_page(qtbot, store):
    dialog = PreferencesDialog(Preferences.load())
    qtbot.addWidget(dialog)
    box = dialog.models.downloads
    box.endpoint.setText("huggingface.co")
    assert box.install("sam-vit-b", accept=True) is None
    assert box.message.text() == (
        "mirror 'huggingface.co': expected an http:// or https:// address"
    )
