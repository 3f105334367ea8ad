"""Undo of a trash on Windows and macOS, checked on any system against trash folders in tmp_path.

The Recycle Bin files are written here from the documented ``$I`` layout (not with the parser
under test); only the lookups of where the bins are on disk are pointed at tmp_path.
"""

from __future__ import annotations

import os
import struct
import time
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from photoorg.core import mac_trash, recovery, trash
from photoorg.core import recycle_bin as windows_bin
from photoorg.core import undo as undoing
from photoorg.core.catalog import Catalog, FileRow, fingerprint
from photoorg.core.mac_trash import find_in_mac_trash
from photoorg.core.paths import locations
from photoorg.core.recycle_bin import find_in_recycle_bin, parse_recycle_info
from photoorg.core.trash import Trashed

MY_SID = "S-1-5-21-1004336348-1177238915-682003330-1001"
OTHER_SID = "S-1-5-21-1004336348-1177238915-682003330-1002"
PHOTO = "C:\\Users\\Zoë\\Pictures\\Été 2023\\写真 🌅.jpg"


def filetime(when: datetime) -> int:
    """100-nanosecond intervals since 1601-01-01 UTC."""
    return (when - datetime(1601, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1) * 10


def info_bytes(original: str, size: int, deleted: datetime, version: int) -> bytes:
    """A Recycle Bin ``$I`` file as Windows writes it (version 1: Vista/7, 2: Windows 10+)."""
    header = struct.pack("<qqq", version, size, filetime(deleted))
    path = original.encode("utf-16-le")
    if version == 1:
        assert len(path) <= 518, "version 1 holds at most 259 characters and a NUL"
        return header + path.ljust(520, b"\0")
    chars = len(path) // 2 + 1  # UTF-16 code units, the final NUL included
    return header + struct.pack("<I", chars) + path + b"\0\0"


def put_in_bin(
    sid_folder: Path,
    item: str,
    original: str,
    data: bytes,
    deleted: datetime,
    version: int = 2,
    size: int | None = None,
) -> tuple[Path, Path]:
    """What Windows does when it recycles a file: a ``$R`` data file and its ``$I`` record."""
    sid_folder.mkdir(parents=True, exist_ok=True)
    ext = os.path.splitext(original.replace("\\", "/"))[1]
    r_file, i_file = sid_folder / f"$R{item}{ext}", sid_folder / f"$I{item}{ext}"
    r_file.write_bytes(data)
    i_file.write_bytes(info_bytes(original, len(data) if size is None else size, deleted, version))
    return r_file, i_file


@pytest.fixture
def recycle_bin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A ``$Recycle.Bin`` folder in tmp_path, standing in for the one at the drive's root."""
    root = tmp_path / "C" / "$Recycle.Bin"
    root.mkdir(parents=True)
    monkeypatch.setattr(windows_bin, "_recycle_bin_root", lambda path: root)
    monkeypatch.setattr(windows_bin, "_current_user_sid", lambda: MY_SID)
    return root


T0 = datetime(2024, 5, 17, 9, 30, 12, 345678, tzinfo=UTC)
_FOLDERS = "D:\\" + "\\".join(["Größe"] * 40) + "\\"
MAX_V1_PATH = _FOLDERS + "ä" * (259 - len(_FOLDERS) - 4) + ".png"  # the most version 1 holds


# --- Windows -----------------------------------------------------------------------------------


@pytest.mark.parametrize("version", [1, 2])
@pytest.mark.parametrize(
    "original",
    [
        PHOTO,
        MAX_V1_PATH,
        "\\\\nas\\photos\\Ünïcödé\\𝄞 scan.tif",
    ],
    ids=["non-ascii", "longest-version-1", "unc-astral"],
)
def test_recycle_info_reads_what_windows_writes(original: str, version: int) -> None:
    assert len(original) <= 259
    info = parse_recycle_info(info_bytes(original, 123_456_789_012, T0, version))
    assert (info.original, info.size, info.deleted) == (original, 123_456_789_012, T0)


def test_recycle_info_version_2_keeps_paths_longer_than_max_path() -> None:
    long_path = "C:\\Fotos\\" + "\\".join(f"Ordner {i} – Größe" for i in range(60)) + "\\Bild.heic"
    assert len(long_path) > 1000
    info = parse_recycle_info(info_bytes(long_path, 42, T0, 2))
    assert info.original == long_path and info.size == 42 and info.deleted == T0


def test_recycle_info_version_1_path_ends_at_its_nul() -> None:
    # The fixed 520-byte field may hold leftovers of a longer path after the terminating NUL.
    data = bytearray(info_bytes("C:\\a.jpg", 7, T0, 1))
    leftover = "C:\\an older, longer name.jpg".encode("utf-16-le")
    data[24 + 18 : 24 + 18 + len(leftover)] = leftover
    assert parse_recycle_info(bytes(data)).original == "C:\\a.jpg"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        info_bytes(PHOTO, 1, T0, 2)[:30],  # cut short inside the path
        info_bytes(PHOTO, 1, T0, 1)[:300],
        struct.pack("<qqq", 3, 1, filetime(T0)) + b"\0" * 520,  # an unknown version
    ],
    ids=["empty", "version-2-cut", "version-1-cut", "unknown-version"],
)
def test_damaged_recycle_info_is_refused(data: bytes) -> None:
    with pytest.raises(ValueError):
        parse_recycle_info(data)


