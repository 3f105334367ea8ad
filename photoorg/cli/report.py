"""Text and JSON renderings of groups, duplicate sets and similar photos, for the CLI."""

from __future__ import annotations

import shutil
import sys
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from photoorg.core.duplicates import DuplicateSet, Verdict
from photoorg.core.grouping import UNSORTED, Group
from photoorg.core.humanize import VERDICT_WORDS, agree, how_alike, human_bytes, plural, printable, quoted
from photoorg.core.timeline import shown_date

if TYPE_CHECKING:
    from photoorg.core.catalog import PhotoInfo


def photo_dict(p: PhotoInfo) -> dict[str, object]:
    return {
        "path": p.path,
        "size": p.size,
        "width": p.width,
        "height": p.height,
        "format": p.format,
        "taken": p.taken,
        "camera": p.camera,
    }


def _dims(p: PhotoInfo) -> str:
    return f"{p.width}x{p.height}" if p.width and p.height else "?"


# -- groups ---------------------------------------------------------------------------------
def groups_json(groups: Sequence[Group]) -> list[dict[str, object]]:
    return [
        {
            "id": g.id if g.id != UNSORTED else "unsorted",
            "name": g.name or None,
            "label": g.label,
            "size": g.size,
            "coherence": round(g.coherence, 4),
            "date_range": list(g.date_range) if g.date_range else None,
            "folder": g.common_folder,
            "representatives": [p.path for p in g.representatives],
            "photos": [p.path for p in g.photos],
        }
        for g in groups
    ]


def groups_text(groups: Sequence[Group], members: bool) -> str:
    real = [g for g in groups if g.id != UNSORTED]
    unsorted = next((g for g in groups if g.id == UNSORTED), None)
    total = sum(g.size for g in groups)
    lines = [
        f"{plural(len(real), 'group')} of similar photos, {unsorted.size if unsorted else 0} unsorted, "
        f"{plural(total, 'photo')} in all",
        "",
    ]
    for g in real:
        number = f"Group {g.id if g.id is not None else '(new)'}"
        # The label quoted, so that "tools (2)" reads as a name, not a count; none when it is
        # only the number again (a review: "Group 4: Group 4  (27 photos)").
        called = "" if g.label == number else f" {quoted(g.label)}"
        lines.append(f"{number}{called}: {plural(g.size, 'photo')}")
        shown = g.photos if members else g.representatives
        lines.extend(f"    {p.path}" for p in shown)
        if not members and g.size > len(shown):
            lines.append(f"    ... and {g.size - len(shown)} more (--members lists all)")
    if unsorted and unsorted.size:
        lines.append(
            f"Unsorted: {plural(unsorted.size, 'photo')} that {agree(unsorted.size, 'fits', 'fit')} no group"
        )
        if members:
            lines.extend(f"    {p.path}" for p in unsorted.photos)
    return "\n".join(printable(line) for line in lines)


# -- duplicates -----------------------------------------------------------------------------
def duplicates_json(sets: Sequence[DuplicateSet]) -> list[dict[str, object]]:
    return [_set_json(s, s.starts_kept()) for s in sets]


def _set_json(s: DuplicateSet, kept: dict[str, bool]) -> dict[str, object]:
    return {
        "id": s.id,
        "verdict": s.verdict.value,
        "weakest_similarity": s.weakest,
        "keeper": s.keeper.path,
        "reason": s.reason,
        "reclaimable_bytes": s.reclaimable_bytes,
        "photos": [
            {**photo_dict(p), "keep": kept[p.path], "protected": p.path in s.protected} for p in s.photos
        ],
    }


def duplicates_text(sets: Sequence[DuplicateSet], counted: bool = True) -> str:
    """The sets, each photo on a line, the keeper first with its reason; ``counted``: after a
    line that counts them and what removing the copies would free."""
    if not sets:
        return "No duplicates found."
    counts = {v: sum(1 for s in sets if s.verdict is v) for v in Verdict}
    freed = sum(s.reclaimable_bytes for s in sets)
    # The copies and re-saves counted apart from similar shots, which are different photos (a
    # review: "38 duplicate sets" where 32 were similar shots).
    copies = counts[Verdict.EXACT] + counts[Verdict.SAME]
    similar = counts[Verdict.SIMILAR]
    lines = [
        f"{plural(copies, 'duplicate set')} ({counts[Verdict.EXACT]} exact, {counts[Verdict.SAME]} same "
        f"image) and {plural(similar, 'set')} of similar shots"
        + (  # (a review: "would free 0 B" where there were only similar shots)
            f". Removing the copies and re-saves (all but the keepers) would free {human_bytes(freed)} "
            "('photoorg duplicates --trash' does it, the plan first)"
            if freed
            else ""
        )
        + (
            "; similar shots are different photos, all kept unless you choose (BEST: the best of "
            "them by the keeper rules)."
            if similar
            else "."
        ),
        "",
    ][: 2 if counted else 0]
    for s in sets:
        width = max(len(printable(p.path)) for p in s.photos)  # per set: one long name widened all
        alike = "" if s.verdict is Verdict.EXACT else f", {how_alike(len(s.photos), s.weakest)}"
        lines.append(f"Set {s.id}: {VERDICT_WORDS[s.verdict.value]}, {len(s.photos)} photos{alike}")
        kept = s.starts_kept()
        for k, p in enumerate(s.photos):
            first = "BEST" if s.verdict is Verdict.SIMILAR and all(kept.values()) else "KEEP"
            tag = first if k == 0 else ("kept" if kept[p.path] else "    ")
            taken = shown_date(p, p.taken[:10]) if p.taken else ""  # "1975" for a year alone
            taken += "  (protected)" if p.path in s.protected else ""  # as --json says (a review)
            lines.append(
                f"  {tag} {printable(p.path):<{width}}  {_dims(p):>10}  {human_bytes(p.size):>9}  {taken}"
            )
        lines.append(f"       why: {s.reason}")
        lines.append("")
    out = [printable(line) for line in lines]
    if counted:
        out[0] = fitted(out[0])
    return "\n".join(fitted(line, " " * 12) if line.startswith(_WHY) else line for line in out).rstrip()


_WHY = "       why: "


def fitted(text: str, indent: str = "", stream: TextIO | None = None) -> str:
    """``text`` wrapped to the terminal's width where ``stream`` (standard output) is one, the
    next lines indented by ``indent`` (a new-user review: a 310-character sentence at 80
    columns); as it is otherwise, for whatever reads it (scripts read --json)."""
    stream = sys.stdout if stream is None else stream
    if not stream.isatty():
        return text
    width = max(40, shutil.get_terminal_size().columns - 1)
    return textwrap.fill(
        text, width=width, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False
    )


# -- similar --------------------------------------------------------------------------------
def similar_json(target: str, result: Sequence[tuple[PhotoInfo, float]]) -> dict[str, object]:
    return {"photo": target, "similar": [{**photo_dict(p), "similarity": round(s, 4)} for p, s in result]}


def similar_text(target: str, result: Sequence[tuple[PhotoInfo, float]]) -> str:
    lines = [f"Photos most like {target}:"]
    lines.extend(f"  {s:.3f}  {p.path}" for p, s in result)
    if not result:
        lines.append("  (no other photos in the catalog)")
    return "\n".join(printable(line) for line in lines)
