"""Which vectors a library goes on making when the person left it to photoorg: the number format
("auto") and the preprocessing (how a file becomes the model's pixels).

Both are part of a vector's key in the catalog, and both change without the person doing
anything: the format "auto" picks depends on the computer and on photoorg's defaults (fp16 on a
GPU, bf16 on a CPU with bf16 instructions, else fp32), and a newer photoorg can bring a better
preprocessing (:data:`photoorg.core.imaging.PREPROCESS_VERSIONS`). A library moved to another
computer, or opened by a newer photoorg, would otherwise look at every photo again unasked:
hours on a CPU. So a library with vectors of the model goes on with the format and the
preprocessing most of them were made with, and only a new library gets the newest; the person
is told what a new look would bring and what it would take (:func:`reembed_offer`), and chooses.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from photoorg.core.catalog import Catalog
from photoorg.core.humanize import plural, rough_duration
from photoorg.core.imaging import LATEST_PREPROCESS, PREPROCESS_CHANGES, PREPROCESS_VERSIONS
from photoorg.core.model_folder import key_preprocess

#: The formats "auto" can pick; int8 is only ever the person's choice.
AUTOMATIC = ("fp32", "bf16", "fp16")


@dataclass(frozen=True)
class VectorChoice:
    """What the model runs with for a library."""

    dtype: str  # "auto" only for a library without vectors: the computer's best format
    preprocess: int  # a version of PREPROCESS_VERSIONS


def library_choice(
    catalog: Catalog, model: str, dtype: str = "auto", preprocess: str = "auto"
) -> VectorChoice:
    """The number format and preprocessing version to run ``model`` with: each as asked unless
    "auto"; then the ones most of the library's vectors of that model were made with, among
    those that fit what was asked (the newest on a tie: a library looked at again). A library
    without such vectors gets "auto" (the computer's choice) and the newest preprocessing."""
    counts = catalog.vector_counts()
    made: Counter[tuple[str, int]] = Counter()
    for m in sorted(catalog.models(), key=lambda m: -m.id):  # newest first: first on a tie
        version = key_preprocess(m.key)
        if m.name != model or not counts.get(m.id) or version not in PREPROCESS_VERSIONS:
            continue
        if (m.dtype not in AUTOMATIC) if dtype == "auto" else (m.dtype != dtype):
            continue
        if preprocess != "auto" and version != int(preprocess):
            continue
        made[(m.dtype, version)] += counts[m.id]
    found_dtype, found_version = made.most_common(1)[0][0] if made else ("auto", LATEST_PREPROCESS)
    return VectorChoice(
        found_dtype if dtype == "auto" else dtype,
        found_version if preprocess == "auto" else int(preprocess),
    )


@dataclass(frozen=True)
class ReembedOffer:
    """A new look at the library, offered: what it brings and takes (``text``, a sentence
    without its full stop) and the ``command`` that does it; the app has a button instead."""

    text: str
    command: str

    def __str__(self) -> str:
        return f"{self.text}: {self.command}"


def reembed_offer(
    embedder: Any, photos: int, *, dtype: bool = True, preprocess: bool = True
) -> ReembedOffer | None:
    """What to tell a person whose library stays with vectors that a new look would improve
    (``embedder`` loaded as the library's vectors were made): a format this computer runs
    better, a newer preprocessing and what it changes, how long looking at the ``photos`` again
    would take, and the command that does it. ``dtype`` / ``preprocess``: whether the person
    left that choice to photoorg (what they chose themselves is not questioned). None when
    nothing would improve."""
    from photoorg.core.devices import pick_dtype

    now, version = embedder.dtype, embedder.preprocess_version
    best = pick_dtype(embedder.device, "auto") if dtype and now in AUTOMATIC else now
    newer = preprocess and version < LATEST_PREPROCESS
    if best == now and not newer:
        return None
    rate_now = _rate(embedder.device, now)
    rate_best = rate_now if best == now else _rate(embedder.device, best)
    seconds = photos * embedder.flops_per_photo() / rate_best
    duration = rough_duration(seconds)
    duration = duration if duration.startswith("under") else f"about {duration}"
    kept = f"in {now}" + (f" with preprocessing {version}" if newer else "")
    better, again, flags = [], [], []
    if best != now:
        speed = f"{rate_best / rate_now:.1f}x the speed here"
        better.append(f"this computer runs the model best in {best} ({speed})")
        again.append(f"in {best}")
        flags.append(f"--dtype {best}")
    if newer:
        changes = "; ".join(PREPROCESS_CHANGES[v] for v in range(version + 1, LATEST_PREPROCESS + 1))
        what = f"the newer preprocessing {LATEST_PREPROCESS} (how a photo is prepared for the model)"
        better.append(f"{what} {changes}")
        again.append(f"with preprocessing {LATEST_PREPROCESS}")
        flags.append(f"--preprocess {LATEST_PREPROCESS}")
    why = ", and ".join(better)
    return ReembedOffer(
        f"The model looked at this library's {plural(photos, 'photo')} {kept}, so photoorg goes on "
        f"{kept} and looks at none of them again. {why[0].upper()}{why[1:]}; looking at the whole "
        f"library again {' '.join(again)} would take {duration}",
        f"photoorg scan {' '.join(flags)}",
    )


def _rate(device: str, dtype: str) -> float:
    """The FLOP/s a scan reaches here in ``dtype`` (estimate.py's measurement)."""
    from photoorg.core.estimate import EFFICIENCY, INT8_SPEEDUP, matmul_rate

    if dtype == "int8":  # ONNX Runtime on the CPU: from the fp32 rate, as estimate.py does
        return matmul_rate("cpu", "fp32") * EFFICIENCY * INT8_SPEEDUP
    return matmul_rate(device, dtype) * EFFICIENCY
