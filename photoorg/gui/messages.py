"""The sentences the status bar says after a file action or an undo."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from photoorg.core.date_words import when_words
from photoorg.core.humanize import agree, plural
from photoorg.core.library import (
    Action,
    Outcome,
    emptied_phrase,
    keywords_phrase,
    left_behind_text,
    not_back,
    undone_note,
    what_is_redone,
)

STAGES = {Action.TRASH: "Moving to the trash", Action.MOVE: "Moving photos", Action.COPY: "Copying photos"}
DONE = {Action.TRASH: "Moved {} to the trash", Action.MOVE: "Moved {}", Action.COPY: "Copied {}"}
#: How many characters of an action's summary Edit > Undo / Redo show (about 500 pixels).
MENU_CHARS = 72


def menu_words(summary: str, limit: int = MENU_CHARS) -> tuple[str, str]:
    """An action's summary as Edit > Undo / Redo name it, and whole (for its tool tip): without
    "redo of action 7: " (undoing or redoing a redo is undoing or doing its action), cut at a
    word when too long (a review: cut mid-word, the menu hid an album's new name)."""
    whole = what_is_redone(summary)
    if len(whole) <= limit:
        return whole, whole
    cut = whole[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    cut = cut.rstrip(" ,;:(")
    if cut.count("\u201c") > cut.count("\u201d"):  # cut inside a name: close its quote (a review)
        return cut + "\u2026\u201d", whole
    return cut + "\u2026", whole


def keywords_text(name: str, outcome: Outcome, take_out: bool = False) -> str:
    """A sentence for the status bar: which sidecars got the album's keyword (and what else
    changed in them), and which not."""
    phrase = keywords_phrase(name, outcome.done, past=True, noun="XMP sidecar", everywhere=take_out)
    parts = [phrase[0].upper() + phrase[1:]]
    if emptied_phrase(outcome.done):  # (a review: the trash went unsaid, or said clumsily)
        parts[0] += f"; {emptied_phrase(outcome.done)}"
    if outcome.skipped:
        reasons = sorted({s.skip or "" for s in outcome.skipped})
        parts.append(f"left {len(outcome.skipped)} alone ({'; '.join(reasons)})")
    if outcome.failed:
        parts.append(f"{len(outcome.failed)} failed ({outcome.failed[0][1]})")
    text = ", ".join(parts) + "."
    return text + (" Edit > Undo takes it back." if outcome.batch is not None else "")


def date_text(when: datetime, outcome: Outcome, known: str = "day") -> str:
    """A sentence for the status bar: which photos got the date taken, and which not."""
    parts = []
    if outcome.done:
        n = len(outcome.done)
        where = agree(n, "its XMP sidecar", "their XMP sidecars")
        parts.append(f"Dated {plural(n, 'photo')} {when_words(when, known)} (in {where})")
    if outcome.skipped:
        reasons = sorted({(s.skip or "").split(" (")[0] for s in outcome.skipped})
        parts.append(f"left {plural(len(outcome.skipped), 'photo')} alone ({'; '.join(reasons)})")
    if outcome.failed:
        parts.append(f"{len(outcome.failed)} failed ({outcome.failed[0][1]})")
    text = ", ".join(parts) or "Nothing to date"
    text = text[0].upper() + text[1:] + "."
    return text + (" Edit > Undo takes it back." if outcome.batch is not None else "")


def outcome_text(outcome: Outcome, undo: bool = False) -> str:
    """A sentence for the status bar: what an action or an undo did, and what it did not."""
    if outcome.note:
        # As the command line says it, with the action's number the History window shows
        # (a review: the app said "Undone: ..." and the CLI "Undid action N: ...").
        text = undone_note(outcome) if undo else outcome.note[0].upper() + outcome.note[1:]
        if not undo and outcome.batch is not None:  # its number, as the command line says it
            text += f": action {outcome.batch}"
        if outcome.failed:
            not_done = "could not be undone" if undo else "failed"
            text += f"; {len(outcome.failed)} {not_done} ({outcome.failed[0][1]})"
        return text + "." + (f" {left_behind_text(outcome.left_behind)}" if outcome.left_behind else "")
    copy = outcome.action is Action.COPY
    n = outcome.batch
    if undo and not outcome.done and outcome.failed and outcome.earlier:
        did = f"Undid action {n} in part ({plural(outcome.earlier, 'file')} came back in an earlier undo)"
    elif undo and not outcome.done and outcome.failed:
        did = f"Action {n} is not undone"  # "put 0 photos back, 1 could not be put back" said undone
    elif undo:
        did = (
            f"Undid action {n}: moved {outcome.photos_and_them('copy', 'copies', after=' to the trash')}"
            if copy
            else f"Undid action {n}: put {outcome.photos_and_them(after=' back')}"
        )
    else:
        did = DONE[outcome.action or Action.TRASH].format(plural(outcome.photos_done, outcome.noun))
    parts = [did if undo else did + outcome.with_them()]
    skipped = [s for s in outcome.skipped if s.companion_of is None]
    if skipped:
        reasons = sorted({s.skip or "" for s in skipped})
        parts.append(f"skipped {len(skipped)} ({'; '.join(reasons)})")
    if outcome.renamed:  # (an app review: "plier4 (1).webp" came back without a word on why)
        _old, new, why = outcome.renamed[0]
        more = f" and {len(outcome.renamed) - 1} more" if len(outcome.renamed) > 1 else ""
        came = "came back" if undo else "went in"
        parts.append(f"{os.path.basename(new)}{more} {came} under a new name ({why})")
    stayed = [s for s in outcome.skipped if s.companion_of is not None]
    if stayed:  # a sidecar another photo owns too
        parts.append(f"{os.path.basename(stayed[0].source)} stayed ({stayed[0].skip})")
    if outcome.failed:
        what = not_back(outcome.action) if undo else "failed"
        parts.append(f"{len(outcome.failed)} {what} ({outcome.failed[0][1]})")
    text = ", ".join(parts) + "."
    if undo and outcome.left_behind:
        text += " " + left_behind_text(outcome.left_behind)
    if outcome.done and outcome.batch is not None and not undo:
        one = len(outcome.done) == 1
        if copy:
            text += f" Edit > Undo moves {'the copy' if one else 'the copies'} to the trash."
        else:
            text += f" Edit > Undo puts {'it' if one else 'them'} back."
    return text


def queued_words(names: Iterable[str]) -> str:
    """What the status bar says of the tasks waiting for the current work ("" for none)."""
    counted = Counter(names)  # in the order they were queued
    if not counted:
        return ""
    said = [name if n == 1 else f"{name} ({n} times)" for name, n in counted.items()]
    return f"Queued until the current work ends: {', '.join(said)}."
