"""A ``SamPredictor`` whose image embedding can be reported on, cancelled, saved and restored.

segment_anything's predictor recomputes the embedding on every ``set_image`` and its automatic
mask generator resets it after use; here the embedding survives both, so one ViT pass serves
every click and the automatic mode. Imports torch (through segment_anything) at module level:
the backend imports this module only when the model is first needed.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray
from segment_anything import SamPredictor


class CachingPredictor(SamPredictor):  # type: ignore[misc]
    """SamPredictor with progress / cancel on the embedding and snapshot / restore."""

    def __init__(self, model: Any) -> None:
        self._frozen = False
        super().__init__(model)
        self._frozen = True
        self._image: NDArray[np.uint8] | None = None
        #: the backend's key of the image whose embedding is loaded (None: unknown)
        self.image_key: str | None = None

    def reset_image(self) -> None:
        # the automatic mask generator resets after each crop; the embedding must outlive it
        if not self._frozen:
            super().reset_image()

    def set_image(self, image: NDArray[np.uint8], image_format: str = "RGB") -> None:
        """Skip the ViT pass when ``image`` is the one already embedded."""
        same = (
            self.is_image_set
            and self._image is not None
            and self._image.shape == image.shape
            and np.array_equal(self._image, image)
        )
        if not same:
            self.embed(image)

    def embed(self, image: NDArray[np.uint8], task: Any = None) -> None:
        """Run the image encoder on ``image``, reporting per-block progress to ``task``."""
        blocks = self.model.image_encoder.blocks
        n = len(blocks)
        self.image_key = None  # stays None if the pass is cancelled half-way
        self.is_image_set = False

        def report(index: int) -> Any:
            def hook(*_: Any) -> None:
                task.check()
                task.set_progress(0.05 + 0.9 * (index + 1) / n, "computing SAM image embedding")

            return hook

        handles = []
        if task is not None:
            task.set_progress(0.0, "computing SAM image embedding")
            task.check()
            handles = [b.register_forward_hook(report(i)) for i, b in enumerate(blocks)]
        try:
            SamPredictor.set_image(self, image)
        finally:
            for h in handles:
                h.remove()
        self._image = image

    def snapshot(self) -> tuple[Any, ...]:
        """What :meth:`restore` needs to bring this embedding back without the ViT pass."""
        return (self.features, self.original_size, self.input_size, self._image)

    def restore(
        self,
        features: Any,
        original_size: tuple[int, int],
        input_size: tuple[int, int],
        image: NDArray[np.uint8],
    ) -> None:
        self.features = features
        self.original_size = original_size
        self.input_size = input_size
        self._image = image
        self.is_image_set = True
