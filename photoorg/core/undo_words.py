"""How an undo is said, in the same words by the app and the command line: a change without
files undone, the files a newer action still has to put back, those an earlier undo could not,
and an action undone already. Split out of undo.py, which does the undoing."""

from __future__ import annotations

from collections.abc import Sequence

from photoorg.core.action_plans import Step
from photoorg.core.actions import Outcome
from photoorg.core.catalog import Catalog, JournalEntry
from photoorg.core.humanize import plural
from photoorg.core.undo_companions import is_companion


def not_back(action: object) -> str:
    """What a file an undo could not take back did not do: a copy could not go to the trash
    (a hostile review: "could not be put back" of copies), the others could not be put back."""
    return (
        "could not go to the trash"
        if str(getattr(action, "value", action)) == "copy"
        else "could not be put back"
    )


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


def not_put_back(entries: Sequence[JournalEntry]) -> list[tuple[Step, str]]:
    """Files an earlier undo of the action could not put back, as this undo reports them."""
    out = []
    for entry in entries:
        step = Step(entry.target or "", entry.source)
        if is_companion(entry):
            step.companion_of = entry.source
        out.append((step, f"{entry.undo_error or 'could not be put back'} (an earlier undo)"))
    return out


def already_undone(catalog: Catalog, batch: int) -> str:
    """Why action ``batch`` cannot be undone again, and which action did it again since, if
    one did (a new-user review: 'undo 1' after a redo said only that it was undone)."""
    tag = f"redo of action {batch}: "
    redone = [b for b in catalog.batches(None)[0] if b.summary.startswith(tag) and b.undone is None]
    if redone:
        return (
            f"Action {batch} was already undone, and action {redone[0].id} did it again: "
            f"'photoorg undo {redone[0].id}' undoes that."
        )
    return f"Action {batch} was already undone."


def nothing_to_redo(catalog: Catalog) -> str:
    """Why there is nothing to redo (a new-user review: "nothing was undone" right after two
    undos and a redo, which is a new action: Redo goes no further back)."""
    undone = catalog.last_undone_batch(even_with_later=True)
    if undone is None:
        return "There is nothing to redo: nothing was undone."
    return (
        f"There is nothing to redo: action {undone.id} ({undone.summary}) was undone, but an action "
        "was done since (a redo is one too), and Redo does again only what the last undo put back, "
        f"with nothing done after it; 'photoorg history {undone.id}' lists its files."
    )


def albums_gone(catalog: Catalog, batches: Sequence[int], summary: str) -> str:
    """ "; the album “Sea life” is gone with it" when undoing ``batches`` takes albums away, by
    the names they have now (a review: 'undo 1' of "make the album Fish" said nothing of
    "Sea life", which Fish had become, and which went)."""
    now = {name for _, name, _ in catalog.albums()} - {name for _, name, _ in catalog.albums(without=batches)}
    gone = sorted(n for n in now if f"\u201c{n}\u201d" not in summary)  # (not "Sea" of "Sea life")
    if not gone:
        return ""
    names = ", ".join(f"\u201c{n}\u201d" for n in gone)
    one = len(gone) == 1
    return f"; the album{'' if one else 's'} {names} {'is' if one else 'are'} gone with it"
