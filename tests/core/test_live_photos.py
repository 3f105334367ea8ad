"""A Live Photo is one photo: its video (IMG_1.MOV beside IMG_1.HEIC or IMG_1.JPG) is folded
behind its still in the timeline and the counts, and a trash of the still takes the video along;
undo brings both back, the video catalogued again, and redo takes both again (a review: a phone's
Live Photos were two tiles each in All photos, and a trash of the photo left its video behind as
a tile of its own)."""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

from photoorg.core.library import Action, Library, OrganizeRequest
from photoorg.core.pairs import going_with
from photoorg.core.paths import locations
from tests.cli import photoorg
from tests.conftest import make_photo
from tests.core.test_organize import dated
from tests.core.test_videos import mp4

WHEN = datetime(2019, 5, 4, 12, 0, tzinfo=UTC)  # the video's own date: not the still's


def names(paths) -> list[str]:
    return sorted(os.path.basename(p) for p in paths)


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_live_photo_is_one_photo_in_the_timeline_and_in_the_counts(four_photos) -> None:
    a = four_photos / "a"
    mp4(a / "p0.MOV", WHEN)
    mp4(a / "p1.mov", WHEN)
    mp4(a / "P2.MOV", WHEN)  # another letter case: not taken as p2.jpg's (as a move does not)
    mp4(a / "VID_1.mp4", WHEN)  # a video of its own
    with Library(locations()) as library:
        library.scan()
        state = library.state()
        timeline = state.timeline
        assert names(p.path for p in timeline.photos) == [
            "P2.MOV", "VID_1.mp4", "p0.jpg", "p1.jpg", "p2.jpg", "p3.jpg"
        ]  # fmt: skip
        live = {os.path.basename(k): os.path.basename(v.path) for k, v in timeline.live.items()}
        assert live == {"p0.jpg": "p0.MOV", "p1.jpg": "p1.mov"}
        assert state.photo_count == 6 and state.per_folder[str(four_photos)] == 6
        assert library.photo_counts() == {str(four_photos): 6}
        # A find folds the video too; the video's name finds its still.
        assert names(p.path for p in library.timeline("p0").photos) == ["p0.jpg"]
        assert names(p.path for p in library.timeline("p1.mov").photos) == ["p1.jpg"]
        assert names(p.path for p in library.timeline(".mov").photos) == ["P2.MOV", "p0.jpg", "p1.jpg"]
        # A narrowed timeline (the app's filters) keeps the badge of each still it shows.
        narrowed = timeline.subset([k for k, p in enumerate(timeline.photos) if p.path.endswith("p0.jpg")])
        assert narrowed.live[str(a / "p0.jpg")].path == str(a / "p0.MOV")


def test_a_trash_of_a_live_photo_takes_its_video_and_undo_and_redo_take_both(four_photos) -> None:
    a = four_photos / "a"
    mp4(a / "p0.MOV", WHEN)
    (a / "p0.xmp").write_bytes(b"<x:xmpmeta>the shot's rating</x:xmpmeta>")
    before = files(four_photos)
    with Library(locations()) as library:
        library.scan()
        plan = library.plan(Action.TRASH, [str(a / "p0.jpg")])
        assert names(s.source for s in plan if s.skip is None) == ["p0.MOV", "p0.jpg", "p0.xmp"]
        # What the app's question names is what the plan takes.
        shown = {v.path for v in library.state().timeline.live.values()}
        assert going_with([str(a / "p0.jpg")], live=shown) == [s.source for s in plan if s.companion_of]
        outcome = library.act(Action.TRASH, [str(a / "p0.jpg")])
        assert outcome.photos_done == 1 and not outcome.failed and not outcome.skipped
        assert outcome.with_them() == " (and 1 Live Photo video and 1 sidecar with it)"
        assert not list(a.glob("p0.*"))
        state = library.state()
        assert state.photo_count == 3 and "p0.MOV" not in names(p.path for p in state.timeline.photos)
        back = library.undo()
        assert back.photos_done == 1 and len(back.done) == 3 and not back.failed
        assert files(four_photos) == before
        # The video is catalogued again as it comes back: folded behind its still with no scan.
        assert library.state().timeline.live[str(a / "p0.jpg")].path == str(a / "p0.MOV")
        again = library.redo()
        assert again.photos_done == 1 and len(again.done) == 3 and not again.failed
        assert not list(a.glob("p0.*"))


