"""The window's requests about the history: the actions done, undo of the newest or of any
one, redo, and what Edit > Undo and Redo would do now. A part of
:class:`~photoorg.gui.library.Library`, which provides ``_run``, ``_ask``, ``_action_done``,
``refresh``, ``tasks``, ``engine`` and the signals these use."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from photoorg.core.library import NothingToRedo, NothingToUndo, Progress
from photoorg.engine import AskUndoRedo, History, Redo, Undo
from photoorg.gui.messages import outcome_text
from photoorg.gui.tasks import TaskError


class UndoRequests:
    """Library's history, undo and redo methods (a mixin: the attributes used are Library's)."""

    _run: Any
    _ask: Any
    _action_done: Any
    _busy: int
    _closing: bool
    undo_names: Any
    refresh: Any
    tasks: Any
    engine: Any
    action_finished: Any

    def history(self, on_result: Callable[[Any], None], batch: int | None = None) -> None:
        """The newest actions ((BatchInfo list, total)), or the files of action ``batch``."""
        work = self._ask(History(batch=batch), "Reading the history", cancellable=False)
        self._run(work, on_result, "history")

    def undo(
        self, batch: int | None = None, expect: int | None = None, then: Callable[[str], None] | None = None
    ) -> None:
        """Undo the newest file action with files still to put back (works across restarts),
        or action ``batch`` (its files an earlier undo could not put back are tried again).
        ``expect``: the newest action as Edit > Undo names it (nothing is undone if another
        photoorg did one since). ``then``: told what the undo did, in words."""

        def said(text: str) -> None:
            if then is not None:
                then(text)

        def nothing(error: TaskError) -> bool:
            if isinstance(error.error, NothingToUndo):  # and which files are left, if any
                self.action_finished.emit(str(error.error))
                said(str(error.error))
                return True
            return False

        def done(outcome: Any) -> None:
            text = outcome_text(outcome, undo=True)
            self._action_done(text)
            said(text)

        work = self._ask(Undo(batch, expect), "Undoing", cancellable=False)
        self._run(work, done, "undo", on_error=nothing)

    def ask_undo_redo(self) -> None:
        """Have the menu's Undo and Redo named afresh (another photoorg may have acted since):
        a request that does nothing, answered in milliseconds; not while other work runs (its
        answer names them anyway), and without showing the window busy."""
        if self._busy or self._closing:
            return
        before = self.undo_names

        def asked(_none: object) -> None:
            # Changed meanwhile, then another photoorg acted (a review: the menu said so, the
            # pages still showed the photo a terminal had trashed): show the library as it is.
            if before is not None and self.undo_names != before and not self._busy and not self._closing:
                self.refresh(scan=False)

        self.tasks.run_heavy(lambda: self.engine.call(AskUndoRedo(), Progress()), asked, name="undo check")

    def redo(self, expect: int | None = None) -> None:
        """Do the action undone last again, as a new action (if nothing was done since);
        ``expect``: the one Edit > Redo names (nothing is done if it is another now)."""

        def nothing(error: TaskError) -> bool:
            if isinstance(error.error, NothingToRedo):
                self.action_finished.emit(str(error.error))
                return True
            return False

        work = self._ask(Redo(expect), "Redoing", cancellable=False)
        self._run(work, lambda outcome: self._action_done(outcome_text(outcome)), "redo", on_error=nothing)
