"""Camera RAW files: read through LibRaw (rawpy) from DNGs written by tests/rawfactory.py.

No test here skips: rawpy is a dependency of photoorg, and the DNGs are checked to be files
LibRaw itself reads (not only photoorg's reading of them)."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import rawpy
from PIL import Image

from photoorg.core import imaging, pixel_hashes
from photoorg.core.catalog import Catalog, PhotoInfo
from photoorg.core.duplicates import DuplicateSettings, Verdict, find_duplicates
from photoorg.core.embedder import Embedder
from photoorg.core.errors import DecodeError
from photoorg.core.keeper import KeeperPolicy, choose_keeper
from photoorg.core.paths import locations
from photoorg.core.pipeline import run_scan
from photoorg.core.scanner import RAW_EXTENSIONS
from tests.conftest import DATA
from tests.rawfactory import make_dng


def picture(size: tuple[int, int] = (192, 128)) -> Image.Image:
    """A real photo (tests/data, licence in LICENSES.tsv), cropped to a 3:2 landscape."""
    img = Image.open(DATA / "rocket.jpg").convert("RGB")
    w, h = img.size
    side = min(w, h * 3 // 2)
    img = img.crop(((w - side) // 2, 0, (w - side) // 2 + side, side * 2 // 3))
    return img.resize(size, Image.Resampling.LANCZOS)


def as_jpeg(img: Image.Image, path: Path, orientation: int = 1) -> Path:
    """``img`` saved as the camera's JPEG, with an EXIF orientation tag."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    img.save(path, "JPEG", quality=90, exif=exif.tobytes())
    return path


def close(a: Image.Image, b: Image.Image, tolerance: float = 6.0) -> bool:
    """Same size and, pixel for pixel, within JPEG noise."""
    if a.size != b.size:
        return False
    return float(np.abs(np.asarray(a, np.float32) - np.asarray(b, np.float32)).mean()) < tolerance


@pytest.fixture
def catalog(photoorg_home: Path):
    with Catalog(locations().catalog) as cat:
        yield cat


def scan(folder: Path, catalog: Catalog, model: Path):
    return run_scan([folder], catalog, Embedder(str(model), device="cpu", batch_size=4))


