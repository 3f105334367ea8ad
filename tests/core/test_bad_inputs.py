"""A corpus of bad and unusual inputs: every scan completes, and every file is either embedded
correctly or listed with a clear reason."""

from __future__ import annotations

import io
import os
import shutil
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from photoorg.core.catalog import Catalog
from photoorg.core.embedder import Embedder
from photoorg.core.paths import locations
from photoorg.core.pipeline import STAGE_EMBED, run_scan
from photoorg.core.progress import Progress
from tests.conftest import DATA, make_photo


def _png_with_bad_exif(path: Path) -> None:
    """A valid PNG whose eXIf chunk is garbage."""
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 200, 30)).save(buf, "PNG")
    data = buf.getvalue()
    body = b"MM\x00\x2a\xff\xff\xff\xff garbage"
    chunk = struct.pack(">I", len(body)) + b"eXIf" + body
    chunk += struct.pack(">I", zlib.crc32(b"eXIf" + body) & 0xFFFFFFFF)
    iend = data.rindex(b"IEND") - 4
    path.write_bytes(data[:iend] + chunk + data[iend:])


def build_corpus(root: Path) -> dict[str, str]:
    """Write the corpus; returns {file name: 'ok' or a word its failure reason must contain}."""
    root.mkdir(parents=True)
    expect: dict[str, str] = {}
    rocket = (DATA / "rocket.jpg").read_bytes()

    (root / "truncated.jpg").write_bytes(rocket[: len(rocket) // 2])
    expect["truncated.jpg"] = "truncated"
    # Cut right after its headers, damaged inside, a WebP cut in half: each said in words, not
    # the decoder's (a review: "cannot decode: Truncated File Read").
    (root / "headers_only.jpg").write_bytes(rocket[:200])
    expect["headers_only.jpg"] = "the file is truncated or damaged"
    damaged = bytearray(rocket)
    damaged[2000::97] = b"\xff" * len(damaged[2000::97])  # stray markers
    (root / "damaged.jpg").write_bytes(bytes(damaged))
    expect["damaged.jpg"] = "the image data is damaged"
    webp = io.BytesIO()
    Image.open(DATA / "rocket.jpg").save(webp, "WEBP")
    (root / "truncated.webp").write_bytes(webp.getvalue()[: len(webp.getvalue()) // 2])
    expect["truncated.webp"] = "the file is truncated or damaged"
    (root / "empty.jpg").write_bytes(b"")
    expect["empty.jpg"] = "empty"
    (root / "notes.jpg").write_text("not a photo at all\n")
    expect["notes.jpg"] = "not a photo"
    Image.new("1", (20_000, 20_000)).save(root / "bomb.png")
    expect["bomb.png"] = "too large"
    Image.new("RGB", (1, 1), (255, 0, 0)).save(root / "one_pixel.png")
    expect["one_pixel.png"] = "ok"
    Image.new("CMYK", (80, 60), (0, 200, 200, 0)).save(root / "cmyk.jpg")
    expect["cmyk.jpg"] = "ok"
    Image.fromarray(np.linspace(0, 65535, 80 * 60, dtype=np.uint16).reshape(60, 80)).save(root / "16bit.png")
    expect["16bit.png"] = "ok"
    pal = Image.new("P", (64, 64), 1)
    pal.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    pal.save(root / "palette_transparent.png", transparency=0)
    expect["palette_transparent.png"] = "ok"
    frames = [Image.new("RGB", (50, 40), c) for c in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    frames[0].save(root / "animated.gif", save_all=True, append_images=frames[1:], duration=100)
    expect["animated.gif"] = "ok"
    frames[0].save(root / "animated.webp", save_all=True, append_images=frames[1:], duration=100)
    expect["animated.webp"] = "ok"
    _png_with_bad_exif(root / "corrupt_exif.png")
    expect["corrupt_exif.png"] = "ok"
    for orientation in range(1, 9):
        exif = Image.Exif()
        exif[0x0112] = orientation
        make_photo(root / f"orientation_{orientation}.jpg", seed=orientation, exif=exif)
        expect[f"orientation_{orientation}.jpg"] = "ok"
    Image.new("RGB", (30_000, 1_000), (90, 120, 200)).save(root / "panorama.jpg", quality=70)
    expect["panorama.jpg"] = "ok"
    os.symlink(root, root / "loop")  # a folder that contains itself
    name = os.fsdecode(b"caf\xe9_latin1.jpg")  # a name that is not valid UTF-8
    make_photo(root / name, seed=50)
    expect[name] = "ok"
    make_photo(root / "deleted_before_decode.jpg", seed=51)
    expect["deleted_before_decode.jpg"] = "vanished"  # gone: not a problem, not in the catalog
    return expect


@pytest.fixture
def catalog(photoorg_home: Path):
    with Catalog(locations().catalog) as cat:
        yield cat


def test_every_bad_input_is_embedded_or_explained(tmp_path, catalog, tiny_model) -> None:
    root = tmp_path / "corpus"
    expect = build_corpus(root)

    def delete_one(p: Progress) -> None:  # a file removed between listing and reading
        if p.stage == STAGE_EMBED and p.done == 0:
            (root / "deleted_before_decode.jpg").unlink(missing_ok=True)

    summary = run_scan(
        [root], catalog, Embedder(str(tiny_model), device="cpu"), progress=Progress(on_change=delete_one)
    )
    assert not summary.cancelled and summary.ok
    failed = {Path(f.path).name: f.reason for f in summary.failures}
    embedded = {Path(p).name for p in catalog.vectors(catalog.models()[0].id)[0]}
    catalogued = {Path(path).name for path in catalog.file_states()}
    for name, outcome in expect.items():
        if outcome == "vanished":
            assert name not in failed and name not in catalogued
        elif outcome == "ok":
            assert name in embedded, f"{name} should be embedded, failed with {failed.get(name)}"
        else:
            assert name in failed, f"{name} should be listed as failed"
            assert outcome in failed[name], f"{name}: {failed[name]!r} lacks {outcome!r}"
    assert set(failed) == {n for n, o in expect.items() if o not in ("ok", "vanished")}
    assert summary.vanished == 1
    assert summary.seen == len(expect)  # the symlink loop added nothing


def test_rotated_copies_share_size_and_vector_direction(tmp_path, catalog, tiny_model) -> None:
    root = tmp_path / "rot"
    upright = Image.open(make_photo(tmp_path / "u.png", seed=8, size=(300, 200))).convert("RGB")
    root.mkdir()
    upright.save(root / "upright.png")
    exif = Image.Exif()
    exif[0x0112] = 8  # "rotate 90 counter-clockwise to view": stored turned clockwise
    upright.transpose(Image.Transpose.ROTATE_270).save(root / "rotated.png", exif=exif)
    run_scan([root], catalog, Embedder(str(tiny_model), device="cpu"))
    _paths, vectors = catalog.vectors(catalog.models()[0].id)
    rows = {Path(p.path).name: p for p in catalog.photos()}
    assert (rows["rotated.png"].width, rows["rotated.png"].height) == (300, 200)
    assert float(vectors[0] @ vectors[1]) > 0.9999


def _scan_as_ordinary_user(library: Path, catalog_path: Path) -> dict[str, str]:
    """Scan (no model needed) as a user that file permissions apply to; {name: reason}."""
    import json
    import tempfile

    def scan() -> dict[str, str]:
        with Catalog(catalog_path) as cat:
            summary = run_scan([library], cat, Embedder(str(library / "no-model")))
        return {Path(f.path).name: f.reason for f in summary.failures}

    if os.geteuid() != 0:
        return scan()
    # Root reads everything: run the scan in a child that drops to "nobody".
    fd, out = tempfile.mkstemp(dir=catalog_path.parent)
    os.close(fd)
    os.chmod(out, 0o666)
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        code = 1
        try:
            os.setgid(65534)
            os.setuid(65534)
            Path(out).write_text(json.dumps(scan()))
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    return json.loads(Path(out).read_text())


def test_unreadable_file_and_folder_are_listed_with_a_reason() -> None:
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="photoorg-perm-", dir="/tmp"))
    try:
        os.chmod(base, 0o777)
        library = base / "lib"
        make_photo(library / "fine.jpg", seed=1)
        make_photo(library / "locked.jpg", seed=2)
        make_photo(library / "private" / "inside.jpg", seed=3)
        os.chmod(library, 0o755)
        os.chmod(library / "fine.jpg", 0o644)
        os.chmod(library / "locked.jpg", 0o000)
        os.chmod(library / "private", 0o000)
        failed = _scan_as_ordinary_user(library, base / "catalog.sqlite3")
        assert "permission denied" in failed["locked.jpg"].lower()
        assert "private" in failed and "permission" in failed["private"].lower()
        assert "fine.jpg" not in failed
    finally:
        for p in (base / "lib" / "private", base / "lib" / "locked.jpg"):
            if p.exists():
                os.chmod(p, 0o755)
        shutil.rmtree(base, ignore_errors=True)


def test_photo_changing_while_read_is_reported_then_read_next_time(
    tmp_path, catalog, tiny_model, monkeypatch
) -> None:
    """A photo still being written (a camera import) changes between our two looks at it."""
    root = tmp_path / "import"
    make_photo(root / "steady.jpg", seed=1)
    busy = make_photo(root / "being_written.jpg", seed=2)
    busy_inode = busy.stat().st_ino
    real_fstat = os.fstat
    looks: dict[int, int] = {}

    def fstat_while_writing(fd: int) -> os.stat_result:
        st = real_fstat(fd)
        if st.st_ino != busy_inode:
            return st
        looks[fd] = looks.get(fd, 0) + 1
        if looks[fd] % 2 == 0:  # the second look, after reading: the writer has appended
            fields = list(st)
            fields[6] += 4096  # st_size
            return os.stat_result(fields)
        return st

    with monkeypatch.context() as patch:
        patch.setattr(os, "fstat", fstat_while_writing)
        summary = run_scan([root], catalog, Embedder(str(tiny_model), device="cpu"))
    assert [(Path(f.path).name, f.reason) for f in summary.failures] == [
        ("being_written.jpg", "the file changed while it was being read; it is read again next scan")
    ]
    again = run_scan([root], catalog, Embedder(str(tiny_model), device="cpu"))
    assert again.failures == [] and again.embedded == 1


def test_a_photo_dated_past_the_year_2262_is_catalogued_rescanned_and_trashed(tmp_path: Path) -> None:
    """Found by a review: a file time past 2262 (nanoseconds past 64 bits) made every scan
    fail with "OverflowError: Python int too large to convert to SQLite INTEGER", and every
    command that brings the catalog up to date with it."""
    from photoorg.core import actions
    from photoorg.core.actions import Action

    root = tmp_path / "lib"
    far = make_photo(root / "far.jpg", seed=1)
    make_photo(root / "near.jpg", seed=2)
    try:
        os.utime(far, ns=(300_000_000_000 * 10**9, 300_000_000_000 * 10**9))
    except (OverflowError, OSError):
        pytest.skip("this file system cannot date a file so far")
    if far.stat().st_mtime_ns < 2**63:
        pytest.skip("this file system caps file times below 2262")
    with Catalog(tmp_path / "c.sqlite3") as catalog:
        first = run_scan([root], catalog, Embedder(str(tmp_path / "none")))
        assert first.seen == 2 and not first.failures
        assert catalog.file_row(str(far)).mtime_ns == 2**63 - 1  # as late as the catalog can say
        again = run_scan([root], catalog, Embedder(str(tmp_path / "none")))
        assert again.seen == 2 and not again.failures
        steps = actions.plan(catalog, Action.TRASH, [str(far)])
        assert [s.skip for s in steps] == [None]
        done = actions.execute(catalog, Action.TRASH, steps, "trash 1 photo")
        assert len(done.done) == 1 and not far.exists()
