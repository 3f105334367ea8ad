"""Organize into folders by date or by group: the plan, the companions, names that are safe
everywhere, and one undo that puts every file back."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from photoorg.core import actions
from photoorg.core import undo as undoing
from photoorg.core.actions import Action
from photoorg.core.catalog import Catalog, FileRow
from photoorg.core.embedder import Embedder
from photoorg.core.errors import PhotoorgError
from photoorg.core.fileops import remove_if_empty
from photoorg.core.folder_names import check_template, safe_name
from photoorg.core.grouping import GroupSettings, group_photos
from photoorg.core.organize import OrganizeRequest, plan_organize
from photoorg.core.pipeline import run_scan
from photoorg.core.undo import NothingToUndo
from tests.conftest import make_photo
from tests.synthetic import clustered


def dated(path: Path, seed: int, when: str | None, camera: str | None = None) -> Path:
    exif = Image.Exif()
    if when:
        exif[0x0132] = when  # DateTime, "YYYY:MM:DD HH:MM:SS"
    if camera:
        exif[0x0110] = camera
    return make_photo(path, seed=seed, size=(96, 72), exif=exif)


def tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.blake2b(p.read_bytes(), digest_size=16).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def shoot(tmp_path: Path):
    """A camera folder: dated photos with sidecars, a RAW+JPEG pair, a Live Photo, an undated
    scan; catalogued (fingerprints and dates, no model)."""
    inbox = tmp_path / "lib" / "inbox"
    dated(inbox / "IMG_0001.jpg", 1, "2023:05:01 10:00:00", "Canon EOS R6")
    (inbox / "IMG_0001.xmp").write_text("<x:xmpmeta>rating 5</x:xmpmeta>")
    dated(inbox / "IMG_0002.JPG", 2, "2023:05:03 11:00:00", "Canon EOS R6")
    (inbox / "IMG_0002.JPG.json").write_text('{"title": "takeout"}')
    (inbox / "IMG_0002.CR2").write_bytes(os.urandom(5000))  # the RAW of the same shot
    dated(inbox / "IMG_0003.heic.jpg", 3, "2024:12:24 18:00:00", "iPhone 15")
    dated(inbox / "live.jpg", 4, "2024:12:25 09:30:00", "iPhone 15")
    (inbox / "live.mov").write_bytes(os.urandom(3000))
    (inbox / "live.aae").write_text("<plist/>")
    dated(tmp_path / "lib" / "scans" / "grandma.png", 5, None)
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    run_scan([tmp_path / "lib"], catalog, Embedder(str(tmp_path / "none")))
    yield tmp_path / "lib", catalog
    catalog.close()


def organize(catalog: Catalog, plan) -> actions.Outcome:
    return actions.execute(catalog, plan.action, plan.steps(), "organize")


def test_by_date_every_photo_and_its_companions_land_where_the_template_says(shoot) -> None:
    lib, catalog = shoot
    before = tree(lib)
    request = OrganizeRequest("date", str(lib), "{year}/{month_name} {year}/{camera}")
    plan = plan_organize(request, catalog.photos())
    assert plan.folders() == {
        "2023/May 2023/Canon EOS R6": 2,
        "2024/December 2024/iPhone 15": 2,
        "undated": 1,
    }
    assert plan.undated == 1 and plan.companion_count == 5
    outcome = organize(catalog, plan)
    assert len(outcome.done) == 5 + 5 and not outcome.failed
    after = tree(lib)
    assert set(after) == {
        "2023/May 2023/Canon EOS R6/IMG_0001.jpg",
        "2023/May 2023/Canon EOS R6/IMG_0001.xmp",
        "2023/May 2023/Canon EOS R6/IMG_0002.JPG",
        "2023/May 2023/Canon EOS R6/IMG_0002.JPG.json",
        "2023/May 2023/Canon EOS R6/IMG_0002.CR2",
        "2024/December 2024/iPhone 15/IMG_0003.heic.jpg",
        "2024/December 2024/iPhone 15/live.jpg",
        "2024/December 2024/iPhone 15/live.mov",
        "2024/December 2024/iPhone 15/live.aae",
        "undated/grandma.png",
    }
    assert sorted(after.values()) == sorted(before.values())  # every byte moved, nothing else
    assert {Path(p.path).relative_to(lib).as_posix() for p in catalog.photos()} <= set(after)
    undone = undoing.undo(catalog)  # one undo puts every file back
    assert len(undone.done) == 10 and tree(lib) == before


def test_the_files_date_is_used_only_when_asked(shoot) -> None:
    lib, catalog = shoot
    scan = next(p for p in catalog.photos() if p.path.endswith("grandma.png"))
    plan = plan_organize(OrganizeRequest("date", str(lib), file_date=True), [scan])
    [planned] = plan.photos
    assert planned.dated_by == "file" and planned.folder != "undated" and plan.undated == 0


def test_collisions_keep_both_and_companions_follow_the_new_name(shoot) -> None:
    lib, catalog = shoot
    taken = make_photo(lib / "2023" / "2023-05" / "IMG_0001.jpg", seed=77)  # someone else's file
    plan = plan_organize(
        OrganizeRequest("date", str(lib)), [p for p in catalog.photos() if "IMG_0001" in p.path]
    )
    [(wanted, source)] = plan.collisions
    assert wanted.endswith("IMG_0001.jpg") and source.endswith("inbox/IMG_0001.jpg")
    organize(catalog, plan)
    assert (lib / "2023" / "2023-05" / "IMG_0001 (1).jpg").exists()
    assert (lib / "2023" / "2023-05" / "IMG_0001 (1).xmp").exists()
    assert taken.read_bytes() == make_photo(lib / "x.jpg", seed=77).read_bytes()  # untouched


def test_a_name_taken_after_the_plan_numbers_the_photo_and_the_outcome_says_so(shoot) -> None:
    """A hostile review: while organize waited at its question, another program saved a file
    under a planned name; the photo went in as "IMG_0001 (1).jpg" and nothing said so."""
    lib, catalog = shoot
    plan = plan_organize(
        OrganizeRequest("date", str(lib)), [p for p in catalog.photos() if "IMG_0001" in p.path]
    )
    assert not plan.collisions
    make_photo(lib / "2023" / "2023-05" / "IMG_0001.jpg", seed=77)  # meanwhile
    outcome = organize(catalog, plan)
    [(planned, new, why)] = outcome.renamed
    assert planned.endswith("2023-05/IMG_0001.jpg") and new.endswith("2023-05/IMG_0001 (1).jpg")
    assert why == "IMG_0001.jpg was taken after the plan was made"
    assert (lib / "2023" / "2023-05" / "IMG_0001 (1).xmp").exists()  # its sidecar follows


def test_photos_already_in_place_and_protected_ones_stay(shoot) -> None:
    lib, catalog = shoot
    request = OrganizeRequest("date", str(lib))
    organize(catalog, plan_organize(request, catalog.photos()))
    again = plan_organize(request, catalog.photos(), protected=[str(lib / "undated")])
    assert not again.moving()
    assert again.count("already there") == 4 and again.count("protected") == 1


def test_unchecked_folders_of_the_plan_stay_where_they_are(shoot) -> None:
    lib, catalog = shoot
    plan = plan_organize(OrganizeRequest("date", str(lib)), catalog.photos())
    steps = plan.steps(folders=["2024/2024-12"])
    outcome = actions.execute(catalog, plan.action, steps, "organize part")
    assert {Path(s.target).parent.name for s in outcome.done} == {"2024-12"}
    assert (lib / "inbox" / "IMG_0001.jpg").exists() and (lib / "scans" / "grandma.png").exists()


def test_a_companion_never_moves_without_its_photo(shoot) -> None:
    lib, catalog = shoot
    plan = plan_organize(OrganizeRequest("date", str(lib)), catalog.photos())
    photo = lib / "inbox" / "IMG_0001.jpg"
    photo.write_bytes(photo.read_bytes() + b"edited")  # changed after the scan: it stays
    outcome = organize(catalog, plan)
    skipped = {Path(s.source).name: s.skip for s in outcome.skipped}
    assert "changed" in skipped["IMG_0001.jpg"] and "its photo stays" in skipped["IMG_0001.xmp"]
    assert (lib / "inbox" / "IMG_0001.xmp").exists()


def test_empty_folders_are_listed_and_removed_only_when_asked_and_only_if_empty(shoot) -> None:
    lib, catalog = shoot
    (lib / "scans" / "notes.txt").write_text("keep me")  # not a photo: the folder is not empty
    plan = plan_organize(OrganizeRequest("date", str(lib), prune_empty=True), catalog.photos())
    assert plan.empty_folders == [str(lib / "inbox")]
    organize(catalog, plan)
    assert remove_if_empty(plan.empty_folders) == [str(lib / "inbox")]
    assert not (lib / "inbox").exists() and (lib / "scans" / "notes.txt").exists()
    undoing.undo(catalog)  # the folder comes back with its photos
    assert (lib / "inbox" / "IMG_0001.jpg").exists()


def test_folders_left_holding_only_emptied_folders_go_too_but_never_the_library(tmp_path) -> None:
    lib = tmp_path / "lib"
    dated(lib / "trips" / "2019" / "rome" / "a.jpg", 1, "2019:05:01 10:00:00")
    dated(lib / "trips" / "2019" / "paris" / "b.jpg", 2, "2019:06:01 10:00:00")
    dated(lib / "phone" / "c.jpg", 3, "2020:01:01 10:00:00")
    (lib / "phone" / "notes.txt").write_text("not a photo")
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    run_scan([lib], catalog, Embedder(str(tmp_path / "none")))
    request = OrganizeRequest("date", str(lib / "sorted"), prune_empty=True)
    plan = plan_organize(request, catalog.photos(), sources=[str(lib)])
    trips = lib / "trips"
    assert plan.empty_folders == [str(trips), str(trips / "2019"), str(trips / "2019" / "paris"),
                                  str(trips / "2019" / "rome")]  # fmt: skip
    organize(catalog, plan)
    remove_if_empty(plan.empty_folders)
    assert folders(lib) == ["phone", "sorted", "sorted/2019", "sorted/2019/2019-05", "sorted/2019/2019-06",
                            "sorted/2020", "sorted/2020/2020-01"]  # fmt: skip
    undoing.undo(catalog)  # everything back where it was, the folders it made gone
    assert folders(lib) == ["phone", "trips", "trips/2019", "trips/2019/paris", "trips/2019/rome"]
    catalog.close()


def test_a_folder_organized_left_empty_is_kept_and_the_plan_says_so(tmp_path) -> None:
    """Found by a hostile review: `organize inbox --prune-empty` emptied the folder named and
    kept it, and the plan said nothing of it ("empty_folders": [])."""
    lib = tmp_path / "lib"
    dated(lib / "inbox" / "a.jpg", 1, "2019:05:01 10:00:00")
    dated(lib / "inbox" / "day 2" / "b.jpg", 2, "2019:06:01 10:00:00")
    dated(lib / "phone" / "c.jpg", 3, "2020:01:01 10:00:00")
    (lib / "phone" / "notes.txt").write_text("not a photo")
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    run_scan([lib], catalog, Embedder(str(tmp_path / "none")))
    request = OrganizeRequest("date", str(lib / "sorted"), prune_empty=True)
    sources = [str(lib / "inbox"), str(lib / "phone")]
    plan = plan_organize(request, catalog.photos(), sources=sources)
    assert plan.empty_folders == [str(lib / "inbox" / "day 2")]
    assert plan.sources_left_empty == [str(lib / "inbox")]  # "phone" keeps its notes
    catalog.close()


def test_a_folder_the_plan_fills_again_is_not_called_empty(tmp_path) -> None:
    """Found by a hostile review: photos swapping folders; the plan said both folders would be
    left empty and removed (nothing was removed, rightly, but the plan said so)."""
    lib = tmp_path / "lib"
    dated(lib / "2020" / "a.jpg", 1, "2019:05:01 10:00:00")  # in the wrong year's folder
    dated(lib / "2019" / "b.jpg", 2, "2020:06:01 10:00:00")
    dated(lib / "misc" / "c.jpg", 3, "2019:07:01 10:00:00")
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    run_scan([lib], catalog, Embedder(str(tmp_path / "none")))
    request = OrganizeRequest("date", str(lib), template="{year}", prune_empty=True)
    plan = plan_organize(request, catalog.photos(), sources=[str(lib)])
    assert plan.empty_folders == [str(lib / "misc")]
    catalog.close()


def test_an_import_copies_only_what_the_library_lacks(shoot, tmp_path) -> None:
    lib, catalog = shoot
    card = tmp_path / "card" / "DCIM"
    (card).mkdir(parents=True)
    (card / "IMG_0001.jpg").write_bytes((lib / "inbox" / "IMG_0001.jpg").read_bytes())  # have it
    dated(card / "IMG_0100.jpg", 100, "2025:01:02 08:00:00")
    run_scan([card], catalog, Embedder(str(tmp_path / "none")))
    in_library = {p.fingerprint: p.path for p in catalog.photos(under=[str(lib)])}
    plan = plan_organize(
        OrganizeRequest("date", str(lib), copy=True), catalog.photos(under=[str(card)]), in_library=in_library
    )
    assert plan.count("already in the library") == 1 and [p.folder for p in plan.moving()] == ["2025/2025-01"]
    organize(catalog, plan)
    assert (lib / "2025" / "2025-01" / "IMG_0100.jpg").exists() and (card / "IMG_0100.jpg").exists()


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ('Holidays: "Rome" 2023', "Holidays_ _Rome_ 2023"),
        ("a/b\\c", "a_b_c"),
        ("trailing dots...", "trailing dots"),
        ("  spaces  ", "spaces"),
        ("CON", "_CON"),
        ("lpt1.txt", "_lpt1.txt"),
        ("..", "unnamed"),
        (".Beach", "Beach"),  # not hidden: a scan passes hidden folders over
        ("", "unnamed"),
        ("tab\there", "tab_here"),
        ("x" * 300, "x" * 120),
        ("Café", "Café"),
    ],
)
def test_names_are_safe_on_every_file_system(name: str, safe: str) -> None:
    assert safe_name(name) == safe


@pytest.mark.parametrize(
    ("template", "first", "second"),
    [
        ("{ext}/{year}/{month}", "jpg/2023/05/IMG_0001.jpg", "JPG/2023/05/IMG_0002.JPG"),
        ("{year}/{name}.{ext}", "2023/IMG_0001.jpg", "2023/IMG_0002.JPG"),
        ("{year}/{name}", "2023/IMG_0001.jpg", "2023/IMG_0002.JPG"),
        ("{year}-{name}-{ext}", "2023-IMG_0001-jpg.jpg", "2023-IMG_0002-JPG.JPG"),
        ("{year}/{month} {day}", "2023/05 01/IMG_0001.jpg", "2023/05 03/IMG_0002.JPG"),
    ],
)
def test_every_template_keeps_the_photos_extension(shoot, template: str, first: str, second: str) -> None:
    """Found by a review: "{ext}/{year}/{month}" named the photos "jpg/2023/05" (no name, no
    extension: no program opens them, and the next scan no longer saw them). Only {name} in the
    last part names a file, and a file always ends with its photo's own extension."""
    lib, catalog = shoot
    before = run_scan([lib], catalog, Embedder(str(lib / "none"))).seen
    plan = plan_organize(OrganizeRequest("date", str(lib), template), catalog.photos())
    targets = {Path(s.source).name: Path(s.target).relative_to(lib).as_posix() for s in plan.steps()}
    assert (targets["IMG_0001.jpg"], targets["IMG_0002.JPG"]) == (first, second)
    outcome = organize(catalog, plan)
    assert not outcome.failed
    summary = run_scan([lib], catalog, Embedder(str(lib / "none")))
    assert summary.seen == before == 7  # every photo (the RAW and the video too) is still seen


