"""How an undo is said, in the same words by the app and the command line: a change without
files undone, and the files a newer action still has to put back. Split out of undo.py, which
does the undoing."""

from __future__ import annotations

from collections.abc import Sequence

from photoorg.core.actions import Outcome
from photoorg.core.humanize import plural


def left_behind_text(left: Sequence[tuple[int, int]], command: str | None = None) -> str:
    """A sentence on the files undo could not put back, and how to try them again (with
    ``command``, e.g. "photoorg undo": that command and the action's number)."""
    batch, files = left[0]
    also = f" (and {plural(len(left) - 1, 'older action')} too)" if len(left) > 1 else ""
    them = "it" if files == 1 else "them"
    how = (
        f"'{command} {batch}' tries {them} again" if command else f"undoing action {batch} again tries {them}"
    )
    return f"Action {batch} still has {plural(files, 'file')} that could not be put back{also}; {how}."


def undone_note(outcome: Outcome) -> str:
    """The undo of a change without files, as the app and the command line both say it:
    "Undid action 12: the change to the albums ..." (the note says "undid ..."); "Action 12 is
    not undone: ..." when nothing could be (a hostile review: it said "Undid")."""
    batch, note = outcome.batch, outcome.note
    if note.lower().startswith(f"action {batch} "):  # "action 9 was already undone"
        return note[0].upper() + note[1:]
    if not note.startswith("undid "):
        return f"Action {batch}: {note}"
    if outcome.failed and not outcome.done:
        return f"Action {batch} is not undone: {note[6:]}"
    return f"Undid action {batch}: {note[6:]}"
