"""``TaskState`` for the task runner; it lives in the model (:mod:`levitor_studio.model.task_state`)
so that the engine and the backends can name it. Kept as this name for existing imports.
"""

from __future__ import annotations

from ..model.task_state import TaskState

__all__ = ["TaskState"]