@pytest.mark.parametrize("template", ["{name}", "{year}/{name}"])
def test_two_photos_of_one_name_and_two_extensions_each_keep_their_own(shoot, template: str) -> None:
    """A new-user review: with {name}, x.jpg was planned as "x (1).png" beside x.png (a JPEG
    with a PNG's extension), and y.png as "y (1).jpg"."""
    lib, catalog = shoot
    for i, name in enumerate(("a/x.png", "b/x.jpg", "a/y.jpg", "a/y.png")):
        dated(lib / "pair" / name, 20 + i, "2023:06:01 10:00:00")
    run_scan([lib], catalog, Embedder(str(lib / "none")))
    mine = [p for p in catalog.photos() if "/pair/" in p.path]
    plan = plan_organize(OrganizeRequest("date", str(lib / "out"), template), mine)
    targets = {Path(s.source).relative_to(lib / "pair").as_posix(): Path(s.target).name for s in plan.steps()}
    assert targets == {"a/x.png": "x.png", "b/x.jpg": "x.jpg", "a/y.jpg": "y.jpg", "a/y.png": "y.png"}
    assert not plan.collisions
    outcome = organize(catalog, plan)
    assert not outcome.failed
    for step in outcome.done:  # each file is what its extension says
        with Image.open(step.target) as img:
            assert img.format == {".jpg": "JPEG", ".png": "PNG"}[Path(step.target).suffix]


