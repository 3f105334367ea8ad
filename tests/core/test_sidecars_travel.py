"""A photo's sidecars go where the photo goes: trashed, moved or copied with it, under the
photo's new name, undone and redone with it; a sidecar another file owns stays (found by a
review: `photoorg move` left IMG_1.jpg.xmp behind, and with it the photo's edits and keywords)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from photoorg.core import actions
from photoorg.core.library import Action, Library
from photoorg.core.pairs import going_with
from photoorg.core.paths import locations
from tests.cli import photoorg


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_what_a_confirmation_names_is_what_the_plan_takes(four_photos) -> None:
    """The app names the sidecars before it asks (companions.going_with): the same the plan
    takes along, each once, and none another file owns."""
    a = four_photos / "a"
    (a / "p0.jpg.xmp").write_bytes(b"p0's")
    (a / "p1.CR2").write_bytes(b"raw data")
    (a / "p1.xmp").write_bytes(b"the RAW's")
    (a / "p2.xmp").write_bytes(b"p2's, also the PNG's")
    (a / "p2.png").write_bytes(b"another file of the stem")
    chosen = [str(a / "p0.jpg"), str(a / "p1.jpg"), str(a / "p2.jpg")]
    with Library(locations()) as library:
        plan = library.plan(Action.TRASH, chosen)
    taken = [s.source for s in plan if s.companion_of is not None and s.skip is None]
    assert going_with(chosen) == taken == [str(a / "p0.jpg.xmp")]
    assert going_with([*chosen, str(a / "p2.png")]) == [str(a / "p0.jpg.xmp"), str(a / "p2.xmp")]


def test_a_move_takes_the_sidecars_under_the_photos_new_name_and_undo_brings_all_back(four_photos) -> None:
    a = four_photos / "a"
    (a / "p0.jpg.xmp").write_bytes(b"<x:xmpmeta>darktable edits</x:xmpmeta>")
    (a / "p0.xmp").write_bytes(b"<x:xmpmeta>lightroom keywords</x:xmpmeta>")
    (a / "P0.JPG.json").write_bytes(b'{"takeout": 1}')  # another case: the same photo's
    (a / "p00.xmp").write_bytes(b"another photo's")  # not p0's
    b = four_photos / "b"
    b.mkdir()
    (b / "p0.jpg.xmp").write_bytes(b"a stray sidecar")  # its photo's name is free, its own is not
    before = files(four_photos)
    with Library(locations()) as library:
        outcome = library.act(Action.MOVE, [str(a / "p0.jpg")], str(b))
        assert outcome.photos_done == 1 and not outcome.failed and not outcome.skipped
        assert outcome.with_them() == " (and 3 sidecars with it)"
        moved = {os.path.basename(s.target or "") for s in outcome.done}
        # Each named after the photo's new name (P0.JPG.json's case follows the photo's too).
        assert moved == {"p0 (1).jpg", "p0 (1).jpg.xmp", "p0 (1).xmp", "p0 (1).jpg.json"}
        assert (b / "p0 (1).jpg.xmp").read_bytes() == before["a/p0.jpg.xmp"]
        assert (b / "p0.jpg.xmp").read_bytes() == b"a stray sidecar"  # nothing replaced
        assert (a / "p00.xmp").exists()
        [info] = [i for i in library.history()[0] if i.id == outcome.batch]
        assert info.summary == "move 1 photo to b"  # named where to (a review)
        back = library.undo()
        assert back.photos_done == 1 and len(back.done) == 4 and not back.failed
    assert files(four_photos) == before


def test_a_sidecar_a_raw_owns_stays_and_the_photos_own_goes_to_the_trash_and_back(four_photos) -> None:
    a = four_photos / "a"
    (a / "p1.CR2").write_bytes(b"raw data")  # the camera's RAW of the same shot
    (a / "p1.xmp").write_bytes(b"the RAW's develop settings")
    (a / "p1.jpg.json").write_bytes(b'{"title": "p1"}')
    before = files(four_photos)
    with Library(locations()) as library:
        plan = library.plan(Action.TRASH, [str(a / "p1.jpg")])
        why = {os.path.basename(s.source): s.skip for s in plan}
        assert why == {"p1.jpg": None, "p1.jpg.json": None, "p1.xmp": "the sidecar of p1.CR2, which stays"}
        outcome = library.act(Action.TRASH, [str(a / "p1.jpg")])
        assert outcome.photos_done == 1 and outcome.with_them() == " (and 1 sidecar with it)"
        assert not (a / "p1.jpg.json").exists() and (a / "p1.xmp").exists() and (a / "p1.CR2").exists()
        library.undo()
        assert files(four_photos) == before
        # Redo plans the trash again, and finds the sidecar again.
        again = library.redo()
        assert again.photos_done == 1 and not (a / "p1.jpg.json").exists()
        library.undo()
    assert files(four_photos) == before


def test_a_stem_sidecar_two_photos_share_goes_only_when_both_go(four_photos) -> None:
    a = four_photos / "a"
    from tests.conftest import make_photo

    make_photo(a / "p2.png", seed=9, size=(64, 48))  # the same shot, saved as PNG too
    (a / "p2.xmp").write_bytes(b"shared")
    with Library(locations()) as library:
        library.scan()
        alone = library.plan(Action.TRASH, [str(a / "p2.jpg")])
        assert [(os.path.basename(s.source), s.skip) for s in alone if s.companion_of] == [
            ("p2.xmp", "p2.png shares it and stays")
        ]
        both = library.plan(Action.TRASH, [str(a / "p2.jpg"), str(a / "p2.png")])
        assert [os.path.basename(s.source) for s in both if s.companion_of] == ["p2.xmp"]  # once
        assert all(s.skip is None for s in both)


def test_a_copy_copies_the_sidecars_and_its_undo_trashes_only_the_copies(four_photos, tmp_path) -> None:
    a = four_photos / "a"
    (a / "p2.jpg.xmp").write_bytes(b"keywords")
    (a / "p3.jpg.xmp").symlink_to(a / "p2.jpg.xmp")  # a link is no sidecar of its own: left alone
    before = files(four_photos)
    out = tmp_path / "Export"
    with Library(locations()) as library:
        outcome = library.act(Action.COPY, [str(a / "p2.jpg"), str(a / "p3.jpg")], str(out))
        assert outcome.photos_done == 2 and outcome.with_them() == " (and 1 sidecar with them)"
        assert (out / "p2.jpg.xmp").read_bytes() == b"keywords" and not (out / "p3.jpg.xmp").exists()
        assert [(os.path.basename(s.source), s.skip) for s in outcome.skipped] == [
            ("p3.jpg.xmp", "a link; photoorg leaves it as it is")  # said, not passed over
        ]
        library.undo()
        states = {f.state for f in library.action_files(outcome.batch)}
        assert states == {"copy in the trash"}  # not "undone ... back at" the trash
    assert files(four_photos) == before and not any(out.rglob("*.*"))


def test_a_sidecar_changed_after_the_plan_stays_whole_where_it_was(four_photos) -> None:
    """An attack: another program rewrites the sidecar between the plan and the move. The
    photo moves; the sidecar is not moved in its new version unread, nor lost: it stays."""
    a = four_photos / "a"
    (a / "p0.jpg.xmp").write_bytes(b"version 1")
    with Library(locations()) as library:
        roots, _ = library.library_roots()
        steps = actions.plan(
            library.catalog, Action.MOVE, [str(a / "p0.jpg")], str(four_photos / "b"), (), roots
        )
        (a / "p0.jpg.xmp").write_bytes(b"version 2, longer")
        outcome = actions.execute(library.catalog, Action.MOVE, steps, "move 1 photo")
        assert outcome.photos_done == 1
        assert [(os.path.basename(s.source), s.skip) for s in outcome.skipped] == [
            ("p0.jpg.xmp", "changed since the plan was made")
        ]
    assert (a / "p0.jpg.xmp").read_bytes() == b"version 2, longer"


def test_the_command_line_shows_the_sidecars_in_the_plan_and_the_result(four_photos) -> None:
    a = four_photos / "a"
    (a / "p0.jpg.xmp").write_bytes(b"edits")
    (a / "p0.png").write_bytes(b"another picture of the stem")
    (a / "p0.xmp").write_bytes(b"the png's too")
    dry = photoorg("move", str(a / "p0.jpg"), "--to", str(four_photos / "b"), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert f"would move  {a / 'p0.jpg.xmp'} -> {four_photos / 'b' / 'p0.jpg.xmp'}" in dry.stdout
    assert f"stays  {a / 'p0.xmp'}: p0.png shares it and stays" in dry.stdout
    assert "Dry run: 1 to move (and 1 sidecar with it), 0 skipped." in dry.stdout
    done = photoorg("move", str(a / "p0.jpg"), "--to", str(four_photos / "b"))
    assert done.returncode == 0 and "Done: 1 photo (and 1 sidecar with it), action" in done.stdout
    undone = photoorg("undo")
    assert "Undid action 1: 1 photo back (and 1 sidecar with it)." in undone.stdout
    assert (a / "p0.jpg.xmp").read_bytes() == b"edits"


def test_a_sidecar_trashed_just_before_a_kill_is_found_and_undo_brings_it_back(four_photos) -> None:
    """Killed after the sidecar reached the trash and before the journal said so: recovery
    finds it there by its journaled size (a sidecar has no catalog row), and undo puts it back."""
    from photoorg.core import recovery
    from photoorg.core.fileops import fingerprint_and_size
    from photoorg.core.trash import move_to_trash

    a = four_photos / "a"
    sidecar = a / "p3.jpg.xmp"
    sidecar.write_bytes(b"<xmp>keywords of p3</xmp>")
    with Library(locations()) as library:
        catalog = library.catalog
        photo = library.act(Action.TRASH, [str(a / "p2.jpg")])  # an action before, to step over
        assert photo.batch is not None
        batch = catalog.begin_batch("trash", "trash 1 photo")
        fp, size = fingerprint_and_size(str(sidecar))
        catalog.journal_add(batch, "trash", str(sidecar), None, None, fp, size)
        move_to_trash(str(sidecar))  # ... and the process died here
        notes = recovery.reconcile(catalog)
        assert any("found in the trash" in n for n in notes)
        back = library.undo(batch)
        assert not back.failed
    assert sidecar.read_bytes() == b"<xmp>keywords of p3</xmp>"


def test_undo_puts_the_sidecar_beside_its_photo_when_a_new_photo_took_the_old_name(four_photos) -> None:
    """Found by a review: a new card's IMG_1.jpg took the old name; undo numbered the photo
    "IMG_1 (1).jpg" but gave its sidecar back to the stranger, and redo then moved the stranger."""
    from tests.conftest import make_photo

    a, dest = four_photos / "a", four_photos / "dest"
    (a / "p0.jpg.xmp").write_bytes(b"edits of the first p0")
    first = (a / "p0.jpg").read_bytes()
    with Library(locations()) as library:
        library.act(Action.MOVE, [str(a / "p0.jpg")], str(dest))
        make_photo(a / "p0.jpg", seed=77, size=(64, 48))  # a stranger takes the name
        stranger = (a / "p0.jpg").read_bytes()
        library.scan()
        library.undo()
        assert (a / "p0 (1).jpg").read_bytes() == first
        assert (a / "p0 (1).jpg.xmp").read_bytes() == b"edits of the first p0"
        assert not (a / "p0.jpg.xmp").exists()
        again = library.redo()  # the first photo again, from where the undo put it
        assert {os.path.basename(s.source) for s in again.done} == {"p0 (1).jpg", "p0 (1).jpg.xmp"}
    assert (a / "p0.jpg").read_bytes() == stranger


def test_a_sidecar_edited_after_the_move_goes_back_with_its_photo(four_photos) -> None:
    a, dest = four_photos / "a", four_photos / "dest"
    (a / "p1.xmp").write_bytes(b"v1")
    with Library(locations()) as library:
        library.act(Action.MOVE, [str(a / "p1.jpg")], str(dest))
        with open(dest / "p1.xmp", "ab") as f:
            f.write(b" + a Lightroom edit")  # sidecars are meant to change
        back = library.undo()
        assert not back.failed
    assert (a / "p1.xmp").read_bytes() == b"v1 + a Lightroom edit" and (a / "p1.jpg").exists()
    assert not dest.exists()  # the folder the move made goes once empty


def test_undo_of_a_copy_trashes_the_sidecars_copy_though_the_original_was_edited(four_photos) -> None:
    a, out = four_photos / "a", four_photos / "out"
    (a / "p2.jpg.xmp").write_bytes(b"v1")
    with Library(locations()) as library:
        library.act(Action.COPY, [str(a / "p2.jpg")], str(out))
        (a / "p2.jpg.xmp").write_bytes(b"v2, edited")
        back = library.undo()
        assert not back.failed and len(back.done) == 2
    assert not out.exists() and (a / "p2.jpg.xmp").read_bytes() == b"v2, edited"


def test_undo_of_a_copy_keeps_each_copy_with_its_sidecars_whichever_of_them_was_edited(
    four_photos, tmp_path
) -> None:
    """A hostile review: the copy edited (a viewer rotated it), undo trashed its sidecars and
    left the photo; only the copy's sidecar edited (darktable), undo trashed the photo and left
    the sidecar without it. Each copy now shares its fate with its own sidecars."""
    a, out = four_photos / "a", tmp_path / "Export"
    for name in ("p0", "p1"):
        (a / f"{name}.jpg.xmp").write_bytes(b"keywords")
        (a / f"{name}.json").write_bytes(b"{}")
    with Library(locations()) as library:
        copied = library.act(Action.COPY, [str(a / "p0.jpg"), str(a / "p1.jpg")], str(out))
        assert len(copied.done) == 6
        with open(out / "p0.jpg", "ab") as f:  # the copy of p0 edited
            f.write(b"rotated")
        (out / "p1.jpg.xmp").write_bytes(b"keywords, rated 5 in the copy")  # p1's copy's sidecar
        back = library.undo()
    assert sorted(os.listdir(out)) == ["p0.jpg", "p0.jpg.xmp", "p0.json"]  # p0's copy stays whole
    assert sorted(os.path.basename(s.source) for s, _ in back.failed if s.companion_of) == [
        "p0.jpg.xmp",
        "p0.json",
    ]
    assert all("the copy of its photo p0.jpg stays" in why for s, why in back.failed if s.companion_of)
    trash = tmp_path / "xdg-data" / "Trash" / "files"
    assert (trash / "p1.jpg.xmp").read_bytes() == b"keywords, rated 5 in the copy"  # with its photo
    assert (trash / "p1.jpg").exists() and (trash / "p1.json").exists()
    assert all((a / n).exists() for n in ("p0.jpg", "p0.jpg.xmp", "p1.jpg", "p1.jpg.xmp", "p1.json"))
    # Said of copies as what they could not do: go to the trash (it said "could not be put back").
    assert "undone except 3 files that could not go to the trash" in photoorg("history").stdout


def test_a_sidecar_of_another_photo_by_case_stays_and_a_stray_in_the_target_is_not_adopted(
    four_photos,
) -> None:
    from tests.conftest import make_photo

    a, dest = four_photos / "a", four_photos / "dest"
    make_photo(a / "P3.JPG", seed=31, size=(64, 48))  # another photo, its name differs by case
    (a / "P3.JPG.xmp").write_bytes(b"of P3.JPG")
    (a / "p3.jpg.xmp").write_bytes(b"of p3.jpg")
    dest.mkdir()
    (dest / "p3.xmp").write_bytes(b"a stray, of no photo")
    with Library(locations()) as library:
        library.scan()
        steps = library.plan(Action.MOVE, [str(a / "p3.jpg")], str(dest))
        assert [(os.path.basename(s.source), os.path.basename(s.target or "")) for s in steps] == [
            ("p3.jpg", "p3 (1).jpg"),  # beside p3.xmp it would have taken the stray for its own
            ("p3.jpg.xmp", "p3 (1).jpg.xmp"),
        ]


def test_a_sidecar_that_cannot_be_read_keeps_its_photo_where_it_is(four_photos, monkeypatch) -> None:
    """Found by a review: the photo moved, and its unreadable sidecar stayed, "no longer there"."""
    from photoorg.core import step_checks as acting  # where a step is looked at before it is done

    a, dest = four_photos / "a", four_photos / "dest"
    (a / "p0.jpg.xmp").write_bytes(b"edits")
    real = acting.fingerprint_and_size

    def unreadable(path):
        if str(path).endswith(".xmp"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(acting, "fingerprint_and_size", unreadable)
    with Library(locations()) as library:
        outcome = library.act(Action.MOVE, [str(a / "p0.jpg")], str(dest))
    assert outcome.batch is None and not outcome.done
    assert "its sidecar p0.jpg.xmp cannot be read (Permission denied" in outcome.skipped[0].skip
    assert (a / "p0.jpg").exists() and (a / "p0.jpg.xmp").exists()


def test_of_two_identical_copies_the_one_with_the_sidecar_is_kept(tmp_path, monkeypatch) -> None:
    """Found by a review: the copy with the edits could be the one proposed for the trash."""
    import json

    from photoorg.core.keeper import DEFAULT_RULES, EARLIER_DEFAULT_RULES, KeeperPolicy, choose_keeper
    from photoorg.core.settings import load_settings
    from tests.core.test_raw import PhotoInfo

    for folder in ("A", "B"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "IMG_1.jpg").write_bytes(b"same")
    (tmp_path / "B" / "IMG_1.jpg.xmp").write_bytes(b"edits")
    copies = [
        PhotoInfo(str(tmp_path / f / "IMG_1.jpg"), "fp", 4, 1, 10, 10, "JPEG", None, None, None) for f in "AB"
    ]
    ranked, why = choose_keeper(copies, KeeperPolicy())
    assert ranked[0].path == str(tmp_path / "B" / "IMG_1.jpg")
    assert why == "has its sidecar (IMG_1.jpg.xmp: edits, keywords); the others have none"
    # Settings saved with the rules of before (everyone's, unchanged) read as today's.
    monkeypatch.setenv("PHOTOORG_HOME", str(tmp_path / "home"))
    saved = tmp_path / "home" / "config" / "settings.json"
    saved.parent.mkdir(parents=True)
    before = {"schema_version": 2, "folders": ["/p"], "keeper_rules": list(EARLIER_DEFAULT_RULES[0])}
    saved.write_text(json.dumps(before))
    read = load_settings(locations())
    assert read.folders == ["/p"] and tuple(read.keeper_rules) == DEFAULT_RULES
    saved.write_text(json.dumps({**before, "keeper_rules": ["oldest_file"]}))  # chosen: kept
    assert load_settings(locations()).keeper_rules == ["oldest_file"]


def test_undo_numbers_the_photo_and_its_sidecar_together_when_a_stray_took_the_sidecars_name(
    four_photos,
) -> None:
    """Found by a second review: a stray IMG_1.jpg.xmp at the old place made the photo's own
    sidecar come back as "p0.jpg (1).xmp", a name of no photo, and the photo took the stray."""
    a, dest = four_photos / "a", four_photos / "dest"
    (a / "p0.jpg.xmp").write_bytes(b"EDITS")
    with Library(locations()) as library:
        library.act(Action.MOVE, [str(a / "p0.jpg")], str(dest))
        (a / "p0.jpg.xmp").write_bytes(b"STRAY")
        back = library.undo()
        assert not back.failed
    assert (a / "p0 (1).jpg").exists() and (a / "p0 (1).jpg.xmp").read_bytes() == b"EDITS"
    assert (a / "p0.jpg.xmp").read_bytes() == b"STRAY" and not (a / "p0.jpg").exists()


def test_an_undo_killed_between_a_photo_and_its_sidecar_is_finished_and_says_what_came_back(
    four_photos, monkeypatch
) -> None:
    """A hostile review: the retry of an undo killed after the photos came back and before
    their sidecars said "0 photos back (and 4 sidecars with them)"."""
    from photoorg.core import undo as undoing

    a = four_photos / "a"
    (a / "p0.jpg.xmp").write_bytes(b"edits")
    done = photoorg("move", str(a / "p0.jpg"), "--to", str(four_photos / "b"))
    assert done.returncode == 0, done.stderr

    def killed(*_args: object) -> str:
        raise KeyboardInterrupt  # as a kill: the photo is back, its sidecar not yet

    real = undoing._undo_companion
    monkeypatch.setattr(undoing, "_undo_companion", killed)
    with Library(locations()) as library, pytest.raises(KeyboardInterrupt):
        library.undo()
    monkeypatch.setattr(undoing, "_undo_companion", real)
    assert (a / "p0.jpg").exists() and not (a / "p0.jpg.xmp").exists()
    undone = photoorg("undo")
    assert undone.returncode == 0, undone.stderr
    assert "Undid action 1: 1 sidecar back." in undone.stdout
    assert (a / "p0.jpg.xmp").read_bytes() == b"edits"


def test_a_sidecar_named_after_the_stem_is_never_shared_with_a_stranger_where_it_goes(
    four_photos, tmp_path
) -> None:
    """A hostile review: X.jpg moved with its X.xmp (its rating) into a folder holding another
    X.png; X.xmp became X.png's too, followed it and was applied to it by other programs."""
    from photoorg.core.organize import OrganizeRequest, plan_organize
    from tests.conftest import make_photo

    a, b, dest = four_photos / "a", four_photos / "b", tmp_path / "dest"
    (a / "p0.xmp").write_bytes(b"rating 5 of p0.jpg")
    (a / "p1.xmp").write_bytes(b"rating 1 of p1.jpg")
    make_photo(dest / "p0.png", seed=50, size=(64, 48))  # a stranger of the stem, there already
    make_photo(b / "p1.png", seed=51, size=(64, 48))  # and one from another folder, in the same move
    moving = [str(a / "p0.jpg"), str(b / "p1.png"), str(a / "p1.jpg")]
    with Library(locations()) as library:
        library.scan()
        moved = library.act(Action.MOVE, moving, str(dest))
        assert not moved.failed
        assert sorted(os.listdir(dest)) == [
            "p0 (1).jpg", "p0 (1).xmp", "p0.png", "p1 (1).jpg", "p1 (1).xmp", "p1.png"
        ]  # fmt: skip
        assert (dest / "p0 (1).xmp").read_bytes() == b"rating 5 of p0.jpg"
        library.undo()
        assert (a / "p0.xmp").read_bytes() == b"rating 5 of p0.jpg" and (a / "p1.xmp").exists()
        # Organize the same way: all three into one date folder, beside the stranger.
        for path in [*moving, str(dest / "p0.png")]:
            os.utime(path, (1579000000, 1579000000))  # 2020-01-14
        (dest / "2020" / "2020-01").mkdir(parents=True)
        (dest / "p0.png").rename(dest / "2020" / "2020-01" / "p0.png")
        library.scan()
        photos = [p for p in library.catalog.photos() if p.path in moving]
    plan = plan_organize(OrganizeRequest("date", str(dest), file_date=True), photos)
    targets = {p.photo.path: os.path.basename(p.target or "") for p in plan.photos}
    assert targets == {moving[0]: "p0 (1).jpg", moving[1]: "p1 (1).png", moving[2]: "p1.jpg"}


