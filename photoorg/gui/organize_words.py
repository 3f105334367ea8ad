"""What the Organize dialog says of a plan: what moves, what stays and why, which folders are
left empty; worked out from the plan's totals per folder (photoorg.core.organize)."""

from __future__ import annotations

import html
import os
from collections import Counter

from photoorg.core.companions import kinds_counted
from photoorg.core.humanize import agree, human_bytes, plural, some_of
from photoorg.core.library import STAY_NOTES, OrganizePlan
from photoorg.core.organize_places import first_staying, sidecars_left_out


def short_names(folders: list[str]) -> list[str]:
    """Folders by the part of their paths below the folder that holds them all."""
    if not folders:
        return []
    try:
        top = os.path.commonpath(folders)
    except ValueError:  # on different drives (Windows)
        return list(folders)
    return [os.path.basename(f) if f == top else os.path.relpath(f, top) for f in folders]


def summary_lines(plan: OrganizePlan, chosen: set[str]) -> tuple[list[str], str, int, int]:
    """(the summary's lines, its tool tip, the photos that move, those that leave the library)
    of ``plan`` with the ``chosen`` folders ticked."""
    tip = ""
    totals = plan.totals()  # per folder, once (a scale review: 5 s per tick at 100k)
    ticked = [t for folder, t in totals.items() if folder in chosen]
    moving = sum(t.photos for t in ticked)
    companions: Counter[str] = sum((t.companions for t in ticked), Counter())
    size = sum(t.bytes for t in ticked)
    verb = "copy" if plan.request.copy else "move"
    lines = [f"<b>{plural(moving, 'photo')} to {verb}</b> ({human_bytes(size)}"]
    if companions:
        lines[0] += f", with {kinds_counted(companions)}"  # (a new-user review: "RAW or video")
    lines[0] += f"; {human_bytes(plan.free_bytes)} free there)."
    for note in STAY_NOTES:
        n = plan.count(note)
        words = {
            "already there": agree(n, "already where it belongs", "already where they belong"),
            "protected": "in protected folders, never moved",
            "already in the library": f"left out: the library has {agree(n, 'it', 'them')} already",
            "an exact copy there": (  # which, and why (a new-user review: "where it is: the
                # same bytes are where it goes already", of a folder not made yet)
                f"where {agree(n, 'it is', 'they are')} ({html.escape(first_staying(plan, note))}"
                f"{', …' if n > 1 else ''}), as an exact copy of {agree(n, 'it', 'each')} is there "
                f"already or goes there in this plan (the Duplicates page offers {agree(n, 'it', 'them')} "
                "for clean-up)"
            ),
            "in no group": f"in no group, where {agree(n, 'it is', 'they are')}",
            "no date taken": f"without a date taken, where {agree(n, 'it is', 'they are')}",
        }[note]
        if n:
            words += sidecars_left_out(plan) if note == "already in the library" else ""
            lines.append(f"{plural(n, 'photo')} {agree(n, 'stays', 'stay')}: {words}.")
    unticked = sum(t.photos for t in totals.values()) - moving
    if unticked:  # (an app review: the summary said nothing of them)
        lines.append(
            f"{plural(unticked, 'photo')} in unticked folders {agree(unticked, 'stays', 'stay')} "
            f"where {agree(unticked, 'it is', 'they are')}."
        )
    named = [p for p in plan.dated_by_name if p.folder in chosen]
    if named:  # (a hostile review: said nowhere but in a photo's tool tip)
        name = html.escape(os.path.basename(named[0].photo.path))
        says = agree(len(named), "goes by the date its name says", "go by the date their names say")
        lines.append(f"{plural(len(named), 'photo')} {says} ({name}).")
    by_file = sum(t.by_file for t in ticked)
    if by_file:  # (an app review: 149 photos planned into the month they were copied, unsaid)
        go = agree(by_file, "goes", "go")
        lines.append(
            f"{plural(by_file, 'photo')} without a date taken {go} by the file's date (when the "
            "file was last saved or copied)."
        )
    if plan.undated and "undated" in chosen:
        go = agree(plan.undated, "goes", "go")
        lines.append(f"{plural(plan.undated, 'photo')} without a date taken {go} to undated/.")
    if plan.collisions:
        lines.append(f"{plural(len(plan.collisions), 'name')} taken: both photos are kept, numbered.")
    leaving = sum(t.leaving for t in ticked)
    if leaving:
        lines.append(
            f"<b>{plural(leaving, 'photo')} {agree(leaving, 'leaves', 'leave')} the library</b>: "
            f"{plan.request.destination} is not one of its folders (File > Add folder adds it)."
        )
    twice = plan.twice_in_library(chosen)
    if twice:
        lines.append(
            f"<b>{plural(twice, 'photo')} will be in the library twice</b>: the copies go into a "
            "library folder, where each is a duplicate of its original. To keep a copy elsewhere, "
            "choose a folder outside the library; to sort the photos, untick Copy."
        )
    empty, kept = plan.left_empty(chosen)  # of the folders ticked
    if (empty or kept) and not plan.request.copy:
        # Named (a review: "39 folders left empty: kept (empty)" said not which) by the part of
        # their paths below the folder that holds them all, in one sentence: which, then what
        # becomes of them (app reviews: two lines of full paths said nearly the same; "the 5
        # folders organized stay: A, B and 35 more" read as if those were the 5).
        n = len(empty) + len(kept)
        names = some_of([html.escape(f) for f in short_names([*empty, *kept])], 8)
        # every one in the tool tip (a new-user review: a folder it removed was one of "3 more")
        tip = "Left empty by the move:\n" + "\n".join([*empty, *kept])
        line = f"{plural(n, 'folder')} {agree(n, 'is', 'are')} left empty: {names}."
        e = len(empty)
        if empty and plan.request.prune_empty:
            these = agree(e, "It", "They") if not kept else str(e)
            line += f" {these} {agree(e, 'is', 'are')} removed afterwards"
        elif empty:  # the box named (a review: "the box above" said not which)
            which = agree(e, "it", "them") if not kept else f"{e} of them"
            line += f" “Remove folders the move leaves empty” removes {which}"
        if kept:
            k = len(kept)
            chose = (  # (a review: "the folders you chose" of the library, organized whole)
                f"{agree(k, 'it is a folder', 'they are folders')} of the library"
                if set(kept) <= set(plan.library or ())
                else f"{agree(k, 'it is the folder', 'they are the folders')} you chose to organize"
            )
            line += (
                f"; the other {k} stay: {chose}"
                if empty
                else f" {agree(k, 'It stays', 'They stay')}: {chose}"
            )
        lines.append(line + ".")
    return lines, tip, moving, leaving