def test_a_long_name_is_shortened_before_its_extension_and_numbered_within_the_limit(shoot) -> None:
    """A 251-character name: a template that names the file kept 120 characters, cutting off
    ".jpg"; numbered beside a file of the same name it became 259 bytes ("File name too long")."""
    lib, catalog = shoot
    long = lib / "inbox" / ("x" * 251 + ".jpg")
    dated(long, 9, "2023:05:02 10:00:00")
    run_scan([lib], catalog, Embedder(str(lib / "none")))
    mine = [p for p in catalog.photos() if p.path == str(long)]
    named = plan_organize(OrganizeRequest("date", str(lib), "{year}/{name}.{ext}"), mine)
    [step] = named.steps()
    assert Path(step.target).name == "x" * 116 + ".jpg"
    (lib / "2023" / "2023-05").mkdir(parents=True)
    (lib / "2023" / "2023-05" / long.name).write_bytes(b"another file of that name")
    plan = plan_organize(OrganizeRequest("date", str(lib)), mine)
    outcome = organize(catalog, plan)
    assert not outcome.failed and len(outcome.done) == 1
    [moved] = [Path(s.target) for s in outcome.done]
    assert moved.name.endswith(" (1).jpg") and len(os.fsencode(moved.name)) <= 255 and moved.is_file()


