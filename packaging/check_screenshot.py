"""Check a ``--screenshot`` PNG: it has the window's size and shows a picture, not a blank window.

Run as ``python packaging/check_screenshot.py SHOT.png WIDTHxHEIGHT``; one line on stderr and exit
status 1 when it fails. A rendered editor shows the example photograph, so it holds thousands of
colours and strong contrast; an empty or black window holds a handful.
"""

from __future__ import annotations

import sys

import numpy as np
from PIL import Image

MIN_COLOURS = 2000  # the coffee photo alone has tens of thousands at editor size
MIN_SPREAD = 20.0  # standard deviation of grey levels (0-255)


def problems(path: str, size: tuple[int, int]) -> list[str]:
    with Image.open(path) as image:
        found = image.size
        rgb = np.asarray(image.convert("RGB"))
    issues = []
    if found != size:
        issues.append(f"{path}: {found[0]}x{found[1]} pixels, the window is {size[0]}x{size[1]}")
    colours = len(np.unique(rgb.reshape(-1, 3), axis=0))
    spread = float(rgb.mean(axis=2).std())
    if colours < MIN_COLOURS or spread < MIN_SPREAD:
        issues.append(f"{path}: looks blank ({colours} colours, grey spread {spread:.1f})")
    return issues


def main(argv: list[str]) -> int:
    width, height = (int(v) for v in argv[1].lower().split("x"))
    issues = problems(argv[0], (width, height))
    for issue in issues:
        print(f"check_screenshot: {issue}", file=sys.stderr)
    return 1 if issues else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
