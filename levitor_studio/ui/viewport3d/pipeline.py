"""The 3D viewport's VTK scene for one :class:`~levitor_studio.model.scene.Scene`: no Qt.

:class:`ViewportPipeline` owns a renderer in a given render window and keeps its actors in step
with the scene: the frame-0 depth cloud (full density at rest, a fixed random subset while the
view moves), one cloud per object at the playhead frame, each object's path with frame ticks, one
handle per keyframe, the image camera's frustum, a ground grid and axes, and the camera track
(:mod:`.camera_path`): the path of the camera centres, a small frustum at each camera key and a
highlighted one at the playhead. It also answers the
questions the mouse asks: which handle is under a display position, and which world ray a
display position stands for. The Qt widget drives it; tests and the benchmark drive it directly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

# the OpenGL factory overrides: without them vtkRenderWindow is an abstract, non-drawing stub
import vtkmodules.vtkRenderingOpenGL2  # noqa: F401
from numpy.typing import NDArray
from vtkmodules.vtkCommonCore import vtkCommand
from vtkmodules.vtkCommonDataModel import vtkPolyData
from vtkmodules.vtkRenderingAnnotation import vtkAxesActor
from vtkmodules.vtkRenderingCore import vtkActor, vtkRenderer, vtkRenderWindow

from ...engine.camera import PinholeCamera
from ...engine.placement import footprint
from ...engine.render import MaskRenderer
from ...model.errors import InputError
from ...model.scene import Scene
from . import actors as A
from . import camera_path as C
from . import geometry as G
from .handles import KeyHandles
from .presets import apply_preset, fit_image_camera, in_image_pose

#: points drawn while the view moves; the full cloud comes back when it stops
LOD_BUDGET = 100_000
#: occlusion cues: hidden object points blend towards magenta, hidden frames get grey ticks
HIDDEN_TINT = np.array([200, 0, 200], np.float64)
HIDDEN_TICK = (90, 90, 90)


#: line widths (pixels) of a motion path, and of the selected object's path
PATH_WIDTH, SELECTED_PATH_WIDTH = 2.0, 5.0
#: the camera track: path and key frustums, and the playhead's frustum (colour, width)
CAMERA_RGB, CAMERA_NOW_RGB = (0.35, 0.85, 1.0), (1.0, 0.45, 0.2)
#: camera frustums' depth, as a share of the median scene depth (real photographs put most
#: of the scene at a few hundredths of the far plane: a share of that would dwarf it, and a
#: larger share hides an orbit's path about a subject nearer than the median)
CAMERA_SIZE = 0.1


@dataclass
class ObjectActors:
    """One object's cloud, path line and frame ticks."""

    cloud: vtkPolyData = field(default_factory=vtkPolyData)
    path: vtkPolyData = field(default_factory=vtkPolyData)
    ticks: vtkPolyData = field(default_factory=vtkPolyData)
    actors: list[vtkActor] = field(default_factory=list)
    data: G.Cloud | None = None


