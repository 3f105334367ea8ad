"""Videos in the library: catalogued with their recording date, organized by date, never
embedded or grouped; a Live Photo's video travels with its photo."""

from __future__ import annotations

import struct
from datetime import UTC, datetime
from pathlib import Path

import pytest

from photoorg.core import actions
from photoorg.core import undo as undoing
from photoorg.core.catalog import Catalog
from photoorg.core.embedder import Embedder
from photoorg.core.organize import OrganizeRequest, plan_organize
from photoorg.core.pipeline import run_scan
from photoorg.core.timeline import timeline_of
from photoorg.core.videos import video_taken
from tests.core.test_organize import dated


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def mp4(
    path: Path, when: datetime | None, version: int = 0, moov_last: bool = True, media: int = 5000
) -> Path:
    """A small MP4 as cameras write it: ftyp, mdat (the media) and moov with its mvhd."""
    seconds = 0 if when is None else int((when - datetime(1904, 1, 1, tzinfo=UTC)).total_seconds())
    if version == 1:
        mvhd = bytes([1, 0, 0, 0]) + struct.pack(">QQIQ", seconds, seconds, 1000, 4000) + bytes(80)
    else:
        mvhd = bytes([0, 0, 0, 0]) + struct.pack(">IIII", seconds, seconds, 1000, 4000) + bytes(80)
    moov = box(b"moov", box(b"mvhd", mvhd) + box(b"trak", bytes(40)))
    mdat = box(b"mdat", bytes(range(256)) * (media // 256))
    parts = [
        box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2mp41"),
        *((mdat, moov) if moov_last else (moov, mdat)),
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join(parts))
    return path


@pytest.mark.parametrize(("version", "moov_last"), [(0, True), (0, False), (1, True)])
def test_the_recording_date_is_read_from_the_mvhd_box(tmp_path, version, moov_last) -> None:
    when = datetime(2024, 8, 3, 17, 45, 12, tzinfo=UTC)
    clip = mp4(tmp_path / "clip.mp4", when, version, moov_last)
    assert video_taken(str(clip)) == when.astimezone().replace(tzinfo=None).isoformat()


def test_a_video_without_a_date_or_damaged_has_none(tmp_path) -> None:
    assert video_taken(str(mp4(tmp_path / "a.mp4", None))) is None
    (tmp_path / "b.mov").write_bytes(b"\x00\x00\x00\x10moov\x00\x00\x00\x08mv")
    assert video_taken(str(tmp_path / "b.mov")) is None
    (tmp_path / "c.avi").write_bytes(b"RIFF\x00\x00\x00\x00AVI LIST")
    assert video_taken(str(tmp_path / "c.avi")) is None


@pytest.fixture
def with_videos(tmp_path):
    lib = tmp_path / "lib"
    dated(lib / "dcim" / "IMG_0001.jpg", 1, "2024:08:03 17:45:00")
    live = mp4(lib / "dcim" / "IMG_0001.MOV", datetime(2024, 8, 3, 17, 45, tzinfo=UTC))  # its Live Photo
    clip = mp4(lib / "dcim" / "VID_0002.mp4", datetime(2023, 2, 10, 9, 0, tzinfo=UTC))
    undated_clip = mp4(lib / "dcim" / "VID_0003.3gp", None)
    catalog = Catalog(tmp_path / "c.sqlite3")
    yield lib, catalog, live, clip, undated_clip
    catalog.close()


def test_videos_are_catalogued_and_shown_but_never_embedded_or_grouped(with_videos, tiny_model) -> None:
    lib, catalog, live, clip, _undated_clip = with_videos
    summary = run_scan([lib], catalog, Embedder(str(tiny_model), device="cpu"))
    assert summary.failures == [] and summary.embedded == 1  # the photo alone
    videos = [p for p in catalog.photos() if p.is_video]
    assert {Path(p.path).name for p in videos} == {"IMG_0001.MOV", "VID_0002.mp4", "VID_0003.3gp"}
    assert next(p for p in videos if p.path == str(clip)).taken.startswith("2023-02-")
    timeline = timeline_of(catalog.photos())  # the Live Photo's video folded behind its still
    assert len(timeline.photos) == 3 and timeline.live[str(lib / "dcim" / "IMG_0001.jpg")].path == str(live)


def test_organize_by_date_takes_the_videos_and_live_photos_travel_with_their_photo(with_videos) -> None:
    lib, catalog, _live, _clip, _undated_clip = with_videos
    run_scan([lib], catalog, Embedder(str(lib / "no-model")))
    before = {p: p.read_bytes() for p in lib.rglob("*") if p.is_file()}
    plan = plan_organize(OrganizeRequest("date", str(lib)), catalog.photos())
    assert plan.folders() == {"2023/2023-02": 1, "2024/2024-08": 1, "undated": 1}
    [photo] = [p for p in plan.moving() if p.photo.path.endswith("IMG_0001.jpg")]
    assert [Path(c).name for c, _ in photo.companions] == ["IMG_0001.MOV"]
    actions.execute(catalog, plan.action, plan.steps(), "organize")
    assert (lib / "2024" / "2024-08" / "IMG_0001.MOV").exists() and (
        lib / "2023" / "2023-02" / "VID_0002.mp4"
    ).exists()
    assert (lib / "undated" / "VID_0003.3gp").exists()
    undoing.undo(catalog)
    assert {p: p.read_bytes() for p in lib.rglob("*") if p.is_file()} == before
