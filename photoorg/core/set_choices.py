"""What the person decides about duplicate sets, apart from finding them (:mod:`duplicates`):
a decision remembered by content ("not duplicates", "keep both"), and the clean-up the
suggestions make (what the app's review starts with unchecked, ``duplicates --trash``)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

from photoorg.core.catalog import Catalog
from photoorg.core.duplicates import DECISIONS, NOT_DUPLICATES, DuplicateSet, Verdict
from photoorg.core.errors import PhotoorgError
from photoorg.core.humanize import printable


def suggested_cleanup(sets: Iterable[DuplicateSet]) -> list[tuple[list[str], list[str]]]:
    """What a clean-up as suggested trashes: for each set, (every member, the members that
    start unchecked); sets with nothing to trash (similar shots, protected copies) left out.
    The plan :meth:`Library.trash_from_sets` takes, as the app's review starts."""
    sets = list(sets)
    starts = [s.starts_kept() for s in sets]
    # A photo one set keeps is never trashed by another (a hostile review: a re-save with an
    # exact copy was the copies' keeper and a re-save to trash; the whole clean-up refused).
    keepers = {path for kept in starts for path, keep in kept.items() if keep}
    plan = []
    for s, kept in zip(sets, starts, strict=True):
        going = [p.path for p in s.photos if not kept[p.path] and p.path not in keepers]
        if going:
            plan.append(([p.path for p in s.photos], going))
    return plan


def unchecked_elsewhere(plan: Sequence[tuple[Sequence[str], Sequence[str]]]) -> list[tuple[int, str]]:
    """The sets of a clean-up (``plan``: every member, the members to trash) that would lose
    every copy because other sets of it uncheck what they keep: each as (its index, a photo it
    keeps that another set trashes). Said before the question (an app review: the clean-up of
    the reviewed sets was asked, then refused)."""
    going = {p for _, remove in plan for p in remove}
    out = []
    for i, (members, remove) in enumerate(plan):
        kept = [m for m in members if m not in remove]
        if kept and all(m in going for m in kept):
            out.append((i, kept[0]))
    return out


def cleanable(plan: Sequence[tuple[Sequence[str], Sequence[str]]]) -> list[int]:
    """The sets of ``plan`` that can be cleaned together (their indexes): all but those that
    would lose every copy and the sets that uncheck what those keep."""
    chosen = list(range(len(plan)))
    while conflicts := unchecked_elsewhere([plan[i] for i in chosen]):
        drop = set()
        for k, _ in conflicts:
            members, remove = plan[chosen[k]]
            kept = set(members) - set(remove)
            drop.add(chosen[k])
            drop.update(i for i in chosen if kept & set(plan[i][1]))
        chosen = [i for i in chosen if i not in drop]
    return chosen


#: Why "not duplicates" is refused for exact copies (it was taken, and listed in History as a
#: decision that byte-identical files are different photos).
EXACT_ARE_DUPLICATES = (
    "These are exact copies (the same bytes): they are duplicates. "
    "Keep all (keep-both) keeps every copy and takes the set off the list."
)


def mark(catalog: Catalog, duplicate_set: DuplicateSet, decision: str | None) -> int | None:
    """Record "not duplicates" / "keep both" (or None to forget) for every pair of the set, as
    one undoable action; returns its number (None: nothing was remembered to forget)."""
    if decision is not None and decision not in DECISIONS:
        raise ValueError(f"decision must be one of {', '.join(DECISIONS)}")
    if decision == NOT_DUPLICATES and duplicate_set.verdict is Verdict.EXACT:
        raise PhotoorgError(EXACT_ARE_DUPLICATES)
    fps = sorted({p.fingerprint for p in duplicate_set.photos})
    if duplicate_set.verdict is Verdict.EXACT:
        pairs = [(fps[0], fps[0])]
    else:
        pairs = [(a, b) for k, a in enumerate(fps) for b in fps[k + 1 :]]
    if decision is None and not set(pairs) & set(catalog.decisions()):
        return None
    n = len(duplicate_set.photos)
    said = {
        "not_duplicates": "not duplicates",
        "keep_both": "keep both" if n == 2 else "keep all",
        None: "decision forgotten",
    }[decision]
    names = ", ".join(printable(os.path.basename(p.path)) for p in duplicate_set.photos[:3])
    more = f" and {n - 3} more" if n > 3 else ""
    return catalog.set_decisions(pairs, decision, f"{said}: {names}{more}")
