"""The timeline's geometry and colours, shared by its object rows and its Camera row."""

from __future__ import annotations

from PySide6.QtGui import QColor

NAME_W = 132
RULER_H = 24
ROW_H = 24
#: the top of the first object row: the Camera row sits between the ruler and the objects
OBJECTS_TOP = RULER_H + ROW_H
BG = QColor(34, 34, 38)
ROW_BG = (QColor(44, 44, 49), QColor(40, 40, 45))
GRID = QColor(60, 60, 66)
TEXT = QColor(200, 200, 205)
PLAYHEAD = QColor(235, 80, 70)
RANGE = QColor(110, 160, 235)  # the in/out range bar on the ruler
