"""The Linux desktop entry and the icon: the entry launches the installed command by its name and
names the icon the app ships; the SVG is a square image and the PNG its 256 px rendering."""

from __future__ import annotations

import configparser
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "resources"


def _entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(RESOURCES / "levitor-studio.desktop", encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_entry_launches_the_installed_command() -> None:
    entry = _entry()
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "scripts"
    ]
    assert entry["Type"] == "Application"
    assert entry["Name"] == "LeviTor Studio"
    assert entry["Exec"].split()[0] in scripts
    assert entry["TryExec"] in scripts
    assert entry["Exec"].split()[1:] == ["%f"]  # one file: a project or an image
    assert entry["Terminal"] == "false"
    assert entry["Categories"].endswith(";")


def test_desktop_entry_names_the_shipped_icon() -> None:
    icon = _entry()["Icon"]
    assert (RESOURCES / "icons" / f"{icon}.svg").is_file()
    assert (RESOURCES / "icons" / f"{icon}.png").is_file()


def test_icon_is_a_square_svg_with_its_png_rendering() -> None:
    svg = ET.parse(RESOURCES / "icons" / "levitor-studio.svg").getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    assert svg.get("viewBox") == "0 0 256 256"
    with Image.open(RESOURCES / "icons" / "levitor-studio.png") as png:
        assert png.size == (256, 256)
        assert png.mode == "RGBA"
        alpha = png.getchannel("A")
        assert alpha.getpixel((0, 0)) == 0  # transparent corners, opaque middle
        assert alpha.getpixel((128, 128)) == 255