def test_a_sidecar_named_with_its_photo_is_not_also_said_to_stay(four_photos, tmp_path) -> None:
    """A hostile review: 'move X.jpg X.jpg.xmp' said "skip X.jpg.xmp: not a photo ...; it
    stays", then moved it with its photo."""
    a = four_photos / "a"
    (a / "p0.jpg.xmp").write_bytes(b"keywords")
    with Library(locations()) as library:
        steps = library.plan(Action.MOVE, [str(a / "p0.jpg"), str(a / "p0.jpg.xmp")], str(tmp_path / "out"))
    assert [(os.path.basename(s.source), s.skip, s.companion_of is not None) for s in steps] == [
        ("p0.jpg", None, False),
        ("p0.jpg.xmp", None, True),
    ]


def test_organize_leaves_a_sidecar_of_the_stem_with_the_photo_that_stays(four_photos, tmp_path) -> None:
    """A hostile review: X.png (undated) stayed where it was, and organize took the X.xmp it
    shares with X.jpg along with X.jpg; a move leaves it ("X.png shares it and stays")."""
    from photoorg.core.organize import OrganizeRequest
    from tests.conftest import make_photo
    from tests.core.test_organize import dated

    a = four_photos / "a"
    dated(a / "X.jpg", 71, "2022:07:14 09:00:00")
    make_photo(a / "X.png", seed=70, size=(64, 48))  # no date taken: it stays
    (a / "X.xmp").write_bytes(b"ratings of both")
    with Library(locations()) as library:
        library.scan()
        plan = library.organize_plan(OrganizeRequest("date", str(tmp_path / "out"), leave_rest=True))
        moving = {p.photo.path: p for p in plan.moving()}
        assert str(a / "X.png") not in moving and moving[str(a / "X.jpg")].companions == []
        library.organize(plan)
    assert (a / "X.xmp").read_bytes() == b"ratings of both" and (a / "X.png").exists()
    assert (tmp_path / "out" / "2022" / "2022-07" / "X.jpg").exists()


