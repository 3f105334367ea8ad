"""``photoorg thresholds``: judge the duplicate thresholds on the library's own photos."""

from __future__ import annotations

import argparse
import json
import math

from photoorg.cli.common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, open_library, say
from photoorg.cli.scan import bring_up_to_date
from photoorg.core.errors import ModelUnavailable
from photoorg.core.humanize import plural, similarity
from photoorg.core.library import Calibration
from photoorg.core.paths import Locations

BAR = 40  # characters of the longest bar


def cmd_thresholds(args: argparse.Namespace, where: Locations) -> int:
    with open_library(args, where) as library:
        if args.set_same is not None or args.set_similar is not None:
            s = library.saved_settings
            same = s.same_threshold if args.set_same is None else args.set_same
            similar = s.similar_threshold if args.set_similar is None else args.set_similar
            if not -1.0 <= similar <= same <= 1.0:
                say("photoorg thresholds: the values must satisfy -1 <= similar <= same <= 1.")
                return EXIT_USAGE
            library.change_settings(lambda s: s.assign(same_threshold=same, similar_threshold=similar))
            print(f"Saved: same image from {same:.3f}, similar shots from {similar:.3f}.")
        bring_up_to_date(library)
        try:
            found = library.calibration()
        except ModelUnavailable as exc:
            say(f"photoorg: judging the thresholds needs the model. {exc}")
            return EXIT_FAILED
    at = args.at or [found.same, found.similar]
    if args.json:
        print(json.dumps(_as_json(found, at), indent=2))
    else:
        print("\n".join(_as_text(found, at)))
    return EXIT_OK


def _low(found: Calibration, at: list[float]) -> float:
    """Where the histogram starts: the lowest similarity found or asked about (--at), rounded
    down to a tenth (noticed in a review: 'thresholds --at 0.5' drew 0.90-1.00 only)."""
    lowest = min([float(found.similarity.min()) if len(found.similarity) else 1.0, *at])
    return max(-1.0, math.floor(lowest * 10) / 10)


def _as_json(found: Calibration, at: list[float]) -> dict[str, object]:
    counts, edges = found.histogram(low=_low(found, at))
    return {
        "photos": len(found.fingerprints),
        "sampled": len(found.queries),
        "same_threshold": found.same,
        "similar_threshold": found.similar,
        "histogram": [
            {"from": round(float(a), 4), "to": round(float(b), 4), "photos": int(n)}
            for a, b, n in zip(edges[:-1], edges[1:], counts, strict=True)
        ],
        "pairs": {
            str(v): [{"a": p.a, "b": p.b, "similarity": round(p.similarity, 4)} for p in found.pairs_near(v)]
            for v in at
        },
    }


def _as_text(found: Calibration, at: list[float]) -> list[str]:
    counts, edges = found.histogram(bins=25, low=_low(found, at))
    asked = [("--at", v) for v in at if v not in (found.same, found.similar)]
    top = max(1, int(counts.max()))
    who = (
        f"{len(found.queries)} photos sampled of {len(found.fingerprints)}"
        if found.sampled
        else plural(len(found.fingerprints), "photo")
    )
    lines = [f"How similar each photo is to its nearest neighbour ({who}):", ""]
    for a, b, n in zip(edges[:-1], edges[1:], counts, strict=True):
        marks = [
            f"{name} {t:.3f}" if name == "--at" else f"{name} from {t:.3f}"
            for name, t in (("same image", found.same), ("similar shots", found.similar), *asked)
            if a <= t < b or (b == 1.0 and t == 1.0)
        ]  # fmt: skip
        bar = "#" * round(BAR * n / top)
        note = f"  <- {', '.join(marks)}" if marks else ""
        span = f"{a:6.3f} to {b:6.3f}" if edges[0] < 0 else f"{a:.3f}-{b:.3f}"  # (not "-0.500--0.440")
        lines.append(f"  {span} {int(n):6d} {bar}{note}")
    lines += [
        "",
        f"{found.above(found.same)} have a neighbour at 'same image' ({found.same:.3f}) or above, "
        f"{found.above(found.similar)} at 'similar shots' ({found.similar:.3f}) or above.",
    ]
    for v in at:
        pairs = found.pairs_near(v)
        lines += ["", f"{found.pairs_heading(v, pairs)}:"]
        lines += [f"  {similarity(p.similarity)}  {p.a}\n         {p.b}" for p in pairs]
    lines += [
        "",
        "Look at the pairs: where they stop being the same picture, set the threshold with "
        "'photoorg thresholds --set-same COS' (or --set-similar).",
    ]
    return lines
