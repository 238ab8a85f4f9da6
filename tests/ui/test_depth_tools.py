"""Depth an artist can see and correct, through the editor's widgets (issue 14 item 2)."""

from __future__ import annotations

import numpy as np
import pytest
from ui_helpers import click, drag, wheel

from levitor_studio.backends.heuristic_depth import ground_plane_depth, horizon_of
from levitor_studio.model.commands import SetKeyframe
from levitor_studio.model.ordering import FIX_DEPTH, STEP
from levitor_studio.model.scene import snapshot


def _inside(obj):
    ys, xs = np.nonzero(obj.mask)
    i = len(xs) // 2
    return float(xs[i]) + 0.5, float(ys[i]) + 0.5


def test_send_behind_from_the_menu_then_a_click_on_the_other_object(qtbot, window):
    doc = window.doc
    cup, spoon = doc.scene.objects
    before = snapshot(doc.scene)
    doc.select(spoon.uid)
    window.actions_by_name["send_behind"].trigger()
    assert "Click the object or segment spoon should go behind" in (
        window.statusBar().currentMessage()
    )
    click(window.view, *_inside(cup))
    z_cup = doc.scene.rest_depth(cup)
    assert doc.scene.rest_depth(spoon) == pytest.approx(z_cup * STEP)
    # the spoon's authored keys keep their depth relative to its rest
    assert spoon.key_at(6).z / spoon.key_at(0).z == pytest.approx(0.0075 / 0.00488)
    assert window.statusBar().currentMessage().startswith("Send spoon behind cup")
    assert doc.undo_stack.count() == 1
    window.actions_by_name["undo"].trigger()
    assert snapshot(doc.scene) == before


def test_a_static_segment_is_brought_in_front_with_nothing_selected(qtbot, window):
    doc = window.doc
    cup, spoon = doc.scene.objects
    doc.select(None)
    x, y = 500.0, 10.0  # the wall at the top right: a static segment, no object
    segment = int(doc.scene.segments[int(y), int(x)])
    assert segment > 0 and window.view.tools.object_at(x, y) is None
    window.actions_by_name["bring_front"].trigger()
    click(window.view, x, y)
    assert "Now click what segment" in window.statusBar().currentMessage()
    click(window.view, *_inside(cup))
    inside = doc.scene.segments == segment
    assert np.all(doc.scene.depth[inside] == np.float32(doc.scene.rest_depth(cup) / STEP))


def test_dragging_the_horizon_re_estimates_the_depth_as_one_undo_step(qtbot, window):
    doc, view = window.doc, window.view
    line = view.horizon.line
    assert line.isVisible() and line.value() == pytest.approx(0.35 * 287, abs=0.6)
    old = doc.scene.depth.copy()
    drag(view, (40.0, line.value()), (40.0, 150.0))
    assert horizon_of(doc.scene.depth) * 287 == pytest.approx(150.0, abs=1.5)
    assert doc.undo_stack.count() == 1 and doc.undo_stack.undoText() == "Move horizon"
    assert line.value() == pytest.approx(horizon_of(doc.scene.depth) * 287)
    window.actions_by_name["undo"].trigger()
    assert np.array_equal(doc.scene.depth, old)
    # the drop at row 150 exactly: the ground plane from there, the objects as cards on it
    assert view.horizon.drop_at(150.0)
    masks = [o.mask for o in doc.scene.objects]
    assert np.array_equal(doc.scene.depth, ground_plane_depth(288, 512, masks, 150.0 / 287))
    window.actions_by_name["undo"].trigger()
    assert np.array_equal(doc.scene.depth, old)
    assert line.value() == pytest.approx(0.35 * 287, abs=0.6)  # the line follows undo


def test_an_object_resting_in_the_no_depth_band_is_flagged_with_a_one_click_fix(qtbot, window):
    doc = window.doc
    cup = doc.scene.objects[0]
    box = window.inspector_dock.widget().arrange_box
    doc.select(cup.uid)
    assert not box.warning.isVisibleTo(box)
    doc.push(SetKeyframe(cup.uid, doc.scene.effective_keys(cup)[0].moved(z=0.9)))
    assert box.warning.isVisibleTo(box) and box.fix_button.isVisibleTo(box)
    assert box.warning.text().startswith("⚠ cup rests at z 0.9 > 0.67: the model reads it as")
    doc.select(None)
    doc.select(cup.uid)  # selecting it says so in the status bar too
    assert window.statusBar().currentMessage() == (
        box.warning.text() + " — Fix in the inspector's Depth and mask box"
    )
    box.fix_button.click()
    assert doc.scene.rest_depth(cup) == FIX_DEPTH
    assert not box.warning.isVisibleTo(box)


def test_artist_units_in_the_inspector_and_stay_on_the_ground(qtbot, window):
    doc, view = window.doc, window.view
    spoon = doc.scene.objects[1]
    insp = window.inspector_dock.widget()
    doc.select_key(spoon.uid, 6)
    z0 = doc.scene.rest_depth(spoon)
    assert insp.k_dist.value() == pytest.approx(0.0075 / z0, abs=0.005)
    insp.k_dist.setValue(2.0)
    assert spoon.key_at(6).z == pytest.approx(2.0 * z0)
    assert spoon.key_at(6).y == 172.0  # no ground option: only the depth changes

    insp.arrange_box.ground_box.setChecked(True)
    assert doc.stay_on_ground
    key = spoon.key_at(11)
    wheel(view, key.x, key.y, -2)  # down = farther
    moved = spoon.key_at(11)
    horizon = horizon_of(doc.scene.depth) * 287
    bottom0 = float(np.nonzero(spoon.mask.any(axis=1))[0][-1])
    reach = bottom0 - 212.0  # the rest key's y is the anchor
    contact = key.y + z0 / key.z * reach
    expected_contact = horizon + (contact - horizon) * key.z / moved.z
    assert moved.z > key.z
    assert moved.y + z0 / moved.z * reach == pytest.approx(expected_contact)
    assert moved.y < key.y  # pushed back, it climbs the floor


def test_hovering_a_key_on_the_timeline_reads_its_depth_in_artist_units(qtbot, window):
    doc = window.doc
    spoon = doc.scene.objects[1]
    timeline = window.timeline.timeline
    from levitor_studio.ui.timeline import OBJECTS_TOP, ROW_H

    row_y = OBJECTS_TOP + ROW_H * 1 + 12  # ruler, Camera row, then the spoon's row (the second)
    text = timeline.key_tooltip(timeline.x_of(6), row_y)
    z0 = doc.scene.rest_depth(spoon)
    assert text == (
        f"spoon, frame 6: x 250, y 172, distance ×{0.0075 / z0:.2f} ({100 * z0 / 0.0075:.0f} %)"
        " · z 0.0075 · model 133/255"
    )
    assert timeline.key_tooltip(timeline.x_of(7), row_y) == ""  # no key there
