"""A move or copy takes the whole shot: the RAW the camera wrote beside its JPEG and a Live
Photo's video beside its still go with the photo, under its new name, as organizing does (found
by a review: `photoorg move IMG_1.JPG --to DIR` left IMG_1.CR2 and IMG_1.MOV behind). A trash
leaves them: the RAW may be what the person keeps of the shot."""

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


def test_the_video_or_raw_moved_alone_leaves_its_still_and_a_trash_leaves_the_raw_and_video(
    four_photos,
) -> None:
    a, b = four_photos / "a", four_photos / "b"
    a_shot(a, "p2")
    with Library(locations()) as library:
        library.scan()
        alone = library.plan(Action.MOVE, [str(a / "p2.DNG")], str(b))
        assert sorted(os.path.basename(s.source) for s in alone) == ["p2.DNG", "p2.xmp"]
        trash = library.plan(Action.TRASH, [str(a / "p2.jpg")])
        assert [os.path.basename(s.source) for s in trash if s.skip is None] == ["p2.jpg"]
        assert going_with([str(a / "p2.jpg")]) == []  # the trash's question names none


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