def test_the_video_stays_while_another_still_of_its_name_stays_or_its_still_cannot_be_read(
    four_photos,
) -> None:
    a = four_photos / "a"
    make_photo(a / "p0.png", seed=40, size=(64, 48))  # IMG_1.JPG beside IMG_1.HEIC, say
    mp4(a / "p0.MOV", WHEN)
    (a / "p1.jpg").write_bytes(b"not a JPEG any more")  # damaged: its video is all that is left
    mp4(a / "p1.MOV", WHEN)
    with Library(locations()) as library:
        assert library.scan().live_videos == 1  # p0.MOV; p1.MOV's still cannot be read
        one = library.plan(Action.TRASH, [str(a / "p0.jpg")])
        assert names(s.source for s in one if s.skip is None) == ["p0.jpg"]
        both = library.plan(Action.TRASH, [str(a / "p0.jpg"), str(a / "p0.png")])
        assert names(s.source for s in both if s.skip is None) == ["p0.MOV", "p0.jpg", "p0.png"]
        damaged = library.plan(Action.TRASH, [str(a / "p1.jpg")])
        assert names(s.source for s in damaged if s.skip is None) == ["p1.jpg"]
        assert str(a / "p1.MOV") in {p.path for p in library.state().timeline.photos}  # shown alone


def test_a_duplicate_set_clean_up_leaves_the_video_and_it_is_shown_again(four_photos) -> None:
    """The copy kept of the still has no video: the one beside the trashed copy stays, shown as
    a video of its own, rather than go to the trash unasked."""
    a, b = four_photos / "a", four_photos / "b"
    b.mkdir()
    shutil.copy2(a / "p0.jpg", b / "p0.jpg")
    mp4(a / "p0.MOV", WHEN)
    with Library(locations()) as library:
        library.scan()
        members = [str(a / "p0.jpg"), str(b / "p0.jpg")]
        plan = library.plan_trash_from_sets([(members, [str(a / "p0.jpg")])])
        assert names(s.source for s in plan if s.skip is None) == ["p0.jpg"]
        outcome = library.trash_from_sets([(members, [str(a / "p0.jpg")])])
        assert outcome.photos_done == 1 and (a / "p0.MOV").exists()
        # The history names the photo each set keeps (a review: "from 1 set" said not which)
        assert library.history()[0][0].summary == "trash 1 duplicate from 1 set (p0.jpg kept)"
        assert str(a / "p0.MOV") in {p.path for p in library.state().timeline.photos}