def test_a_raw_and_its_jpeg_with_their_stem_sidecar_are_numbered_as_one_beside_a_stranger(
    four_photos, tmp_path
) -> None:
    """A hostile review: IMG_1.JPG kept its name beside another img_1.png while IMG_1.CR2 and
    IMG_1.xmp became "IMG_1 (1)": one shot under two stems."""
    from tests.conftest import make_photo
    from tests.rawfactory import make_dng

    a, dest = four_photos / "a", tmp_path / "B"
    from PIL import Image

    jpeg = make_photo(a / "IMG_1.JPG", seed=80, size=(64, 48))
    make_dng(a / "IMG_1.DNG", Image.open(jpeg).convert("RGB"))
    (a / "IMG_1.xmp").write_bytes(b"rating 5 of the shot")
    make_photo(dest / "img_1.png", seed=81, size=(64, 48))  # a stranger of the stem
    with Library(locations()) as library:
        library.scan()
        moved = library.act(Action.MOVE, [str(a / "IMG_1.JPG"), str(a / "IMG_1.DNG")], str(dest))
        assert not moved.failed
        assert sorted(os.listdir(dest)) == ["IMG_1 (1).DNG", "IMG_1 (1).JPG", "IMG_1 (1).xmp", "img_1.png"]
        library.undo()
    assert sorted(os.listdir(a))[:3] == ["IMG_1.DNG", "IMG_1.JPG", "IMG_1.xmp"]


