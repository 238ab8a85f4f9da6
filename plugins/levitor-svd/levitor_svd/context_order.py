"""The order in which the temporal layers see the first-frame image context.

Inside every ``TransformerSpatioTemporalModel`` the temporal blocks attend over the frames of one
spatial position, so their hidden rows are laid out ``(batch, h·w)``; the cross-attention context
for row ``r`` is the CLIP image embedding of the first frame. Stock diffusers (since March 2024)
gives row ``r`` the embedding of batch ``r // (h·w)``, the row's own batch. The code LeviTor was
released with vendors an older copy of that model which broadcasts the embedding in
``(h·w, batch)`` order instead, so row ``r`` gets batch ``r % batch``: with classifier-free
guidance (batch 2: unconditional zeros, then the embedding) both halves see the embedding at
alternate spatial positions. The released ControlNet and the demo's UNet both run that way.

``levitor`` (the default) reproduces the released order with a forward pre-hook on each of
diffusers' own temporal blocks that re-lays the context the stock model hands them; ``stock``
removes the hooks. At batch 1 the two orders are the same.
"""

from __future__ import annotations

from typing import Any

CONTEXT_ORDERS = ("levitor", "stock")
_HANDLE = "_levitor_context_order_hook"


def set_context_order(model: Any, order: str) -> int:
    """Make every temporal block of ``model`` use ``order``; returns how many blocks it touched.

    Idempotent: calling it again with either order replaces what an earlier call installed.
    """
    from diffusers.models.attention import TemporalBasicTransformerBlock

    if order not in CONTEXT_ORDERS:
        raise ValueError(f"context order must be one of {', '.join(CONTEXT_ORDERS)}, not {order!r}")
    count = 0
    for module in model.modules():
        if not isinstance(module, TemporalBasicTransformerBlock):
            continue
        handle = module.__dict__.pop(_HANDLE, None)
        if handle is not None:
            handle.remove()
        if order == "levitor":
            module.__dict__[_HANDLE] = module.register_forward_pre_hook(
                _released_order, with_kwargs=True
            )
        count += 1
    return count


def context_order_of(model: Any) -> str:
    """``levitor`` if any temporal block of ``model`` carries the hook, else ``stock``."""
    hooked = any(_HANDLE in module.__dict__ for module in model.modules())
    return "levitor" if hooked else "stock"


def _released_order(
    _module: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    context = kwargs.get("encoder_hidden_states")
    if context is None:
        return args, kwargs
    hidden = args[0] if args else kwargs["hidden_states"]
    frames = int(kwargs["num_frames"])
    batch, positions = hidden.shape[0] // frames, hidden.shape[1]
    tokens, channels = context.shape[1], context.shape[2]
    # The stock context repeats each batch's embedding over its h·w rows; take one per batch and
    # lay the copies out position-major, as the released code does.
    per_batch = context.reshape(batch, positions, tokens, channels)[:, 0]
    kwargs["encoder_hidden_states"] = (
        per_batch.unsqueeze(0).expand(positions, -1, -1, -1).reshape(-1, tokens, channels)
    )
    return args, kwargs
