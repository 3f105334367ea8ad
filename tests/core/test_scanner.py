from __future__ import annotations

import os
from pathlib import Path

from photoorg.core.scanner import excluded, scan


def touch(path: Path, data: bytes = b"x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def names(root: Path, **kw: object) -> list[str]:
    return [os.path.relpath(r.path, root) for r in scan([root], **kw)]


def test_finds_photo_and_video_extensions_case_insensitively(tmp_path: Path) -> None:
    for name in [
        "a.JPG",
        "b.jpeg",
        "c.Png",
        "d.webp",
        "e.HEIC",
        "f.heif",
        "g.avif",
        "h.tif",
        "i.TIFF",
        "j.bmp",
        "k.gif",
        "notes.txt",
        "movie.mp4",
        "raw.xmp",
    ]:
        touch(tmp_path / name)
    assert names(tmp_path) == [
        "a.JPG",
        "b.jpeg",
        "c.Png",
        "d.webp",
        "e.HEIC",
        "f.heif",
        "g.avif",
        "h.tif",
        "i.TIFF",
        "j.bmp",
        "k.gif",
        "movie.mp4",  # videos are catalogued too (organized by date, not embedded)
    ]


def test_records_size_and_mtime(tmp_path: Path) -> None:
    p = touch(tmp_path / "a.jpg", b"12345")
    os.utime(p, ns=(1_600_000_000_000_000_000, 1_600_000_000_123_456_789))
    [rec] = scan([tmp_path])
    assert (rec.size, rec.mtime_ns) == (5, 1_600_000_000_123_456_789)


def test_skips_hidden_folders_and_trash(tmp_path: Path) -> None:
    touch(tmp_path / "keep" / "a.jpg")
    touch(tmp_path / ".hidden" / "b.jpg")
    touch(tmp_path / ".Trash-1000" / "files" / "c.jpg")
    touch(tmp_path / "$RECYCLE.BIN" / "d.jpg")
    touch(tmp_path / "@eaDir" / "e.jpg")
    assert names(tmp_path) == [os.path.join("keep", "a.jpg")]


def test_symlink_loops_end_and_files_are_listed_once(tmp_path: Path) -> None:
    touch(tmp_path / "a" / "x.jpg")
    os.symlink(tmp_path, tmp_path / "a" / "loop")  # a -> root -> a -> ...
    os.symlink(tmp_path / "a", tmp_path / "b")  # second way into the same folder
    os.symlink(tmp_path / "a" / "x.jpg", tmp_path / "x-link.jpg")
    found = names(tmp_path)
    assert len(found) == 1


def test_a_photo_in_a_linked_folder_is_known_by_its_own_name(tmp_path: Path) -> None:
    """Found by a hostile review: a link "L" to the library's folder "a" sorted first, so every
    photo of "a" was catalogued as "L/...", and a clean-up planned by the link's names. A linked
    folder is walked last, as a linked file is; one with photos nowhere else is still found."""
    touch(tmp_path / "a" / "x.jpg")
    os.symlink(tmp_path / "a", tmp_path / "L")
    elsewhere = tmp_path.parent / f"{tmp_path.name}-outside"
    touch(elsewhere / "y.jpg")
    os.symlink(elsewhere, tmp_path / "B-link")
    assert names(tmp_path) == [os.path.join("a", "x.jpg"), os.path.join("B-link", "y.jpg")]


def test_exclude_patterns_match_names_and_paths(tmp_path: Path) -> None:
    touch(tmp_path / "a.jpg")
    touch(tmp_path / "thumbs" / "b.jpg")
    touch(tmp_path / "c_small.jpg")
    assert names(tmp_path, exclude=["thumbs", "*_small.jpg"]) == ["a.jpg"]
    assert names(tmp_path, exclude=[str(tmp_path / "thumbs")]) == ["a.jpg", "c_small.jpg"]


def test_a_pattern_with_a_slash_matches_below_any_folder_of_the_library(tmp_path: Path) -> None:
    """The README's own example, "Thumbs/*", matched nothing: a name has no slash and a full
    path starts with one. It matches from any folder below the root now, and never the
    folders above it (a library inside a folder called Thumbs is not excluded whole)."""
    root = tmp_path / "Thumbs" / "Pictures"
    touch(root / "a.jpg")
    touch(root / "Thumbs" / "b.jpg")
    touch(root / "2020" / "Thumbs" / "c.jpg")
    touch(root / "2020" / "MyThumbs" / "d.jpg")
    touch(root / "trip" / "raw" / "e.jpg")
    assert names(root, exclude=["Thumbs/*", "trip/raw/*"]) == ["a.jpg", "2020/MyThumbs/d.jpg"]
    assert excluded(str(root / "2020" / "Thumbs" / "c.jpg"), str(root), ["Thumbs/*"])
    assert not excluded(str(root / "a.jpg"), str(root), ["Thumbs/*"])


def test_missing_root_is_reported_not_fatal(tmp_path: Path) -> None:
    touch(tmp_path / "a.jpg")
    errors: list[tuple[str, str]] = []
    found = list(scan([tmp_path / "nope", tmp_path], on_error=lambda p, r: errors.append((p, r))))
    assert len(found) == 1
    assert errors and errors[0][0].endswith("nope")


def test_dangling_symlink_is_reported(tmp_path: Path) -> None:
    os.symlink(tmp_path / "gone.jpg", tmp_path / "dangling.jpg")
    errors: list[tuple[str, str]] = []
    assert list(scan([tmp_path], on_error=lambda p, r: errors.append((p, r)))) == []
    assert [os.path.basename(p) for p, _ in errors] == ["dangling.jpg"]
    assert errors[0][1] == f"a broken link: it points to {tmp_path / 'gone.jpg'}, which is not there"


def test_a_photo_removed_while_its_folder_is_listed_is_no_problem(tmp_path: Path, monkeypatch) -> None:
    """Another program moves photos away while the folder is listed: what went is not there,
    which is not a problem to report (a hostile review saw false "No such file" failures)."""
    import photoorg.core.scanner as scanner

    touch(tmp_path / "a.jpg")
    touch(tmp_path / "b.jpg")
    touch(tmp_path / "sub" / "c.jpg")
    real = os.scandir

    class MovedMeanwhile:  # the listing, then b.jpg and sub/ go before they are looked at
        def __init__(self, folder: str) -> None:
            self.entries = list(real(folder))
            if folder == str(tmp_path):
                os.remove(tmp_path / "b.jpg")
                os.rename(tmp_path / "sub", tmp_path.parent / f"{tmp_path.name}-elsewhere")

        def __enter__(self):
            return iter(self.entries)

        def __exit__(self, *exc: object) -> None:
            pass

    monkeypatch.setattr(scanner.os, "scandir", MovedMeanwhile)
    errors: list[tuple[str, str]] = []
    assert names(tmp_path, on_error=lambda p, r: errors.append((p, r))) == ["a.jpg"]
    assert errors == []


def test_a_trash_inside_a_library_folder_is_not_listed(tmp_path: Path) -> None:
    """Found by a review: with ~/.local/share as a library folder, the trashed photos in
    Trash/files were catalogued and proposed as duplicates of their originals."""
    (tmp_path / "Trash" / "files").mkdir(parents=True)
    (tmp_path / "Trash" / "info").mkdir()
    (tmp_path / "Trash" / "files" / "gone.jpg").write_bytes(b"x")
    (tmp_path / "Trash" / "info" / "gone.jpg.trashinfo").write_text("[Trash Info]")
    (tmp_path / "photos" / "Trash").mkdir(parents=True)  # a folder of that name, no trash
    (tmp_path / "photos" / "Trash" / "bin.jpg").write_bytes(b"x")
    found = [os.path.relpath(r.path, tmp_path) for r in scan([tmp_path])]
    assert found == [os.path.join("photos", "Trash", "bin.jpg")]
