"""The files that belong to a photo and travel with it, and the names they take.

- **Sidecars** (``.xmp``, ``.aae``, Google Takeout ``.json``): ``IMG_1.jpg.xmp`` (any name that
  starts with the photo's whole name) is the photo's own. ``IMG_1.xmp`` is the photo's when no
  other file shares the stem ``IMG_1``; beside a RAW it is the RAW's (Lightroom's, darktable's
  and digiKam's convention, as :func:`photoorg.core.sidecar_names.sidecar_for` reads it).
- **Companions** of an organize are wider: sidecars, a RAW of the same shot and a Live Photo's
  video, which :mod:`photoorg.core.organize` moves with the photo under its new name.

A trash, move or copy of chosen photos (:mod:`photoorg.core.action_plans`) takes their
sidecars along: a photo moved without its ``IMG_1.jpg.xmp`` lost its edits and keywords in
every program that reads them. A sidecar a photo that stays also owns (``IMG_1.xmp`` beside an
``IMG_1.CR2`` that stays) stays too, and the plan says why.

Qt-free; reads folders, writes nothing.
"""

from __future__ import annotations

import itertools
import os
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence

from photoorg.core.fileops import name_candidates
from photoorg.core.humanize import plural
from photoorg.core.scanner import RAW_EXTENSIONS as SCANNED_RAW_EXTENSIONS
from photoorg.core.scanner import takeout_numbered_photo, whole_name_owner

SIDECAR_EXTENSIONS = frozenset({".xmp", ".aae", ".json"})
#: Every RAW format a sidecar may belong to, also those photoorg does not catalogue.
RAW_EXTENSIONS = SCANNED_RAW_EXTENSIONS | {
    ".crw", ".nrw", ".srf", ".sr2", ".x3f", ".3fr", ".iiq", ".erf", ".kdc", ".mrw", ".rwl"
}  # fmt: skip
LIVE_PHOTO_EXTENSIONS = frozenset({".mov", ".mp4"})
COMPANION_EXTENSIONS = SIDECAR_EXTENSIONS | RAW_EXTENSIONS | LIVE_PHOTO_EXTENSIONS


def _key(name: str) -> str:
    """Names that may belong together share this: "img_1" for IMG_1.jpg, IMG_1.jpg.xmp, IMG_1.xmp."""
    return name.split(".")[0].lower()


def stem_key(path: str) -> str:
    """A file's name before its first dot, lower case: a photo and its companions share it."""
    return _key(os.path.basename(path))


def _ext(name: str) -> str:
    return os.path.splitext(name)[1].lower()


def is_sidecar(name: str) -> bool:
    """Whether a file name is a sidecar's (.xmp, .aae, .json)."""
    return _ext(name) in SIDECAR_EXTENSIONS


def kinds_said(companions: Sequence[str], each_one: bool = False) -> str:
    """What the files that go with photos are: "1 RAW file, 1 Live Photo video and 2
    sidecars"; ``each_one`` (of one photo): "RAW file and sidecar" where each kind is one."""
    return kinds_counted(Counter(_ext(c) for c in companions), each_one)


def kinds_counted(extensions: Mapping[str, int], each_one: bool = False) -> str:
    """:func:`kinds_said` of companions counted by their extensions (".cr2": 2)."""
    raws = sum(n for e, n in extensions.items() if e in RAW_EXTENSIONS)
    videos = sum(n for e, n in extensions.items() if e in LIVE_PHOTO_EXTENSIONS)
    counts = [
        (raws, "RAW file"),
        (videos, "Live Photo video"),
        (sum(extensions.values()) - raws - videos, "sidecar"),
    ]
    words = [what if each_one and n == 1 else plural(n, what) for n, what in counts if n]
    return " and ".join([", ".join(words[:-1]), words[-1]] if len(words) > 1 else words)


