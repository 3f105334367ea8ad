"""Pixel hashes made many at once (as a GPU scan's batches make them) are those made one by
one (as a CPU scan makes them), bit for bit: a library scanned both ways keeps one verdict."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from photoorg.core import pixel_hashes

DATA = Path(__file__).resolve().parents[1] / "data"


def _pictures() -> list[Image.Image]:
    photos = [Image.open(p) for p in sorted(DATA.glob("*.*")) if p.suffix in (".jpg", ".png")]
    pictures = [p.convert("RGB").resize((p.width // 3 + 1, p.height // 3 + 1)) for p in photos]
    pictures += [p.convert("RGBA") for p in pictures[:2]]  # another mode
    pictures += [Image.new("RGB", (40, 30), (200, 10, 10)), Image.new("RGB", (3, 2))]  # flat, tiny
    return pictures


def test_looks_made_together_are_those_made_one_by_one() -> None:
    pictures = _pictures()
    together = pixel_hashes.looks(pictures)
    assert len(together) == len(pictures) >= 12
    for picture, looks in zip(pictures, together, strict=True):
        assert (looks.phash, looks.turns) == pixel_hashes.perceptual_hashes(picture)
        assert looks.tone == pixel_hashes.tone(picture)
        assert looks == pixel_hashes.looks([picture])[0]
    assert len({looks.phash for looks in together[:10]}) == 10  # ten photos, ten hashes


def test_a_picture_as_an_array_has_the_looks_of_its_image() -> None:
    picture = _pictures()[0]
    assert pixel_hashes.looks([np.asarray(picture)]) == pixel_hashes.looks([picture])


def test_the_turned_hashes_are_the_hashes_of_the_turned_picture() -> None:
    picture = _pictures()[1]
    phash, turns = pixel_hashes.perceptual_hashes(picture)
    turned = pixel_hashes.perceptual_hash(picture.transpose(Image.Transpose.ROTATE_180))
    assert turned in turns and turned != phash
    assert pixel_hashes.looks([]) == []


# What photoorg 543df73 stored for these pictures (one by one, before the hashes were made
# together): catalogs keep them, so a new way of making them must give the same numbers.
STORED = {
    "rocket.jpg": (-4596174193814072729, -7106030704241129674, (0.20485515892505646, 0.10407528281211853)),
    "chelsea.png": (-5665556616525572258, -861679311286648177, (0.5787684917449951, 0.10933875292539597)),
    "coffee.png": (-4935065344259705289, -1236671983474023646, (0.6218788027763367, 0.20737791061401367)),
}


def test_the_looks_are_those_catalogs_already_keep() -> None:
    pictures = [Image.open(DATA / name).convert("RGB") for name in STORED]
    for (phash, first_turn, (red, detail)), looks in zip(
        STORED.values(), pixel_hashes.looks(pictures), strict=True
    ):
        assert (looks.phash, looks.turns[0]) == (phash, first_turn)
        assert (looks.tone[0], looks.tone[3]) == (red, detail)
