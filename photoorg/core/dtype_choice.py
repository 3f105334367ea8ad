"""Which number format the model runs in when the person left it to photoorg ("auto").

The automatic choice depends on the computer and on photoorg's defaults (fp16 on a GPU, bf16
on a CPU with bf16 instructions, else fp32), and each format gives its own vectors (the format
is part of their key in the catalog). A library moved to another computer, or a photoorg whose
default changed, would otherwise look at every photo again unasked: hours on a CPU. So "auto"
means the format this library's vectors of the model were made in, when there are any; the
person is told what the computer would run best and what looking at the library again in it
would take (:func:`reembed_offer`), and chooses.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from photoorg.core.catalog import Catalog
from photoorg.core.humanize import plural, rough_duration

#: The formats "auto" can pick; int8 is only ever the person's choice.
AUTOMATIC = ("fp32", "bf16", "fp16")


def library_dtype(catalog: Catalog, model: str, requested: str) -> str:
    """The format to run ``model`` in: ``requested`` unless it is "auto"; then the format most
    of the library's vectors of that model are in (the newest on a tie: a library looked at
    again in another format), or "auto" for a library without any."""
    if requested != "auto":
        return requested
    counts = catalog.vector_counts()
    made: Counter[str] = Counter()
    for m in sorted(catalog.models(), key=lambda m: -m.id):
        if m.name == model and m.dtype in AUTOMATIC and counts.get(m.id):
            made[m.dtype] += counts[m.id]
    return made.most_common(1)[0][0] if made else "auto"


def reembed_offer(embedder: Any, photos: int) -> str | None:
    """What to tell a person whose library stays in a format that this computer does not run
    best (``embedder`` loaded in the library's format): the better one, how much faster it is
    here, and how long looking at the ``photos`` again in it would take. None when the library's
    format is the best one here."""
    from photoorg.core.embedder import pick_dtype
    from photoorg.core.estimate import EFFICIENCY, matmul_rate

    best = pick_dtype(embedder.device, "auto")
    if best == embedder.dtype or embedder.dtype not in AUTOMATIC:
        return None
    rate_best = matmul_rate(embedder.device, best)
    rate_now = matmul_rate(embedder.device, embedder.dtype)
    seconds = photos * embedder.flops_per_photo() / (rate_best * EFFICIENCY)
    duration = rough_duration(seconds)
    duration = duration if duration.startswith("under") else f"about {duration}"
    return (
        f"The model looked at this library's {plural(photos, 'photo')} in {embedder.dtype}, so photoorg "
        f"goes on in {embedder.dtype} and looks at none of them again. This computer runs the model "
        f"best in {best} ({rate_best / rate_now:.1f}x the speed here); looking at the whole library "
        f"again in {best} would take {duration}: photoorg scan --dtype {best}"
    )