class FolderListing:
    """What is in each folder, listed once (the files only, not links): a photo's companions
    are found there."""

    def __init__(self) -> None:
        self._by_folder: dict[str, dict[str, list[str]]] = {}
        self._not_files: dict[str, dict[str, list[tuple[str, str]]]] = {}  # (name, what it is)

    def _names(self, folder: str, key: str) -> list[str]:
        listing = self._by_folder.get(folder)
        if listing is None:
            listing = defaultdict(list)
            others: dict[str, list[tuple[str, str]]] = defaultdict(list)
            try:
                with os.scandir(folder) as entries:
                    for entry in entries:
                        if entry.is_file(follow_symlinks=False):
                            listing[_key(entry.name)].append(entry.name)
                            numbered = takeout_numbered_photo(entry.name)
                            if numbered is not None:  # IMG_1(1).jpg's, listed under "img_1"
                                listing[_key(numbered)].append(entry.name)
                        elif _ext(entry.name) in SIDECAR_EXTENSIONS:
                            what = "a link" if entry.is_symlink() else "not a file"
                            others[_key(entry.name)].append((entry.name, what))
            except OSError:
                pass
            self._by_folder[folder] = listing
            self._not_files[folder] = others
        return listing.get(key, [])

    def companions(self, photo: str, catalogued: Collection[str] = ()) -> list[str]:
        """Organize's companions of ``photo``: sidecars, RAWs and videos of its stem (or that
        start with its whole name), not catalogued as photos of their own."""
        folder, name = os.path.split(photo)
        names = self._names(folder, _key(name))
        out = [
            os.path.join(folder, other)
            for other in names
            if other != name
            and _ext(other) in COMPANION_EXTENSIONS
            and _belongs(other, name)
            and not _of_another(other, name, names)
            and os.path.join(folder, other) not in catalogued
        ]
        return sorted(out)

    def sidecars(self, photo: str, going: Collection[str]) -> list[tuple[str, str | None]]:
        """The sidecars of ``photo``, each with None when it goes with the photo, or why it
        stays: a sidecar of the stem that another file also owns (the same shot as PNG, a
        video) stays unless that file goes as well (``going``: the photos of the action); beside
        a RAW it is the RAW's, and goes with the RAW only."""
        folder, name = os.path.split(photo)
        stem = os.path.splitext(name)[0].lower()
        names = self._names(folder, _key(name))
        owners = [  # files of the stem, besides the photo, that a sidecar of the stem may be of
            o
            for o in names
            if o != name and os.path.splitext(o)[0].lower() == stem and _ext(o) not in SIDECAR_EXTENSIONS
        ]
        raws = [o for o in owners if _ext(o) in RAW_EXTENSIONS]
        out: list[tuple[str, str | None]] = []
        for other in sorted(names):
            if other == name or _ext(other) not in SIDECAR_EXTENSIONS or not _belongs(other, name):
                continue
            if _of_another(other, name, names):
                continue
            why = None
            if not _whole_name_of(other, name):  # IMG_1.xmp, not IMG_1.jpg.xmp
                is_raw = _ext(name) in RAW_EXTENSIONS
                if raws and not is_raw:
                    if os.path.join(folder, raws[0]) in going:
                        continue  # the RAW's: it goes with the RAW
                    why = f"the sidecar of {raws[0]}, which stays"
                else:
                    shared = raws if is_raw else owners  # a RAW's sidecar is no JPEG's
                    staying = [o for o in shared if os.path.join(folder, o) not in going]
                    if staying:
                        why = f"{staying[0]} shares it and stays"
            out.append((os.path.join(folder, other), why))
        for other, what in self._not_files[folder].get(_key(name), []):  # said, not passed over
            if _belongs(other, name):
                out.append((os.path.join(folder, other), f"{what}; photoorg leaves it as it is"))
        return out

    def names_beside(self, photo: str) -> list[str]:
        """The names of the files in ``photo``'s folder that may belong with it (its own too)."""
        folder, name = os.path.split(photo)
        return self._names(folder, _key(name))

    def stem_sidecar_beside(self, photo: str) -> bool:
        """Whether a sidecar named after ``photo``'s stem (IMG_1.xmp) is in its folder."""
        folder, name = os.path.split(photo)
        stem = os.path.splitext(name)[0].lower()
        return any(
            _ext(o) in SIDECAR_EXTENSIONS and os.path.splitext(o)[0].lower() == stem
            for o in self._names(folder, _key(name))
        )

    def strays_for(self, photo: str) -> list[str]:
        """Sidecars already beside ``photo``'s place (which holds no file yet) that it would
        take for its own: IMG_1.jpg.xmp, or IMG_1.xmp with no other file of the stem there."""
        folder, name = os.path.split(photo)
        names = self._names(folder, _key(name))
        stem = os.path.splitext(name)[0].lower()
        sidecars = [o for o in names if _ext(o) in SIDECAR_EXTENSIONS]
        owned = any(os.path.splitext(o)[0].lower() == stem for o in names if o not in sidecars)
        return [
            o
            for o in sidecars
            if _whole_name_of(o, name) or (not owned and os.path.splitext(o)[0].lower() == stem)
        ]