def test_undo_never_puts_a_stem_sidecar_back_beside_a_stranger_of_its_stem(four_photos, tmp_path) -> None:
    """A hostile review: X.jpg and X.xmp moved out, an unrelated X.png put at the old place,
    and undo brought X.jpg and X.xmp back beside it: X.png's sidecar now."""
    from PIL import Image

    from tests.conftest import make_photo
    from tests.rawfactory import make_dng

    a = four_photos / "a"
    make_photo(a / "X.jpg", seed=90, size=(64, 48))
    (a / "X.xmp").write_bytes(b"rating 5 of X.jpg")
    jpeg = make_photo(a / "IMG_1.JPG", seed=91, size=(64, 48))
    make_dng(a / "IMG_1.DNG", Image.open(jpeg).convert("RGB"))
    (a / "IMG_1.xmp").write_bytes(b"rating of the shot")
    with Library(locations()) as library:
        library.scan()
        moved = [str(a / n) for n in ("X.jpg", "IMG_1.JPG", "IMG_1.DNG")]
        library.act(Action.MOVE, moved, str(tmp_path / "B"))
        make_photo(a / "X.png", seed=92, size=(64, 48))  # a stranger, put there since
        back = library.undo()
    assert not back.failed
    names = sorted(os.listdir(a))
    assert {"X (1).jpg", "X (1).xmp", "X.png"} <= set(names) and "X.xmp" not in names
    assert (a / "X (1).xmp").read_bytes() == b"rating 5 of X.jpg"
    # The RAW, its JPEG and their sidecar came back as one shot, under their own names.
    assert {"IMG_1.DNG", "IMG_1.JPG", "IMG_1.xmp"} <= set(names)
    [(_old, new, why)] = back.renamed
    assert (os.path.basename(new), why) == ("X (1).jpg", "another X.* is there: they would share X.xmp")


