"""The item models, filled with what the core computes for a real (generated) library."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from photoorg.core.catalog import Catalog
from photoorg.core.duplicates import Verdict, find_duplicates
from photoorg.core.embedder import Embedder
from photoorg.core.grouping import GroupSettings, group_photos
from photoorg.core.keeper import KeeperPolicy
from photoorg.core.pipeline import run_scan
from photoorg.gui.models import (
    BadgeRole,
    DetailRole,
    GroupListModel,
    PathRole,
    PhotoGridModel,
    PhotoRole,
    ProblemsModel,
)
from photoorg.gui.set_models import DuplicateSetListModel, SetMembersModel
from photoorg.gui.tasks import Tasks
from photoorg.gui.thumbnails import Thumbnails
from tests.conftest import make_photo


@dataclass
class Scanned:
    root: Path
    protected: Path
    photos: list[Any]
    groups: list[Any]
    sets: list[Any]
    failures: list[tuple[str, str]]


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory, tiny_model: Path) -> Scanned:
    """12 distinct photos, exact copies (two of them in a protected folder), one broken file."""
    tmp = tmp_path_factory.mktemp("models")
    root = tmp / "Pictures"
    for i in range(12):
        make_photo(root / "2023" / f"img_{i:03d}.jpg", seed=100 + i, quality=90)
    protected = root / "reference"
    protected.mkdir()
    for name in ("a.jpg", "b.jpg"):
        shutil.copy(root / "2023" / "img_000.jpg", protected / name)
    (root / "backup").mkdir()
    for name in ("img_001.jpg", "img_001 (copy).jpg"):
        shutil.copy(root / "2023" / "img_001.jpg", root / "backup" / name)
    (root / "2023" / "broken.jpg").write_text("not a photo")
    with Catalog(tmp / "catalog.sqlite3") as catalog:
        summary = run_scan([root], catalog, Embedder(str(tiny_model), device="cpu", batch_size=8))
        assert summary.embedded == 12 and summary.model_key is not None
        model = catalog.find_model(summary.model_key)
        assert model is not None
        roots = [str(root)]
        return Scanned(
            root,
            protected,
            catalog.photos(under=roots),
            group_photos(catalog, model.id, roots, settings=GroupSettings(min_group_size=2)),
            find_duplicates(catalog, model.id, roots, policy=KeeperPolicy(protected=(str(protected),))),
            catalog.failures(under=roots),
        )


@pytest.fixture
def thumbnails(qtbot: Any, tmp_path: Path) -> Iterator[Thumbnails]:
    tasks = Tasks()
    yield Thumbnails(tasks, tmp_path / "thumbnails")
    assert tasks.shutdown()


def exact_set_of(scanned: Scanned, path: Path) -> Any:
    [found] = [
        s for s in scanned.sets if s.verdict is Verdict.EXACT and str(path) in {p.path for p in s.photos}
    ]
    return found


def test_photo_grid_model(qtmodeltester: Any, thumbnails: Thumbnails, scanned: Scanned) -> None:
    model = PhotoGridModel(thumbnails)
    model.set_photos(scanned.photos)
    qtmodeltester.check(model)
    assert model.rowCount() == len(scanned.photos) == 16
    assert [model.index(r).data(PathRole) for r in range(model.rowCount())] == [
        p.path for p in scanned.photos
    ]
    model.set_photos(scanned.photos[:3], [0.99, 0.95, 0.9])  # a "find similar" result
    qtmodeltester.check(model)


def test_group_list_model(qtmodeltester: Any, thumbnails: Thumbnails, scanned: Scanned) -> None:
    model = GroupListModel(thumbnails)
    model.set_groups(scanned.groups)
    qtmodeltester.check(model)
    assert model.rowCount() == len(scanned.groups) >= 1
    assert model.index(model.rowCount() - 1).data(Qt.ItemDataRole.EditRole) == "Unsorted"
    # A group with no name gives its editor what it is called, never an empty box (a review).
    for r in range(model.rowCount() - 1):
        g = model.group(r)
        assert model.index(r).data(Qt.ItemDataRole.EditRole) == (g.name or g.folder_hint or g.label) != ""
    # Every photo is in exactly one group (Unsorted included).
    shown = [p.path for r in range(model.rowCount()) for p in model.group(r).photos]
    assert sorted(shown) == sorted(p.path for p in scanned.photos)


def test_duplicate_set_list_model(qtmodeltester: Any, thumbnails: Thumbnails, scanned: Scanned) -> None:
    model = DuplicateSetListModel(thumbnails)
    model.set_sets(scanned.sets)
    qtmodeltester.check(model)
    model.mark_reviewed(0)
    assert model.is_reviewed(0) and model.index(0).data(BadgeRole) == "Reviewed"
    qtmodeltester.check(model)


def test_set_members_model(qtmodeltester: Any, thumbnails: Thumbnails, scanned: Scanned) -> None:
    model = SetMembersModel(thumbnails)
    for s in scanned.sets:
        model.set_duplicate_set(s)
        qtmodeltester.check(model)
    model.set_duplicate_set(None)
    qtmodeltester.check(model)
    assert model.rowCount() == 0


def test_a_set_card_says_when_its_date_is_the_files_not_the_date_taken(
    thumbnails: Thumbnails, scanned: Scanned
) -> None:
    """A review: a copy's file date (today's) read as its date taken, "taken first" a keeper rule."""
    model = SetMembersModel(thumbnails)
    for s in scanned.sets:  # photos without a date taken
        model.set_duplicate_set(s)
        for r, p in enumerate(s.photos):
            assert p.taken is None
            shown = datetime.fromtimestamp(p.mtime_ns / 1e9).strftime("%Y-%m-%d")
            assert model.index(r).data(DetailRole).splitlines()[1].startswith(f"{shown} (file date) · ")


def test_problems_model(qtmodeltester: Any, scanned: Scanned) -> None:
    model = ProblemsModel()
    model.set_failures(scanned.failures)
    qtmodeltester.check(model)
    assert model.rowCount() == 1
    assert model.index(0, 0).data() == "broken.jpg"
    assert model.index(0, 1).data() == str(scanned.root / "2023")
    assert model.index(0, 2).data()  # the reason, in words


def checked(model: SetMembersModel) -> list[bool]:
    return [
        model.index(r).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
        for r in range(model.rowCount())
    ]


def checkable(model: SetMembersModel) -> list[bool]:
    return [
        bool(model.flags(model.index(r)) & Qt.ItemFlag.ItemIsUserCheckable) for r in range(model.rowCount())
    ]


def test_similar_shots_all_kept_show_the_best_not_a_keeper(thumbnails: Thumbnails, scanned: Scanned) -> None:
    """A new-user review: a "Keeper" badge on one of similar shots that all stay meant nothing."""
    from photoorg.core.duplicates import DuplicateSet, Verdict

    photos = exact_set_of(scanned, scanned.root / "backup" / "img_001.jpg").photos
    s = DuplicateSet("s1", Verdict.SIMILAR, photos, "largest resolution", 0.95)
    model = SetMembersModel(thumbnails)
    model.set_duplicate_set(s)
    assert checked(model) == [True, True, True]  # different photos: all kept
    assert [model.index(r).data(BadgeRole) for r in range(3)] == ["Best", "", ""]
    model.set_keep(2, False)  # the person lets one go: the best is kept instead of it
    assert [model.index(r).data(BadgeRole) for r in range(3)] == ["Keeper", "", "To trash"]


def test_the_keeper_starts_checked_and_the_copies_unchecked(thumbnails: Thumbnails, scanned: Scanned) -> None:
    s = exact_set_of(scanned, scanned.root / "backup" / "img_001.jpg")
    model = SetMembersModel(thumbnails)
    model.set_duplicate_set(s)
    assert model.rowCount() == 3
    assert model.index(0).data(PhotoRole) == s.keeper
    assert model.index(0).data(BadgeRole) == "Keeper"
    assert checked(model) == [True, False, False]
    assert checkable(model) == [True, True, True]
    assert model.unchecked() == [p.path for p in s.photos[1:]]

    model.set_keep(1, True)  # the person keeps one copy too
    assert checked(model) == [True, True, False]
    assert model.unchecked() == [s.photos[2].path]


def test_protected_photos_are_checked_and_cannot_be_unchecked(
    thumbnails: Thumbnails, scanned: Scanned
) -> None:
    s = exact_set_of(scanned, scanned.protected / "a.jpg")
    model = SetMembersModel(thumbnails)
    model.set_duplicate_set(s)
    protected = {str(scanned.protected / "a.jpg"), str(scanned.protected / "b.jpg")}
    rows = {model.index(r).data(PathRole): r for r in range(model.rowCount())}
    assert set(rows) == protected | {str(scanned.root / "2023" / "img_000.jpg")}
    for path in protected:
        ix = model.index(rows[path])
        assert ix.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
        assert not model.flags(ix) & Qt.ItemFlag.ItemIsUserCheckable
        assert ix.data(BadgeRole) == "Protected"
        model.set_keep(rows[path], False)
        assert not model.setData(ix, Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
        assert ix.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert model.unchecked() == [str(scanned.root / "2023" / "img_000.jpg")]


def test_dragging_photos_out_gives_their_files(thumbnails: Thumbnails, scanned: Scanned) -> None:
    model = PhotoGridModel(thumbnails)
    model.set_photos(scanned.photos)
    rows = [0, 3, 5]
    assert all(model.flags(model.index(r)) & Qt.ItemFlag.ItemIsDragEnabled for r in rows)
    mime = model.mimeData([model.index(r) for r in rows])
    assert "text/uri-list" in model.mimeTypes()
    assert mime.hasUrls()
    assert [u.toLocalFile() for u in mime.urls()] == [scanned.photos[r].path for r in rows]
    assert all(Path(u.toLocalFile()).is_file() for u in mime.urls())


def test_the_groups_page_of_an_empty_library_offers_no_button_that_does_nothing(
    qtbot: Any, thumbnails: Thumbnails
) -> None:
    """Found by a GUI review: before any groups were shown, Rename, Move, Copy and Organize were
    enabled and did nothing when clicked."""
    from photoorg.gui.groups import GroupsPage

    page = GroupsPage(thumbnails)
    qtbot.addWidget(page)
    buttons = [page.rename_button, page.move_button, page.copy_button, page.organize_button]
    assert [b.isEnabled() for b in buttons] == [False] * 4


def test_the_problems_page_says_what_it_lists_before_and_after_a_scan(qtbot: Any) -> None:
    """A review: before any scan the page was an empty table under its heading, without a word."""
    from photoorg.gui.pages import ProblemsPage

    page = ProblemsPage()
    qtbot.addWidget(page)
    assert page.summary.text() == "None yet: a file a scan cannot read is listed here, with the reason."
    page.set_failures([])
    assert page.summary.text() == "No problems: every file found could be read."
    page.set_failures([("/p/broken.jpg", "cannot be decoded")])
    assert page.summary.text() == "1 file could not be read."


def test_under_a_thumbnail_a_name_s_date_says_so_as_a_file_s_date_does(thumbnails: Thumbnails) -> None:
    """A hostile review: a date taken from the photo's name looked like its own under the
    thumbnail."""
    from photoorg.core.catalog import PhotoInfo
    from photoorg.core.catalog.rows import FROM_NAME
    from photoorg.core.timeline import timeline_of
    from photoorg.gui.models import TimelineModel

    chat = PhotoInfo("/lib/IMG-20190714-WA0003.jpg", "a", 10, 10**18, 8, 6, "JPEG", "2019-07-14T00:00:00",
                     None, None, taken_from=FROM_NAME)  # fmt: skip
    own = PhotoInfo("/lib/IMG_1.jpg", "b", 10, 10**18, 8, 6, "JPEG", "2001-02-03T04:05:06", None, None)
    model = TimelineModel(thumbnails)
    model.set_timeline(timeline_of([chat, own]))
    said = {model.photo(r).path: model.index(r).data(DetailRole) for r in range(2)}
    assert said == {
        "/lib/IMG-20190714-WA0003.jpg": "2019-07-14 · from its name",
        "/lib/IMG_1.jpg": "2001-02-03 · 8x6",
    }


def test_threads_making_the_thumbnail_of_exact_copies_at_once_both_cache_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """An app review at 4,280 photos: "cannot write the thumbnail cache ... No such file", two
    threads making the thumbnail of one content wrote one temporary file."""
    import threading

    from photoorg.gui.thumbnails import load_thumbnail

    photo = make_photo(tmp_path / "a.jpg", seed=3, size=(640, 480))
    for round_ in range(6):
        cache = tmp_path / f"cache{round_}"
        start = threading.Barrier(6)
        results: list[object] = []

        def make(
            cache: Path = cache, start: threading.Barrier = start, results: list[object] = results
        ) -> None:
            start.wait()
            results.append(load_thumbnail(str(photo), "ab" * 16, cache))

        threads = [threading.Thread(target=make) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(results) == 6 and all(r is not None for r in results)
        assert [p.name for p in (cache / "ab").iterdir()] == ["ab" * 16 + ".jpg"]  # no leftovers
    assert "cannot write the thumbnail cache" not in caplog.text


def test_a_group_row_shows_the_dates_its_label_does_not_say(thumbnails: Thumbnails) -> None:
    """An app review: the Groups list showed a named group's dates only in its tool tip (the
    README promises a mosaic, a size and dates)."""
    from photoorg.core.catalog import PhotoInfo
    from photoorg.core.grouping import Group, describe_all

    def photo(name: str, taken: str) -> PhotoInfo:
        return PhotoInfo(f"/p/2019/{name}", name, 1, 1, 10, 10, "JPEG", taken, None, None)

    named = Group(
        1, [photo("a.jpg", "2002-05-01T10:00:00"), photo("b.jpg", "2009-06-01T10:00:00")], name="Tools"
    )
    dated = Group(2, [photo("c.jpg", "2019-05-01T10:00:00"), photo("d.jpg", "2019-08-01T10:00:00")])
    named.photos.append(PhotoInfo("/p/2019/e.jpg", "e", 1, 1, 10, 10, "JPEG", None, None, None))
    model = GroupListModel(thumbnails)
    model.set_groups(describe_all([named, dated]))
    assert model.index(0).data(Qt.ItemDataRole.DisplayRole) == "Tools\n3 photos\n2002 – 2009 (2 dated)"
    assert model.index(1).data(Qt.ItemDataRole.DisplayRole) == "2019-05 to 2019-08\n2 photos"  # said once
    # A long name is cut to two lines in its row, whole in the tool tip (an app review: at
    # 800x600 it took four lines and cut the row's dates off).
    long = "Summer holiday in Skagen with the whole family, 2019 and the trip back"
    model.set_groups(describe_all([Group(1, named.photos, name=long)]))
    shown = model.index(0).data(Qt.ItemDataRole.DisplayRole)
    assert shown == "Summer holiday in Skagen with…\n3 photos\n2002 – 2009 (2 dated)"
    assert model.index(0).data(Qt.ItemDataRole.ToolTipRole).startswith(long + "\n")