def test_libraw_itself_reads_the_generated_dng(tmp_path: Path) -> None:
    """The factory's files are real DNGs: LibRaw finds the raw image and the JPEG preview."""
    path = make_dng(tmp_path / "IMG_1.dng", picture(), orientation=6)
    assert path.stat().st_size < 100_000
    with rawpy.imread(str(path)) as raw:
        assert (raw.sizes.width, raw.sizes.height, raw.sizes.flip) == (192, 128, 6)
        thumb = raw.extract_thumb()
        assert thumb.format == rawpy.ThumbFormat.JPEG
        assert Image.open(io.BytesIO(thumb.data)).size == (192, 128)
        developed = raw.postprocess(half_size=True)
        assert developed.shape == (192 // 2, 128 // 2, 3)  # LibRaw turned it upright


@pytest.mark.parametrize("orientation", [1, 3, 6, 8])
def test_a_raw_is_its_embedded_preview_upright_like_the_jpeg_beside_it(
    tmp_path: Path, orientation: int
) -> None:
    """The camera turned sideways: the RAW reads upright, exactly as its JPEG does."""
    img = picture()
    dng = make_dng(tmp_path / "IMG_1.DNG", img, orientation=orientation)
    jpeg = as_jpeg(img, tmp_path / "IMG_1.JPG", orientation)
    from_raw = imaging.decode(dng.read_bytes(), path=str(dng))
    from_jpeg = imaging.decode(jpeg.read_bytes(), path=str(jpeg))
    assert close(from_raw.image, from_jpeg.image)
    assert (from_raw.width, from_raw.height) == (from_jpeg.width, from_jpeg.height)
    if orientation in (6, 8):
        assert from_raw.image.size == (128, 192)
    assert (from_raw.format, from_raw.taken, from_raw.camera) == (
        "DNG",
        "2024-05-17T10:30:00",
        "Photoorg Test Camera",
    )
    header = imaging.decode(dng.read_bytes(), path=str(dng), pixels=False)
    assert header.image is None
    assert (header.width, header.height, header.taken) == (from_raw.width, from_raw.height, from_raw.taken)


def test_the_model_input_of_a_raw_is_that_of_its_jpeg(tmp_path: Path) -> None:
    """Small decodes (JPEG draft of the preview) give the model the same picture."""
    img = picture((384, 256))
    dng = make_dng(tmp_path / "IMG_2.dng", img, orientation=6)
    jpeg = as_jpeg(img, tmp_path / "IMG_2.jpg", 6)
    crops = [
        imaging.model_input(imaging.decode(p.read_bytes(), 64, path=str(p)), 64, 56) for p in (dng, jpeg)
    ]
    assert crops[0].shape == (56, 56, 3)
    assert float(np.abs(crops[0].astype(np.float32) - crops[1]).mean()) < 6.0


def test_a_raw_without_a_preview_is_developed_at_half_size(tmp_path: Path, caplog) -> None:
    img = picture()
    dng = make_dng(tmp_path / "converted.dng", img, preview=False, orientation=8)
    with caplog.at_level(logging.INFO, logger="photoorg.core.raw"):
        decoded = imaging.decode(dng.read_bytes(), path=str(dng))
    assert "no embedded preview" in caplog.text
    assert (decoded.width, decoded.height) == (128, 192)  # the full size, upright
    assert decoded.image.size == (64, 96)
    # The developed picture is the photo turned upright (its colours are LibRaw's, not the JPEG's).
    upright = img.transpose(Image.Transpose.ROTATE_90).resize((64, 96))
    corr = np.corrcoef(np.asarray(decoded.image.convert("L"), np.float32).ravel(),
                       np.asarray(upright.convert("L"), np.float32).ravel())[0, 1]  # fmt: skip
    assert corr > 0.9


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 3],  # an interrupted copy
        lambda data: b"II*\x00" + bytes(4000),  # a TIFF header and nothing else
        lambda data: b"not a raw file at all" * 100,
    ],
)
def test_a_damaged_raw_is_a_decode_error_with_a_reason(tmp_path: Path, damage) -> None:
    good = make_dng(tmp_path / "IMG_3.dng", picture())
    bad = tmp_path / "IMG_3.CR2"
    bad.write_bytes(damage(good.read_bytes()))
    with pytest.raises(DecodeError) as caught:
        imaging.decode(bad.read_bytes(), 256, path=str(bad))
    assert caught.value.path == str(bad)
    assert "RAW" in caught.value.reason


def test_a_scan_embeds_raw_files_and_lists_a_damaged_one_as_a_failure(tmp_path, catalog, tiny_model) -> None:
    folder = tmp_path / "Card"
    folder.mkdir()
    img = picture()
    make_dng(folder / "IMG_1.DNG", img, orientation=6)
    as_jpeg(img, folder / "IMG_1.JPG", 6)
    make_dng(folder / "IMG_2.dng", picture((128, 96)), preview=False)
    (folder / "IMG_3.NEF").write_bytes(b"II*\x00" + bytes(2000))
    summary = scan(folder, catalog, tiny_model)
    assert summary.seen == 4
    assert summary.embedded == 3
    assert [(os.path.basename(f.path), "RAW" in f.reason) for f in summary.failures] == [("IMG_3.NEF", True)]
    photos = {os.path.basename(p.path): p for p in catalog.photos()}
    assert (photos["IMG_1.DNG"].format, photos["IMG_1.DNG"].width, photos["IMG_1.DNG"].height) == (
        "DNG",
        128,
        192,
    )
    assert photos["IMG_1.DNG"].taken == "2024-05-17T10:30:00"
    assert photos["IMG_1.DNG"].camera == "Photoorg Test Camera"
    [model] = catalog.models()
    paths, vectors = catalog.vectors(model.id)
    by_name = {os.path.basename(p): v for p, v in zip(paths, vectors, strict=True)}
    assert set(by_name) == {"IMG_1.DNG", "IMG_1.JPG", "IMG_2.dng"}
    # The RAW was embedded from its upright preview: the model sees what it sees in the JPEG.
    assert float(by_name["IMG_1.DNG"] @ by_name["IMG_1.JPG"]) > 0.99
    assert photos["IMG_1.DNG"].phash is not None and photos["IMG_1.JPG"].phash is not None
    assert pixel_hashes.hash_distance(photos["IMG_1.DNG"].phash, photos["IMG_1.JPG"].phash) <= 4