class ViewportPipeline:
    """Actors of one scene at one playhead frame, in ``render_window``'s new renderer."""

    def __init__(
        self,
        scene: Scene,
        render_window: vtkRenderWindow,
        lod_budget: int = LOD_BUDGET,
        is_visible: Callable[[int], bool] = lambda uid: True,
    ):
        self.scene = scene
        self.is_visible = is_visible  # the views' hide state (ViewState), not the scene's
        self.window = render_window
        self.lod_budget = lod_budget
        self.frame = 0
        self.gain = 1.0
        self.tint = False
        self.interacting = False
        self.selected_key: tuple[int, int] | None = None
        self.selected_uid: int | None = None
        self.display = G.DepthDisplay.of_scene(scene)
        self.renderer = vtkRenderer()
        self.renderer.SetBackground(0.13, 0.14, 0.16)
        # near points of a pseudo-depth scene sit at ~1/255 of the far ones: keep them unclipped
        self.renderer.SetNearClippingPlaneTolerance(2e-4)
        render_window.AddRenderer(self.renderer)
        # VTK asks for 8× multisampling by default: on software OpenGL that alone costs ~30 ms a
        # frame, and single-pixel points gain nothing from it
        render_window.SetMultiSamples(0)
        self.background = vtkPolyData()
        self.background_lod = vtkPolyData()
        self.background_actor = A.cloud_actor(self.background)
        self.background_lod_actor = A.cloud_actor(self.background_lod)
        self.frustum = vtkPolyData()
        self.grid = vtkPolyData()
        self.camera_path = vtkPolyData()
        self.camera_keys = vtkPolyData()
        self.camera_now = vtkPolyData()
        self.objects: dict[int, ObjectActors] = {}
        # axes in a corner overlay turned with the view: at the scene's scale they would dwarf
        # near content or vanish beside the far wall
        self.axes = vtkAxesActor()
        self.axes.SetShaftTypeToCylinder()
        self.axes.AxisLabelsOff()
        self.axes_renderer = vtkRenderer()
        self.axes_renderer.SetViewport(0.0, 0.0, 0.14, 0.2)
        self.axes_renderer.SetLayer(1)
        self.axes_renderer.InteractiveOff()
        self.axes_renderer.AddActor(self.axes)
        render_window.SetNumberOfLayers(2)
        render_window.AddRenderer(self.axes_renderer)
        self._labels: dict[int, NDArray[np.int32]] = {}
        self._mask_renderer: MaskRenderer | None = None
        self._build_static_actors()
        # handles draw over the clouds (a layer with the same camera): a key behind a wall of
        # points must stay visible and grabbable
        self.overlay = vtkRenderer()
        self.overlay.SetLayer(1)
        self.overlay.InteractiveOff()
        self.overlay.SetActiveCamera(self.renderer.GetActiveCamera())
        render_window.AddRenderer(self.overlay)
        self.handles = KeyHandles(self.overlay)
        self.renderer.AddObserver(vtkCommand.StartEvent, self._before_render)
        self.rebuild()
        apply_preset(self, "image")

    # -- building ------------------------------------------------------------------------

    def _build_static_actors(self) -> None:
        for actor in (self.background_actor, self.background_lod_actor):
            self.renderer.AddActor(actor)
        self.renderer.AddActor(A.line_actor(self.frustum, (0.95, 0.85, 0.3), 1.5))
        self.renderer.AddActor(A.line_actor(self.grid, (0.35, 0.37, 0.4)))
        self.camera_actors = [
            A.line_actor(self.camera_path, CAMERA_RGB, 2.0),
            A.line_actor(self.camera_keys, CAMERA_RGB, 1.0),
            A.line_actor(self.camera_now, CAMERA_NOW_RGB, 3.0),
        ]
        for actor in self.camera_actors:
            self.renderer.AddActor(actor)

    def camera_model(self) -> PinholeCamera:
        return PinholeCamera.of_scene(self.scene)

    def far(self) -> float:
        return float(self.display.to_display(float(self.scene.depth_map().max())))

    def rebuild(self) -> None:
        """Rebuild everything (new depth, masks, objects, size or exaggeration)."""
        self.display = G.DepthDisplay.of_scene(self.scene, self.gain)
        self.frame = min(self.frame, self.scene.frames - 1)  # the clip may have been shortened
        self._mask_renderer = None
        self._labels.clear()
        cloud = G.background_cloud(self.scene, self.display, footprint(self.scene))
        A.set_cloud(self.background, cloud.points, cloud.colors)
        sub = A.lod_indices(len(cloud.points), self.lod_budget)
        A.set_cloud(self.background_lod, cloud.points[sub], cloud.colors[sub])
        self.background_points = cloud.points
        cam = self.camera_model()
        far = self.far()
        pts, lines = A.frustum_lines(cam, far)
        A.set_polylines(self.frustum, pts, lines)
        half_w = cam.width / 2.0 * far / cam.focal
        ground = float(cam.height / 2.0 * far / cam.focal)
        if len(cloud.points):
            ground = max(ground, float(cloud.points[:, 1].max()))
        gpts, glines = A.grid_lines((-half_w, half_w), (0.0, far), ground)
        A.set_polylines(self.grid, gpts, glines)
        for entry in self.objects.values():
            for actor in entry.actors:
                self.renderer.RemoveActor(actor)
        self.objects = {}
        for obj in self.scene.objects:
            entry = ObjectActors()
            rgb = tuple(c / 255.0 for c in obj.color)
            entry.actors = [
                A.cloud_actor(entry.cloud),
                A.line_actor(entry.path, rgb, PATH_WIDTH),  # type: ignore[arg-type]
                A.cloud_actor(entry.ticks, point_size=6.0),
            ]
            entry.actors[2].GetProperty().SetRenderPointsAsSpheres(True)
            for actor in entry.actors:
                actor.SetVisibility(self.is_visible(obj.uid))
                self.renderer.AddActor(actor)
            self.objects[obj.uid] = entry
        self.set_selected_object(self.selected_uid)
        self.refresh_objects()
        self.refresh_camera()
        self._apply_lod()

    def refresh_camera(self) -> None:
        """The camera track's path and key frustums (after a camera edit), and the playhead's."""
        keys = C.key_frames(self.scene)
        size = CAMERA_SIZE * self.display.ref
        if keys:
            path = C.path_points(self.scene, self.display)
            A.set_polylines(self.camera_path, path, [np.arange(len(path), dtype=np.int64)])
        else:
            A.set_polylines(self.camera_path, np.zeros((0, 3)), [])
        A.set_polylines(self.camera_keys, *C.frustums(self.scene, self.display, keys, size))
        self._refresh_camera_now()

    def _refresh_camera_now(self) -> None:
        frames = [self.frame] if self.scene.camera else []
        size = 1.5 * CAMERA_SIZE * self.display.ref
        A.set_polylines(self.camera_now, *C.frustums(self.scene, self.display, frames, size))

    def set_selected_object(self, uid: int | None) -> None:
        """Highlight the selected object's path: wider and brighter than the others."""
        self.selected_uid = uid
        for obj in self.scene.objects:
            entry = self.objects.get(obj.uid)
            if entry is None:
                continue
            rgb = tuple(c / 255.0 for c in obj.color)
            prop = entry.actors[1].GetProperty()
            if obj.uid == uid:
                prop.SetLineWidth(SELECTED_PATH_WIDTH)
                prop.SetColor(*(min(1.0, 0.35 + 0.65 * c) for c in rgb))
            else:
                prop.SetLineWidth(PATH_WIDTH)
                prop.SetColor(*rgb)

    def _labels_at(self, frame: int) -> NDArray[np.int32] | None:
        """The engine's label map of ``frame`` (cached until the scene changes)."""
        if frame not in self._labels:
            try:
                if self._mask_renderer is None:
                    self._mask_renderer = MaskRenderer(self.scene)
                self._labels[frame] = self._mask_renderer.frame(frame)[0]
            except InputError:
                return None
        return self._labels[frame]

    def refresh_objects(self) -> None:
        """Object clouds, paths, ticks and handles after a keyframe edit."""
        self._mask_renderer = None
        self._labels.clear()
        for obj in self.scene.objects:
            entry = self.objects.get(obj.uid)
            if entry is None:
                continue
            path = G.path_world(self.scene, obj, self.display)
            ticks = np.tile(np.array(obj.color, np.uint8), (len(path), 1))
            labels = [self._labels_at(t) for t in range(self.scene.frames)] if self.tint else []
            if labels and all(lab is not None for lab in labels):
                ticks[G.path_hidden(self.scene, obj, labels)] = HIDDEN_TICK  # type: ignore[arg-type]
            A.set_polylines(entry.path, path, [np.arange(len(path), dtype=np.int64)])
            A.set_cloud(entry.ticks, path.astype(np.float32), ticks)
            entry.data = None
        self._refresh_clouds(force=True)
        self.refresh_handles()

    def _refresh_clouds(self, force: bool = False) -> None:
        labels = self._labels_at(self.frame) if self.tint else None
        for obj in self.scene.objects:
            entry = self.objects.get(obj.uid)
            if entry is None or not obj.mask.any():
                continue
            cloud = G.object_cloud(self.scene, obj, self.frame, self.display)
            colors = cloud.colors
            if labels is not None:
                hidden = G.hidden_pixels(self.scene, obj, self.frame, labels, cloud)
                mixed = colors.astype(np.float64)
                mixed[hidden] = 0.35 * mixed[hidden] + 0.65 * HIDDEN_TINT
                colors = mixed.astype(np.uint8)
            if force or entry.data is None or len(entry.data.points) != len(cloud.points):
                A.set_cloud(entry.cloud, cloud.points, colors)
            else:
                A.set_points(entry.cloud, cloud.points)
                A.set_colors(entry.cloud, colors)
            entry.data = G.Cloud(cloud.points, colors, cloud.pixels)

    def refresh_handles(self) -> None:
        self.handles.refresh(self.scene, self.display, self.selected_key, self.is_visible)

    @property
    def handle_keys(self) -> list[tuple[int, int]]:
        return self.handles.keys

    @property
    def handle_world(self) -> NDArray[np.float64]:
        return self.handles.world

    def _before_render(self, *_: object) -> None:
        image = in_image_pose(self)
        if image:
            fit_image_camera(self)
        # seen from the photograph's eye the camera frustums around it only cross the picture
        for actor in self.camera_actors:
            actor.SetVisibility(not image)
        self._resize_points()
        self.handles.resize()
        self._turn_axes()

    def _turn_axes(self) -> None:
        cam = self.renderer.GetActiveCamera()
        axes_cam = self.axes_renderer.GetActiveCamera()
        axes_cam.SetFocalPoint(0.0, 0.0, 0.0)
        axes_cam.SetPosition(*(-4.0 * np.array(cam.GetDirectionOfProjection())))
        axes_cam.SetViewUp(*cam.GetViewUp())
        self.axes_renderer.ResetCameraClippingRange()

    def _resize_points(self) -> None:
        """Points as large as a scene pixel looks from the eye, so the image view has no gaps."""
        cam = self.renderer.GetActiveCamera()
        w, h = self.renderer.GetSize()
        model = self.camera_model()
        if cam.GetUseHorizontalViewAngle():
            scale, half = w / model.width, model.width / 2.0 / model.focal
        else:
            scale, half = h / model.height, model.height / 2.0 / model.focal
        # seen from a narrower angle (zoomed in) a scene pixel covers more of the screen
        zoom = half / np.tan(np.radians(cam.GetViewAngle()) / 2.0)
        size = float(np.clip(np.ceil(scale * zoom), 1.0, 8.0))
        for actor in (self.background_actor, *(e.actors[0] for e in self.objects.values())):
            actor.GetProperty().SetPointSize(size)
        # while moving, fragments cost more than the gaps between subset points are worth
        self.background_lod_actor.GetProperty().SetPointSize(min(size, 2.0))

    def release(self) -> None:
        """Drop the render observer (it holds this pipeline) and leave the render window."""
        self.renderer.RemoveAllObservers()
        self.detach()

    def detach(self) -> None:
        """Take this scene's renderers out of the render window."""
        self.window.RemoveRenderer(self.axes_renderer)
        self.window.RemoveRenderer(self.overlay)
        self.window.RemoveRenderer(self.renderer)

    # -- state changes ---------------------------------------------------------------------

    def set_frame(self, frame: int) -> None:
        self.frame = int(frame)
        self._refresh_clouds()
        self._refresh_camera_now()

    def set_gain(self, gain: float) -> None:
        self.gain = float(gain)
        self.rebuild()

    def set_tint(self, on: bool) -> None:
        self.tint = bool(on)
        self.refresh_objects()

    def set_selected_key(self, key: tuple[int, int] | None) -> None:
        self.selected_key = key
        self.refresh_handles()

    def set_interacting(self, on: bool) -> None:
        self.interacting = bool(on)
        self._apply_lod()

    @property
    def has_lod(self) -> bool:
        """Whether the cloud is large enough to draw a subset while the view moves."""
        return self.background.GetNumberOfPoints() > self.lod_budget

    def _apply_lod(self) -> None:
        lod = self.interacting and self.has_lod
        self.background_actor.SetVisibility(not lod)
        self.background_lod_actor.SetVisibility(lod)

    # -- questions from the mouse ----------------------------------------------------------

    def world_to_display(self, point: NDArray[np.float64]) -> tuple[float, float]:
        """Display coordinates (pixels, origin bottom-left) of a world point."""
        return self.handles.display_position(point)

    def view_ray(self, x: float, y: float) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """World origin and direction of the line of sight through display pixel ``(x, y)``."""
        ends = []
        for depth in (0.0, 1.0):
            self.renderer.SetDisplayPoint(x, y, depth)
            self.renderer.DisplayToWorld()
            p = np.array(self.renderer.GetWorldPoint(), np.float64)
            ends.append(p[:3] / p[3])
        return ends[0], ends[1] - ends[0]

    def pick_handle(self, x: float, y: float) -> tuple[int, int] | None:
        """The key whose handle is under display ``(x, y)`` (see :meth:`KeyHandles.pick`)."""
        return self.handles.pick(x, y)

    def bounds_of(self, uid: int | None) -> tuple[float, ...]:
        """Bounds ``(x0, x1, y0, y1, z0, z1)`` of an object's cloud and path, else of all."""
        parts: list[NDArray[np.float64]] = []
        if uid is not None and uid in self.objects:
            entry = self.objects[uid]
            if entry.data is not None:
                parts.append(entry.data.points.astype(np.float64))
            obj = self.scene.object(uid)
            parts.append(G.path_world(self.scene, obj, self.display))
        if not parts:
            parts = [self.background_points.astype(np.float64), np.zeros((1, 3))]
        pts = np.vstack(parts)
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        return (lo[0], hi[0], lo[1], hi[1], lo[2], hi[2])
