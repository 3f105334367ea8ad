from __future__ import annotations

import functools
import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from photoorg.core import imaging, neighbours, pixel_hashes
from photoorg.core.catalog import Catalog, FileRow
from photoorg.core.duplicates import (
    KEEP_BOTH,
    NOT_DUPLICATES,
    DuplicateSettings,
    Verdict,
    find_duplicates,
)
from photoorg.core.humanize import how_alike
from photoorg.core.keeper import KeeperPolicy
from photoorg.core.linkage import chain_free_sets
from photoorg.core.set_choices import mark
from tests.conftest import DATA, LOOKALIKE_PAIRS, REAL_PHOTOS

DIM = 64


@pytest.fixture(autouse=True, params=["every pair", "nearest regions"])
def search(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test runs twice: comparing every pair, as a library of up to 16k photos is searched,
    and comparing each photo only with the regions nearest it, as a larger library is; here with
    regions of about 4 photos and 2 regions looked at, a harder case than 256 and 6."""
    if request.param == "nearest regions":
        monkeypatch.setattr(neighbours, "EXACT_LIMIT", 0)
        monkeypatch.setattr(neighbours, "REGION_SIZE", 4)
        monkeypatch.setattr(neighbours, "PROBES", 2)


def unit(v: np.ndarray) -> np.ndarray:
    return (v / np.linalg.norm(v)).astype(np.float32)


def on_arc(angle_cos: float, steps: int, seed: int = 0) -> list[np.ndarray]:
    """Vectors along a great circle, each ``angle_cos`` from the next."""
    rng = np.random.default_rng(seed)
    a, b = rng.standard_normal(DIM), rng.standard_normal(DIM)
    a = unit(a)
    b = unit(b - (b @ a) * a)
    theta = np.arccos(angle_cos)
    return [unit(np.cos(k * theta) * a + np.sin(k * theta) * b) for k in range(steps)]


class Library:
    """A catalog filled directly with photos, vectors and hashes of known relations."""

    def __init__(self, tmp_path: Path) -> None:
        self.root = tmp_path / "lib"
        self.catalog = Catalog(tmp_path / "catalog.sqlite3")
        self.model = self.catalog.model("test-model", "test", "r1", "fp32", DIM)
        self.n = 0

    def add(
        self,
        name: str,
        vector: np.ndarray | None = None,
        *,
        fingerprint: str | None = None,
        phash: int = 0,
        size: int = 1000,
        wh: tuple[int, int] = (400, 300),
        taken: str | None = None,
        mtime_ns: int = 0,
        tone: tuple[float, float, float, float] | None = (0.5, 0.5, 0.5, 0.2),  # a detailed picture
        file: bool = True,
        taken_known: str | None = None,
        fmt: str = "JPEG",
    ) -> str:
        """A photo with these properties in the catalog; and, unless ``file`` is False or the
        file exists, a small picture in the file (one and the same for every photo), for the
        checks that read the pixels."""
        self.n += 1
        fp = fingerprint or f"{self.n:032x}"
        path = self.root / name
        if file and not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(_picture())
        row = FileRow(
            str(path), size, mtime_ns or self.n, fp, wh[0], wh[1], fmt, taken, taken_known=taken_known
        )
        vectors = [(fp, vector)] if vector is not None else []
        self.catalog.write_batch([row], vectors, self.model.id, [(fp, phash, tone)])
        return str(self.root / name)

    def find(self, **kw: object):
        return find_duplicates(self.catalog, self.model.id, **kw)


@functools.cache
def _picture() -> bytes:
    buf = io.BytesIO()
    Image.open(REAL_PHOTOS[0]).convert("RGB").resize((96, 64)).save(buf, format="PNG")
    return buf.getvalue()


@pytest.fixture
def lib(tmp_path: Path):
    library = Library(tmp_path)
    yield library
    library.catalog.close()


def paths(s) -> set[str]:
    return {Path(p.path).name for p in s.photos}


def test_exact_copies_form_one_exact_set_keeping_the_oldest(lib) -> None:
    v = unit(np.ones(DIM))
    lib.add("a/IMG_1.jpg", v, fingerprint="f" * 32, mtime_ns=3_000_000_000)
    lib.add("b/IMG_1 copy.jpg", v, fingerprint="f" * 32, mtime_ns=1_000_000_000)
    lib.add("c/other.jpg", v, fingerprint="f" * 32, mtime_ns=2_000_000_000)
    [s] = lib.find()
    assert s.verdict is Verdict.EXACT and s.weakest == 1.0
    assert paths(s) == {"IMG_1.jpg", "IMG_1 copy.jpg", "other.jpg"}
    assert Path(s.keeper.path).name == "IMG_1 copy.jpg"
    assert "oldest" in s.reason


def test_among_identical_copies_the_one_not_named_as_a_copy_is_kept(lib) -> None:
    """Found by a new user: "apple (1).jpg" was kept over "apple.jpg" (a space sorts before
    the dot), with the same date and size."""
    v = unit(np.ones(DIM))
    for name in ("x/apple (1).jpg", "x/apple - Copy.jpg", "x/apple.jpg", "x/Copy of apple.jpg"):
        lib.add(name, v, fingerprint="e" * 32, mtime_ns=5_000_000_000)
    [s] = lib.find()
    assert Path(s.keeper.path).name == "apple.jpg"
    assert "named as a copy" in s.reason


@pytest.mark.parametrize(
    ("names", "kept"),
    [
        (["x/Screenshot (12) (1).png", "x/Screenshot (12).png"], "Screenshot (12).png"),  # photoorg's copy
        (["x/IMG_5 copy 2.jpg", "x/IMG_5 copy.jpg"], "IMG_5 copy.jpg"),
        (["x/a (1) - Copy.jpg", "x/a (1).jpg"], "a (1).jpg"),
    ],
)
def test_when_both_names_say_copy_the_one_that_says_it_least_is_kept(lib, names, kept) -> None:
    """Found by a hostile review: "Screenshot (12).png" (an original's name) lost to the copy
    photoorg itself made of it, "Screenshot (12) (1).png"."""
    v = unit(np.ones(DIM))
    for name in names:
        lib.add(name, v, fingerprint="d" * 32, mtime_ns=5_000_000_000)
    [s] = lib.find()
    assert Path(s.keeper.path).name == kept


def test_chains_do_not_merge(lib) -> None:
    a, b, c = on_arc(0.95, 3)  # a~b and b~c at 0.95, but a~c only 0.805
    lib.add("a.jpg", a, phash=0)
    lib.add("b.jpg", b, phash=0xFFFF)
    lib.add("c.jpg", c, phash=0xFFFFFFFF)
    sets = lib.find()
    assert sets, "the close pairs must still be found"
    for s in sets:
        assert not {"a.jpg", "c.jpg"} <= paths(s)
        assert s.weakest >= 0.93


def test_chain_free_sets_keep_only_fully_linked_sets() -> None:
    edges = {(0, 1): 0.99, (1, 2): 0.99, (0, 2): 0.99, (2, 3): 0.95, (3, 4): 0.95}
    sets = chain_free_sets(edges)
    assert [0, 1, 2] in sets
    for s in sets:
        for i in s:
            for j in s:
                assert i == j or (min(i, j), max(i, j)) in edges


def test_identical_pictures_whose_similarity_rounds_above_one_make_a_set() -> None:
    """A camera JPEG and the same JPEG embedded in its RAW give identical vectors, whose float32
    cosine can be a hair above 1: the search must not fail on it (it did: negative distance)."""
    above_one = float(np.float32(1.0) + np.finfo(np.float32).eps)
    assert chain_free_sets({(0, 1): above_one, (0, 2): 0.99, (1, 2): 0.99}) == [[0, 1, 2]]


def test_same_image_needs_the_pixel_check(lib) -> None:
    [v, w] = on_arc(0.99, 2)
    lib.add("photo.jpg", v, phash=0b1011)
    lib.add("photo_resaved.jpg", w, phash=0b1010)  # 1 bit apart: the same picture
    [x, y] = on_arc(0.99, 2, seed=5)
    lib.add("chessboard_1.jpg", x, phash=0)
    lib.add("chessboard_2.jpg", y, phash=(1 << 40) - 1)  # 40 bits apart: another picture
    found = {frozenset(paths(s)): s.verdict for s in lib.find()}
    assert found == {
        frozenset({"photo.jpg", "photo_resaved.jpg"}): Verdict.SAME,
        frozenset({"chessboard_1.jpg", "chessboard_2.jpg"}): Verdict.SIMILAR,
    }


def test_a_re_save_a_hair_from_its_original_never_reads_similarity_1(lib) -> None:
    """Seen in the app on ../shared/photos: jesper.jpg and its thumbnail (cosine 0.99998) read
    "similarity 1.000", though the words were floored for that (a review): the set's weakest
    pair was rounded to 4 places first, to 1.0."""
    [v, w] = on_arc(0.99998, 2)
    lib.add("big.jpg", v, phash=1, wh=(1600, 1200), size=900_000)
    lib.add("thumb.jpg", w, phash=1, wh=(160, 120), size=9_000)
    [s] = lib.find()
    assert s.verdict is Verdict.SAME and s.weakest < 1.0
    assert how_alike(2, s.weakest) == "similarity 0.999"


def test_time_window_tightens_similar(lib) -> None:
    [a, b] = on_arc(0.94, 2)
    lib.add("burst_1.jpg", a, phash=0, taken="2024-05-01T10:00:00")
    lib.add("burst_2.jpg", b, phash=-1, taken="2024-05-01T10:00:02")
    [c, d] = on_arc(0.94, 2, seed=9)
    lib.add("june.jpg", c, phash=0, taken="2024-06-01T10:00:00")
    lib.add("july.jpg", d, phash=-1, taken="2024-07-01T10:00:00")
    sets = lib.find()
    assert [paths(s) for s in sets] == [{"burst_1.jpg", "burst_2.jpg"}]
    assert lib.find(settings=DuplicateSettings(similar_window_s=0))  # window off: both pairs
    assert len(lib.find(settings=DuplicateSettings(similar_window_s=0))) == 2


def test_a_year_or_a_month_alone_is_its_whole_span_for_the_time_window(lib) -> None:
    """Found by a review: a print dated 1975 (a sidecar's year alone) was "taken" on 1 January,
    months from a June photo it may have been taken beside, and a moment from any other print
    of that year; prints of 1969 and 1975 were years apart only by luck of the day."""
    [a, b] = on_arc(0.94, 2)
    lib.add("print_1975.jpg", a, phash=0, taken="1975-01-01T00:00:00", taken_known="year")
    lib.add("june_1975.jpg", b, phash=-1, taken="1975-06-01T10:00:00")  # inside its year: maybe a burst
    [c, d] = on_arc(0.94, 2, seed=9)
    lib.add("print_1969.jpg", c, phash=0, taken="1969-01-01T00:00:00", taken_known="year")
    lib.add("may_1975.jpg", d, phash=-1, taken="1975-05-01T00:00:00", taken_known="month")  # years apart
    assert [paths(s) for s in lib.find()] == [{"print_1975.jpg", "june_1975.jpg"}]


def test_keeper_prefers_resolution_and_says_why(lib) -> None:
    [v, w] = on_arc(0.995, 2)
    lib.add("small.jpg", v, phash=1, wh=(1600, 1200), size=900_000)
    lib.add("large.jpg", w, phash=1, wh=(4032, 3024), size=800_000)
    [s] = lib.find()
    assert Path(s.keeper.path).name == "large.jpg"
    assert s.reason.startswith("largest resolution 4032x3024; the others have fewer pixels (next: 1600x1200)")


def test_a_keeper_chosen_by_its_file_s_size_says_it_is_as_large_as_the_next_best_only(lib) -> None:
    """An app review: "same resolution, largest file" of a set of 512x512, 512x512 and 256x256."""
    [v, w, u] = on_arc(0.995, 3)
    lib.add("a.png", v, phash=1, wh=(512, 512), size=791_600)
    lib.add("b.jpg", w, phash=1, wh=(512, 512), size=54_000)
    lib.add("c.jpg", u, phash=1, wh=(256, 256), size=20_000)
    [s] = lib.find()
    assert Path(s.keeper.path).name == "a.png"
    assert s.reason.startswith(
        "as many pixels as the next best (512x512) and a larger file (791.6 KB; next: 54.0 KB)"
    )


def test_a_lossless_original_of_a_larger_lossy_keeper_starts_kept_too(lib) -> None:
    """An app review: camera.png saved again as a JPEG twice its size was the keeper ("largest
    resolution") and the PNG, maybe the original it was enlarged from, started unchecked."""
    [v, w, u] = on_arc(0.995, 3)
    lib.add("camera.png", v, phash=1, wh=(512, 512), size=300_000, fmt="PNG")
    lib.add("camera_upscaled.jpg", w, phash=1, wh=(1024, 1024), size=200_000)
    lib.add("camera_small.jpg", u, phash=1, wh=(256, 256), size=20_000)
    [s] = lib.find()
    assert Path(s.keeper.path).name == "camera_upscaled.jpg"
    kept = {Path(p).name: k for p, k in s.starts_kept().items()}
    assert kept == {"camera_upscaled.jpg": True, "camera.png": True, "camera_small.jpg": False}
    said = "; camera.png stays too: it is lossless (PNG), and the keeper may be an enlarged copy of it"
    assert said in s.reason


def test_the_keeper_of_similar_shots_is_said_as_a_suggestion_among_different_photos(lib) -> None:
    """A review: "because of these different shots, largest resolution 320x240; the others are
    smaller (next: 214x320)" read as a broken sentence, and 214x320 is not smaller."""
    [v, w] = on_arc(0.95, 2, seed=3)
    lib.add("wide.jpg", v, phash=1, wh=(320, 240))
    lib.add("tall.jpg", w, phash=0x7FFF_FFFF_0000_0000, wh=(214, 320))
    [s] = lib.find()
    assert s.verdict is Verdict.SIMILAR and Path(s.keeper.path).name == "wide.jpg"
    assert s.reason == (
        "largest resolution 320x240; the others have fewer pixels (next: 214x320). These are "
        "different shots, so all start kept"
    )


def test_protected_folder_is_always_kept(lib) -> None:
    [v, w, u] = on_arc(0.995, 3)
    kept = lib.add("archive/small.jpg", v, phash=1, wh=(800, 600))
    lib.add("inbox/smaller.jpg", u, phash=1, wh=(640, 480))
    lib.add("inbox/large.jpg", w, phash=1, wh=(4000, 3000))
    policy = KeeperPolicy(protected=(str(lib.root / "archive"),))
    [s] = lib.find(policy=policy)
    assert s.keeper.path == kept and s.protected == [kept]
    assert "protected" in s.reason
    # A better picture outside the protected folder is never proposed for the trash in favour
    # of the protected one (an app review: the half-size re-save was kept, the original to go).
    assert s.starts_kept() == {kept: True, str(lib.root / "inbox/large.jpg"): True,
                               str(lib.root / "inbox/smaller.jpg"): False}  # fmt: skip
    assert s.reason.endswith(
        "; large.jpg stays too: 4000x3000, more pixels than the protected copy's 800x600"
    )
    assert s.reclaimable_bytes == 1000  # only the copy worse than the protected one


def test_a_protected_exact_copy_is_kept_and_the_others_go(lib) -> None:
    v = unit(np.ones(DIM))
    kept = lib.add("archive/IMG_1.jpg", v, fingerprint="e" * 32)
    lib.add("inbox/IMG_1.jpg", v, fingerprint="e" * 32)
    [s] = lib.find(policy=KeeperPolicy(protected=(str(lib.root / "archive"),)))
    assert s.starts_kept() == {kept: True, str(lib.root / "inbox/IMG_1.jpg"): False} and not s.also_kept


def test_decisions_survive_rename_and_new_photos_still_join(lib) -> None:
    [a, b, c] = on_arc(0.999, 3)
    lib.add("a.jpg", a, phash=0, fingerprint="a" * 32)
    lib.add("b.jpg", b, phash=0, fingerprint="b" * 32)
    [s] = lib.find()
    mark(lib.catalog, s, NOT_DUPLICATES)
    assert lib.find() == []
    # Rename b.jpg: same content, new path.
    lib.catalog.remove_paths([str(lib.root / "b.jpg")])
    lib.add("renamed.jpg", b, phash=0, fingerprint="b" * 32)
    assert lib.find() == []
    lib.add("c.jpg", c, phash=0)  # a new photo close to both
    sets = lib.find()
    assert sets and all("c.jpg" in paths(s) for s in sets)
    assert all(not {"a.jpg", "renamed.jpg"} <= paths(s) for s in sets)


def test_keep_both_on_exact_copies_sticks(lib) -> None:
    v = unit(np.ones(DIM))
    lib.add("x.jpg", v, fingerprint="e" * 32)
    lib.add("y.jpg", v, fingerprint="e" * 32)
    [s] = lib.find()
    mark(lib.catalog, s, KEEP_BOTH)
    assert lib.find() == []
    mark(lib.catalog, s, None)
    assert len(lib.find()) == 1


def test_a_decision_is_an_action_an_undo_takes_back_and_the_history_lists(lib) -> None:
    """A "Not duplicates" by mistake hid the set for good; it is an action now, and its undo
    leaves the decisions as they were before it (an older one about the same photos too)."""
    from photoorg.core import undo as undoing

    [a, b, c] = on_arc(0.999, 3)
    lib.add("a.jpg", a, phash=0, fingerprint="a" * 32)
    lib.add("b.jpg", b, phash=0, fingerprint="b" * 32)
    lib.add("c.jpg", c, phash=0, fingerprint="c" * 32)
    [s] = lib.find()
    keep = mark(lib.catalog, s, KEEP_BOTH)
    assert lib.find() == []
    forget = mark(lib.catalog, s, None)
    [again] = lib.find()
    assert paths(again) == paths(s)
    wrong = mark(lib.catalog, again, NOT_DUPLICATES)
    assert lib.find() == []
    [info] = [b for b in lib.catalog.batches()[0] if b.id == wrong]
    assert info.summary == "not duplicates: a.jpg, b.jpg, c.jpg" and info.changes == 3

    outcome = undoing.undo(lib.catalog)
    assert outcome.batch == wrong
    assert outcome.note == "undid the decision about a duplicate set (not duplicates: a.jpg, b.jpg, c.jpg)"
    assert [paths(x) for x in lib.find()] == [paths(s)]  # forgotten, as before the mistake
    assert undoing.undo(lib.catalog).batch == forget
    assert lib.find() == []  # "keep all" is in force again
    assert undoing.undo(lib.catalog).batch == keep
    assert len(lib.find()) == 1
    with pytest.raises(undoing.NothingToUndo):
        undoing.undo(lib.catalog)


def test_a_decision_undone_by_mistake_is_redone_and_that_redo_undone(lib) -> None:
    """Undo went one step too far (past a "Not duplicates"): Redo makes the same decision again,
    as a new action that an undo takes back in turn; nothing is redone twice."""
    from photoorg.core import redo as redoing
    from photoorg.core import undo as undoing

    [a, b] = on_arc(0.999, 2)
    lib.add("a.jpg", a, phash=0, fingerprint="a" * 32)
    lib.add("b.jpg", b, phash=0, fingerprint="b" * 32)
    [s] = lib.find()
    first = mark(lib.catalog, s, NOT_DUPLICATES)
    undoing.undo(lib.catalog)
    assert len(lib.find()) == 1
    assert redoing.redoable(lib.catalog).id == first
    outcome = redoing.redo(lib.catalog, [], [])
    assert outcome.batch != first and outcome.done == []
    assert outcome.note == "made the decision about a duplicate set again (not duplicates: a.jpg, b.jpg)"
    assert lib.find() == []  # hidden again
    assert redoing.redoable(lib.catalog) is None
    with pytest.raises(redoing.NothingToRedo):
        redoing.redo(lib.catalog, [], [])
    assert undoing.undo(lib.catalog).batch == outcome.batch
    assert [paths(x) for x in lib.find()] == [paths(s)]


def test_a_decision_about_photos_with_odd_names_is_recorded_and_forgetting_nothing_is_no_action(lib) -> None:
    """A name with a byte that is not UTF-8 (SQLite refuses the lone surrogate) or a newline:
    the decision's summary keeps them readable, and the decision is recorded."""
    [a, b] = on_arc(0.999, 2)
    lib.add("bad\udcffname.jpg", a, phash=0, fingerprint="a" * 32)
    lib.add("two\nlines.jpg", b, phash=0, fingerprint="b" * 32)
    [s] = lib.find()
    before = lib.catalog.batches()[1]
    assert mark(lib.catalog, s, None) is None  # nothing remembered: no action to undo
    assert lib.catalog.batches()[1] == before
    batch = mark(lib.catalog, s, NOT_DUPLICATES)
    assert lib.find() == []
    [info] = [b for b in lib.catalog.batches()[0] if b.id == batch]
    assert info.summary == "not duplicates: bad\ufffdname.jpg, two\\nlines.jpg"


def test_without_a_model_only_exact_sets(lib) -> None:
    [v, w] = on_arc(0.999, 2)
    lib.add("a.jpg", v, fingerprint="1" * 32)
    lib.add("a2.jpg", v, fingerprint="1" * 32)
    lib.add("b.jpg", w)
    sets = find_duplicates(lib.catalog, None)
    assert [s.verdict for s in sets] == [Verdict.EXACT]


def test_flat_pictures_are_the_same_image_only_in_the_same_colour(lib) -> None:
    """Issue 13, bug 7: a solid black, white and red picture have the same perceptual hash, so
    plain-colour and other flat pictures (dark pocket shots, blank scans) made "same image"
    sets of hundreds whatever they showed. Their colour must match."""
    v = on_arc(0.999, 1)[0]
    green = lib.add("green.png", v, phash=0, tone=(0.0, 128 / 255, 0.0, 0.0))
    lib.add("green2.png", v, phash=0, tone=(0.0, 160 / 255, 0.0, 0.0))  # 32 levels apart
    resaved = lib.add("green-resaved.jpg", v, phash=0, tone=(0.004, 0.50, 0.003, 0.004))
    lib.add("black.png", v, phash=0, tone=(0.0, 0.0, 0.0, 0.0))
    same = [s for s in lib.find() if s.verdict is Verdict.SAME]
    assert [sorted(p.path for p in s.photos) for s in same] == [sorted([green, resaved])]


def test_a_same_image_set_of_many_photos_proposes_to_trash_none(lib) -> None:
    """Issue 13, bug 7: a "same image" set of 1454 photos proposed to trash all but one."""
    v = on_arc(0.999, 1)[0]
    for k in range(12):
        lib.add(f"scan{k:02d}.png", v, phash=0)
    [same] = [s for s in lib.find() if s.verdict is Verdict.SAME]
    assert len(same.photos) == 12 and same.suspicious
    assert all(same.starts_kept().values()) and same.reclaimable_bytes == 0
    assert "12 photos called the same image is unusual" in same.reason


def test_photos_catalogued_without_a_tone_get_it_from_their_files(tmp_path) -> None:
    """A catalog from before the tone was kept: the candidates' files are read once."""
    lib = Library(tmp_path)
    lib.root.mkdir(parents=True)
    v = on_arc(0.999, 1)[0]
    for name, colour in (("a.png", (0, 128, 0)), ("b.png", (0, 160, 0)), ("c.png", (0, 128, 0))):
        Image.new("RGB", (64, 48), colour).save(lib.root / name)
        lib.add(name, v, phash=0, tone=None, wh=(64, 48))
    lib.add("gone.png", v, phash=0, tone=None, wh=(64, 48), file=False)  # no file: never "the same image"
    [same] = [s for s in lib.find() if s.verdict is Verdict.SAME]
    assert paths(same) == {"a.png", "c.png"}
    assert all(p.tone is not None for p in lib.catalog.photos() if not p.path.endswith("gone.png"))
    lib.catalog.close()


def test_a_catalog_that_cannot_be_written_still_gives_every_set(tmp_path) -> None:
    """Attack: finding duplicates only reads the library, but keeps what it learns (tones,
    pixel checks, pairs) in the catalog. When that write fails (a full disk; another photoorg
    holding the catalog past the wait) the search must still answer, the same as it would."""
    import sqlite3

    sets = {}
    for writable in (True, False):
        lib = Library(tmp_path / str(writable))
        lib.root.mkdir(parents=True)
        v = on_arc(0.999, 1)[0]
        for name, colour in (("a.png", (0, 128, 0)), ("b.png", (0, 160, 0)), ("c.png", (0, 128, 0))):
            Image.new("RGB", (64, 48), colour).save(lib.root / name)
            lib.add(name, v, phash=0, tone=None, wh=(64, 48))  # its tone is still to be read
        [p, q] = on_arc(0.99, 2, seed=2)
        lib.add("photo.jpg", p, phash=0b1011)
        lib.add("photo_resaved.jpg", q, phash=0b1010)  # the same picture: pixel-checked
        if not writable:
            lib.catalog._db.execute("PRAGMA query_only = ON")  # every write fails from here on
            with pytest.raises(sqlite3.OperationalError):
                lib.catalog.set_tones([("0" * 32, (0.0, 0.0, 0.0, 0.0))])
        sets[writable] = sorted((s.verdict, sorted(paths(s))) for s in lib.find())
        lib.catalog.close()
    assert sets[False] == sets[True]
    assert (Verdict.SAME, ["a.png", "c.png"]) in sets[False]
    assert (Verdict.SAME, ["photo.jpg", "photo_resaved.jpg"]) in sets[False]


def test_the_tone_tells_plain_colours_apart_and_keeps_re_saves_together() -> None:
    """The measured figures behind the two defaults (same_flat_detail, same_max_colour_change)."""
    settings = DuplicateSettings()
    for photo in REAL_PHOTOS:
        original = Image.open(photo).convert("RGB")
        a = pixel_hashes.tone(original)
        for variant, make in VARIANTS.items():
            if variant.startswith("cropped"):
                continue  # a crop may change the mean colour of a detailed photo; detail decides
            b = pixel_hashes.tone(make(original))
            assert (
                max(abs(x - y) for x, y in zip(a[:3], b[:3], strict=True)) <= settings.same_max_colour_change
            )
        assert a[3] >= settings.same_flat_detail  # real photos are not flat
    plain = [
        pixel_hashes.tone(Image.new("RGB", (40, 30), c))
        for c in ((0, 128, 0), (0, 160, 0), (0, 0, 0), (255, 0, 0))
    ]
    assert all(t[3] < settings.same_flat_detail for t in plain)
    assert abs(plain[0][1] - plain[1][1]) > settings.same_max_colour_change


# -- the pixel check on real photos ---------------------------------------------------------


def _reencode(img: Image.Image, fmt: str = "JPEG", **kw: object) -> Image.Image:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kw)
    return imaging.decode(buf.getvalue(), 256).image


def _exif_rotated(img: Image.Image) -> Image.Image:
    exif = Image.Exif()
    exif[0x0112] = 6
    buf = io.BytesIO()
    img.transpose(Image.Transpose.ROTATE_90).save(buf, format="JPEG", exif=exif, quality=90)
    return imaging.decode(buf.getvalue(), 256).image


VARIANTS = {
    "re-encoded at quality 50": lambda im: _reencode(im, quality=50),
    "resized to half": lambda im: _reencode(im.resize((im.width // 2, im.height // 2)), quality=85),
    "cropped 3% each side": lambda im: _reencode(
        im.crop((int(im.width * 0.03), int(im.height * 0.03), int(im.width * 0.97), int(im.height * 0.97)))
    ),
    "saved as WebP": lambda im: _reencode(im, "WEBP", quality=70),
    "rotated by EXIF": _exif_rotated,
}


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("photo", REAL_PHOTOS, ids=lambda p: p.name)
def test_same_image_variants_pass_the_pixel_check(photo: Path, variant: str) -> None:
    original = Image.open(photo).convert("RGB")
    copy = VARIANTS[variant](original)
    distance = pixel_hashes.hash_distance(
        pixel_hashes.perceptual_hash(original), pixel_hashes.perceptual_hash(copy)
    )
    assert distance <= DuplicateSettings().same_max_hash_bits


@pytest.mark.parametrize(("a", "b"), LOOKALIKE_PAIRS)
def test_lookalike_shots_fail_the_pixel_check(a: str, b: str) -> None:
    ha = pixel_hashes.perceptual_hash(Image.open(DATA / a).convert("RGB"))
    hb = pixel_hashes.perceptual_hash(Image.open(DATA / b).convert("RGB"))
    assert pixel_hashes.hash_distance(ha, hb) > DuplicateSettings().same_max_hash_bits


def test_an_unchanged_library_reuses_the_last_search_and_a_change_searches_again(lib) -> None:
    """A start of an unchanged library needs no search (40 s at 20k alike photos, measured):
    the pairs are kept with what they were found from. A new photo, another model or other
    thresholds find the pairs again, so a kept search never hides a duplicate."""
    from photoorg.core.duplicates import DuplicateSettings
    from photoorg.core.progress import Progress

    a, b = on_arc(0.95, 2)
    lib.add("a.jpg", a, phash=0)
    lib.add("b.jpg", b, phash=0xFFFF)

    def search(**kw: object) -> tuple[list, list[str]]:
        stages: list[str] = []
        sets = lib.find(progress=Progress(lambda p: stages.append(p.stage)), **kw)
        return sets, stages

    first, stages = search()
    assert "Comparing photos" in stages
    again, stages = search()
    assert "Comparing photos" not in stages  # kept from the first search
    assert [(s.verdict, paths(s)) for s in again] == [(s.verdict, paths(s)) for s in first]

    lib.add("c.jpg", a, phash=0)  # a new photo (a re-save of a): searched again, and it is found
    third, stages = search()
    assert "Comparing photos" in stages and any("c.jpg" in paths(s) for s in third)
    stricter = DuplicateSettings(similar_threshold=0.99, same_threshold=0.995)
    _, stages = search(settings=stricter)  # other thresholds: searched again
    assert "Comparing photos" in stages


def test_photos_added_and_removed_are_compared_alone_and_give_the_sets_of_a_new_search(lib) -> None:
    """Trashing a few duplicates, or importing a card, in a large library: only the photos
    that came (and those that lost a partner) are compared with the library, not every photo
    again (seconds at 100k photos), and the sets are those of a search from scratch."""
    from photoorg.core.progress import Progress

    rng = np.random.default_rng(7)
    base = [unit(rng.standard_normal(DIM)) for _ in range(40)]
    for k, v in enumerate(base):
        lib.add(f"p{k:02d}.jpg", v, phash=k * 0x1111)
    lib.add("p03 burst.jpg", unit(base[3] + 0.12 * unit(rng.standard_normal(DIM))), phash=0xF0F0)

    def search() -> tuple[list, list[str]]:
        stages: list[str] = []
        sets = lib.find(progress=Progress(lambda p: stages.append(p.stage)))
        return [(s.verdict, paths(s)) for s in sets], stages

    def from_scratch() -> list:
        lib.catalog.forget_similar_pairs()
        return search()[0]

    first, stages = search()
    assert "Comparing photos" in stages and len(first) == 1
    lib.add("p10 copy.jpg", base[10], phash=10 * 0x1111)  # came: a re-save and a similar shot
    lib.add("p20 burst.jpg", unit(base[20] + 0.12 * unit(rng.standard_normal(DIM))), phash=0xF00F)
    added, stages = search()
    assert "Comparing photos" not in stages and "Comparing the photos that came or lost a partner" in stages
    assert {frozenset(p) for _, p in added} >= {
        frozenset({"p10.jpg", "p10 copy.jpg"}),
        frozenset({"p20.jpg", "p20 burst.jpg"}),
    }
    assert added == from_scratch()
    lib.catalog.remove_paths([str(lib.root / "p03 burst.jpg"), str(lib.root / "p20.jpg")])  # went
    removed, stages = search()
    assert "Comparing photos" not in stages
    assert removed == from_scratch() and len(removed) == 1


def test_two_flat_pictures_of_one_colour_are_judged_by_their_colour_without_reading_them(lib) -> None:
    """The aligned pixel check has nothing to align on a plain picture: on a library of 20k
    plain colours it would compare tens of thousands of pairs for nothing."""
    v = on_arc(0.999, 1)[0]
    grey = (0.5, 0.5, 0.5, 0.0)
    a = lib.add("plain.png", v, phash=0, tone=grey, file=False)
    b = lib.add("plain-resaved.jpg", v, phash=0, tone=grey, file=False)
    [same] = [s for s in lib.find() if s.verdict is Verdict.SAME]
    assert sorted(p.path for p in same.photos) == sorted([a, b])


def test_two_dark_frames_of_one_scene_are_not_the_same_image_and_a_re_save_is(lib) -> None:
    """Found by a hostile review: two underexposed frames of a basketball game (flat: little
    detail) skipped the aligned pixel check, were called the same image, and the smaller went
    to the trash. A flat picture with some detail is checked; only a blank one is not."""
    v = on_arc(0.999, 1)[0]
    lib.root.mkdir(parents=True, exist_ok=True)
    shots = [("night1.jpg", "basketball1.png", 95), ("night1-resaved.jpg", "basketball1.png", 80),
             ("night2.jpg", "basketball2.png", 95)]  # fmt: skip
    for name, frame, quality in shots:
        dark = Image.open(DATA / "pairs" / frame).convert("RGB").point(lambda x: int(x * 0.08 + 4))
        dark.save(lib.root / name, quality=quality)
        saved = Image.open(lib.root / name).convert("RGB")
        tone = pixel_hashes.tone(saved)
        assert tone[3] < DuplicateSettings().same_flat_detail  # flat, as a dark shot is
        lib.add(name, v, phash=pixel_hashes.perceptual_hash(saved), tone=tone, wh=saved.size)
    same = [paths(s) for s in lib.find() if s.verdict is Verdict.SAME]
    assert same == [{"night1.jpg", "night1-resaved.jpg"}]


def test_a_vector_that_is_not_a_number_is_left_out_and_the_rest_are_searched(lib) -> None:
    """A NaN or infinite vector stored before scans refused them (an fp16 overflow on a GPU):
    comparing every pair cast it to garbage for the whole matrix. It is left out now; the
    other photos' sets are found as before."""
    rng = np.random.default_rng(1)
    for i in range(40):
        lib.add(f"r{i}.jpg", unit(rng.standard_normal(DIM)))
    a, b = on_arc(0.999, 2)
    lib.add("a.jpg", a)
    lib.add("b.jpg", b)
    lib.add("nan.jpg", np.full(DIM, np.nan, dtype=np.float32))
    lib.add("inf.jpg", np.where(np.arange(DIM) == 3, np.inf, a).astype(np.float32))
    assert [paths(s) for s in lib.find()] == [{"a.jpg", "b.jpg"}]


def test_photos_without_vectors_yet_give_the_exact_copies_only(lib) -> None:
    """Seen in the app at the start of a first scan: the model known, no vector embedded yet,
    and the duplicate search failed ("too many indices for array") instead of listing the
    exact copies that cataloguing had found."""
    lib.add("a.jpg", fingerprint="a" * 32)
    lib.add("copy of a.jpg", fingerprint="a" * 32)
    lib.add("b.jpg", fingerprint="b" * 32)
    [s] = lib.find()
    assert s.verdict is Verdict.EXACT and paths(s) == {"a.jpg", "copy of a.jpg"}


def test_copies_alike_by_every_rule_say_which_one_is_kept_by_where_it_is() -> None:
    """A new-user review: three copies all named skagen.jpg were "kept the first by name"."""
    from photoorg.core.catalog import PhotoInfo
    from photoorg.core.keeper import KeeperPolicy, choose_keeper

    copies = [
        PhotoInfo(f"/lib/{folder}/skagen.jpg", "same", 100, 1, 8, 8, "JPEG", None, None, None)
        for folder in ("Skagen", "phone_backup", "Old Laptop/Pictures")
    ]
    ranked, why = choose_keeper(copies, KeeperPolicy())
    assert ranked[0].path == "/lib/Old Laptop/Pictures/skagen.jpg"
    assert why == "identical by every rule; kept the first by folder and name (the one in Pictures)"
    named = [
        *copies[:1],
        PhotoInfo("/lib/Skagen/skagen2.jpg", "same", 100, 1, 8, 8, "JPEG", None, None, None),
    ]
    assert (
        choose_keeper(named, KeeperPolicy())[1]
        == "identical by every rule; kept the one with the shorter name"
    )


def test_a_threshold_outside_minus_one_to_one_is_said_so() -> None:
    """A new-user review: --similar-threshold 2 was told to raise the 'same image' one first."""
    with pytest.raises(ValueError, match=r"'similar' threshold \(2\.0\) is a similarity, between -1 and 1"):
        DuplicateSettings(similar_threshold=2.0)
    with pytest.raises(ValueError, match="cannot be above the 'same image' threshold"):
        DuplicateSettings(similar_threshold=0.99, same_threshold=0.98)


def test_the_oldest_file_is_said_as_precisely_as_tells_it_from_the_next() -> None:
    """A new-user review: "kept the oldest file, modified 2026-12-04 18:44" of copies all made
    in that minute said nothing of why that one."""
    from datetime import datetime

    from photoorg.core.catalog import PhotoInfo
    from photoorg.core.keeper import KeeperPolicy, choose_keeper

    def copy(name: str, when: datetime) -> PhotoInfo:
        return PhotoInfo(
            f"/lib/{name}/x.jpg", "same", 100, int(when.timestamp() * 1e9), 8, 8, "JPEG", None, None, None
        )

    same_minute = [copy("b", datetime(2026, 12, 4, 18, 44, 7)), copy("a", datetime(2026, 12, 4, 18, 44, 3))]
    ranked, why = choose_keeper(same_minute, KeeperPolicy())
    assert ranked[0].path == "/lib/a/x.jpg"
    assert why.endswith("kept the oldest file, modified 2026-12-04 18:44:03 (the next 2026-12-04 18:44:07)")
    days = [copy("b", datetime(2019, 1, 5, 9)), copy("a", datetime(2019, 1, 2, 9))]
    assert choose_keeper(days, KeeperPolicy())[1].endswith("modified 2019-01-02 (the next 2019-01-05)")


def test_a_year_alone_is_not_taken_before_a_day_of_that_year() -> None:
    """Noticed last session: of two copies, the one a sidecar dates "1987" alone was kept as
    "taken first" before the one taken on 3 May 1987; it may be from December."""
    from photoorg.core.catalog import PhotoInfo
    from photoorg.core.keeper import KeeperPolicy, choose_keeper

    def copy(name: str, taken: str, known: str | None) -> PhotoInfo:
        return PhotoInfo(
            name, "same", 100, 1, 8, 8, "JPEG", taken, None, None, taken_from="x.xmp", taken_known=known
        )

    policy = KeeperPolicy(rules=("earliest_taken",))
    year, day = (
        copy("/a/print.jpg", "1987-01-01T00:00:00", "year"),
        copy("/b/may.jpg", "1987-05-03T10:00:00", None),
    )
    ranked, why = choose_keeper([year, day], policy)
    assert ranked[0] is day and why == "taken first (1987-05-03 10:00:00)"
    earlier = copy("/c/old.jpg", "1985-01-01T00:00:00", "year")  # a year before: certainly first
    assert choose_keeper([day, earlier], policy)[0][0] is earlier


def test_of_identical_copies_the_one_in_a_folder_of_copies_goes() -> None:
    """An app review: of two identical chelsea.png, the one in extras/copies was kept "the first
    by folder and name", and the original in animals/ was to go."""
    from photoorg.core.catalog import PhotoInfo
    from photoorg.core.keeper import KeeperPolicy, choose_keeper, folder_of_copies

    copies = [
        PhotoInfo(path, "same", 100, 1, 8, 8, "PNG", None, None, None)
        for path in ("/lib/extras/copies/chelsea.png", "/lib/scikit-image/animals/chelsea.png")
    ]
    ranked, why = choose_keeper(copies, KeeperPolicy())
    assert ranked[0].path == "/lib/scikit-image/animals/chelsea.png"
    assert why == "identical by every rule; the other is in a folder of copies (copies)"
    third = PhotoInfo("/lib/extras/copies/b/chelsea.png", "same", 100, 1, 8, 8, "PNG", None, None, None)
    _, why = choose_keeper([*copies, third], KeeperPolicy())  # (a new-user review: "the other" of 3)
    assert why == "identical by every rule; the next best is in a folder of copies (copies)"
    # The folder that says so is named, and only folders inside the library count (a hostile
    # review: "(07)" for Backup/2019/07; a drive called "Backup Drive" made its photos go).
    deep = [
        PhotoInfo(path, "same", 100, 1, 8, 8, "JPEG", None, None, None)
        for path in ("/lib/Backup/2019/07/x.jpg", "/lib/photos/2019/07/x.jpg")
    ]
    assert choose_keeper(deep, KeeperPolicy(library=("/lib",)))[1].endswith("folder of copies (Backup)")
    drive = [
        PhotoInfo(path, "same", 100, 1, 8, 8, "JPEG", None, None, None)
        for path in ("/media/Backup Drive/Photos/2019/x.jpg", "/home/me/Desktop/x.jpg")
    ]
    policy = KeeperPolicy(library=("/media/Backup Drive/Photos", "/home/me/Desktop"))
    assert "folder of copies" not in choose_keeper(drive, policy)[1]
    assert folder_of_copies("/p/Hard copy/x.jpg") is None and folder_of_copies("/p/Pictures - Copy/x.jpg")


def test_a_day_without_a_time_is_not_taken_before_a_time_of_that_day() -> None:
    """A hostile review: a copy dated "1987-07-14" in its sidecar (no time of day) was "taken
    first (1987-07-14 00:00:00)" before the copy taken at 10:00 that day."""
    from photoorg.core.catalog import PhotoInfo
    from photoorg.core.keeper import KeeperPolicy, choose_keeper

    day = PhotoInfo(
        "/a/x.png", "s", 100, 1, 8, 8, "PNG", "1987-07-14T00:00:00", None, None, taken_from="x.png.xmp"
    )
    ten = PhotoInfo(
        "/b/x.png", "s", 100, 1, 8, 8, "PNG", "1987-07-14T10:00:00", None, None, taken_from="x.png.xmp"
    )
    ranked, why = choose_keeper([day, ten], KeeperPolicy(rules=("earliest_taken",)))
    assert ranked[0] is ten and why == "taken first (1987-07-14 10:00:00)"


def test_a_live_photo_is_the_copy_kept_and_starts_kept_beside_a_larger_re_save(lib) -> None:
    """A new-user review: the duplicate clean-up kept wayne.jpg ("the oldest file") and trashed
    its copy IMG_0001.jpg, a Live Photo, whose video then stood alone as a tile."""
    [v, w] = on_arc(0.995, 2)
    lib.add("old/wayne.jpg", v, fingerprint="a" * 32, mtime_ns=1)
    lib.add("phone/IMG_0001.jpg", v, fingerprint="a" * 32, mtime_ns=5)
    lib.add("phone/IMG_0001.MOV", fingerprint="b" * 32, fmt="MOV", wh=(0, 0))
    [exact] = lib.find(verdicts=(Verdict.EXACT,))
    assert Path(exact.keeper.path).name == "IMG_0001.jpg"
    assert exact.reason == f"a Live Photo, with its video ({lib.root / 'phone'})"
    # A larger re-save of the Live Photo's still keeps the still too.
    lib.add("export/IMG_0001_big.jpg", w, phash=0, wh=(800, 600), size=9000)
    [same] = lib.find(verdicts=(Verdict.SAME,))
    assert Path(same.keeper.path).name == "IMG_0001_big.jpg"
    assert {Path(p).name: k for p, k in same.starts_kept().items()} == {
        "IMG_0001_big.jpg": True, "IMG_0001.jpg": True
    }  # fmt: skip
    assert same.reason.endswith("; IMG_0001.jpg stays too: it is a Live Photo, with its video")


def test_the_copy_kept_of_a_live_photo_s_video_is_the_kept_still_s(lib) -> None:
    """A hostile review: of two copies of a Live Photo (still and video each), the clean-up kept
    a/IMG_1.jpg (the older still) and b/IMG_1.MOV (the older video): two halves."""
    lib.add("a/IMG_1.jpg", fingerprint="a" * 32, mtime_ns=1)
    lib.add("a/IMG_1.MOV", fingerprint="b" * 32, fmt="MOV", wh=(0, 0), mtime_ns=5)
    lib.add("b/IMG_1.jpg", fingerprint="a" * 32, mtime_ns=2)
    lib.add("b/IMG_1.MOV", fingerprint="b" * 32, fmt="MOV", wh=(0, 0), mtime_ns=1)
    lib.add("c/clip.MOV", fingerprint="b" * 32, fmt="MOV", wh=(0, 0), mtime_ns=0)  # older still
    sets = {Path(s.keeper.path).suffix: s for s in lib.find(verdicts=(Verdict.EXACT,))}
    assert sets[".jpg"].keeper.path == str(lib.root / "a" / "IMG_1.jpg")
    assert sets[".MOV"].keeper.path == str(lib.root / "a" / "IMG_1.MOV")
    assert sets[".MOV"].reason == f"the video of the Live Photo kept ({lib.root / 'a'})"


def test_every_live_still_stays_beside_a_protected_or_a_larger_keeper(lib) -> None:
    """A hostile review: a protected copy kept, the Live Photo's still went (its video left
    alone); of two Live Photos' stills in a same-image set, only the first stayed."""
    lib.add("archive/IMG_1.jpg", fingerprint="a" * 32, mtime_ns=1)
    lib.add("phone/IMG_1.jpg", fingerprint="a" * 32, mtime_ns=2)
    lib.add("phone/IMG_1.MOV", fingerprint="b" * 32, fmt="MOV", wh=(0, 0))
    [exact] = lib.find(verdicts=(Verdict.EXACT,), policy=KeeperPolicy(protected=(str(lib.root / "archive"),)))
    assert exact.keeper.path == str(lib.root / "archive" / "IMG_1.jpg")
    assert exact.starts_kept()[str(lib.root / "phone" / "IMG_1.jpg")]
    [u, v, w] = on_arc(0.995, 3)
    lib.add("x/big.jpg", u, phash=0, wh=(800, 600), size=9000)
    lib.add("x/IMG_5.jpg", v, phash=0)
    lib.add("x/IMG_5.MOV", fingerprint="c" * 32, fmt="MOV", wh=(0, 0))
    lib.add("y/IMG_6.jpg", w, phash=0)
    lib.add("y/IMG_6.MOV", fingerprint="d" * 32, fmt="MOV", wh=(0, 0))
    [same] = lib.find(verdicts=(Verdict.SAME,))
    assert all(same.starts_kept().values())
    assert same.reason.endswith("; IMG_5.jpg, IMG_6.jpg stay too: they are Live Photos, with their videos")


def test_no_clean_up_splits_a_live_photo_whatever_its_copies(lib) -> None:
    """A third hostile review: a protected copy of a Live Photo's video was kept and the Live
    Photo's own video went; of one video behind two different stills, one went; of two copies of
    a still with different videos, the second still went and its video was left alone."""
    policy = KeeperPolicy(protected=(str(lib.root / "backup"),))
    lib.add("a/IMG_1.jpg", fingerprint="1" * 32)
    lib.add("a/IMG_1.MOV", fingerprint="v" * 32, fmt="MOV", wh=(0, 0), mtime_ns=9)
    lib.add("backup/clip.MOV", fingerprint="v" * 32, fmt="MOV", wh=(0, 0), mtime_ns=1)
    lib.add("b/IMG_1.jpg", fingerprint="2" * 32)  # another still, the same video behind it
    lib.add("b/IMG_1.MOV", fingerprint="v" * 32, fmt="MOV", wh=(0, 0), mtime_ns=8)
    lib.add("c/IMG_3.jpg", fingerprint="3" * 32)  # copies of one still, each with its own video
    lib.add("c/IMG_3.MOV", fingerprint="w" * 32, fmt="MOV", wh=(0, 0))
    lib.add("d/IMG_3.jpg", fingerprint="3" * 32)
    lib.add("d/IMG_3.MOV", fingerprint="x" * 32, fmt="MOV", wh=(0, 0))
    sets = lib.find(verdicts=(Verdict.EXACT,), policy=policy)
    kept = {p for s in sets for p, k in s.starts_kept().items() if k}
    going = {p.path for s in sets for p in s.photos} - kept
    assert going == set()  # every copy here is part of a Live Photo that stays
    [videos] = [s for s in sets if s.keeper.is_video]
    assert videos.keeper.path == str(lib.root / "backup" / "clip.MOV")
    assert videos.reason.endswith("; IMG_1.MOV, IMG_1.MOV stay too: they are the videos of Live Photos kept")


def test_a_live_photo_s_still_without_a_date_has_its_video_s_in_a_set(lib) -> None:
    """A new-user review: 'timeline' dated the still by its video, 'duplicates' showed none."""
    lib.add("a/IMG_3.jpg", fingerprint="3" * 32)
    lib.add("a/IMG_3.MOV", fingerprint="v" * 32, fmt="MOV", wh=(0, 0), taken="2021-06-10T09:00:00")
    lib.add("b/IMG_3.jpg", fingerprint="3" * 32)
    [s] = lib.find(verdicts=(Verdict.EXACT,))
    dates = {str(Path(p.path).relative_to(lib.root)): p.taken for p in s.photos}
    assert dates == {"a/IMG_3.jpg": "2021-06-10T09:00:00", "b/IMG_3.jpg": None}
