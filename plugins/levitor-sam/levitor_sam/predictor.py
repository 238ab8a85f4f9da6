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

#: the logit magnitude a binary mask gets as SAM's mask input (SAM's own outputs reach about ±20)
MASK_LOGIT = 10.0


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

    def predict_all(
        self,
        coords: NDArray[np.float64] | None,
        labels: NDArray[np.int64] | None,
        box: NDArray[np.float64] | None,
        mask_input: NDArray[np.float32] | None = None,
    ) -> tuple[NDArray[np.bool_], NDArray[np.float32], NDArray[np.float32]]:
        """All of SAM's masks for one prompt, ``(4, H, W)``, their predicted IoU and logits.

        ``predict`` returns either the single-mask answer or the three alternatives; the
        decoder computes all four anyway, so one pass here serves both (half the cost of
        calling ``predict`` twice). Index 0 is the single-mask answer. ``mask_input`` is a
        previous low-res mask ``(1, 256, 256)`` of logits (SAM's refinement input); the third
        result is this prompt's low-res logits ``(4, 256, 256)`` for the next refinement.
        """
        import torch

        if not self.is_image_set:
            raise RuntimeError("no image set")
        points = boxes = None
        if coords is not None and labels is not None:
            c = self.transform.apply_coords(coords, self.original_size)
            points = (
                torch.as_tensor(c, dtype=torch.float, device=self.device)[None],
                torch.as_tensor(labels, dtype=torch.int, device=self.device)[None],
            )
        if box is not None:
            b = self.transform.apply_boxes(box, self.original_size)
            boxes = torch.as_tensor(b, dtype=torch.float, device=self.device)[None]
        masks_in = None
        if mask_input is not None:
            masks_in = torch.as_tensor(mask_input, dtype=torch.float, device=self.device)[None]
        model = self.model
        with torch.inference_mode():
            sparse, dense = model.prompt_encoder(points=points, boxes=boxes, masks=masks_in)
            low_res, iou = model.mask_decoder.predict_masks(
                image_embeddings=self.features,
                image_pe=model.prompt_encoder.get_dense_pe(),
                sparse_prompt_embeddings=sparse,
                dense_prompt_embeddings=dense,
            )
            masks = model.postprocess_masks(low_res, self.input_size, self.original_size)
            masks = masks > model.mask_threshold
        return (
            masks[0].cpu().numpy(),
            iou[0].float().cpu().numpy(),
            low_res[0].float().cpu().numpy(),
        )

    def mask_logits(self, mask: NDArray[np.bool_]) -> NDArray[np.float32]:
        """A binary image-size mask as SAM's low-res mask input ``(1, 256, 256)`` of logits.

        The same geometry as the image: resized so its longer side fills the encoder's input,
        padded at the bottom right, then brought to the prompt encoder's mask size; inside the
        mask the logit is +:data:`MASK_LOGIT`, outside −:data:`MASK_LOGIT`.
        """
        import torch
        import torch.nn.functional as F  # noqa: N812 - torch's own name

        h, w = self.input_size
        size = self.model.image_encoder.img_size
        low = self.model.prompt_encoder.mask_input_size
        m = torch.as_tensor(mask.astype(np.float32))[None, None]
        m = F.interpolate(m, (h, w), mode="bilinear", align_corners=False)
        m = F.pad(m, (0, size - w, 0, size - h))
        m = F.interpolate(m, tuple(low), mode="bilinear", align_corners=False)
        return ((m[0] * 2.0 - 1.0) * MASK_LOGIT).numpy().astype(np.float32)

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
