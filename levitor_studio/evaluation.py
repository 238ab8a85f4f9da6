"""ObjMC evaluation: how far a generated video moved objects from where the scene asked.

The paper's ObjMC (reference §8) is the mean Euclidean distance between intended and obtained
point tracks. Here the *intended* tracks come from the engine: each object's frame-0 control
points, carried through the clip by the object's placement (``placement`` mode: where that
piece of the object must be in every frame), or the per-frame K-means control points matched by
index (``control`` mode, the literal model input). The *obtained* tracks are found on the
generated frames by a point tracker (:mod:`levitor_studio.point_tracking`) from the same frame-0
points. Points hidden in either track (occluded, off-frame, lost by the tracker) are left out of
the mean, and the visible fraction says how much was scored. Everything is Qt-free.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .model.errors import InputError
from .model.scene import Scene
from .model.task_state import TaskState

__all__ = [
    "INTENDED_MODES",
    "Score",
    "SceneEvaluation",
    "Tracks",
    "evaluate_scene",
    "intended_tracks",
    "objmc",
    "pool",
    "until_first_hidden",
]

INTENDED_MODES = ("placement", "control")


@dataclass(frozen=True, eq=False)
class Tracks:
    """Point tracks of a clip, grouped by object.

    Attributes
    ----------
    xy
        ``(F, N, 2)`` float64 ``(x, y)`` per frame and point.
    visible
        ``(F, N)`` bool.
    owner
        ``(N,)`` int64: index of the object each point belongs to.
    names
        Object names, indexed by ``owner``.
    moving
        Per object, whether the scene moves it at all.
    """

    xy: NDArray[np.float64]
    visible: NDArray[np.bool_]
    owner: NDArray[np.int64]
    names: tuple[str, ...]
    moving: tuple[bool, ...]


@dataclass(frozen=True)
class Score:
    """ObjMC of a group of points: summed error over the scored samples, and the counts.

    ``samples`` are point-frames where both tracks are visible; ``expected`` those where the
    intended track is. Scores pool exactly by adding these sums (:func:`pool`).
    """

    name: str
    error_sum: float
    samples: int
    expected: int
    points: int

    @property
    def objmc(self) -> float:
        """Mean distance in pixels, NaN when nothing could be scored."""
        return self.error_sum / self.samples if self.samples else float("nan")

    @property
    def visible_fraction(self) -> float:
        return self.samples / self.expected if self.expected else float("nan")

    def to_json(self) -> dict[str, Any]:
        value = self.objmc
        return {
            "name": self.name,
            "objmc": None if np.isnan(value) else round(value, 4),
            "visible_fraction": round(self.visible_fraction, 4) if self.expected else None,
            "samples": self.samples,
            "expected": self.expected,
            "points": self.points,
        }


def pool(name: str, scores: list[Score]) -> Score:
    """One score over all samples of ``scores`` (not a mean of means)."""
    return Score(
        name,
        sum(s.error_sum for s in scores),
        sum(s.samples for s in scores),
        sum(s.expected for s in scores),
        sum(s.points for s in scores),
    )


def objmc(
    intended: Tracks,
    obtained_xy: NDArray[np.floating],
    obtained_visible: NDArray[np.bool_],
    first_frame: int = 1,
) -> tuple[Score, list[Score]]:
    """ObjMC overall and per object.

    Parameters
    ----------
    intended
        The intended tracks (their ``owner`` groups the points into objects).
    obtained_xy, obtained_visible
        ``(F, N, 2)`` and ``(F, N)`` from the tracker, same points in the same order.
    first_frame
        First frame scored; 1 by default because frame 0 holds the tracker's own queries.

    Returns
    -------
    overall : Score
    per_object : list of Score, one per name in ``intended.names``
    """
    xy = np.asarray(obtained_xy, dtype=np.float64)
    seen = np.asarray(obtained_visible, dtype=bool)
    if xy.shape != intended.xy.shape or seen.shape != intended.visible.shape:
        raise InputError(
            f"obtained tracks {xy.shape}/{seen.shape} do not match intended "
            f"{intended.xy.shape}/{intended.visible.shape}"
        )
    want = intended.visible[first_frame:]
    both = want & seen[first_frame:] & np.isfinite(xy[first_frame:]).all(axis=-1)
    dist = np.linalg.norm(xy[first_frame:] - intended.xy[first_frame:], axis=-1)
    dist = np.where(both, dist, 0.0)
    per_object = []
    for i, name in enumerate(intended.names):
        sel = intended.owner == i
        per_object.append(
            Score(
                name,
                float(dist[:, sel].sum()),
                int(both[:, sel].sum()),
                int(want[:, sel].sum()),
                int(sel.sum()),
            )
        )
    return pool("all", per_object), per_object


def intended_tracks(scene: Scene, signal: Any = None, mode: str = "placement") -> Tracks:
    """The tracks the scene asks for, from its control signal (built when not given).

    ``placement``: each object's frame-0 control points that lie on the object, moved by its
    per-frame placement; visible where the rendered label there is still the object's.
    ``control``: the per-frame K-means points of each object, the k-th matched to the k-th;
    visible in frames that give the object as many points as frame 0.
    """
    from .engine import build_signal, kmeans_points, placements

    if mode not in INTENDED_MODES:
        raise InputError(f"intended tracks: mode must be one of {', '.join(INTENDED_MODES)}")
    if signal is None:
        signal = build_signal(scene)
    labels = np.asarray(signal.labels)
    n_frames, h, w = labels.shape
    n_obj = len(scene.objects)
    points = [np.asarray(p, dtype=np.int64).reshape(-1, 4) for p in signal.points]
    if not scene.settings.use_ids:
        if mode == "control":
            raise InputError("control-point tracks need instance ids (settings.use_ids is off)")
        points = kmeans_points(labels, signal.depth, n_obj, scene.settings.points_ratio)
    places = placements(scene)
    xy_parts, vis_parts, owner = [], [], []
    for i, place in enumerate(places):
        oid = place.instance_id
        first = points[0][points[0][:, 2] == oid]
        if mode == "placement":
            first = first[labels[0, first[:, 0], first[:, 1]] == oid]
            src = first[:, [1, 0]].astype(np.float64)
            xy = np.stack([place.to_frame(t, src) for t in range(n_frames)])
            r = np.rint(xy[..., 1]).astype(np.int64)
            c = np.rint(xy[..., 0]).astype(np.int64)
            inside = (r >= 0) & (r < h) & (c >= 0) & (c < w)
            frame = np.arange(n_frames)[:, None]
            vis = inside & (labels[frame, r.clip(0, h - 1), c.clip(0, w - 1)] == oid)
        else:
            xy = np.zeros((n_frames, first.shape[0], 2))
            vis = np.zeros((n_frames, first.shape[0]), dtype=bool)
            for t in range(n_frames):
                mine = points[t][points[t][:, 2] == oid]
                if mine.shape[0] == first.shape[0]:
                    xy[t] = mine[:, [1, 0]]
                    vis[t] = True
                else:
                    xy[t] = np.nan
        xy_parts.append(xy)
        vis_parts.append(vis)
        owner.append(np.full(first.shape[0], i, dtype=np.int64))
    return Tracks(
        xy=np.concatenate(xy_parts, axis=1) if xy_parts else np.zeros((n_frames, 0, 2)),
        visible=np.concatenate(vis_parts, axis=1) if vis_parts else np.zeros((n_frames, 0), bool),
        owner=np.concatenate(owner) if owner else np.zeros(0, np.int64),
        names=tuple(o.name for o in scene.objects),
        moving=tuple(not all(p.at_rest(t) for t in range(n_frames)) for p in places),
    )


def until_first_hidden(tracks: Tracks) -> Tracks:
    """The tracks with each point hidden from its first hidden frame on.

    A tracker that cannot find a point again after an occlusion (``reacquires = False``, as
    Lucas–Kanade) is scored only on each point's first unbroken visible run; what it reports
    after the point reappears would measure the tracker, not the generator.
    """
    visible = np.logical_and.accumulate(tracks.visible, axis=0)
    return Tracks(tracks.xy, visible, tracks.owner, tracks.names, tracks.moving)


@dataclass(frozen=True, eq=False)
class SceneEvaluation:
    """One scene's evaluation: frames, both tracks and the scores.

    ``intended`` is what was scored: cut at each point's first hidden frame when the tracker
    does not re-acquire points (:func:`until_first_hidden`).
    """

    frames: NDArray[np.uint8]
    intended: Tracks
    obtained_xy: NDArray[np.float64]
    obtained_visible: NDArray[np.bool_]
    overall: Score
    per_object: list[Score]

    @property
    def moving(self) -> Score:
        """The score over the objects the scene moves (static ones flatter any generator)."""
        return pool(
            "moving", [s for s, m in zip(self.per_object, self.intended.moving, strict=True) if m]
        )


def evaluate_scene(
    scene: Scene,
    generator: Any,
    tracker: Any,
    mode: str = "placement",
    task: TaskState | None = None,
) -> SceneEvaluation:
    """Generate ``scene`` with ``generator``, track its control points, score ObjMC.

    Parameters
    ----------
    scene
        The authored scene (its generation settings apply).
    generator
        A video generator (``generate(request, task) -> (F, H, W, 3)`` uint8), e.g. from
        ``plugin_host.create_backend("generator", id, options)``.
    tracker
        A :class:`~levitor_studio.point_tracking.PointTracker`; unless its ``reacquires``
        attribute is true, points are scored only until they are first hidden.
    mode
        How intended tracks are formed (:func:`intended_tracks`).
    task
        Optional task state handed to the generator (progress, cancel).

    Returns
    -------
    SceneEvaluation
        Errors are in the scene's working-size pixels; output of another size is rescaled.
    """
    from .engine import build_signal

    signal = build_signal(scene)
    intended = intended_tracks(scene, signal, mode)
    if not getattr(tracker, "reacquires", False):
        intended = until_first_hidden(intended)
    from .api import build_request

    request = build_request(scene, signal=signal)
    frames = np.asarray(generator.generate(request, task))
    if frames.ndim != 4 or frames.shape[0] != scene.frames or frames.shape[3] != 3:
        raise InputError(f"the generator returned {frames.shape}, not ({scene.frames}, H, W, 3)")
    frames = np.clip(frames, 0, 255).astype(np.uint8, copy=False)
    # track in the output's pixels, score in the scene's
    ratio = np.array([frames.shape[2] / scene.width, frames.shape[1] / scene.height])
    queries = (intended.xy[0] + 0.5) * ratio - 0.5
    xy, seen = tracker.track(frames, queries)
    xy = (np.asarray(xy, dtype=np.float64) + 0.5) / ratio - 0.5
    overall, per_object = objmc(intended, xy, np.asarray(seen, dtype=bool))
    return SceneEvaluation(frames, intended, xy, np.asarray(seen, bool), overall, per_object)