def shoot_raw_plus_jpeg(folder: Path) -> None:
    """What a camera set to RAW+JPEG leaves on its card."""
    folder.mkdir(parents=True)
    img = picture()
    make_dng(folder / "IMG_1.DNG", img)
    as_jpeg(img, folder / "IMG_1.JPG")


def test_a_raw_and_its_jpeg_are_a_pair_not_a_duplicate_unless_asked(tmp_path, catalog, tiny_model) -> None:
    card = tmp_path / "Card"
    shoot_raw_plus_jpeg(card)
    assert scan(card, catalog, tiny_model).failures == []
    [model] = catalog.models()

    by_default = find_duplicates(catalog, model.id)
    assert by_default == []  # the pair is one shot: nothing to clean up

    offered = find_duplicates(catalog, model.id, settings=DuplicateSettings(offer_raw_jpegs=True))
    [pair] = offered
    assert pair.verdict is Verdict.SAME
    assert [os.path.basename(p.path) for p in pair.photos] == ["IMG_1.DNG", "IMG_1.JPG"]  # the RAW is kept
    assert pair.starts_kept() == {str(card / "IMG_1.DNG"): True, str(card / "IMG_1.JPG"): False}
    assert pair.reclaimable_bytes == (card / "IMG_1.JPG").stat().st_size


def test_a_copy_of_the_jpeg_elsewhere_is_still_a_duplicate(tmp_path, catalog, tiny_model) -> None:
    """...and the copy beside the RAW is the one kept, though the rules alone would keep the
    backup (the older file): keeping the backup would split the pair for the same bytes."""
    card = tmp_path / "lib" / "Card"
    shoot_raw_plus_jpeg(card)
    backup = tmp_path / "lib" / "Backup"
    backup.mkdir()
    (backup / "IMG_1.JPG").write_bytes((card / "IMG_1.JPG").read_bytes())
    os.utime(backup / "IMG_1.JPG", (1_500_000_000, 1_500_000_000))
    picture().save(backup / "IMG_1 small.jpg", quality=70)  # the same picture re-saved
    scan(tmp_path / "lib", catalog, tiny_model)
    [model] = catalog.models()
    offered = find_duplicates(catalog, model.id, settings=DuplicateSettings(offer_raw_jpegs=True))
    [by_rules] = [s for s in offered if s.verdict is Verdict.EXACT]
    assert by_rules.keeper.path == str(backup / "IMG_1.JPG")  # the oldest file
    sets = {s.verdict: s for s in find_duplicates(catalog, model.id)}
    exact = sets[Verdict.EXACT]
    assert [p.path for p in exact.photos] == [str(card / "IMG_1.JPG"), str(backup / "IMG_1.JPG")]
    assert exact.reason == f"beside its RAW of the same shot ({card})"
    assert exact.starts_kept() == {str(card / "IMG_1.JPG"): True, str(backup / "IMG_1.JPG"): False}
    # The re-saved copy is the same image as the shot, which its RAW stands for (kept).
    same = sets[Verdict.SAME]
    assert [os.path.basename(p.path) for p in same.photos] == ["IMG_1.DNG", "IMG_1 small.jpg"]


@pytest.mark.parametrize("ext", sorted(RAW_EXTENSIONS))
def test_every_raw_format_is_kept_over_a_jpeg_of_the_same_shot(ext: str) -> None:
    """By the default rules, when resolution and file size cannot tell them apart."""
    raw_format = ext[1:].upper()
    jpeg = PhotoInfo("/card/IMG_1.JPG", "a", 9_000_000, 1, 6000, 4000, "JPEG", None, None, None)
    raw = PhotoInfo(f"/card/IMG_1{ext.upper()}", "b", 9_000_000, 1, 6000, 4000, raw_format, None, None, None)
    ranked, reason = choose_keeper([jpeg, raw], KeeperPolicy())
    assert ranked[0] is raw
    assert reason == f"better format ({raw_format} over JPEG)"


