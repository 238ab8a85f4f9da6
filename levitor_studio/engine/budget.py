"""The memory a clip needs, estimated before any frame is rendered, and the one refusal.

A clip of ``F`` frames at ``W × H`` holds per pixel and frame: the label map (4 bytes), the
pseudo-depth map (4), the ``(3, H, W)`` float32 conditioning tensor (12), the RGB frames (3) and
the renderer's temporaries; measured peaks were 28.5 bytes (1,024 frames at 512×288: 4.3 GB)
and 14.7 bytes (128 frames at 2048×2048: 7.9 GB), so :data:`BYTES_PER_VOXEL` is 32. A clip whose
estimate exceeds :data:`MEMORY_BUDGET` is refused with one line before anything is allocated:
the product's clips (16 frames for LeviTor, up to 25 for SVD-XT) need a small fraction of it.
"""

from __future__ import annotations

from ..model.errors import InputError

#: estimated bytes per pixel and frame of a rendered clip (see the module docstring)
BYTES_PER_VOXEL = 32
#: the most memory a clip may need by that estimate
MEMORY_BUDGET = 4 * 2**30


def estimate_bytes(frames: int, width: int, height: int) -> int:
    """Estimated peak bytes of rendering a clip of ``frames`` at ``width × height``."""
    return int(frames) * int(width) * int(height) * BYTES_PER_VOXEL


def check_budget(frames: int, width: int, height: int) -> None:
    """Refuse a clip whose estimated memory exceeds :data:`MEMORY_BUDGET`."""
    need = estimate_bytes(frames, width, height)
    if need > MEMORY_BUDGET:
        raise InputError(
            f"{frames} frames at {width}x{height} would need about {need / 2**30:.1f} GB of "
            f"memory (at most {MEMORY_BUDGET / 2**30:.0f} GB): use fewer frames or a smaller size"
        )
