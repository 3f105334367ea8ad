"""The history of the library's actions, and their undo and redo, for the library service (a
mixin of :class:`photoorg.core.library.Library`, out of library_files.py, past 18 KB). Each
holds the library lock, as the actions do."""

from __future__ import annotations

import os
from dataclasses import dataclass

from photoorg.core import redo as redoing
from photoorg.core import undo as undoing
from photoorg.core.actions import DATES, SIDECAR_ACTIONS, Action, Outcome
from photoorg.core.catalog import BatchInfo
from photoorg.core.errors import PhotoorgError
from photoorg.core.humanize import plural
from photoorg.core.library_part import LibraryPart
from photoorg.core.progress import NULL_PROGRESS, Progress
from photoorg.core.sidecar_writes import TRASHED
from photoorg.core.sidecars import TRASHED_WITH_UNDO


@dataclass(frozen=True)
class ActionFile:
    """One file of a file action, as the history shows it."""

    source: str  # where it was
    target: str | None  # where the action put it (the trash, a folder, the copy)
    state: str  # in words: done, undone, failed, could not be put back, ...
    back_at: str | None = None  # where an undo put it (or, for a copy, where the copy went)
    problem: str | None = None  # why it failed or could not be put back
    #: A sidecar's earlier version, kept for undo (a keyword change leaves the sidecar where
    #: it is: a review read the kept copy, under "Went to", as where the sidecar had gone).
    kept: str | None = None


class History(LibraryPart):
    """Undo, redo and the history of the library's actions."""

    def undo(
        self, batch: int | None = None, progress: Progress = NULL_PROGRESS, expect: int | None = None
    ) -> Outcome:
        """Undo the newest action with files still to put back, or action ``batch``. ``expect``:
        the action the person was told the newest is (Edit > Undo's words); when another is the
        newest now, nothing is undone (a hostile review: an action another photoorg did since
        was undone by a menu that named the app's own)."""
        with self.writing(progress) as catalog:
            now = self.undoable() if batch is None and expect is not None else None
            if now is not None and now.id != expect:
                raise PhotoorgError(
                    f"Nothing was undone: another photoorg did action {now.id} ({now.summary}) since "
                    f"Edit > Undo named action {expect}. Edit > Undo now undoes action {now.id}; "
                    "Edit > History lists every action and undoes any of them."
                )
            progress.start_stage("Undoing", 0)
            s = self.settings
            outcome = undoing.undo(
                catalog,
                batch,
                on_step=lambda: progress.advance(1),
                keep=[*s.folders, *s.protected],
                roots=self.library_roots(),
                protected=self.protected_watch(),  # a folder protected meanwhile keeps its files
            )
        if outcome.batch is not None and self.catalog.batch_action(outcome.batch) == DATES:
            # the photos are dated by their sidecars' earlier versions (or their files) again
            self.date_again(s.source for s in outcome.done)
        return outcome

    def redo(self, progress: Progress = NULL_PROGRESS, expect: int | None = None) -> Outcome:
        """Do the action undone last again (a new action), if nothing was done since.
        ``expect``: the action Edit > Redo named; nothing is done when it is another now."""
        with self.writing(progress) as catalog:
            now = redoing.redoable(catalog)
            if expect is not None and (now is None or now.id != expect):
                raise PhotoorgError(
                    f"Nothing was redone: Edit > Redo named action {expect}, and another photoorg "
                    "undid or did an action since. Edit > Redo names what it would do now."
                )
            if now is not None and now.action in SIDECAR_ACTIONS:
                batch, action = now.id, now.action
            else:
                progress.start_stage("Redoing", 0)
                roots, missing = self.library_roots()
                step = lambda: progress.advance(1)  # noqa: E731
                outcome = redoing.redo(
                    catalog, self.protected_watch(), roots, on_step=step, missing=missing, home=self.where
                )
                if outcome.pruned:  # (as organize --prune-empty did the first time)
                    self.notes.append(
                        f"removed again the {plural(len(outcome.pruned), 'folder')} the move left empty: "
                        + ", ".join(outcome.pruned)
                    )
                return outcome
        # A change to sidecars is made again by the library (under the lock, checked to be the
        # action Redo would do): a date change dates the photos in the catalog too.
        if action == DATES:
            return self.redo_dates(batch, progress)
        return self.redo_keywords(batch, progress)

    def redoable(self) -> BatchInfo | None:
        """The action Redo would do again, or None."""
        return None if self._places_refused() else redoing.redoable(self.catalog)

    def redo_refused(self) -> str | None:
        """Why the action undone last cannot be redone (a sentence), or None."""
        return redoing.redo_refused(self.catalog) or self._places_refused()

    def _places_refused(self) -> str | None:
        return redoing.places_refused(self.catalog, self.settings.protected, self.where)

    def undoable(self) -> BatchInfo | None:
        """The action Undo (with no number) would undo now, or None."""
        finished = self.catalog.finished_undos  # (its undo, finished as photoorg started, is said)
        batch = finished[-1] if finished else self.catalog.latest_undoable_batch()
        return None if batch is None else self.catalog.batch_info(batch)

    def history(self, limit: int | None = 50) -> tuple[list[BatchInfo], int]:
        """The newest file actions, newest first, and how many there are in all."""
        return self.catalog.batches(limit)

    def action_files(self, batch: int) -> list[ActionFile]:
        """The files of action ``batch`` in the order they were done: where each was, where
        it went, and what became of it (done, undone, could not be put back, failed)."""
        info = self.catalog.batch_info(batch)
        if info is None:
            raise PhotoorgError(f"There is no action number {batch}; 'photoorg history' lists them.")
        words = {"planned": "not finished", "done": "done", "failed": "failed", "undoing": "being undone",
                 "undone": "undone", "undo_failed": "could not be put back"}  # fmt: skip
        if info.action == Action.COPY:  # its undo trashes the copy (a review read "back at" the trash)
            words |= {"undone": "copy in the trash", "undo_failed": "copy not trashed"}
        keywords = info.action in SIDECAR_ACTIONS  # sidecars changed in place
        out = []
        for e in reversed(self.catalog.journal_entries(batch)):
            state = words.get(e.state, e.state)
            if keywords and e.wrote == TRASHED and e.state == "done":
                state = "left empty, in the trash"  # its earlier version is kept
            elif keywords and e.fingerprint is None and e.state == "undone":
                state = "undone: in the trash"  # a sidecar photoorg made goes to the trash
            elif e.state == "undone" and (e.undo_error or "").startswith(TRASHED_WITH_UNDO):
                state = f"undone: {e.undo_error}"  # with the keyword it was made for
            out.append(
                ActionFile(
                    e.source,
                    None if keywords else e.target,
                    state,
                    e.undo_target if e.state == "undone" else None,
                    e.undo_error if e.state == "undo_failed" else e.error if e.state == "failed" else None,
                    # named while it is there: an undo removes it (a hostile review: history
                    # still named it after the undo)
                    kept=e.target if keywords and e.target and os.path.lexists(e.target) else None,
                )
            )
        return out
