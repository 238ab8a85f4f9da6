"""VTK building blocks of the 3D viewport: numpy arrays in, ``vtkPolyData`` / actors out.

Everything here is stateless: point clouds with per-point RGB, polylines, the camera frustum and
the ground grid. Arrays go to VTK through ``numpy_support`` in bulk (never a Python loop over
points), which is what keeps a 1M-point rebuild well under a second.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from vtkmodules.util.numpy_support import numpy_to_vtk, numpy_to_vtkIdTypeArray
from vtkmodules.vtkCommonCore import VTK_UNSIGNED_CHAR, vtkPoints
from vtkmodules.vtkCommonDataModel import vtkCellArray, vtkPolyData
from vtkmodules.vtkRenderingCore import vtkActor, vtkPolyDataMapper

from ...engine.camera import PinholeCamera


def _cells(offsets: NDArray[np.int64], connectivity: NDArray[np.int64]) -> vtkCellArray:
    cells = vtkCellArray()
    cells.SetData(
        numpy_to_vtkIdTypeArray(offsets.astype(np.int64), deep=True),
        numpy_to_vtkIdTypeArray(connectivity.astype(np.int64), deep=True),
    )
    return cells


def set_cloud(poly: vtkPolyData, points: NDArray[np.float32], colors: NDArray[np.uint8]) -> None:
    """Fill ``poly`` with one vertex per point, coloured by ``colors`` (RGB, 0..255)."""
    n = len(points)
    vpts = vtkPoints()
    vpts.SetData(numpy_to_vtk(np.ascontiguousarray(points, np.float32), deep=True))
    poly.SetPoints(vpts)
    idx = np.arange(n + 1, dtype=np.int64)
    poly.SetVerts(_cells(idx, idx[:-1]))
    set_colors(poly, colors)


def set_points(poly: vtkPolyData, points: NDArray[np.float32]) -> None:
    """Move the existing points of ``poly`` (same count): the cheap update while scrubbing."""
    arr = numpy_to_vtk(np.ascontiguousarray(points, np.float32), deep=True)
    poly.GetPoints().SetData(arr)
    poly.GetPoints().Modified()
    poly.Modified()


def set_colors(poly: vtkPolyData, colors: NDArray[np.uint8]) -> None:
    arr = numpy_to_vtk(
        np.ascontiguousarray(colors, np.uint8), deep=True, array_type=VTK_UNSIGNED_CHAR
    )
    arr.SetName("rgb")
    poly.GetPointData().SetScalars(arr)
    poly.Modified()


def add_array(poly: vtkPolyData, name: str, values: NDArray[np.float64]) -> None:
    """Attach a named float point array (e.g. glyph scales) to ``poly``."""
    arr = numpy_to_vtk(np.ascontiguousarray(values, np.float64), deep=True)
    arr.SetName(name)
    poly.GetPointData().AddArray(arr)
    poly.Modified()


def set_polylines(
    poly: vtkPolyData,
    points: NDArray[np.float64],
    lines: list[NDArray[np.int64]],
    colors: NDArray[np.uint8] | None = None,
) -> None:
    """Fill ``poly`` with polylines over ``points`` (each line a list of point indices)."""
    vpts = vtkPoints()
    vpts.SetData(numpy_to_vtk(np.ascontiguousarray(points, np.float64), deep=True))
    poly.SetPoints(vpts)
    sizes = np.array([len(line) for line in lines], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    conn = np.concatenate(lines).astype(np.int64) if lines else np.zeros(0, np.int64)
    poly.SetLines(_cells(offsets, conn))
    if colors is not None:
        set_colors(poly, colors)
    poly.Modified()


def cloud_actor(poly: vtkPolyData, point_size: float = 2.0) -> vtkActor:
    """An actor drawing ``poly``'s vertices with their direct RGB colours."""
    mapper = vtkPolyDataMapper()
    mapper.SetInputData(poly)
    mapper.SetColorModeToDirectScalars()
    mapper.SetScalarModeToUsePointData()
    actor = vtkActor()
    actor.SetMapper(mapper)
    actor.GetProperty().SetPointSize(point_size)
    actor.GetProperty().LightingOff()
    return actor


def line_actor(poly: vtkPolyData, rgb: tuple[float, float, float], width: float = 1.0) -> vtkActor:
    mapper = vtkPolyDataMapper()
    mapper.SetInputData(poly)
    mapper.ScalarVisibilityOff()
    actor = vtkActor()
    actor.SetMapper(mapper)
    prop = actor.GetProperty()
    prop.SetColor(*rgb)
    prop.SetLineWidth(width)
    prop.LightingOff()
    return actor


def frustum_lines(
    cam: PinholeCamera, far: float
) -> tuple[NDArray[np.float64], list[NDArray[np.int64]]]:
    """The image camera: rays to the four image corners, the image rectangle at ``far`` and a
    small rectangle near the eye standing for the sensor."""
    w, h = cam.width, cam.height
    corners_px = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float64)
    far_pts = cam.unproject(corners_px[:, 0], corners_px[:, 1], far)
    near_pts = cam.unproject(corners_px[:, 0], corners_px[:, 1], 0.08 * far)
    pts = np.vstack([[0.0, 0.0, 0.0], far_pts, near_pts])
    rays = [np.array([0, i], np.int64) for i in range(1, 5)]
    far_rect = np.array([1, 2, 3, 4, 1], np.int64)
    near_rect = np.array([5, 6, 7, 8, 5], np.int64)
    return pts, [*rays, far_rect, near_rect]


def grid_lines(
    x_range: tuple[float, float], z_range: tuple[float, float], y: float, cells: int = 10
) -> tuple[NDArray[np.float64], list[NDArray[np.int64]]]:
    """A ground grid in the plane ``Y = y`` (y points down: the ground is the largest Y)."""
    xs = np.linspace(x_range[0], x_range[1], cells + 1)
    zs = np.linspace(z_range[0], z_range[1], cells + 1)
    pts: list[list[float]] = []
    lines: list[NDArray[np.int64]] = []
    for x in xs:
        lines.append(np.array([len(pts), len(pts) + 1], np.int64))
        pts += [[x, y, zs[0]], [x, y, zs[-1]]]
    for z in zs:
        lines.append(np.array([len(pts), len(pts) + 1], np.int64))
        pts += [[xs[0], y, z], [xs[-1], y, z]]
    return np.asarray(pts, np.float64), lines


def lod_indices(n: int, budget: int, seed: int = 0) -> NDArray[np.intp]:
    """A fixed random subset of at most ``budget`` of ``n`` points, in order.

    Random rather than strided: a stride over raster-ordered pixels draws moiré stripes.
    """
    if n <= budget:
        return np.arange(n)
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(n, size=budget, replace=False))