def test_a_slash_in_a_cameras_name_makes_no_folders() -> None:
    """A hostile review: the EXIF model "../../x/escape" with {camera}/{name} made
    out/unnamed/unnamed/x/escape/cam.jpg."""
    from photoorg.core.catalog import PhotoInfo
    from photoorg.core.folder_names import DateFolders

    photo = PhotoInfo("/card/cam.jpg", "f", 1, 0, 8, 8, "JPEG", "2021-03-04T10:00:00", "../../x/escape", None)
    assert DateFolders("{camera}/{name}", False).place(photo, "") == ("_.._x_escape", "cam.jpg", "taken")
    assert DateFolders("{year}/{camera}", False).place(photo, "")[0] == "2021/_.._x_escape"


def test_a_folder_there_in_another_unicode_form_is_the_one_used(tmp_path) -> None:
    """A hostile review: with an NFD "Café" in the destination (as macOS writes it), organize
    made an NFC "Café" beside it, two folders that look the same."""
    import unicodedata

    from photoorg.core.catalog import PhotoInfo

    nfd = unicodedata.normalize("NFD", "Café")
    (tmp_path / "out" / nfd / "2021").mkdir(parents=True)
    path = make_photo(tmp_path / "in" / "a.jpg", seed=1, size=(32, 24))
    photo = PhotoInfo(str(path), "f", 1, 0, 32, 24, "JPEG", "2021-03-04T10:00:00", None, None)
    plan = plan_organize(OrganizeRequest("date", str(tmp_path / "out"), "Café/{year}"), [photo])
    [planned] = plan.moving()
    assert planned.target == str(tmp_path / "out" / nfd / "2021" / "a.jpg")


