"""A move or copy takes the whole shot: the RAW the camera wrote beside its JPEG and a Live
Photo's video beside its still go with the photo, under its new name, as organizing does (found
by a review: `photoorg move IMG_1.JPG --to DIR` left IMG_1.CR2 and IMG_1.MOV behind). A trash
leaves the RAW: it may be what the person keeps of the shot (a trash takes the Live Photo's
video: tests/core/test_live_photos.py)."""

from __future__ import annotations

import os
from pathlib import Path

from PIL import Image

from photoorg.core.library import Action, Library
from photoorg.core.pairs import going_with
from photoorg.core.paths import locations
from tests.cli import photoorg
from tests.rawfactory import make_dng


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def a_shot(folder: Path, stem: str) -> None:
    """``stem``.jpg's RAW (a real DNG), its RAW's sidecar and its Live Photo video beside it."""
    make_dng(folder / f"{stem}.DNG", Image.open(folder / f"{stem}.jpg"))
    (folder / f"{stem}.xmp").write_bytes(b"<x:xmpmeta>the RAW's develop settings</x:xmpmeta>")
    (folder / f"{stem}.MOV").write_bytes(b"\x00\x00\x00\x14ftypqt  " + bytes(range(200)))


def test_a_move_takes_the_raw_and_the_live_video_under_the_photo_s_new_name_and_undo_all_back(
    four_photos,
) -> None:
    a, b = four_photos / "a", four_photos / "b"
    a_shot(a, "p0")
    b.mkdir()
    (b / "p0.jpg").write_bytes(b"another photo of that name")
    with Library(locations()) as library:
        library.scan()  # the RAW and the video are catalogued, as photos of their own
        assert library.catalog.file_row(str(a / "p0.MOV")) is not None
        before = files(four_photos)
        outcome = library.act(Action.MOVE, [str(a / "p0.jpg")], str(b))
        assert outcome.photos_done == 1 and not outcome.failed and not outcome.skipped
        assert outcome.with_them() == " (and 1 RAW file, 1 Live Photo video and 1 sidecar with it)"
        # One shot, one name: numbered together beside the stranger that had p0.jpg.
        assert {os.path.basename(s.target or "") for s in outcome.done} == {
            "p0 (1).jpg", "p0 (1).DNG", "p0 (1).xmp", "p0 (1).MOV"
        }  # fmt: skip
        assert not [p for p in a.iterdir() if p.name.startswith("p0.")]
        assert (b / "p0 (1).MOV").read_bytes() == before["a/p0.MOV"]
        # The catalog follows the RAW and the video (nothing re-read at the next scan).
        assert library.catalog.file_row(str(b / "p0 (1).MOV")) is not None
        assert library.catalog.file_row(str(a / "p0.DNG")) is None
        back = library.undo()
        assert back.photos_done == 1 and len(back.done) == 4 and not back.failed
    assert files(four_photos) == before


def test_a_copy_takes_the_shot_once_and_a_file_of_it_chosen_too_is_one_step(four_photos, tmp_path) -> None:
    a, out = four_photos / "a", tmp_path / "Export"
    a_shot(a, "p1")
    chosen = [str(a / "p1.jpg"), str(a / "p1.MOV")]  # the video chosen as well: not copied twice
    with Library(locations()) as library:
        library.scan()
        plan = library.plan(Action.COPY, chosen, str(out))
        assert sorted(os.path.basename(s.source) for s in plan) == ["p1.DNG", "p1.MOV", "p1.jpg", "p1.xmp"]
        # What the app's question names is what the plan takes.
        assert going_with([str(a / "p1.jpg")], whole_shot=True) == [
            s.source for s in library.plan(Action.COPY, [str(a / "p1.jpg")], str(out)) if s.companion_of
        ]
        outcome = library.act(Action.COPY, chosen, str(out))
        assert outcome.photos_done == 2 and not outcome.failed
    assert sorted(p.name for p in out.iterdir()) == ["p1.DNG", "p1.MOV", "p1.jpg", "p1.xmp"]
    assert (a / "p1.DNG").exists() and (a / "p1.MOV").exists()


def test_the_video_or_raw_moved_alone_leaves_its_still_and_a_trash_leaves_the_raw(four_photos) -> None:
    a, b = four_photos / "a", four_photos / "b"
    a_shot(a, "p2")
    with Library(locations()) as library:
        library.scan()
        alone = library.plan(Action.MOVE, [str(a / "p2.DNG")], str(b))
        assert sorted(os.path.basename(s.source) for s in alone) == ["p2.DNG", "p2.xmp"]
        trash = library.plan(Action.TRASH, [str(a / "p2.jpg")])
        assert [os.path.basename(s.source) for s in trash if s.skip is None] == ["p2.jpg", "p2.MOV"]
        assert going_with([str(a / "p2.jpg")], live={str(a / "p2.MOV")}) == [str(a / "p2.MOV")]  # asked


