from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from photoorg.core import imaging
from photoorg.core.errors import DecodeError
from tests.conftest import DATA, make_mpo, make_photo

# Pillow's transpose for each EXIF orientation, inverted: how to store an upright image so
# that a viewer applying the tag shows it upright again.
STORE_FOR_ORIENTATION = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


def encode(img: Image.Image, fmt: str, **kw: object) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kw)
    return buf.getvalue()


def rotated_copy(upright: Image.Image, orientation: int) -> bytes:
    stored = upright.transpose(STORE_FOR_ORIENTATION[orientation])
    exif = Image.Exif()
    exif[0x0112] = orientation
    return encode(stored, "PNG", exif=exif)


@pytest.mark.parametrize("orientation", range(2, 9))
def test_exif_orientation_gives_the_upright_picture(tmp_path: Path, orientation: int) -> None:
    upright = Image.open(make_photo(tmp_path / "u.png", seed=3, size=(90, 60))).convert("RGB")
    decoded = imaging.decode(rotated_copy(upright, orientation), path="r.png")
    assert (decoded.width, decoded.height) == (90, 60)
    assert np.array_equal(np.asarray(decoded.image), np.asarray(upright))
    header_only = imaging.decode(rotated_copy(upright, orientation), path="r.png", pixels=False)
    assert (header_only.width, header_only.height) == (90, 60)


def test_jpeg_draft_decodes_large_photos_small_but_reports_full_size(tmp_path: Path) -> None:
    data = make_photo(tmp_path / "big.jpg", seed=1, size=(4000, 3000), quality=90).read_bytes()
    decoded = imaging.decode(data, short_edge=256, path="big.jpg")
    assert (decoded.width, decoded.height) == (4000, 3000)
    assert decoded.image is not None
    assert 2 * 256 <= min(decoded.image.size) < 3000  # reduced, but never below 2x the need
    crop = imaging.model_input(decoded, 256, 224)
    assert crop.shape == (224, 224, 3) and crop.dtype == np.uint8


def test_a_multi_picture_jpeg_is_decoded_small_from_preprocessing_2_on(tmp_path: Path) -> None:
    """Issue 15: phones save many photos as MPO (a JPEG with a second picture); preprocessing 1
    decoded those at full size, 2 decodes them exactly as the same JPEG data alone."""
    mpo = make_mpo(tmp_path / "stereo.jpg", as_jpeg=tmp_path / "left.jpg").read_bytes()
    jpeg = (tmp_path / "left.jpg").read_bytes()
    assert Image.open(io.BytesIO(mpo)).format == "MPO"
    full = (1282, 1110)
    plain = imaging.decode(jpeg, 256, path="left.jpg", preprocess=2)
    now = imaging.decode(mpo, 256, path="stereo.jpg", preprocess=2)
    before = imaging.decode(mpo, 256, path="stereo.jpg", preprocess=1)
    assert now.format == "MPO" and (now.width, now.height) == (before.width, before.height) == full
    assert now.image is not None and before.image is not None and plain.image is not None
    assert now.image.size == (641, 555)  # half scale: the short edge stays over 2 x 256
    assert np.array_equal(np.asarray(now.image), np.asarray(plain.image))  # the JPEG path's pixels
    assert imaging.decode(jpeg, 256, path="left.jpg", preprocess=1).image.size == (641, 555)  # type: ignore[union-attr]
    assert before.image.size == full  # version 1: a multi-picture file is decoded whole
    crops = [imaging.model_input(d, 256, 224) for d in (now, before)]
    assert not np.array_equal(*crops)  # why version 2 is a new version: its vectors differ


def test_cmyk_jpeg_becomes_rgb(tmp_path: Path) -> None:
    img = Image.new("CMYK", (40, 30), (0, 255, 255, 0))  # pure red in CMYK
    decoded = imaging.decode(encode(img, "JPEG"), path="c.jpg")
    r, g, b = np.asarray(decoded.image).reshape(-1, 3).mean(axis=0)
    assert decoded.image.mode == "RGB" and r > 200 and g < 60 and b < 60


