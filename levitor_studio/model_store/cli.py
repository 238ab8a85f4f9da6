"""``levitor-studio models list | install NAME | remove NAME | verify [NAME]``.

Only ``install`` touches the network. It prints the model's licence first and goes on only with
``--accept-licence`` or a typed "yes" at a terminal; then a progress bar runs on stderr. Ctrl-C
stops it, and the same command resumes the download. The parser is built with argparse only, so
``levitor-studio --help`` stays light; huggingface_hub is imported by the installer when used.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any


def add_parser(sub: Any) -> None:
    m = sub.add_parser("models", help="list, install, remove or verify downloadable models")
    m.add_argument("--catalog", metavar="FILE", help="a studio's own catalogue file")
    actions = m.add_subparsers(dest="action", parser_class=type(m), required=True)
    actions.add_parser("list", help="the catalogue, with sizes, licences and what is installed")
    i = actions.add_parser("install", help="download a model (asks to accept its licence)")
    i.add_argument("name")
    i.add_argument("--accept-licence", action="store_true", help="accept the licence shown")
    i.add_argument("--endpoint", metavar="URL", help="a mirror of the Hugging Face Hub")
    i.add_argument("--token", help="Hugging Face access token (gated models; or HF_TOKEN)")
    r = actions.add_parser("remove", help="delete an installed model")
    r.add_argument("name")
    v = actions.add_parser("verify", help="check installed files against their checksums")
    v.add_argument("name", nargs="?")


def run(args: argparse.Namespace) -> int:
    from ..model.errors import InputError
    from .catalog import find_entry, human_size, load_catalog
    from .locate import installed
    from .paths import models_dir

    if args.action == "list":
        entries = load_catalog(args.catalog)
        have = {m.name for m in installed()}
        print(f"models folder: {models_dir()}")
        for e in entries:
            state = "installed" if e.name in have else ("suggested" if e.suggested else "")
            licence = e.licence.split(" (")[0][:32]
            print(
                f"{e.name:26s} {human_size(e.size):>9s}  {licence:32s} "
                f"{e.backend}:{e.option}  {state}".rstrip()
            )
        return 0
    if args.action == "remove":
        from .installer import remove

        print(f"removed {remove(args.name)}")
        return 0
    if args.action == "verify":
        from .installer import verify

        report = verify(args.name)
        if not report:
            print("no model is installed")
        bad = 0
        for name, problems in report.items():
            print(f"{name}: {'ok' if not problems else 'DAMAGED'}")
            for p in problems:
                print(f"  {p}")
            bad += bool(problems)
        if bad:
            raise InputError(f"{bad} installed model(s) failed verification: install them again")
        return 0
    entry = find_entry(args.name, load_catalog(args.catalog))
    return _install(entry, args)


def _install(entry: Any, args: argparse.Namespace) -> int:
    from ..model.errors import InputError
    from ..tasks.state import TaskState
    from .installer import fetch_plan, install
    from .locate import installed
    from .paths import StoreSettings

    done = installed(entry.name)
    if done:  # no network, no second multi-gigabyte download by mistake
        print(f"{entry.name} is already installed in {done[0].folder} (remove it to install again)")
        return 0
    print(entry.licence_text())
    if not args.accept_licence:
        if not sys.stdin.isatty():
            raise InputError(
                f"{entry.name}: accept the licence above with --accept-licence to install"
            )
        answer = input("Accept this licence and download? Type yes: ").strip().lower()
        if answer not in ("y", "yes"):
            print("not installed")
            return 0
    endpoint = args.endpoint or StoreSettings.load().endpoint
    token = args.token or os.environ.get("HF_TOKEN") or None
    plan = fetch_plan(entry, endpoint, token)
    tty = sys.stderr.isatty()

    def bar(fraction: float, message: str) -> None:
        if tty:
            filled = int(fraction * 30)
            line = f"\r[{'#' * filled}{'.' * (30 - filled)}] {fraction * 100:5.1f}% {message[:60]}"
            print(f"{line:100s}", end="", file=sys.stderr)

    try:
        folder = install(entry, plan.endpoint, token, TaskState(on_progress=bar), plan=plan)
    except KeyboardInterrupt:
        print("\ninterrupted: run the same command again to resume", file=sys.stderr)
        return 130
    finally:
        if tty:
            print(file=sys.stderr)
    print(f"installed {entry.name} in {folder}")
    return 0
