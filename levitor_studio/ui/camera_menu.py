"""The Camera menu's key commands and one-click moves, as named window actions.

:func:`camera_actions` makes ``camera_add_key``, ``camera_delete_key``, ``camera_clear`` and one
``camera_<preset>`` per :data:`~levitor_studio.model.camera_edits.PRESETS` entry (Push In, Pull
Out, Pan Left / Right, Truck Left / Right over the in/out range); :mod:`.menus` lists them in the
Camera menu. Each runs one camera edit of :mod:`.camera_row` on the window's document.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction

from ..model.camera_edits import PRESETS
from ..model.camera_units import show
from . import camera_row

if TYPE_CHECKING:
    from .main_window import MainWindow


def camera_actions(win: MainWindow, act: Callable[..., QAction]) -> None:
    """The camera key commands and the one-click moves (each one undo step), made with the
    menus' ``act`` into ``win.actions_by_name``."""
    a, doc = win.actions_by_name, lambda: win.doc
    a["camera_add_key"] = act(
        win,
        "&Add Camera Key",
        lambda: doc() and (doc().select_camera(None), camera_row.insert(doc())),
        tip="Key the camera at the playhead as it is there (then edit it in the Camera panel)",
    )
    a["camera_delete_key"] = act(
        win,
        "&Delete Camera Key",
        lambda: doc() and camera_row.delete_current(doc()),
        tip="Delete the selected camera key, or the one at the playhead",
    )
    a["camera_clear"] = act(
        win,
        "&Clear Camera Move",
        lambda: doc() and camera_row.clear(doc()),
        tip="Delete every camera key: the camera stands still",
    )
    for name, (text, column, amount) in PRESETS.items():
        size = "a tenth of the width" if amount is None else show(column, abs(amount))
        a[f"camera_{name}"] = act(
            win,
            text,
            lambda _=False, n=name: doc() and camera_row.preset(doc(), n),
            tip=f"{text} by {size} over the in/out range, easing in and out (one undo step)",
        )
