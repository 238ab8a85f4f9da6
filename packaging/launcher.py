"""Entry script of the frozen app: the same ``levitor-studio`` command line as the installed one."""

from __future__ import annotations

import multiprocessing
import sys

from levitor_studio.cli import main

if __name__ == "__main__":
    # a frozen app re-runs this script for any child process a library starts (joblib, spawn)
    multiprocessing.freeze_support()
    sys.exit(main())