def test_a_sidecar_named_with_a_whole_photo_name_is_that_photo_s_not_another_s_of_its_stem(
    four_photos, tmp_path
) -> None:
    """IMG_1.HEIC beside its conversion IMG_1.HEIC.jpg, each with its own sidecar named with its
    whole name: a trash of the JPEG took IMG_1.HEIC.xmp too (it is the JPEG's stem), and a move
    of the HEIC took IMG_1.HEIC.jpg.xmp (it starts with the HEIC's name); both left their
    photos without their edits. Keywords for the JPEG went into the HEIC's sidecar."""
    from tests.conftest import make_photo

    a = four_photos / "a"
    heic, jpeg = a / "s1.png", a / "s1.png.jpg"  # (a PNG stands in for the HEIC)
    make_photo(heic, seed=51, size=(64, 48))
    make_photo(jpeg, seed=52, size=(64, 48))
    (a / "s1.png.xmp").write_bytes(b"edits of s1.png")
    (a / "s1.png.jpg.xmp").write_bytes(b"edits of s1.png.jpg")
    assert going_with([str(jpeg)]) == [str(a / "s1.png.jpg.xmp")]
    assert going_with([str(heic)]) == [str(a / "s1.png.xmp")]
    with Library(locations()) as library:
        library.scan()
        steps = library.plan(Action.TRASH, [str(jpeg)])
        assert [os.path.basename(s.source) for s in steps if s.skip is None] == [
            "s1.png.jpg",
            "s1.png.jpg.xmp",
        ]
        moved = library.act(Action.MOVE, [str(heic)], str(tmp_path / "out"))
    assert sorted(os.path.basename(s.target or "") for s in moved.done) == ["s1.png", "s1.png.xmp"]
    assert (a / "s1.png.jpg.xmp").read_bytes() == b"edits of s1.png.jpg" and jpeg.exists()
    from photoorg.core.sidecar_names import sidecar_for

    make_photo(heic, seed=53, size=(64, 48))  # another s1.png, with no sidecar
    assert sidecar_for(str(jpeg)) == str(a / "s1.png.jpg.xmp")
    (a / "s1.png.jpg.xmp").unlink()
    (a / "s1.png.xmp").write_bytes(b"s1.png's own again")
    assert sidecar_for(str(jpeg)) == str(a / "s1.png.jpg.xmp")  # not s1.png's, though named by the stem


