"""Point trackers for the evaluation harness: the protocol, the built-in Lucas–Kanade, plugins.

A point tracker follows query points, given at frame 0, through a clip of frames. The harness
(:mod:`levitor_studio.evaluation`) uses one to find where the generated video actually moved
each control point. The built-in ``lk`` tracker needs no weights: OpenCV's pyramidal
Lucas–Kanade, chained frame to frame, with a forward–backward check deciding visibility. A
learned tracker (CoTracker, TAPIR, ...) is added by a distribution registering a class in the
entry point group :data:`GROUP`; see ``docs/evaluation.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib.metadata import entry_points
from typing import Any, Protocol, runtime_checkable

import cv2
import numpy as np
from numpy.typing import NDArray

from .model.errors import BackendUnavailable, InputError

__all__ = ["GROUP", "LucasKanadeTracker", "PointTracker", "available_trackers", "create_tracker"]

#: entry point group of point-tracker plugins (name = tracker id, value = a class)
GROUP = "levitor_studio.point_trackers"


@runtime_checkable
class PointTracker(Protocol):
    """Follows points through frames; constructed with options (strings), like backends.

    A tracker that finds points again after an occlusion sets a class attribute
    ``reacquires = True``; without it the harness scores each point only until it is first
    hidden (:func:`levitor_studio.evaluation.until_first_hidden`).
    """

    def track(
        self, frames: NDArray[np.uint8], queries: NDArray[np.floating]
    ) -> tuple[NDArray[np.float32], NDArray[np.bool_]]:
        """Track ``queries`` ``(N, 2)`` ``(x, y)`` given at frame 0 through ``frames``.

        Parameters
        ----------
        frames
            ``(F, H, W, 3)`` uint8 RGB.
        queries
            ``(N, 2)`` pixel positions ``(x, y)`` in frame 0 (pixel centres at integers).

        Returns
        -------
        xy : numpy.ndarray
            ``(F, N, 2)`` float32 positions; row 0 equals the queries.
        visible : numpy.ndarray
            ``(F, N)`` bool: False where the point is occluded, left the frame or was lost.
        """
        ...


class LucasKanadeTracker:
    """OpenCV pyramidal Lucas–Kanade, frame to frame, with a forward–backward check.

    Each step tracks the points still alive from frame ``t-1`` to ``t`` and back again; a point
    whose round trip misses its start by more than ``fb_threshold`` pixels, or that leaves the
    frame, is lost and stays invisible (it keeps its last position): Lucas–Kanade cannot find a
    point again after an occlusion, which a learned tracker such as CoTracker can.

    Options: ``window`` (side of the matching window, odd, default 15), ``levels`` (pyramid
    levels above the base, default 3), ``fb-threshold`` (pixels, default 1.0).
    """

    id = "lk"
    label = "OpenCV pyramidal Lucas–Kanade (no weights)"
    reacquires = False

    def __init__(self, options: Mapping[str, str] | None = None) -> None:
        opts = dict(options or {})
        try:
            self.window = int(opts.get("window", "15"))
            self.levels = int(opts.get("levels", "3"))
            self.fb_threshold = float(opts.get("fb-threshold", "1.0"))
        except ValueError as exc:
            raise InputError(f"lk tracker: bad option value ({exc})") from None
        if self.window < 5 or self.window % 2 == 0 or self.levels < 0 or self.fb_threshold <= 0:
            raise InputError("lk tracker: window must be odd and ≥ 5, levels ≥ 0, fb-threshold > 0")

    def _flow(
        self, a: NDArray[np.uint8], b: NDArray[np.uint8], pts: NDArray[np.float32]
    ) -> tuple[NDArray[np.float32], NDArray[np.bool_]]:
        criteria = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 30, 0.01)
        start = pts.reshape(-1, 1, 2)
        # nextPts is only an output buffer here (no OPTFLOW_USE_INITIAL_FLOW)
        out, status, _ = cv2.calcOpticalFlowPyrLK(
            a,
            b,
            start,
            start.copy(),
            winSize=(self.window, self.window),
            maxLevel=self.levels,
            criteria=criteria,
        )
        return out.reshape(-1, 2).astype(np.float32), status.reshape(-1).astype(bool)

    def track(
        self, frames: NDArray[np.uint8], queries: NDArray[np.floating]
    ) -> tuple[NDArray[np.float32], NDArray[np.bool_]]:
        """See :meth:`PointTracker.track`."""
        frames = np.asarray(frames)
        if frames.ndim != 4 or frames.shape[3] != 3 or frames.dtype != np.uint8:
            raise InputError(
                f"frames must be (F, H, W, 3) uint8, got {frames.shape} {frames.dtype}"
            )
        q = np.asarray(queries, dtype=np.float32).reshape(-1, 2)
        n_frames, h, w = frames.shape[:3]
        xy = np.repeat(q[None], n_frames, axis=0)
        visible = np.zeros((n_frames, q.shape[0]), dtype=bool)
        alive = (q[:, 0] >= 0) & (q[:, 1] >= 0) & (q[:, 0] <= w - 1) & (q[:, 1] <= h - 1)
        visible[0] = alive
        gray = [
            np.asarray(cv2.cvtColor(np.ascontiguousarray(f), cv2.COLOR_RGB2GRAY), dtype=np.uint8)
            for f in frames
        ]
        for t in range(1, n_frames):
            xy[t] = xy[t - 1]
            idx = np.flatnonzero(alive)
            if idx.size == 0:
                continue
            start = np.ascontiguousarray(xy[t - 1, idx])
            fwd, ok_f = self._flow(gray[t - 1], gray[t], start)
            back, ok_b = self._flow(gray[t], gray[t - 1], fwd)
            fb = np.linalg.norm(back - start, axis=1)
            inside = (fwd[:, 0] >= 0) & (fwd[:, 1] >= 0) & (fwd[:, 0] <= w - 1)
            inside &= fwd[:, 1] <= h - 1
            ok = ok_f & ok_b & (fb <= self.fb_threshold) & inside & np.isfinite(fwd).all(axis=1)
            xy[t, idx[ok]] = fwd[ok]
            alive[idx[~ok]] = False
            visible[t] = alive
        return xy, visible


def available_trackers() -> list[str]:
    """Tracker ids: the built-in ``lk`` and every installed plugin's, sorted."""
    return sorted({LucasKanadeTracker.id, *(ep.name for ep in entry_points(group=GROUP))})


def create_tracker(tracker_id: str = "lk", options: Mapping[str, str] | None = None) -> Any:
    """The point tracker called ``tracker_id``, constructed with ``options``.

    Raises
    ------
    InputError
        For an unknown id.
    BackendUnavailable
        When a plugin's module cannot be imported (a missing dependency or weights).
    """
    if tracker_id == LucasKanadeTracker.id:
        return LucasKanadeTracker(options)
    for ep in entry_points(group=GROUP):
        if ep.name == tracker_id:
            try:
                cls = ep.load()
            except ImportError as exc:
                raise BackendUnavailable(
                    f"point tracker {tracker_id!r} cannot be imported: "
                    f"{exc.name or exc} is not installed"
                ) from None
            return cls(dict(options or {}))
    known = ", ".join(available_trackers())
    raise InputError(f"no point tracker called {tracker_id!r} (installed: {known})")