def test_a_template_with_unknown_fields_or_leaving_the_destination_is_refused() -> None:
    check_template("{year}/{month}/{day} {camera}")
    for bad in ("{year}/{colour}", "../{year}", "/{year}", "{year", "{0}", "", " ", "/"):
        with pytest.raises(PhotoorgError):
            check_template(bad)


def catalogued(tmp_path: Path, x: np.ndarray, where: Callable[[int], tuple[Path, str | None]]):
    """A catalog of one small photo per vector, each at ``where(k)`` (path, date taken)."""
    catalog = Catalog(tmp_path / "c.sqlite3")
    model = catalog.model("m", "m", "r", "fp32", 32)
    rows, vectors = [], []
    for k, v in enumerate(x):
        at, taken = where(k)
        path = make_photo(at, seed=k, size=(32, 24))
        st = path.stat()
        fp = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
        rows.append(FileRow(str(path), st.st_size, st.st_mtime_ns, fp, 32, 24, "JPEG", taken=taken))
        vectors.append((fp, v))
    catalog.write_batch(rows, vectors, model.id)
    return catalog, model


def test_by_group_one_folder_per_group_with_safe_names_and_unsorted_apart(tmp_path) -> None:
    """Groups named with everything a file system refuses, two with the same name, one named
    like the Unsorted folder: each group gets one safe folder, Unsorted its own."""
    x, truth = clustered(60, 3, noise_fraction=0.2, dim=32, seed=4)
    lib = tmp_path / "lib"
    catalog, model = catalogued(tmp_path, x, lambda k: (lib / f"p{k:02d}.jpg", None))
    groups = group_photos(catalog, model.id, [str(lib)], settings=GroupSettings(dims=8))
    real = [g for g in groups if g.id >= 0]
    assert len(real) == 3
    for g, name in zip(real, ['Rome: "day 1"/2', 'Rome: "day 1"/2', "Unsorted"], strict=True):
        catalog.rename_group(g.id, name)
    groups = group_photos(catalog, model.id, [str(lib)], settings=GroupSettings(dims=8))
    plan = plan_organize(
        OrganizeRequest("group", str(tmp_path / "by-group")), catalog.photos(), groups=groups
    )
    assert sorted(plan.folders()) == ["Rome_ _day 1__2", "Rome_ _day 1__2 (2)", "Unsorted", "Unsorted (2)"]
    outcome = organize(catalog, plan)
    assert len(outcome.done) == 60
    for g in groups:
        folders = {Path(p.path).parent.name for p in g.photos}
        assert len(folders) == 1  # a group stays together
    assert int(np.sum(truth == -1)) >= sum(1 for p in catalog.photos() if "/Unsorted/" in p.path) > 0
    catalog.close()


def test_by_group_or_date_the_rest_can_stay_where_it_is_but_a_copy_takes_every_photo(tmp_path) -> None:
    """A review: 132 of 213 photos in no group went into one Unsorted folder (149 without a
    date into undated/), the names of their folders lost. With leave_rest they stay."""
    x, _truth = clustered(40, 2, noise_fraction=0.3, dim=32, seed=5)
    lib = tmp_path / "lib"
    catalog, model = catalogued(
        tmp_path, x, lambda k: (lib / f"f{k % 4}" / f"p{k:02d}.jpg", "2021-03-04T10:00:00" if k % 2 else None)
    )
    groups = group_photos(catalog, model.id, [str(lib)], settings=GroupSettings(dims=8))
    rest = {p.path for g in groups if g.id < 0 for p in g.photos}
    assert 0 < len(rest) < 40
    dest, photos = str(tmp_path / "sorted"), catalog.photos()
    plan = plan_organize(OrganizeRequest("group", dest, leave_rest=True), photos, groups=groups)
    assert {p.photo.path for p in plan.photos if p.note == "in no group"} == rest
    assert "Unsorted" not in plan.folders() and len(plan.moving()) == 40 - len(rest)
    copied = plan_organize(OrganizeRequest("group", dest, copy=True, leave_rest=True), photos, groups=groups)
    assert copied.folders()["Unsorted"] == len(rest)  # one left out would be only on the card
    # An import by move too (a hostile review: the undated photos stayed on the card).
    imported = plan_organize(OrganizeRequest("date", dest, leave_rest=True), photos, in_library={})
    assert len(imported.moving()) == 40 and imported.undated == sum(1 for p in photos if not p.taken)
    undated = {p.path for p in photos if not p.taken}
    by_date = plan_organize(OrganizeRequest("date", dest, leave_rest=True), photos)
    assert {p.photo.path for p in by_date.photos if p.note == "no date taken"} == undated
    assert set(by_date.folders()) == {"2021/2021-03"}
    by_file = plan_organize(OrganizeRequest("date", dest, file_date=True, leave_rest=True), photos)
    assert len(by_file.moving()) == 40  # dated by their files, they all have a date
    catalog.close()