_WITHOUT_RAWPY = """
import sys

class NoRawpy:  # the environment of an install without rawpy: its import fails
    def find_spec(self, name, path=None, target=None):
        if name == "rawpy" or name.startswith("rawpy."):
            raise ModuleNotFoundError("No module named 'rawpy'", name="rawpy")
        return None

sys.meta_path.insert(0, NoRawpy())
sys.modules.pop("rawpy", None)
from photoorg.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_without_rawpy_raw_files_are_problems_that_say_how_to_add_it(tmp_path, tiny_model) -> None:
    folder = tmp_path / "Card"
    shoot_raw_plus_jpeg(folder)
    home = tmp_path / "home"
    done = subprocess.run(
        [sys.executable, "-c", _WITHOUT_RAWPY, "--home", str(home), "scan", str(folder),
         "--model", str(tiny_model), "--device", "cpu"],
        capture_output=True, text=True, timeout=300, env=os.environ,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr  # the scan succeeds for everything else
    assert "embedded:           1" in done.stdout  # the JPEG
    assert "failed:             1" in done.stdout
    [line] = [ln for ln in done.stdout.splitlines() if "IMG_1.DNG" in ln]
    assert "needs the rawpy package" in line
    assert f"{sys.executable} -m pip install 'rawpy>=0.28'" in line


def test_organizing_moves_a_raw_with_its_jpeg_under_the_jpegs_new_name(tmp_path, catalog, tiny_model) -> None:
    """Both are catalogued photos now; the pair still travels together, as one shot."""
    from photoorg.core import actions
    from photoorg.core.organize import OrganizeRequest, plan_organize

    card = tmp_path / "lib" / "Card"
    shoot_raw_plus_jpeg(card)
    (tmp_path / "lib" / "Z").mkdir()
    as_jpeg(picture((128, 96)), tmp_path / "lib" / "Z" / "IMG_1.JPG")  # another photo of that name
    jpeg_of_the_shot = (card / "IMG_1.JPG").read_bytes()
    scan(tmp_path / "lib", catalog, tiny_model)
    assert sorted(os.path.basename(p.path) for p in catalog.photos()) == [
        "IMG_1.DNG",
        "IMG_1.JPG",
        "IMG_1.JPG",
    ]
    request = OrganizeRequest("date", str(tmp_path / "lib"), "{name}")
    plan = plan_organize(request, catalog.photos())
    [moving] = [p for p in plan.photos if p.photo.path == str(card / "IMG_1.JPG")]
    assert [os.path.basename(c) for c, _ in moving.companions] == ["IMG_1.DNG"]
    assert str(card / "IMG_1.DNG") not in {p.photo.path for p in plan.photos}
    outcome = actions.execute(catalog, plan.action, plan.steps(), "organize")
    assert not outcome.failed
    undated = tmp_path / "lib" / "undated"
    assert sorted(p.name for p in undated.iterdir()) == ["IMG_1 (1).JPG", "IMG_1.DNG", "IMG_1.JPG"]
    # The RAW sits beside its own JPEG, under the same name; the other photo was numbered.
    assert (undated / "IMG_1.JPG").read_bytes() == jpeg_of_the_shot
    assert not card.exists() or not any(card.iterdir())


def test_judging_the_thresholds_leaves_out_the_jpeg_of_a_raw(tmp_path, tiny_model) -> None:
    """Every RAW+JPEG shot would be a nearest-neighbour pair at ~1.0 and crowd the histogram."""
    from tests.conftest import make_photo

    card = tmp_path / "Card"
    shoot_raw_plus_jpeg(card)
    for i in range(3):
        make_photo(card / f"other_{i}.jpg", seed=60 + i, size=(96, 64))

    def photoorg(*args: object) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "photoorg", *map(str, args)]
        return subprocess.run(command, capture_output=True, text=True, env=os.environ, timeout=300)

    assert photoorg("scan", card, "--model", tiny_model, "--device", "cpu").returncode == 0
    shown = photoorg("thresholds", "--model", tiny_model, "--device", "cpu", "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["photos"] == 4  # the RAW and the three others
