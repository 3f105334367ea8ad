"""The status bar's sentences about an undo say what happened, not more."""

from __future__ import annotations

from photoorg.core.library import Action, Outcome, Step
from photoorg.gui.messages import outcome_text


def test_an_undo_that_put_nothing_back_does_not_say_undone() -> None:
    step = Step("/trash/a.jpg", "/pics/a.jpg")
    failed = Outcome(3, Action.TRASH, failed=[(step, "it is no longer in the trash")])
    assert (
        outcome_text(failed, undo=True)
        == "Not undone, 1 could not be put back (it is no longer in the trash)."
    )
    done = Outcome(3, Action.TRASH, done=[step], failed=[(step, "gone")])
    assert outcome_text(done, undo=True) == "Undone: put 1 photo back, 1 could not be put back (gone)."
    retried = Outcome(3, Action.TRASH, failed=[(step, "gone")], earlier=2)
    assert (
        outcome_text(retried, undo=True)
        == "Undone in part (2 files came back in an earlier undo), 1 could not be put back (gone)."
    )