def test_google_takeout_s_json_of_a_numbered_photo_is_not_the_first_photo_s(four_photos) -> None:
    """A hostile review: Takeout names the JSON of IMG_1(1).jpg "IMG_1.jpg.supplemental-
    metadata(1).json" (the number after the whole name), and a trash of IMG_1.jpg took it."""
    a = four_photos / "a"
    (a / "p0(1).jpg").write_bytes((a / "p1.jpg").read_bytes())
    takeout = ("p0.jpg.supplemental-metadata.json", "p0.jpg.supplemental-metadata(1).json", "p0.jpg(1).json")
    for name in takeout:
        (a / name).write_text("{}")
    assert going_with([str(a / "p0.jpg")]) == [str(a / "p0.jpg.supplemental-metadata.json")]


def test_a_photo_numbered_at_a_long_name_leaves_room_for_its_sidecar_s_name(four_photos) -> None:
    """A hostile review: a/S.jpg (a 251-byte name) with S.jpg.xmp moved into b, which had an
    S.jpg: the photo became "S… (1).jpg", cut to 255 bytes, its sidecar's name was 4 bytes too
    long, and the sidecar stayed behind, its edits cut off from the photo."""
    from tests.conftest import make_photo

    a, b = four_photos / "a", four_photos / "b"
    name = "S" * 247 + ".jpg"
    make_photo(a / name, seed=60, size=(64, 48))
    (a / f"{name}.xmp").write_bytes(b"darktable edits")
    make_photo(b / name, seed=61, size=(64, 48))
    with Library(locations()) as library:
        library.scan()
        outcome = library.act(Action.MOVE, [str(a / name)], str(b))
        assert outcome.photos_done == 1 and not outcome.failed
    moved = sorted(p.name for p in b.iterdir() if p.name != name)
    assert len(moved) == 2 and moved[1] == moved[0] + ".xmp" and len(moved[1].encode()) <= 255
    assert (b / moved[1]).read_bytes() == b"darktable edits" and not (a / f"{name}.xmp").exists()