def test_recycle_bin_lookup_takes_the_newest_item_of_that_path_and_size(recycle_bin: Path) -> None:
    mine = recycle_bin / MY_SID
    photo = b"\xff\xd8 the photo that was trashed \xff\xd9"
    put_in_bin(mine, "OLDER1", PHOTO, photo, T0, version=1)
    wanted_r, wanted_i = put_in_bin(mine, "WANTED", PHOTO, photo, T0 + timedelta(minutes=5))
    # Newer, same name, but another file (other size): not ours.
    put_in_bin(mine, "RESIZE", PHOTO, photo + b"more", T0 + timedelta(minutes=9))
    # Newer, same size, another folder.
    put_in_bin(mine, "ELSEWH", PHOTO.replace("Été 2023", "Hiver"), photo, T0 + timedelta(minutes=9))
    # Newer and matching, but its data is gone (emptied from the bin by hand): not usable.
    gone_r, _ = put_in_bin(mine, "EMPTIE", PHOTO, photo, T0 + timedelta(minutes=8))
    gone_r.unlink()
    (mine / "$IBROKEN.jpg").write_bytes(b"\x02\0\0")  # a damaged record is skipped, not fatal
    (mine / "desktop.ini").write_text("[.ShellClassInfo]")

    found = find_in_recycle_bin(PHOTO, len(photo))

    assert found == (str(wanted_r), str(wanted_i))  # the data file and its record


def test_recycle_bin_paths_compare_as_windows_compares_them(recycle_bin: Path) -> None:
    r_file, _ = put_in_bin(recycle_bin / MY_SID, "CASE01", "c:\\USERS\\zoË\\pictures\\img_0001.JPG", b"x", T0)
    for asked in (
        "C:\\Users\\Zoë\\Pictures\\IMG_0001.jpg",
        "C:/Users/Zoë/Pictures/./IMG_0001.jpg",
        "\\\\?\\C:\\Users\\Zoë\\Pictures\\IMG_0001.jpg",
    ):
        found = find_in_recycle_bin(asked, 1)
        assert found is not None and found[0] == str(r_file), asked


def test_recycle_bin_prefers_the_current_users_folder(recycle_bin: Path) -> None:
    photo = b"same bytes"
    other_r, _ = put_in_bin(recycle_bin / OTHER_SID, "THEIRS", PHOTO, photo, T0 + timedelta(hours=1))
    mine_r, _ = put_in_bin(recycle_bin / MY_SID, "MINE01", PHOTO, photo, T0)
    assert find_in_recycle_bin(PHOTO, len(photo))[0] == str(mine_r)
    # When the current user's folder has no such item, another readable one is searched.
    os.unlink(mine_r)
    assert find_in_recycle_bin(PHOTO, len(photo))[0] == str(other_r)


def test_recycle_bin_without_the_item_finds_nothing(recycle_bin: Path) -> None:
    assert find_in_recycle_bin(PHOTO, 10) is None  # empty bin
    put_in_bin(recycle_bin / MY_SID, "OTHER1", PHOTO, b"12345", T0)
    assert find_in_recycle_bin(PHOTO, 10) is None  # same name, other size


