"""The API layer's half of importing a tracks file: what needs backends.

:func:`levitor_studio.model.tracks_io.load_tracks` reads the file and the files it names and
returns data. Here the ``box`` / ``clicks`` prompts become masks through a segmenter, a null
``depth`` is estimated (the objects' masks given to estimators that take them), and the static
segments are filled by the segmenter's automatic mode, objects excluded. Re-exported by
:mod:`levitor_studio.api`; the editor and the command line reach it through there.
"""

from __future__ import annotations

import os

import numpy as np
from numpy.typing import NDArray

from .model.errors import ValidationError
from .model.scene import Scene
from .model.task_state import TaskState
from .model.tracks_io import TrackedObject, load_tracks
from .plugin_host.protocols import DepthEstimator, Prompt, Segmenter, estimate_depth


def prompt_mask(obj: TrackedObject, segmenter: Segmenter | None) -> NDArray[np.bool_] | None:
    """The mask of a prompt object from the segmenter's best candidate (None for a mask file).

    The segmenter must have been given the scene's image (``set_image``) already.
    """
    if obj.mask is not None:
        return None
    if segmenter is None:
        raise ValidationError(obj.where, "box and clicks need a segmenter")
    prompt = Prompt(box=obj.box) if obj.box is not None else Prompt(clicks=obj.clicks or ())
    candidates = segmenter.segment(prompt)
    if not candidates:
        raise ValidationError(obj.where, "the segmenter found no object there")
    mask = np.asarray(candidates[0].mask, dtype=bool)
    if not mask.any():
        raise ValidationError(obj.where, "the object's mask is empty")
    return mask


def import_tracks(
    path: str | os.PathLike[str],
    segmenter: Segmenter | None = None,
    depth_estimator: DepthEstimator | None = None,
    static_segments: bool = True,
    allow_outside_paths: bool = False,
    task: TaskState | None = None,
) -> Scene:
    """A scene from a tracks file, its prompts and null depth resolved by the given backends.

    Parameters
    ----------
    segmenter
        Resolves ``box`` / ``clicks`` objects and fills the static segments. Required only
        when the file uses prompts.
    depth_estimator
        Used when ``depth`` is null; without one the scene keeps no depth map.
    allow_outside_paths
        Accept file names that lead outside the tracks file's folder.
    """
    tracks = load_tracks(path, allow_outside_paths)
    if segmenter is not None:
        segmenter.set_image(tracks.image, task)
    masks = [prompt_mask(obj, segmenter) for obj in tracks.objects]
    scene = tracks.scene(masks)
    if scene.depth is None and depth_estimator is not None:
        scene.depth = estimate_depth(
            depth_estimator, scene.image, [o.mask for o in scene.objects], task
        )
    if static_segments and segmenter is not None:
        scene.segments = segmenter.automatic(exclude=scene.objects_mask()).astype(np.int32)
    return scene
