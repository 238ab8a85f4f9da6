"""The Camera menu: where the camera key commands and the camera helpers live."""

from __future__ import annotations


def test_the_camera_menu_sits_between_view_and_render(window) -> None:
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["&File", "&Edit", "&View", "&Camera", "&Render", "&Help"]
    assert window.menus["camera"].title() == "&Camera"