def _whole_name_of(other: str, name: str) -> bool:
    """Whether ``other`` is named with the whole name of the photo ``name``: IMG_1.jpg.xmp,
    IMG_1.jpg.supplemental-metadata.json, and Takeout's IMG_1.jpg.supplemental-metadata(1).json
    of IMG_1(1).jpg."""
    numbered = takeout_numbered_photo(other)
    if numbered is not None:
        return numbered.lower() == name.lower()
    return other.lower().startswith(name.lower() + ".")


def _belongs(other: str, name: str) -> bool:
    """IMG_1.xmp, IMG_1.CR2, IMG_1.mov for IMG_1.jpg; also IMG_1.jpg.xmp and
    IMG_1.jpg.supplemental-metadata.json."""
    return os.path.splitext(other.lower())[0] == os.path.splitext(name)[0].lower() or _whole_name_of(
        other, name
    )


def _of_another(other: str, name: str, names: list[str]) -> bool:
    """Whether ``other`` is named after another file of the folder, letter for letter, where it
    matches ``name`` only without regard to case: IMG_8.jpg.xmp is IMG_8.jpg's, not IMG_8.JPG's
    (found by a review: a move of IMG_8.JPG took IMG_8.jpg's sidecar). A name that starts with
    another file's whole name is that file's: IMG_1.HEIC.xmp is IMG_1.HEIC's, not the sidecar
    of IMG_1.HEIC.jpg's stem, and IMG_1.HEIC.jpg.xmp is not IMG_1.HEIC's (a hostile review: a
    trash of either photo took both sidecars)."""
    numbered = takeout_numbered_photo(other)
    if numbered is not None and numbered.lower() != name.lower():
        return True  # Google Takeout's JSON of IMG_1(1).jpg, not of IMG_1.jpg (a hostile review)
    files = [*names, name] if name not in names else names
    owner = whole_name_owner(other, (o for o in files if o != other and _ext(o) not in SIDECAR_EXTENSIONS))
    if owner is not None:
        return owner != name
    if os.path.splitext(other)[0] == os.path.splitext(name)[0]:
        return False
    stem = os.path.splitext(other)[0]
    return any(
        o != name and o != other and (other.startswith(o + ".") or os.path.splitext(o)[0] == stem)
        for o in names
        if _ext(o) not in SIDECAR_EXTENSIONS
    )


def renamed(companion: str, photo_name: str, new_photo_name: str) -> str:
    """A companion's name after its photo was renamed: IMG.xmp / IMG.jpg.xmp follow IMG.jpg."""
    name = os.path.basename(companion)
    if new_photo_name == photo_name:
        return name
    numbered = takeout_numbered_photo(name)
    if numbered is not None:  # IMG_1.jpg.supplemental-metadata(1).json of IMG_1(1).jpg, moved as X.jpg:
        # X.jpg.supplemental-metadata.json, the name Takeout gives the JSON of X.jpg
        base = name[: name.rindex("(")]
        whole = len(numbered) - (len(name) - 5 - len(base))  # IMG_1.jpg: its name less "(1)"
        return new_photo_name + base[whole:] + name[-5:]
    old_stem, new_stem = os.path.splitext(photo_name)[0], os.path.splitext(new_photo_name)[0]
    if name.lower().startswith(photo_name.lower() + "."):
        return new_photo_name + name[len(photo_name) :]
    return new_stem + name[len(old_stem) :]


def name_room(companions: Sequence[str], photo_name: str) -> int:
    """How many bytes longer than the photo's the longest companion's name is, renamed with it
    (IMG.jpg.xmp: 4): a numbered name leaves that room, so that each still fits."""
    longer = photo_name + "_"  # a new name one byte longer: what each companion's adds to it
    grown = [len(os.fsencode(renamed(c, photo_name, longer))) for c in companions]
    return max([0, *(g - len(os.fsencode(longer)) for g in grown)])


def brings_stem_sidecar(photo_name: str, companions: Sequence[str]) -> bool:
    """Whether a photo's companions hold a sidecar named after its stem (IMG_1.xmp, not
    IMG_1.jpg.xmp), which any file of that stem beside it would share."""
    if not companions:  # most photos: no generator made (100k photos an organize)
        return False
    return any(
        _ext(c) in SIDECAR_EXTENSIONS and not os.path.basename(c).lower().startswith(photo_name.lower() + ".")
        for c in companions
    )


