"""Background work: Qt-free task state here, the Qt runner in :mod:`.runner`."""

from .state import TaskState

__all__ = ["TaskState"]