def test_the_command_line_lists_the_raw_and_video_that_go_with_the_photo(four_photos) -> None:
    a, b = four_photos / "a", four_photos / "b"
    a_shot(a, "p3")
    dry = photoorg("move", str(a / "p3.jpg"), "--to", str(b), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert f"would move  {a / 'p3.DNG'} -> {b / 'p3.DNG'}" in dry.stdout
    assert f"would move  {a / 'p3.MOV'} -> {b / 'p3.MOV'}" in dry.stdout
    assert "Dry run: 1 to move (and 1 RAW file, 1 Live Photo video and 1 sidecar with it)" in dry.stdout
    done = photoorg("move", str(a / "p3.jpg"), "--to", str(b))
    assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(p.name for p in b.iterdir()) == ["p3.DNG", "p3.MOV", "p3.jpg", "p3.xmp"]


def test_a_raw_of_another_letter_case_stays_with_its_sidecar_and_says_so(four_photos) -> None:
    """A hostile review: with IMG_1.jpg, img_1.CR2 and IMG_1.xmp, the move took the RAW and
    left its sidecar behind unsaid; undo then numbered the shot apart from it."""
    a, b = four_photos / "a", four_photos / "b"
    (a / "p0.jpg").rename(a / "P0.jpg")
    (a / "p0.CR2").write_bytes(b"the RAW")
    (a / "P0.xmp").write_bytes(b"the RAW's develop settings")
    with Library(locations()) as library:
        library.scan()
        plan = library.plan(Action.MOVE, [str(a / "P0.jpg")], str(b))
        why = {os.path.basename(s.source): s.skip for s in plan}
        assert why == {"P0.jpg": None, "P0.xmp": "the sidecar of p0.CR2, which stays"}


def test_a_stray_sidecar_of_the_raw_s_or_video_s_name_where_they_go_numbers_the_shot(four_photos) -> None:
    """A hostile review: someone else's IMG_1.CR2.xmp at the destination became the moved RAW's
    develop settings."""
    a, b = four_photos / "a", four_photos / "b"
    a_shot(a, "p0")
    b.mkdir()
    (b / "p0.MOV.xmp").write_bytes(b"another video's")
    with Library(locations()) as library:
        library.scan()
        outcome = library.act(Action.MOVE, [str(a / "p0.jpg")], str(b))
    assert not outcome.failed
    assert sorted(p.name for p in b.iterdir()) == [
        "p0 (1).DNG", "p0 (1).MOV", "p0 (1).jpg", "p0 (1).xmp", "p0.MOV.xmp"
    ]  # fmt: skip
    assert (b / "p0.MOV.xmp").read_bytes() == b"another video's"


def test_a_sidecar_the_still_and_its_video_share_goes_once(four_photos, tmp_path) -> None:
    """A hostile review: a copy of IMG_1.JPG with IMG_1.MOV and IMG_1.xmp wrote the sidecar
    twice, the second as an orphan IMG_1 (1).xmp."""
    a, out = four_photos / "a", tmp_path / "Export"
    (a / "p1.MOV").write_bytes(b"\x00\x00\x00\x14ftypqt  " + bytes(64))
    (a / "p1.xmp").write_bytes(b"the shot's rating")
    with Library(locations()) as library:
        library.scan()
        plan = library.plan(Action.COPY, [str(a / "p1.jpg")], str(out))
        assert sorted(os.path.basename(s.source) for s in plan) == ["p1.MOV", "p1.jpg", "p1.xmp"]
        outcome = library.act(Action.COPY, [str(a / "p1.jpg")], str(out))
    assert not outcome.failed and sorted(p.name for p in out.iterdir()) == ["p1.MOV", "p1.jpg", "p1.xmp"]


def test_a_copy_of_a_photo_there_already_still_copies_its_raw_and_video(four_photos, tmp_path) -> None:
    """A hostile review: the JPEG was in the backup already ("already there"), and its RAW and
    video, which were not, were left out without a word."""
    a, out = four_photos / "a", tmp_path / "Backup"
    a_shot(a, "p2")
    out.mkdir()
    (out / "p2.jpg").write_bytes((a / "p2.jpg").read_bytes())
    with Library(locations()) as library:
        library.scan()
        outcome = library.act(Action.COPY, [str(a / "p2.jpg")], str(out))
    [why] = [s.skip for s in outcome.skipped if s.source.endswith("p2.jpg")]
    assert why is not None and why.startswith("already there")
    assert sorted(p.name for p in out.iterdir()) == ["p2.DNG", "p2.MOV", "p2.jpg", "p2.xmp"]


def test_undo_puts_a_shot_back_under_its_names_when_its_video_never_left(four_photos, monkeypatch) -> None:
    """A hostile review: the move was cut short before the Live video went; undo numbered the
    photo, its RAW and sidecar ("another IMG_1.* is there"): the video of the same shot."""
    from photoorg.core import actions

    a, b = four_photos / "a", four_photos / "b"
    a_shot(a, "p3")
    real_place = actions.place

    def place(src: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        if src.endswith(".MOV"):
            raise OSError("the disk went away")
        return real_place(src, *args, **kwargs)

    monkeypatch.setattr(actions, "place", place)
    with Library(locations()) as library:
        library.scan()
        before = files(four_photos)
        outcome = library.act(Action.MOVE, [str(a / "p3.jpg")], str(b))
        assert [os.path.basename(s.source) for s, _ in outcome.failed] == ["p3.MOV"]
        back = library.undo()
        assert not back.failed and not back.renamed
    assert files(four_photos) == before
