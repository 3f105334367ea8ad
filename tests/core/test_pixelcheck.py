"""The finer "same image" check (issue 13, bug 7): consecutive video frames passed the 64-bit
perceptual hash and were offered for the trash as copies of each other."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from photoorg.core import imaging, pixel_hashes, pixelcheck
from photoorg.core.duplicates import DuplicateSettings, Verdict
from tests.conftest import DATA, REAL_PHOTOS
from tests.core.test_duplicates import VARIANTS, Library, on_arc

PAIRS = DATA / "pairs"
VIDEO_FRAMES = [("rubberwhale1.png", "rubberwhale2.png"), ("basketball1.png", "basketball2.png")]
THUMBNAILS = [("sunset.jpg", "Keywords-scenic.jpg"), ("spiff.jpg", "People-Spiff.jpg")]
LIMIT = DuplicateSettings().same_max_local_change


def picture(data: bytes) -> tuple[Image.Image, tuple[int, int]]:
    """A file's picture as the duplicate search decodes it for the check."""
    header = imaging.decode(data, None, pixels=False)
    decoded = imaging.decode(data, pixelcheck.decode_size(header.width, header.height))
    return decoded.image, (decoded.width, decoded.height)  # type: ignore[return-value]


def change(a: bytes, b: bytes) -> float:
    return pixelcheck.local_change(*picture(a), *picture(b))


def png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("photo", REAL_PHOTOS, ids=lambda p: p.name)
def test_re_saves_resizes_crops_and_rotations_change_no_area(photo: Path, variant: str) -> None:
    copy = VARIANTS[variant](imaging.decode(photo.read_bytes()).image)
    assert change(photo.read_bytes(), png(copy)) <= LIMIT / 2  # measured at most 0.0093


@pytest.mark.parametrize(("photo", "thumbnail"), THUMBNAILS)
def test_a_128_px_thumbnail_is_the_same_image_as_its_photo(photo: str, thumbnail: str) -> None:
    a, b = (PAIRS / photo).read_bytes(), (PAIRS / thumbnail).read_bytes()
    assert change(a, b) <= LIMIT / 2  # measured 0.010 and 0.0086
    assert change(a, b) == pytest.approx(change(b, a))  # the order does not matter


@pytest.mark.parametrize(("first", "second"), VIDEO_FRAMES)
def test_consecutive_video_frames_are_not_the_same_image(first: str, second: str) -> None:
    a, b = (PAIRS / first).read_bytes(), (PAIRS / second).read_bytes()
    # The coarse checks cannot tell them apart: that is why this one exists.
    ha, hb = (pixel_hashes.perceptual_hash(picture(x)[0]) for x in (a, b))
    assert pixel_hashes.hash_distance(ha, hb) <= DuplicateSettings().same_max_hash_bits
    assert change(a, b) > 2 * LIMIT  # measured 0.094 (objects moved 1 to 2 px) and 0.51


def test_plain_colours_differ_by_their_level_and_match_themselves() -> None:
    green, other = (png(Image.new("RGB", (120, 90), (0, g, 0))) for g in (128, 160))
    assert change(green, other) > LIMIT
    assert change(green, green) < 0.001


def test_a_picture_that_does_not_fit_in_the_other_is_a_different_picture() -> None:
    """Half of a picture is not a light crop of it: nothing aligns, the change is total."""
    photo = imaging.decode(REAL_PHOTOS[0].read_bytes()).image
    left = photo.crop((0, 0, photo.width // 3, photo.height))
    assert change(png(photo), png(left)) > LIMIT


def _add_real(lib: Library, name: str, source: Path, vector: np.ndarray) -> str:
    target = lib.root / name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    img, size = picture(target.read_bytes())
    return lib.add(
        name,
        vector,
        phash=pixel_hashes.perceptual_hash(img),
        tone=pixel_hashes.tone(img),
        wh=size,
        size=target.stat().st_size,
    )


def test_the_search_calls_video_frames_similar_and_a_thumbnail_the_same_image(tmp_path: Path) -> None:
    """Through find_duplicates, with embeddings as close as a copy's: the frames are similar
    shots (each starts kept), the photo and its thumbnail one picture. The comparisons are kept
    by content, so a later search needs no file, and another limit needs no new comparison."""
    lib = Library(tmp_path)
    for (first, second), seed in zip([*VIDEO_FRAMES, *THUMBNAILS], range(4), strict=True):
        v, w = on_arc(0.995, 2, seed=seed + 10)  # as close as a re-save's
        _add_real(lib, first, PAIRS / first, v)
        _add_real(lib, second, PAIRS / second, w)

    def verdicts(**kw: object) -> dict[frozenset[str], Verdict]:
        return {frozenset(Path(p.path).name for p in s.photos): s.verdict for s in lib.find(**kw)}

    expected = {
        **{frozenset(pair): Verdict.SIMILAR for pair in VIDEO_FRAMES},
        **{frozenset(pair): Verdict.SAME for pair in THUMBNAILS},
    }
    assert verdicts() == expected
    # Each set says what the check found, so a person can judge the limit.
    for s in lib.find():
        [shown] = re.findall(r"differ by (?:at most|up to) ([\d.]+)%", s.reason)
        if s.verdict is Verdict.SAME:
            assert "aligned, the pictures differ by at most" in s.reason and float(shown) <= 100 * LIMIT
        else:
            assert (
                "not copies: aligned, the pictures differ by up to" in s.reason and float(shown) > 100 * LIMIT
            )
    shutil.rmtree(lib.root)  # kept: no file is read again
    assert verdicts() == expected
    lenient = DuplicateSettings(same_max_local_change=0.5)
    assert verdicts(settings=lenient)[frozenset(VIDEO_FRAMES[0])] is Verdict.SAME
    lib.catalog.close()
