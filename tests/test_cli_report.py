"""The command line's listings, as text (no photoorg process)."""

from __future__ import annotations

import pytest

from photoorg.cli.report import groups_text
from photoorg.core.catalog import PhotoInfo
from photoorg.core.grouping import UNSORTED, Group


def photo(name: str) -> PhotoInfo:
    return PhotoInfo(f"/p/{name}", name, 1, 0, 10, 10, "JPEG", None, None, None)


def test_one_photo_is_one_photo_in_the_groups_listing() -> None:
    """Found by a review: "(1 photos)", "1 photos that fit no group", "1 photos in all"."""
    text = groups_text([Group(3, [photo("a.jpg")], label="beach"), Group(UNSORTED, [])], members=False)
    assert "Group 3 \u201cbeach\u201d: 1 photo" in text and "1 photo in all" in text
    text = groups_text([Group(UNSORTED, [photo("b.jpg")])], members=False)
    assert "Unsorted: 1 photo that fits no group" in text


def test_every_command_says_what_it_does_and_what_its_arguments_are() -> None:
    """Found by a new-user review: 'album create --help' and others said nothing about what
    the command does or what NAME, PHOTO, VALUE are."""
    import argparse

    from photoorg.cli.parser import build_parser

    def commands(parser: argparse.ArgumentParser, name: str) -> list[tuple[str, argparse.ArgumentParser]]:
        found = [(name, parser)]
        for action in parser._actions:  # argparse keeps its sub-commands here, nowhere public
            if isinstance(action, argparse._SubParsersAction):
                for sub, child in action.choices.items():
                    found += commands(child, f"{name} {sub}")
        return found

    listed = commands(build_parser(), "photoorg")
    assert len(listed) > 25
    for name, parser in listed:
        assert parser.description, f"'{name} --help' does not say what it does"
        for action in parser._actions:
            if not action.option_strings and not isinstance(action, argparse._SubParsersAction):
                assert action.help, f"'{name} --help' does not say what {action.metavar} is"
        if not any(isinstance(a, argparse._SubParsersAction) for a in parser._actions):
            # README: "--home DIR and --model M work with every command" (a new-user review:
            # 'photoorg album list --home H' was "unrecognized arguments: --home")
            for option in ("--home", "--model", "--verbose"):
                assert option in parser._option_string_actions, f"'{name}' takes no {option} at its end"


def test_a_decision_about_a_set_is_one_set_in_the_history_not_its_pairs() -> None:
    """A review: "keep all: ... (36 changes done)" for one set of 9 photos, its 36 pairs."""
    from photoorg.core.catalog.rows import BatchInfo

    decision = BatchInfo(4, "decision", "keep all: a.jpg, b.jpg and 7 more", 0.0, None, 0, changes=36)
    assert decision.extent == "1 duplicate set"
    assert BatchInfo(5, "album", "make the album Dogs", 0.0, None, 0, changes=1).extent == "1 change"
    assert BatchInfo(6, "trash", "trash 3 photos", 0.0, None, 3).extent == "3 files"


def test_similar_shots_are_counted_apart_from_duplicates_and_their_first_is_the_best() -> None:
    """A new-user review: "38 duplicate sets" where 32 were similar shots (different photos,
    all kept), and "KEEP" beside photos that all stay."""
    from photoorg.cli.report import duplicates_text
    from photoorg.core.duplicates import DuplicateSet, Verdict

    same = DuplicateSet("s1", Verdict.SAME, [photo("a.jpg"), photo("a (1).jpg")], "largest file", 0.99)
    alike = DuplicateSet("s2", Verdict.SIMILAR, [photo("b.jpg"), photo("c.jpg")], "largest file", 0.95)
    text = duplicates_text([same, alike])
    assert text.startswith("1 duplicate set (0 exact, 1 same image) and 1 set of similar shots.")
    assert "  KEEP /p/a.jpg" in text and "  BEST /p/b.jpg" in text and "  kept /p/c.jpg" in text
    # A protected copy is marked, as --json marks it (a new-user review).
    two = [photo("d.jpg"), photo("e.jpg")]
    guarded = DuplicateSet("s3", Verdict.SAME, two, "protected", 0.99, ["/p/d.jpg"])
    assert duplicates_text([guarded]).count("(protected)") == 1


def test_long_sentences_fit_the_terminal_and_stay_whole_in_a_pipe(monkeypatch: pytest.MonkeyPatch) -> None:
    """A new-user review: the duplicates summary was one line of 310 characters at 80 columns."""
    import io

    from photoorg.cli.report import fitted

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    sentence = (
        "6 duplicate sets (0 exact, 6 same image) and 32 sets of similar shots. Removing the copies and "
        "re-saves (all but the keepers) would free 14.6 KB ('photoorg duplicates --trash' does it, the "
        "plan first); see /a/very/long/path/that/is/not/broken/anywhere/at/all/IMG_0001.jpg too."
    )
    monkeypatch.setenv("COLUMNS", "80")
    shown = fitted(sentence, "  ", Terminal())
    assert len(shown.splitlines()) > 3 and all(len(line) <= 79 for line in shown.splitlines()[:-1])
    assert shown.replace("\n  ", " ") == sentence  # every word, in order; the path not cut
    assert fitted(sentence, "  ", io.StringIO()) == sentence  # a pipe: as it is, for what reads it