def test_restore_from_the_recycle_bin_puts_the_file_back_byte_for_byte(
    recycle_bin: Path, tmp_path: Path
) -> None:
    photo = os.urandom(70_000)
    neighbour_r, neighbour_i = put_in_bin(recycle_bin / MY_SID, "NEIGHB", PHOTO + ".bak", b"n", T0)
    r_file, i_file = put_in_bin(recycle_bin / MY_SID, "ABC123", PHOTO, photo, T0)
    back = tmp_path / "Pictures" / "Été 2023" / "写真 🌅.jpg"

    trash.restore(Trashed(PHOTO, *find_in_recycle_bin(PHOTO, len(photo))), back)

    assert back.read_bytes() == photo
    assert not r_file.exists() and not i_file.exists()  # gone from the Recycle Bin, not left half
    assert neighbour_r.exists() and neighbour_i.exists()


def test_after_a_crash_a_recycled_file_is_found_and_undo_brings_it_back(
    recycle_bin: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(trash, "FREEDESKTOP", False)
    monkeypatch.setattr(trash, "WINDOWS", True)
    source = tmp_path / "library" / "IMG_2041.JPG"
    source.parent.mkdir()
    photo = os.urandom(5000)
    source.write_bytes(photo)
    catalog = Catalog(locations().catalog)
    try:
        batch = catalog.begin_batch("trash", "x")
        catalog.journal_add(batch, "trash", str(source), None, None)
        # Windows recycles the file; photoorg stops before it records where it went.
        r_file, i_file = put_in_bin(recycle_bin / MY_SID, "Q7Z2K1", str(source), photo, T0)
        source.unlink()

        notes = recovery.reconcile(catalog)
        assert notes == [
            f"trash of {source}: completed before photoorg stopped; found in the trash as {r_file.name}"
        ]
        outcome = undoing.undo(catalog, batch)
    finally:
        catalog.close()

    assert not outcome.failed
    assert source.read_bytes() == photo
    assert not r_file.exists() and not i_file.exists()


# --- macOS -------------------------------------------------------------------------------------


def put_in_mac_trash(folder: Path, name: str, data: bytes, mtime_ns: int) -> Path:
    """A file as Finder leaves it in a trash folder: moved, so its mtime kept, ctime now."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    before = max((p.stat().st_ctime_ns for p in folder.iterdir() if p != path), default=0)
    os.utime(path, ns=(mtime_ns, mtime_ns))
    while path.stat().st_ctime_ns <= before:  # later trashed, later changed, on coarse clocks too
        time.sleep(0.002)
        os.utime(path, ns=(mtime_ns, mtime_ns))
    return path


MTIME = 1_700_000_000_123_456_789


def test_mac_trash_lookup_matches_size_and_mtime_among_finders_renamed_copies(tmp_path: Path) -> None:
    folder = tmp_path / ".Trash"
    photo = b"the very photo"
    original = Path("/Users/zoë/Pictures/Été.jpg")
    put_in_mac_trash(folder, "Été.jpg", b"another photo!", MTIME - 10**9)  # same name and size
    put_in_mac_trash(folder, "Été 2.jpg", photo, MTIME)  # an earlier trash of the same file
    put_in_mac_trash(folder, "Été 3.jpg", photo + b"!", MTIME)  # other size
    # Finder's time-stamped name; the name on disk decomposed, as HFS+ gives it back.
    newest = put_in_mac_trash(folder, unicodedata.normalize("NFD", "Été 12.34.56.jpg"), photo, MTIME)
    put_in_mac_trash(folder, "Autre.jpg", photo, MTIME)  # another name entirely
    put_in_mac_trash(folder, "Été 4.png", photo, MTIME)  # another suffix

    assert find_in_mac_trash(original, len(photo), MTIME, [folder]) == str(newest)
    assert find_in_mac_trash(original, len(photo), MTIME + 1, [folder]) is None


def test_mac_trash_lookup_searches_the_volumes_trash_before_the_home_trash(tmp_path: Path) -> None:
    volume_trash, home_trash = tmp_path / "Volumes" / "Card" / ".Trashes" / "501", tmp_path / ".Trash"
    put_in_mac_trash(home_trash, "DSC_0001.NEF", b"raw", MTIME)
    on_volume = put_in_mac_trash(volume_trash, "DSC_0001.NEF", b"raw", MTIME)
    original = Path("/Volumes/Card/DCIM/DSC_0001.NEF")
    assert find_in_mac_trash(original, 3, MTIME, [volume_trash, home_trash]) == str(on_volume)
    assert find_in_mac_trash(original, 3, MTIME, [tmp_path / "missing", home_trash]) == str(
        home_trash / "DSC_0001.NEF"
    )


def test_files_on_the_home_volume_go_to_the_home_trash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    (home / "Pictures").mkdir(parents=True)
    (home / "Pictures" / "a.jpg").write_bytes(b"a")
    monkeypatch.setenv("HOME", str(home))
    assert mac_trash.mac_trashes(home / "Pictures" / "a.jpg") == [home / ".Trash"]


def test_restore_from_a_mac_trash_puts_the_file_back_byte_for_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(trash, "FREEDESKTOP", False)
    monkeypatch.setattr(trash, "WINDOWS", False)
    folder = tmp_path / ".Trash"
    monkeypatch.setattr(trash, "mac_trashes", lambda path: [folder])
    original = tmp_path / "Pictures" / "IMG_0420.HEIC"
    photo = os.urandom(30_000)
    put_in_mac_trash(folder, "IMG_0420.HEIC", b"an older photo of that name", MTIME)
    in_trash = put_in_mac_trash(folder, "IMG_0420 14.02.33.HEIC", photo, MTIME)

    # Without size and mtime the trash cannot tell which file it was: no guess.
    assert trash.find_trashed(original) is None
    found = trash.find_trashed(original, size=len(photo), mtime_ns=MTIME)
    assert found == Trashed(str(original), str(in_trash))

    trash.restore(found, original)

    assert original.read_bytes() == photo and original.stat().st_mtime_ns == MTIME
    assert not in_trash.exists() and (folder / "IMG_0420.HEIC").exists()


def test_after_a_crash_a_file_in_the_mac_trash_is_found_by_its_saved_size_and_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(trash, "FREEDESKTOP", False)
    monkeypatch.setattr(trash, "WINDOWS", False)
    folder = tmp_path / ".Trash"
    monkeypatch.setattr(trash, "mac_trashes", lambda path: [folder])
    source = tmp_path / "library" / "IMG_0420.HEIC"
    source.parent.mkdir()
    photo = os.urandom(7000)
    row = FileRow(str(source), len(photo), MTIME, fingerprint(photo))
    catalog = Catalog(locations().catalog)
    try:
        batch = catalog.begin_batch("trash", "x")
        catalog.journal_add(batch, "trash", str(source), None, row)
        # Finder took the file; photoorg stopped before it recorded where it went.
        put_in_mac_trash(folder, "IMG_0420.HEIC", b"another photo once called that", MTIME)
        in_trash = put_in_mac_trash(folder, "IMG_0420 09.12.44.HEIC", photo, MTIME)

        notes = recovery.reconcile(catalog)
        assert notes == [
            f"trash of {source}: completed before photoorg stopped; found in the trash as {in_trash.name}"
        ]
        outcome = undoing.undo(catalog, batch)
    finally:
        catalog.close()

    assert not outcome.failed
    assert source.read_bytes() == photo
    assert not in_trash.exists()


@pytest.mark.parametrize(
    ("path", "drive_type", "covered"),
    [
        ("C:\\Users\\ann\\Pictures\\a.jpg", 3, True),  # a fixed disk
        ("E:\\DCIM\\a.jpg", 2, True),  # a removable card
        ("Z:\\photos\\a.jpg", 4, False),  # a mapped network drive
        ("\\\\nas\\photos\\a.jpg", 3, False),  # a UNC share
        ("\\\\?\\UNC\\nas\\photos\\a.jpg", 3, False),
    ],
)
def test_files_windows_would_delete_for_good_are_not_sent_there(path, drive_type, covered) -> None:
    assert windows_bin.recycle_bin_covers(path, drive_type) is covered
