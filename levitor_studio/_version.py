"""The one place the version lives (read by pyproject, the CLI, the frozen build and plugins)."""

__version__ = "0.1.0"