def folders(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_dir())


def test_an_unnamed_group_gets_a_folder_that_says_it_is_a_group() -> None:
    """Found by a new user: a group of photos in an "undated" folder got the folder "undated",
    which reads like the by-date folder of photos without a date. Then by a review: "Group 1 -
    monuments, 2002-08-11 to 2006-02-13", its label's dates and commas in a folder's name."""
    from photoorg.cli.organize import plan_text
    from photoorg.core.catalog import PhotoInfo
    from photoorg.core.folder_names import group_folders
    from photoorg.core.grouping import UNSORTED, Group, describe_all

    def photos(folder: str, n: int = 3) -> list[PhotoInfo]:
        taken = "2002-08-11T10:00:00"
        return [PhotoInfo(f"/lib/{folder}/{i}.jpg", f"{folder}{i}", 1, 0, 8, 8, "JPEG", taken, None, None)
                for i in range(n)]  # fmt: skip

    groups = describe_all([Group(3, photos("undated")), Group(4, photos("x"), name="Beach 2023"),
                           Group(5, []), Group(6, photos("Trip to Rome")), Group(UNSORTED, [])])  # fmt: skip
    expected = {
        3: "Group 3",
        4: "Beach 2023",
        5: "Group 5",
        6: "Group 6 - Trip to Rome",
        UNSORTED: "Unsorted",
    }
    assert group_folders(groups) == expected
    assert [g.label for g in groups] == [
        "2002-08-11", "Beach 2023", "Group 5", "Trip to Rome, 2002-08-11", "Unsorted"
    ]  # fmt: skip
    # The plan says which group each folder is, as the Groups page calls it (a new-user review:
    # "2002 to 2009" on the Groups page became a folder "Group 1", with nothing to tell).
    plan = plan_organize(
        OrganizeRequest("group", "/sorted"), [p for g in groups for p in g.photos], groups=groups
    )
    assert plan.labels == {"Group 3": "2002-08-11", "Group 6 - Trip to Rome": "Trip to Rome, 2002-08-11"}
    assert "  Group 3/  (the group “2002-08-11”)  3 photos" in plan_text(plan).splitlines()
    # With -v, each photo under its folder (a new-user review: which file goes where was
    # only in --json).
    lines = plan_text(plan, each=True).splitlines()
    at = lines.index("  Group 3/  (the group “2002-08-11”)  3 photos")
    assert lines[at + 1 : at + 4] == [f"      {p.path}" for p in groups[0].photos]
    assert "(-v lists each photo under its folder)" in plan_text(plan).splitlines()


def test_undo_of_an_organize_is_one_step_and_takes_away_the_folders_it_made(shoot) -> None:
    lib, catalog = shoot
    before, before_folders = tree(lib), folders(lib)
    (lib / "sorted" / "mine").mkdir(parents=True)  # the person's own, already there: it stays
    organize(catalog, plan_organize(OrganizeRequest("date", str(lib / "sorted")), catalog.photos()))
    assert tree(lib) != before and (lib / "sorted" / "2023").is_dir()
    undoing.undo(catalog)
    assert tree(lib) == before
    assert folders(lib) == sorted([*before_folders, "sorted", "sorted/mine"])
    with pytest.raises(NothingToUndo):
        undoing.undo(catalog)


def test_every_moved_photo_keeps_its_catalog_row(shoot) -> None:
    lib, catalog = shoot
    fingerprints = sorted(p.fingerprint for p in catalog.photos())
    organize(catalog, plan_organize(OrganizeRequest("date", str(lib)), catalog.photos()))
    assert sorted(p.fingerprint for p in catalog.photos()) == fingerprints
    assert all(os.path.exists(p.path) for p in catalog.photos())
    assert Action.MOVE.value == catalog.batches()[0][0].action


def test_organize_leaves_an_exact_copy_where_it_is_instead_of_numbering_it_beside_the_other(
    four_photos: Path,
) -> None:
    """A new-user review: organizing by date made pool.jpg and pool (1).jpg side by side, the
    same bytes, and skagen (1).jpg, skagen (2).jpg; the plan said only "1 name taken"."""
    from photoorg.cli.organize import plan_text
    from photoorg.core.library import Library
    from photoorg.core.paths import locations

    a = four_photos / "a"
    backup = four_photos / "phone_backup"
    backup.mkdir()
    (backup / "p0.jpg").write_bytes((a / "p0.jpg").read_bytes())  # an exact copy
    (backup / "p1.jpg").write_bytes((a / "p2.jpg").read_bytes() + b"\0")  # another photo of p1's name
    for p in [*a.iterdir(), *backup.iterdir()]:
        os.utime(p, (1_600_000_000, 1_600_000_000))  # all of one day, by their file's date
    sorted_ = four_photos / "sorted"
    with Library(locations()) as library:
        library.scan()
        plan = library.organize_plan(OrganizeRequest("date", str(sorted_), file_date=True))
        stays = {os.path.relpath(p.photo.path, four_photos): p.note for p in plan.photos if not p.moves}
        assert stays == {os.path.join("phone_backup", "p0.jpg"): "an exact copy there"}
        assert (
            "1 photo stays where it is (phone_backup/p0.jpg): an exact copy of it is there already or goes "
            "there in this plan ('photoorg duplicates' offers it for clean-up)" in plan_text(plan)
        )
        listed = plan_text(plan, each=True)  # -v names each photo that stays for a copy
        assert f"      {backup / 'p0.jpg'}" in listed.split("stays where it is (")[1]
        outcome, _ = library.organize(plan)
    placed = sorted(p.name for p in sorted_.rglob("*.jpg"))
    assert placed == ["p0.jpg", "p1 (1).jpg", "p1.jpg", "p2.jpg", "p3.jpg"]  # different bytes: numbered
    assert (backup / "p0.jpg").exists() and outcome.photos_done == 5