def test_transparency_is_laid_on_white() -> None:
    rgba = Image.new("RGBA", (20, 20), (255, 0, 0, 0))  # fully transparent red
    assert np.asarray(imaging.decode(encode(rgba, "PNG")).image).min() == 255
    pal = Image.new("P", (20, 20), 0)
    pal.putpalette([0, 0, 0] * 256)
    decoded = imaging.decode(encode(pal, "PNG", transparency=0))
    assert np.asarray(decoded.image).min() == 255


def test_16_bit_png_keeps_its_tones() -> None:
    arr = np.full((10, 10), 32768, dtype=np.uint16)  # mid grey in 16 bits
    data = encode(Image.fromarray(arr), "PNG")
    px = np.asarray(imaging.decode(data).image)
    assert 120 <= px.mean() <= 135


def test_exif_date_and_camera_are_read() -> None:
    decoded = imaging.decode((DATA / "grand_canyon_2.jpg").read_bytes(), pixels=False)
    assert decoded.taken == "2003-01-02T06:48:54"
    assert decoded.camera and "JD4100" in decoded.camera
    assert (decoded.width, decoded.height) == (800, 600)


@pytest.mark.parametrize(
    ("original", "modified", "taken"),
    [
        ("0001:01:01 00:00:00", None, None),  # no one took a photo then
        ("9999:12:31 23:59:59", None, None),
        ("1825:06:01 12:00:00", "2011:05:04 10:00:00", "2011-05-04T10:00:00"),  # the other date
        ("1826:07:01 12:00:00", None, "1826-07-01T12:00:00"),
        ("0000:00:00 00:00:00", None, None),
    ],
)
def test_an_exif_date_no_photo_can_have_is_not_its_date_taken(original, modified, taken) -> None:
    """A review: years 1 and 9999 from EXIF headed the timeline's year list."""
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = original  # DateTimeOriginal
    if modified:
        exif[0x0132] = modified  # DateTime
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (90, 120, 30)).save(out, "JPEG", exif=exif)
    assert imaging.decode(out.getvalue(), pixels=False).taken == taken


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"this is a shopping list, not a photo\n", "not a photo"),
    ],
)
def test_unreadable_bytes_raise_decode_error_with_reason(data: bytes, reason: str) -> None:
    with pytest.raises(DecodeError, match=reason):
        imaging.decode(data, 256, path="x.jpg")


def test_truncated_jpeg_is_a_decode_error() -> None:
    data = (DATA / "rocket.jpg").read_bytes()
    with pytest.raises(DecodeError, match="truncated"):
        imaging.decode(data[: len(data) // 2], 256, path="half.jpg")


def test_decompression_bomb_is_refused_before_decoding() -> None:
    bomb = encode(Image.new("1", (20_000, 20_000)), "PNG")  # 400 MP, a few KB on disk
    assert len(bomb) < 200_000
    with pytest.raises(DecodeError, match="too large"):
        imaging.decode(bomb, 256, path="bomb.png")


def test_resize_size_rounds_like_transformers() -> None:
    assert imaging.resize_size(640, 427, 256) == (383, 256)
    assert imaging.resize_size(300, 451, 256) == (256, 384)


@pytest.mark.parametrize(("fmt", "name"), [("HEIF", "photo.heic"), ("AVIF", "photo.avif")])
def test_heic_and_avif_photos_decode(fmt: str, name: str) -> None:
    import pillow_heif

    pillow_heif.register_heif_opener()  # only to write the test file
    original = Image.open(DATA / "rocket.jpg").convert("RGB")
    decoded = imaging.decode(encode(original, fmt, quality=90), 256, path=name)
    assert (decoded.width, decoded.height) == original.size
    diff = np.abs(np.asarray(decoded.image, np.int16) - np.asarray(original, np.int16))
    assert diff.mean() < 8  # the same picture, give or take compression