def test_the_command_line_says_the_video_goes_with_the_photo(four_photos) -> None:
    a = four_photos / "a"
    mp4(a / "p3.MOV", WHEN)
    assert photoorg("scan").returncode == 0
    dry = photoorg("trash", str(a / "p3.jpg"), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "Dry run: 1 to trash (and 1 Live Photo video with it)" in dry.stdout
    # Counted as 'library list' and All photos count it: once (a hostile review: "3 photos")
    assert "Catalog up to date: 4 photos, 0 unreadable." in photoorg("duplicates").stderr
    listed = photoorg("timeline", "--find", "p", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = {row["path"]: row for row in json.loads(listed.stdout)["photos"]}
    assert str(a / "p3.MOV") not in rows and rows[str(a / "p3.jpg")]["live_video"] == str(a / "p3.MOV")
    assert rows[str(a / "p2.jpg")]["live_video"] is None
    text = photoorg("timeline", "--find", "p3")
    assert f"{a / 'p3.jpg'}  (date from its video)  (Live Photo, with p3.MOV)" in text.stdout


def test_a_trash_takes_only_the_video_shown_with_the_photo_and_never_the_last_copy_of_one(
    four_photos, tmp_path
) -> None:
    """Hostile reviews: a plain video (v1.m4v) took v1.mov along; p0.jpg took p0.MOV and p0.mp4,
    the second shown as a video of its own; a video that came after the scan went unasked; and
    with the other copy of its video named too, both copies went to the trash."""
    a, b = four_photos / "a", four_photos / "b"
    mp4(a / "p0.MOV", WHEN)
    mp4(a / "p0.mp4", WHEN, media=6000)  # shown apart: the first of the two is p0.jpg's
    mp4(a / "v1.m4v", WHEN, media=6500)
    mp4(a / "v1.mov", WHEN, media=7000)
    mp4(a / "p1.MOV", WHEN, media=8000)
    b.mkdir()
    shutil.copy2(a / "p1.MOV", b / "clip.MOV")  # another copy of p1.jpg's video
    with Library(locations()) as library:
        library.scan()
        mp4(a / "p2.MOV", WHEN, media=9000)  # after the scan: not shown with p2.jpg yet
        plan = library.plan(Action.TRASH, [str(a / "p0.jpg"), str(a / "v1.m4v"), str(a / "p2.jpg")])
        assert names(s.source for s in plan if s.skip is None) == ["p0.MOV", "p0.jpg", "p2.jpg", "v1.m4v"]
        shown = {v.path for v in library.state().timeline.live.values()}
        assert going_with([str(a / "p0.jpg"), str(a / "v1.m4v")], live=shown) == [str(a / "p0.MOV")]
        # Its video named too: p0.mp4, shown on its own, does not go in its place.
        named = library.plan(Action.TRASH, [str(a / "p0.jpg"), str(a / "p0.MOV")])
        assert names(s.source for s in named if s.skip is None) == ["p0.MOV", "p0.jpg"]
        # Every copy of p1.jpg's video named or taken: the video stays (shown on its own after).
        both = library.plan(Action.TRASH, [str(a / "p1.jpg"), str(b / "clip.MOV")])
        assert names(s.source for s in both if s.skip is None) == ["clip.MOV", "p1.jpg"]
        outcome = library.act(Action.TRASH, [str(a / "p1.jpg"), str(b / "clip.MOV")])
        assert outcome.photos_done == 2 and (a / "p1.MOV").exists()
        # A move of a video takes no other video of its name.
        moved = library.plan(Action.MOVE, [str(a / "v1.m4v")], str(tmp_path / "out"))
        assert names(s.source for s in moved) == ["v1.m4v"]


def test_a_redo_takes_again_only_the_videos_the_trash_took_as_they_were(four_photos) -> None:
    """Hostile reviews: after the undo, a redo trashed a p1.MOV that had come since, and a clip
    put in the place of p0.MOV, neither ever asked about."""
    a = four_photos / "a"
    mp4(a / "p0.MOV", WHEN)
    with Library(locations()) as library:
        library.scan()
        first = library.act(Action.TRASH, [str(a / "p0.jpg"), str(a / "p1.jpg")])
        library.undo()
        mp4(a / "p1.MOV", WHEN)  # came since (a phone's sync)
        (a / "p0.MOV").unlink()
        mp4(a / "p0.MOV", WHEN, media=9000)  # another clip in its place
        library.scan()
        again = library.redo()
        assert names(s.source for s in again.done) == ["p0.jpg", "p1.jpg"]
        assert [(os.path.basename(s.source), s.skip) for s in again.skipped] == [
            ("p0.MOV", f"changed since the undo of action {first.batch} put it back")
        ]
        assert (a / "p0.MOV").exists() and (a / "p1.MOV").exists()


def test_a_still_without_a_date_taken_has_its_video_s(four_photos, tmp_path) -> None:
    """A new-user review: a Live Photo's still without a date was placed by its file's date,
    today, though its video said 2020-06-01; organize put it in undated/."""
    a = four_photos / "a"
    mp4(a / "p0.MOV", datetime(2020, 6, 1, 9, 30, tzinfo=UTC))
    with Library(locations()) as library:
        library.scan()
        timeline = library.state().timeline
        [still] = [p for p in timeline.photos if p.path == str(a / "p0.jpg")]
        assert (
            still.taken is not None and still.taken.startswith("2020-06-0") and still.taken_from == "p0.MOV"
        )
        assert timeline.photos.index(still) not in timeline.file_dated
        plan = library.organize_plan(OrganizeRequest("date", str(tmp_path / "Sorted")))
        [planned] = [p for p in plan.photos if p.photo.path == str(a / "p0.jpg")]
        assert planned.target is not None and "/2020/2020-06/" in planned.target
    listed = photoorg("timeline", "--find", "p0")
    assert "p0.jpg  (date from its video)  (Live Photo, with p0.MOV)" in listed.stdout
    assert "p0.jpg" not in photoorg("timeline", "--undated").stdout  # dated: not listed there
    dry = photoorg("organize", "--by", "date", "--to", str(tmp_path / "Sorted"), "--dry-run")
    assert "2020/2020-06/  1 photo (+1 Live Photo video)" in dry.stdout, dry.stdout + dry.stderr


def test_organizing_a_selection_dates_and_takes_the_live_photo_as_a_whole_organize_does(
    four_photos, tmp_path
) -> None:
    """Hostile reviews: organizing the chosen still (the app's Organize… of a selection, an album)
    put it in undated/ while All photos showed its video's date; of exact copies organize took
    the copy and left the Live Photo."""
    a, b = four_photos / "a", four_photos / "b"
    mp4(a / "p0.MOV", datetime(2020, 6, 1, 9, 30, tzinfo=UTC))
    dated(a / "p5.jpg", 5, "2021:03:04 10:00:00")
    b.mkdir()
    shutil.copy2(a / "p5.jpg", b / "p5.jpg")  # its exact copy, with its Live Photo video
    mp4(b / "p5.MOV", datetime(2021, 3, 4, 9, 0, tzinfo=UTC), media=6000)
    with Library(locations()) as library:
        library.scan()
        plan = library.organize_plan(OrganizeRequest("date", str(tmp_path / "S")), paths=[str(a / "p0.jpg")])
        [still] = plan.moving()
        assert still.target is not None and "/2020/2020-06/" in still.target
        assert [os.path.basename(c) for c, _ in still.companions] == ["p0.MOV"]
        copies = library.organize_plan(
            OrganizeRequest("date", str(tmp_path / "S")), paths=[str(a / "p5.jpg"), str(b / "p5.jpg")]
        )
        assert [p.photo.path for p in copies.moving()] == [str(b / "p5.jpg")]


def test_a_live_photo_s_video_that_goes_on_its_own_is_said(four_photos, tmp_path) -> None:
    """A new-user review: 'move IMG_1.MOV' said "1 photo", and IMG_1.jpg was shown without its
    video from then on, unsaid."""
    a = four_photos / "a"
    mp4(a / "p0.MOV", WHEN)
    assert photoorg("scan").returncode == 0
    said = "p0.MOV is the video of the Live Photo p0.jpg: it goes on its own, and the photo stays"
    dry = photoorg("move", str(a / "p0.MOV"), "--to", str(tmp_path / "clips"), "--dry-run")
    assert said in dry.stdout + dry.stderr
    done = photoorg("trash", str(a / "p0.MOV"))
    assert done.returncode == 0 and "p0.MOV is the video of the Live Photo p0.jpg: it is trashed" in (
        done.stdout + done.stderr
    )
    both = photoorg("trash", str(a / "p1.jpg"), "--dry-run")  # no Live Photo: nothing said
    assert "video of the Live Photo" not in both.stdout + both.stderr