def test_a_name_a_template_makes_leaves_room_for_the_sidecar_s_name(four_photos: Path) -> None:
    """A hostile review: a template name of a long CJK photo fitted and its Takeout JSON's did
    not: the photo moved, the JSON stayed behind."""
    from photoorg.core.library import Library
    from photoorg.core.paths import locations

    a, dest = four_photos / "a", four_photos / "sorted"
    long_name = "写真" * 37 + ".jpg"  # 226 bytes; its JSON 253, 262 once named "… - a copy"
    (a / long_name).write_bytes((a / "p3.jpg").read_bytes() + b"\0")  # another photo
    (a / f"{long_name}.supplemental-metadata.json").write_text("{}")
    with Library(locations()) as library:
        library.scan()
        template = "{year}/{year}-{month}/{name} - a copy"
        outcome, _ = library.organize(
            library.organize_plan(OrganizeRequest("date", str(dest), template, file_date=True))
        )
        assert not outcome.failed
    placed = [p.name for p in dest.rglob("*") if p.name.startswith("写真")]
    photo = next(n for n in placed if n.endswith(".jpg"))
    assert sorted(placed) == sorted([photo, f"{photo}.supplemental-metadata.json"])
    assert len(f"{photo}.supplemental-metadata.json".encode()) <= 255 and not list(a.glob("写真*"))


def test_organize_passes_over_a_stray_sidecar_and_a_link_at_a_photo_s_place(four_photos: Path) -> None:
    """A hostile review: a photo organized beside a stray p1.jpg.xmp took it for its own (and its
    date); a link to the photo itself at its place there was "an exact copy there"."""
    from photoorg.core.library import Library
    from photoorg.core.paths import locations

    a, dest = four_photos / "a", four_photos / "sorted"
    for p in a.iterdir():
        os.utime(p, (1_600_000_000, 1_600_000_000))
    month = dest / "2020" / "2020-09"
    month.mkdir(parents=True)
    (month / "p1.jpg.xmp").write_bytes(b"a stray sidecar: some other photo's")
    (month / "p2.jpg").symlink_to(a / "p2.jpg")  # a link to the photo itself
    with Library(locations()) as library:
        library.scan()
        plan = library.organize_plan(OrganizeRequest("date", str(dest), file_date=True))
        assert not [p for p in plan.photos if p.note == "an exact copy there"]
        outcome, _ = library.organize(plan)
        assert not outcome.failed and outcome.photos_done == 4
    placed = sorted(p.name for p in month.iterdir())
    assert placed == ["p0.jpg", "p1 (1).jpg", "p1.jpg.xmp", "p2 (1).jpg", "p2.jpg", "p3.jpg"]
    assert (month / "p1.jpg.xmp").read_bytes() == b"a stray sidecar: some other photo's"
    assert (month / "p2 (1).jpg").is_file() and not (month / "p2 (1).jpg").is_symlink()


def test_an_import_brings_the_raw_or_video_of_a_photo_the_library_has(shoot, tmp_path) -> None:
    """A hostile review: the card's JPEG was in the library already, and the plan left it out
    with its RAW and its Live Photo video, which the library did not have ("the library has it
    already"); wiping the card then lost them."""
    from tests.rawfactory import make_dng

    lib, catalog = shoot
    card = tmp_path / "card" / "DCIM"
    card.mkdir(parents=True)
    have = (lib / "inbox" / "IMG_0001.jpg").read_bytes()
    (card / "IMG_1.JPG").write_bytes(have)  # the library has it
    (card / "IMG_1.MOV").write_bytes(os.urandom(4000))  # its video: the library has none
    (card / "IMG_3.JPG").write_bytes((lib / "inbox" / "live.jpg").read_bytes())
    with Image.open(card / "IMG_3.JPG") as shot:
        make_dng(card / "IMG_3.DNG", shot.convert("RGB").resize((96, 72)))  # its RAW, new
    run_scan([card], catalog, Embedder(str(tmp_path / "none")))
    on_card = catalog.photos(under=[str(card)])
    assert {os.path.basename(p.path) for p in on_card} == {"IMG_1.JPG", "IMG_1.MOV", "IMG_3.JPG", "IMG_3.DNG"}
    in_library = {p.fingerprint: p.path for p in catalog.photos(under=[str(lib)])}
    plan = plan_organize(
        OrganizeRequest("date", str(lib / "imported"), copy=True, file_date=True),
        on_card,
        in_library=in_library,
    )
    assert plan.count("already in the library") == 2
    coming = sorted(os.path.basename(p.photo.path) for p in plan.moving())
    assert coming == ["IMG_1.MOV", "IMG_3.DNG"]
    # The video has no date of its own: it goes by its still's (the same moment; a second
    # hostile review found it in the month of the copy, apart from its still).
    [video] = [p for p in plan.moving() if p.photo.path.endswith("IMG_1.MOV")]
    assert video.folder == "2023/2023-05" and video.dated_by == "taken"
    organize(catalog, plan)
    brought = {p.name: p.read_bytes() for p in (lib / "imported").rglob("*") if p.is_file()}
    assert brought["IMG_1.MOV"] == (card / "IMG_1.MOV").read_bytes()
    assert brought["IMG_3.DNG"] == (card / "IMG_3.DNG").read_bytes()
    assert len(list(card.iterdir())) == 4  # a copy: the card as it was