class SharedStems:
    """Keeps a sidecar named after a stem (IMG_1.xmp) the sidecar of one photo where photos
    are put. A hostile review: X.jpg moved with its X.xmp (a rating) into a folder holding an
    unrelated X.png; X.xmp was then X.png's, followed it and was applied to it by other programs.
    A photo is numbered instead ("X (1).jpg", "X (1).xmp") when it would share such a sidecar
    with a file of the stem that is there or is put there from another folder."""

    def __init__(self) -> None:
        #: (folder, stem) -> (where the photo put there came from: folder/stem, brings one)
        self._placed: dict[tuple[str, str], tuple[str, bool]] = {}
        self._chosen: dict[tuple[str, str], str] = {}  # (folder, where from) -> the stem it got

    def claim(self, target: str, source: str, brings: bool, there: Iterable[str]) -> bool:
        """Put a photo from ``source`` at ``target`` (bringing a sidecar of its stem, or not)
        unless it would share such a sidecar: False then. ``there``: names in the target's
        folder that may share its stem. (String slicing, not os.path: 100k photos an organize.)"""
        folder, _, name = target.rpartition(os.sep)
        stem = name.rsplit(".", 1)[0].lower()
        src_folder, _, src_name = source.rpartition(os.sep)
        src = f"{src_folder}{os.sep}{src_name.rsplit('.', 1)[0].lower()}"
        lower = name.lower()
        same = [o for o in there if o.rsplit(".", 1)[0].lower() == stem and o.lower() != lower]
        if same and (brings or any(_ext(o) in SIDECAR_EXTENSIONS for o in same)):
            return False
        key = (folder, stem)
        placed = self._placed.get(key)
        if placed is not None and placed[0] != src and (brings or placed[1]):
            return False
        self._placed[key] = (src, brings or (placed is not None and placed[1]))
        self._chosen.setdefault((folder, src), name.rsplit(".", 1)[0])
        return True

    def chosen(self, folder: str, source: str) -> str | None:
        """The stem a photo of ``source``'s stem and folder was given in ``folder`` already."""
        src_folder, _, src_name = source.rpartition(os.sep)
        return self._chosen.get((folder, f"{src_folder}{os.sep}{src_name.rsplit('.', 1)[0].lower()}"))


def free_with(
    target: str,
    companions: list[str],
    photo_name: str,
    taken: set[str],
    listing: FolderListing,
    stems: SharedStems | None = None,
    source: str = "",
    ours: Collection[str] = (),
) -> str:
    """``target``, or the first "name (n).ext" beside it, that is free (on disk and in
    ``taken``) for the photo and for each companion renamed alongside, and beside no sidecar
    the photo would take for its own (found by a review: a photo moved beside a stray IMG_1.xmp
    had its keywords written there), nor one it would share (``stems``, for the photo from
    ``source``; ``ours``: names there that are of the same shot, e.g. its JPEG put back by the
    same undo); all are taken then."""
    folder = os.path.dirname(target)
    brings = brings_stem_sidecar(photo_name, companions)
    candidates: Iterable[str] = name_candidates(target, room=name_room(companions, photo_name))
    if stems is not None:
        # The photos of one stem from one folder (a RAW, its JPEG: one shot) share one sidecar
        # named after the stem, whichever of them brings it: numbered as one (a hostile review:
        # IMG_1.JPG kept its name, IMG_1.CR2 and IMG_1.xmp became "IMG_1 (1)").
        brings = brings or listing.stem_sidecar_beside(source)
        chosen = stems.chosen(folder, source)
        if chosen is not None:
            first = os.path.join(folder, chosen + os.path.splitext(target)[1])
            candidates = itertools.chain([first], candidates)
    for candidate in candidates:
        new = os.path.basename(candidate)
        wanted = [candidate, *(os.path.join(folder, renamed(c, photo_name, new)) for c in companions)]
        if any(w in taken or os.path.lexists(w) for w in wanted) or any(
            listing.strays_for(w)
            for w in wanted
            if not is_sidecar(w)  # (the shot's RAW, video too)
        ):
            continue
        there = [n for n in listing._names(folder, _key(new)) if n not in ours] if stems is not None else []
        if stems is not None and not stems.claim(candidate, source, brings, there):
            continue
        taken.update(wanted)
        return candidate
    raise OSError(f"no free name for {target}")
