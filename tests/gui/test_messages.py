"""The status bar's sentences about an undo say what happened, not more."""

from __future__ import annotations

from photoorg.core.library import Action, Outcome, Step
from photoorg.gui.messages import menu_words, outcome_text


def test_an_undo_that_put_nothing_back_does_not_say_undone() -> None:
    step = Step("/trash/a.jpg", "/pics/a.jpg")
    failed = Outcome(3, Action.TRASH, failed=[(step, "it is no longer in the trash")])
    assert (
        outcome_text(failed, undo=True)
        == "Action 3 is not undone, 1 could not be put back (it is no longer in the trash)."
    )
    done = Outcome(3, Action.TRASH, done=[step], failed=[(step, "gone")])
    assert (
        outcome_text(done, undo=True) == "Undid action 3: put 1 photo back, 1 could not be put back (gone)."
    )
    retried = Outcome(3, Action.TRASH, failed=[(step, "gone")], earlier=2)
    assert (
        outcome_text(retried, undo=True)
        == "Undid action 3 in part (2 files came back in an earlier undo), 1 could not be put back (gone)."
    )


def test_an_undo_that_gave_a_photo_a_new_name_says_why() -> None:
    """An app review: "plier4 (1).webp" came back beside another plier4.webp without a word."""
    step = Step("/trash/plier4.webp", "/pics/plier4 (1).webp")
    renamed = [("/pics/plier4.webp", "/pics/plier4 (1).webp", "its name plier4.webp is taken")]
    back = Outcome(4, Action.TRASH, done=[step], renamed=renamed)
    assert outcome_text(back, undo=True) == (
        "Undid action 4: put 1 photo back, plier4 (1).webp came back under a new name (its name "
        "plier4.webp is taken)."
    )
    numbered = [("/b/p.jpg", "/b/p (1).jpg", "p.jpg was taken after the plan was made")]
    moved = Outcome(5, Action.MOVE, done=[Step("/a/p.jpg", "/b/p (1).jpg")], renamed=numbered)
    assert "p (1).jpg went in under a new name (p.jpg was taken after the plan was made)" in outcome_text(
        moved
    )


def test_the_edit_menu_names_an_action_in_whole_words() -> None:
    """Found by a review: Edit > Undo cut a keyword rename mid-word, hiding the new name, and
    Redo said "redo of action 7: …"."""
    assert menu_words("redo of action 7: trash 1 photo") == ("trash 1 photo", "trash 1 photo")
    summary = (
        "write the keyword \u201cSummer evenings\u201d into 12 sidecars and take \u201cEvenings\u201d out "
        "of 12 sidecars"
    )
    shown, whole = menu_words(summary)
    assert whole == summary and len(shown) <= 72
    assert shown == "write the keyword \u201cSummer evenings\u201d into 12 sidecars and take\u2026"
    rename = "rename the album \u201cEvenings\u201d to \u201cSummer\u201d"
    assert menu_words(rename) == (rename, rename)
    # Cut inside a name, the quote is closed (a review found "\u201cHoliday at the\u2026" open).
    long_name = (
        "rename the album \u201cEvenings\u201d to \u201cHoliday at the lake with the whole family "
        "and the dog\u201d"
    )
    shown, whole = menu_words(long_name)
    assert whole == long_name and len(shown) <= 73
    assert (
        shown
        == "rename the album \u201cEvenings\u201d to \u201cHoliday at the lake with the whole\u2026\u201d"
    )


def test_an_undo_of_keywords_that_put_nothing_back_says_not_undone() -> None:
    """A hostile review: "Undid action 8: the keyword change (...): nothing could be undone",
    and "Action 9: action 9 was already undone" (the app and the CLI share these words)."""
    from photoorg.core.library import undone_note

    step = Step("/pics/a.xmp", None)
    note = (
        "undid the keyword change (write the keyword \u201cTrip\u201d into 1 sidecar): "
        "nothing could be undone"
    )
    failed = Outcome(8, None, failed=[(step, "changed since")], note=note)
    assert undone_note(failed) == (
        "Action 8 is not undone: the keyword change (write the keyword \u201cTrip\u201d into 1 sidecar): "
        "nothing could be undone"
    )
    assert outcome_text(failed, undo=True).startswith("Action 8 is not undone: ")
    assert undone_note(Outcome(9, None, note="action 9 was already undone")) == "Action 9 was already undone"
    done = Outcome(
        8, None, done=[step], note="undid the change to the albums (make the album \u201cTrip\u201d)"
    )
    assert undone_note(done) == "Undid action 8: the change to the albums (make the album \u201cTrip\u201d)"
