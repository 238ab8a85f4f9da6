"""Preferences ▸ Models: what each model needs, and paths checked before they are accepted."""

from __future__ import annotations

import json
import zipfile

from PySide6.QtWidgets import QLabel

from levitor_studio.ui.models_page import ModelsPage
from levitor_studio.ui.preferences import Preferences, PreferencesDialog


def _texts(widget) -> str:
    return "\n".join(label.text() for label in widget.findChildren(QLabel))


def test_every_model_backend_says_what_it_needs(qtbot):
    page = ModelsPage({})
    qtbot.addWidget(page)
    assert {"sam", "depth-anything-v2", "levitor-svd"} <= set(page.fields)
    text = _texts(page)
    for needed in ("ViT-H 2.56 GB", "huggingface.co/hlwang06/LeviTor", "a folder", "a file"):
        assert needed in text
    assert "grabcut" not in page.fields  # weight-free backends need nothing


def test_a_wrong_checkpoint_is_refused_and_a_real_one_accepted(qtbot, tmp_path):
    page = ModelsPage({})
    qtbot.addWidget(page)
    spec, edit = page.fields["sam"]["checkpoint"]
    text_file = tmp_path / "notes.pth"
    text_file.write_text("not weights")
    assert not page.choose("sam", spec, str(text_file))
    assert edit.text() == "" and "not a PyTorch checkpoint" in page.status["sam"].text()
    checkpoint = tmp_path / "sam.pth"
    with zipfile.ZipFile(checkpoint, "w") as zf:  # torch.save's container
        zf.writestr("archive/data.pkl", b"")
    assert page.choose("sam", spec, str(checkpoint))
    assert edit.text() == str(checkpoint) and page.status["sam"].text() == "ready"


def test_svd_folders_are_checked_together(qtbot, tmp_path):
    page = ModelsPage({})
    qtbot.addWidget(page)
    svd_spec, svd_edit = page.fields["levitor-svd"]["svd"]
    cn_spec, cn_edit = page.fields["levitor-svd"]["controlnet"]
    assert not page.choose("levitor-svd", svd_spec, str(tmp_path / "missing"))
    (tmp_path / "svd").mkdir()
    (tmp_path / "cn").mkdir()
    # an empty SVD folder is refused at once (each folder is checked alone), naming every problem
    assert not page.choose("levitor-svd", svd_spec, str(tmp_path / "svd"))
    assert page.status["levitor-svd"].text().splitlines() == [
        "not accepted:",
        f"• {tmp_path / 'svd'}: model_index.json is missing",
        "• set LeviTor's controlnet folder (option controlnet / --controlnet DIR)",
    ]
    assert not page.choose("levitor-svd", cn_spec, str(tmp_path / "cn"))  # empty folder
    assert cn_edit.text() == "" and svd_edit.text() == ""


def test_every_problem_of_a_backend_is_listed_one_line_each(qtbot, tmp_path):
    page = ModelsPage({})
    qtbot.addWidget(page)
    page.fields["levitor-svd"]["svd"][1].setText(str(tmp_path / "svd"))
    page.fields["levitor-svd"]["controlnet"][1].setText(str(tmp_path / "cn"))
    page.check("levitor-svd")
    assert page.status["levitor-svd"].text().splitlines() == [
        "cannot run:",
        f"• SVD-XT folder {tmp_path / 'svd'} does not exist",
        f"• ControlNet folder {tmp_path / 'cn'} does not exist",
    ]


def test_ok_refuses_unusable_weights_and_saves_good_ones(qtbot, tmp_path, private_config):
    dialog = PreferencesDialog(Preferences.load())
    qtbot.addWidget(dialog)
    _spec, edit = dialog.models.fields["sam"]["checkpoint"]
    edit.setText(str(tmp_path / "nope.pth"))
    dialog.accept()
    assert "sam: SAM checkpoint" in dialog.error.text()
    assert not (private_config / "preferences.json").exists()
    edit.setText("")
    dialog.accept()
    saved = json.loads((private_config / "preferences.json").read_text())
    assert saved["options"]["sam"] == {"checkpoint": ""}


def test_a_hand_edited_autosave_interval_is_clamped(private_config):
    private_config.mkdir(parents=True, exist_ok=True)
    (private_config / "preferences.json").write_text(json.dumps({"autosave_s": 0}))
    assert Preferences.load().autosave_s == 10
    (private_config / "preferences.json").write_text(json.dumps({"autosave_s": 10**9}))
    assert Preferences.load().autosave_s == 3600