def test_an_import_says_the_sidecars_of_the_photos_it_leaves_out_stay(shoot, tmp_path) -> None:
    """A review: the card's edited IMG_1.JPG.xmp stayed on the card with its photo (the library
    has the photo) without a word; wiping the card lost the edits. The RAW's sidecar that comes
    with the card's new RAW is not said to stay."""
    from photoorg.core.organize_places import sidecars_left_out
    from tests.rawfactory import make_dng

    lib, catalog = shoot
    card = tmp_path / "card" / "DCIM"
    card.mkdir(parents=True)
    (card / "IMG_1.JPG").write_bytes((lib / "inbox" / "IMG_0001.jpg").read_bytes())  # the library has it
    (card / "IMG_1.JPG.xmp").write_text("<x:xmpmeta>edited</x:xmpmeta>")
    (card / "IMG_3.JPG").write_bytes((lib / "inbox" / "live.jpg").read_bytes())  # that too
    with Image.open(card / "IMG_3.JPG") as shot:
        make_dng(card / "IMG_3.DNG", shot.convert("RGB").resize((96, 72)))  # its RAW, new
    (card / "IMG_3.xmp").write_text("<x:xmpmeta>the RAW's</x:xmpmeta>")
    run_scan([card], catalog, Embedder(str(tmp_path / "none")))
    in_library = {p.fingerprint: p.path for p in catalog.photos(under=[str(lib)])}
    request = OrganizeRequest("date", str(lib / "imported"), copy=True)
    plan = plan_organize(request, catalog.photos(under=[str(card)]), in_library=in_library)
    [raw] = plan.moving()
    assert [os.path.basename(c) for c, _ in raw.companions] == ["IMG_3.xmp"]
    assert sidecars_left_out(plan) == (
        "; 1 sidecar (edits, keywords, dates) with them stays where it is, not beside the library's copies"
    )
    # Moved off the card, the RAW leaves the sidecar its JPEG, which stays, shares: said too (a
    # hostile review); and with a video of the shot coming as well, the sidecar goes once.
    (card / "IMG_3.MOV").write_bytes(os.urandom(3000))
    run_scan([card], catalog, Embedder(str(tmp_path / "none")))
    on_card = catalog.photos(under=[str(card)])
    moved = plan_organize(OrganizeRequest("date", str(lib / "imported")), on_card, in_library=in_library)
    assert sorted(os.path.basename(p.photo.path) for p in moved.moving()) == ["IMG_3.DNG", "IMG_3.MOV"]
    assert not [c for p in moved.moving() for c, _ in p.companions if c.endswith(".xmp")]
    assert sidecars_left_out(moved).startswith("; 2 sidecars (edits, keywords, dates) with them stay")
    copied = plan_organize(request, on_card, in_library=in_library)
    assert [c for p in copied.moving() for c, _ in p.companions] == [str(card / "IMG_3.xmp")]


def test_of_exact_copies_the_original_goes_and_the_copies_stay(tmp_path) -> None:
    """A new-user review: organize moved 'Pictures - Copy/donna.jpg' and 'no_place/donna (1).jpg'
    side by side into 2005/2005-12, and left the original 'no_place/donna.jpg' where it was, "the
    same bytes are where it goes already"."""
    lib = tmp_path / "lib"
    original = dated(lib / "no_place" / "donna.jpg", 7, "2005:12:24 18:00:00")
    for copy in (lib / "Pictures - Copy" / "donna.jpg", lib / "no_place" / "donna (1).jpg"):
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(original.read_bytes())
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    run_scan([lib], catalog, Embedder(str(tmp_path / "none")))
    plan = plan_organize(OrganizeRequest("date", str(lib)), catalog.photos(), sources=[str(lib)])
    assert [p.photo.path for p in plan.moving()] == [str(original)]
    assert plan.count("an exact copy there") == 2
    catalog.close()