def test_a_photo_numbered_where_it_goes_takes_its_sidecars_names_with_it(four_photos, monkeypatch) -> None:
    """A hostile review: while organize waited for its "y", another photo took the planned
    name; ours became "x (1).jpg" but its sidecars kept "x.jpg.xmp" / "x.jpg.json" beside the
    stranger, which a scan then dated by our photo's sidecar."""
    a = four_photos / "a"
    (a / "p0.jpg.xmp").write_bytes(b"<x:xmpmeta>p0's keywords</x:xmpmeta>")
    (a / "p0.xmp").write_bytes(b"<x:xmpmeta>p0's rating</x:xmpmeta>")
    (a / "p0.jpg.json").write_bytes(b'{"photoTakenTime": {"timestamp": "1556964000"}}')
    b = four_photos / "b"
    b.mkdir()
    planned = actions.plan

    def then_taken(*args, **kwargs):  # the plan is made; a stranger arrives before the move
        steps = planned(*args, **kwargs)
        Path(steps[0].target).write_bytes(b"a stranger's photo")
        return steps

    monkeypatch.setattr(actions, "plan", then_taken)
    before = files(four_photos)
    with Library(locations()) as library:
        outcome = library.act(Action.MOVE, [str(a / "p0.jpg")], str(b))
        assert outcome.photos_done == 1 and not outcome.failed and len(outcome.done) == 4
        assert sorted(os.listdir(b)) == [
            "p0 (1).jpg",
            "p0 (1).jpg.json",
            "p0 (1).jpg.xmp",
            "p0 (1).xmp",
            "p0.jpg",
        ]
        assert (b / "p0.jpg").read_bytes() == b"a stranger's photo"
        assert (b / "p0 (1).jpg.xmp").read_bytes() == before["a/p0.jpg.xmp"]
        assert (b / "p0 (1).xmp").read_bytes() == before["a/p0.xmp"]
        back = library.undo()
        assert back.photos_done == 1 and len(back.done) == 4 and not back.failed
    after = files(four_photos)
    assert after.pop("b/p0.jpg") == b"a stranger's photo" and after == before
