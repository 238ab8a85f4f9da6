"""Where installed models and the model-store settings live, and how a studio redirects them.

Models land in the platformdirs user data folder (``LEVITOR_STUDIO_DATA_DIR`` overrides it, for
tests and portable installs), under ``models/<name>/``. The settings (a mirror endpoint and a
catalogue file) are ``models.json`` in the config folder, beside the preferences, so the command
line and the editor read the same file. Environment variables override the file, and command-line
flags override both.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from ..model.errors import InputError

ENV_DATA = "LEVITOR_STUDIO_DATA_DIR"
ENV_CONFIG = "LEVITOR_STUDIO_CONFIG_DIR"
ENV_ENDPOINT = "LEVITOR_STUDIO_MODELS_ENDPOINT"
ENV_CATALOG = "LEVITOR_STUDIO_MODELS_CATALOG"

#: whether the person started the app with the Hub switched off. Read at import, before any
#: model backend sets HF_HUB_OFFLINE for its own loading (they import this module first).
USER_OFFLINE = any(
    os.environ.get(name, "").upper() in ("1", "ON", "YES", "TRUE")
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
)


def config_dir() -> Path:
    """Where preferences, window layout, recovery files and the store settings live."""
    override = os.environ.get(ENV_CONFIG)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_config_dir("levitor-studio", appauthor=False))


def data_dir() -> Path:
    """The app's data folder (installed models are in its ``models`` folder)."""
    override = os.environ.get(ENV_DATA)
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("levitor-studio", appauthor=False))


def models_dir() -> Path:
    return data_dir() / "models"


@dataclass
class StoreSettings:
    """A mirror to download from (empty: huggingface_hub's default, ``HF_ENDPOINT``) and a
    catalogue file to use instead of the shipped one (empty: the shipped one)."""

    endpoint: str = ""
    catalog: str = ""

    @classmethod
    def load(cls) -> StoreSettings:
        """The saved settings with the environment's overrides applied."""
        settings = cls()
        try:
            raw = json.loads((config_dir() / "models.json").read_text(encoding="utf-8"))
            if isinstance(raw, dict):
                settings.endpoint = str(raw.get("endpoint", "") or "")
                settings.catalog = str(raw.get("catalog", "") or "")
        except (OSError, ValueError):
            pass  # no file or a damaged one: defaults; the next save repairs it
        settings.endpoint = os.environ.get(ENV_ENDPOINT, settings.endpoint)
        settings.catalog = os.environ.get(ENV_CATALOG, settings.catalog)
        return settings

    def save(self) -> None:
        """Write ``models.json`` atomically; refuses an endpoint that is not an http(s) URL."""
        check_endpoint(self.endpoint)
        folder = config_dir()
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / "models.json.tmp"
        tmp.write_text(json.dumps(asdict(self), indent=2), encoding="utf-8")
        os.replace(tmp, folder / "models.json")


def check_endpoint(endpoint: str) -> str:
    """``endpoint`` without a trailing slash; an :class:`InputError` unless http(s)://host."""
    from urllib.parse import urlsplit

    if not endpoint:
        return ""
    parts = urlsplit(endpoint.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"mirror {endpoint!r}: expected an http:// or https:// address")
    return endpoint.strip().rstrip("/")
