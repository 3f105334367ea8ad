"""Where an organize puts each file (out of organize.py, past its size): a free name in each
target folder for a photo and the files that go with it, sharing no sidecar with a stranger,
the sidecars that stay with a photo of their stem that stays, the names that hold the same
bytes already (CopiesThere), and the folders the move leaves empty (left_empty). Qt-free."""

from __future__ import annotations

import contextlib
import os
import stat
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from photoorg.core.catalog import fingerprint_file
from photoorg.core.companions import (
    SharedStems,
    brings_stem_sidecar,
    is_sidecar,
    name_room,
    renamed,
    stem_key,
)
from photoorg.core.errors import PhotoorgError
from photoorg.core.fileops import device_of, numbered, space_needed
from photoorg.core.humanize import agree, human_bytes, plural
from photoorg.core.paths import is_under, real

if TYPE_CHECKING:
    from photoorg.core.actions import Step
    from photoorg.core.organize import OrganizePlan, PlannedPhoto


@dataclass
class FolderTotal:
    """What a plan puts into one folder (OrganizePlan.totals)."""

    photos: int = 0
    bytes: int = 0
    companions: Counter[str] = field(default_factory=Counter)  # by extension
    undated: int = 0
    leaving: int = 0  # photos that leave the library by the move
    twice: int = 0  # photos of the library copied into it: then in it twice (duplicates)
    by_file: int = 0  # photos without a date taken placed by their file's date (file_date)


def leave_shared_sidecars(moving: Sequence[PlannedPhoto]) -> None:
    """A sidecar named after a stem (X.xmp) that another file staying in its folder also owns
    (X.png, undated and left where it is, or not organized at all) stays with it, as a move
    leaves it (a hostile review: organize took X.png's ratings along with X.jpg)."""
    if not any(p.companions for p in moving):
        return  # most libraries: no sidecars at all
    going = {p.photo.path for p in moving}
    going |= {source for p in moving for source, _ in p.companions}
    by_stem: dict[str, dict[str, list[str]]] = {}  # folder -> stem -> its files, not sidecars

    def owned_by_one_staying(sidecar: str) -> bool:
        folder = os.path.dirname(sidecar)
        if folder not in by_stem:
            by_stem[folder] = {}
            with contextlib.suppress(OSError):
                for n in os.listdir(folder):
                    if not is_sidecar(n):
                        by_stem[folder].setdefault(stem_key(n), []).append(n)
        owners = by_stem[folder].get(stem_key(sidecar), [])
        return any(os.path.join(folder, n) not in going for n in owners)

    for p in moving:
        name = os.path.basename(p.photo.path).lower()
        p.companions = [
            (source, target)
            for source, target in p.companions
            if not is_sidecar(source)
            or os.path.basename(source).lower().startswith(name + ".")
            or not owned_by_one_staying(source)
        ]


class FreeNames:
    """Names taken in each target folder: what is there (listed once per folder) and what the
    plan puts there. Compared without case, as macOS, Windows and memory cards compare them."""

    def __init__(self) -> None:
        self._names: dict[str, set[str]] = {}
        self._by_key: dict[str, dict[str, list[str]]] = {}  # what is there, by the name's first part
        self._stems = SharedStems()

    def _folder(self, folder: str) -> set[str]:
        names = self._names.get(folder)
        if names is None:
            by_key: dict[str, list[str]] = {}
            try:
                with os.scandir(folder) as entries:
                    names = {e.name.lower() for e in entries}
            except OSError:
                names = set()
            for n in names:
                by_key.setdefault(n.split(".")[0], []).append(n)
            self._names[folder], self._by_key[folder] = names, by_key
        return names

    def take(self, path: str) -> None:
        folder, name = os.path.split(path)
        self._folder(folder).add(name.lower())

    def free(self, folder: str, name: str, companions: list[str], old_name: str, source: str) -> str:
        """The first "name", "name (1)", ... in ``folder`` free for the photo (from ``source``)
        and for every companion it renames alongside, sharing no sidecar with a stranger."""
        names = self._folder(folder)
        brings = brings_stem_sidecar(old_name, companions)
        room = name_room(companions, old_name)
        for n in range(100_000):
            candidate = os.path.basename(numbered(os.path.join(folder, name), n, room))  # short enough
            wanted = [candidate, *(renamed(c, old_name, candidate) for c in companions)]
            if any(w.lower() in names for w in wanted):
                continue
            path = os.path.join(folder, candidate)
            there = self._by_key[folder].get(candidate.split(".")[0].lower(), [])
            if _strays(candidate, there):
                continue
            if self._stems.claim(path, source, brings, there):
                return path
        raise PhotoorgError(f"No free name for {name} in {folder}.")


def _strays(candidate: str, there: list[str]) -> bool:
    """Whether sidecars already there (lower-case ``there``) would be taken for the photo's own
    under ``candidate``: IMG_1.jpg.xmp, or IMG_1.xmp with no other file of the stem (a hostile
    review: a photo organized beside a stray IMG_1.jpg.xmp was dated by it, as a move's photo
    was given its keywords before)."""
    low = candidate.lower()
    stem = os.path.splitext(low)[0]
    sidecars = [n for n in there if is_sidecar(n)]
    owned = any(os.path.splitext(n)[0] == stem for n in there if not is_sidecar(n))
    return any(n.startswith(low + ".") or (not owned and os.path.splitext(n)[0] == stem) for n in sidecars)


class Spellings:
    """The folders already there under an organize's destination, by the name a template makes
    for them: "Café" made in NFC is the "Café" there in NFD (macOS writes that form), not a
    second folder that looks the same beside it (a hostile review). Each folder listed once."""

    def __init__(self) -> None:
        self._names: dict[str, dict[str, str]] = {}  # folder -> NFC name -> the name there
        self._paths: dict[tuple[str, str], str] = {}

    def path(self, dest: str, folder: str) -> str:
        """``dest``/``folder``, each part as it is spelled on disk where it exists."""
        if not folder:
            return dest
        key = (dest, folder)
        found = self._paths.get(key)
        if found is None:
            found = dest
            for part in folder.split("/"):
                found = os.path.join(found, self._there(found).get(unicodedata.normalize("NFC", part), part))
            self._paths[key] = found
        return found

    def _there(self, folder: str) -> dict[str, str]:
        names = self._names.get(folder)
        if names is None:
            names = {}
            with contextlib.suppress(OSError):
                for n in os.listdir(folder):
                    names.setdefault(unicodedata.normalize("NFC", n), n)
            self._names[folder] = names
        return names


class CopiesThere:
    """Whether the name a photo wants holds the same content already: a file there (read when
    its size is the photo's), or a photo the plan puts there first. Such a photo stays where it
    is (a new-user review: organizing by date made pool.jpg and pool (1).jpg, the same bytes,
    side by side); the Duplicates page offers it for clean-up."""

    def __init__(self) -> None:
        self._planned: dict[str, str] = {}  # target -> the content the plan puts there
        self._into: dict[str, set[str]] = {}  # folder -> the contents the plan puts into it

    def put(self, path: str, fingerprint: str) -> None:
        self._planned[path.lower()] = fingerprint
        self._into.setdefault(os.path.dirname(path).lower(), set()).add(fingerprint)

    def holds(self, path: str, fingerprint: str, size: int) -> bool:
        if fingerprint in self._into.get(os.path.dirname(path).lower(), ()):
            return True  # under another name too (a new-user review: "donna.jpg" and "donna (1).jpg")
        planned = self._planned.get(path.lower())
        if planned is not None:
            return planned == fingerprint
        try:
            st = os.lstat(path)  # a link is no copy (a hostile review: a link to the photo itself)
            if not stat.S_ISREG(st.st_mode) or st.st_size != size:
                return False
            return fingerprint_file(path) == fingerprint
        except OSError:  # not there, or not readable: not known to be the same
            return False


def left_empty(
    moving: Sequence[PlannedPhoto], real_dest: str, sources: Sequence[str]
) -> tuple[list[str], list[str]]:
    """Folders that hold nothing once the planned files have left, and their parents that then
    hold nothing but such folders; never the destination or a folder above it, and, when
    ``sources`` are given, only folders inside them (never a source itself). Then the sources
    left holding nothing but such folders (a review: kept without a word)."""
    leaving: dict[str, int] = Counter()
    for p in moving:
        for path in (p.photo.path, *(c for c, _ in p.companions)):
            leaving[os.path.dirname(path)] += 1
    kept = {real(s) for s in sources}
    # A folder the plan puts photos into (or into a folder inside it) does not end empty.
    filled: set[str] = set()
    for folder in {os.path.dirname(p.target) for p in moving if p.target}:
        here = real(folder)
        while here not in filled:
            filled.add(here)
            parent = os.path.dirname(here)
            if parent == here:
                break
            here = parent

    def removable(folder: str) -> bool:
        r = real(folder)
        above_dest = real_dest == r or real_dest.startswith(r.rstrip(os.sep) + os.sep)
        inside = not sources or (r not in kept and is_under(r, list(kept)))
        return inside and not above_dest and r not in filled

    def entries(folder: str) -> list[str] | None:
        try:
            with os.scandir(folder) as found:
                return [e.path for e in found]
        except OSError:
            return None

    empty: set[str] = set()
    for folder, n in leaving.items():
        there = entries(folder)
        if there is not None and len(there) == n and removable(folder):
            empty.add(folder)
    layer = set(empty) if sources else set()
    while layer:  # parents of emptied folders that hold nothing else
        parents = {os.path.dirname(f) for f in layer} - empty
        layer = set()
        for parent in parents:
            there = entries(parent)
            files_leaving = leaving.get(parent, 0)
            rest = [e for e in there or () if e not in empty]
            if there is not None and len(rest) == files_leaving and removable(parent):
                layer.add(parent)
        empty |= layer
    bare = []
    for source in sources:
        there = entries(source)
        rest = [e for e in there or () if e not in empty]
        if there and len(rest) == leaving.get(source, 0) and real(source) not in filled:
            bare.append(source)
    return sorted(empty), sorted(bare)


def check_space(plan: OrganizePlan, steps: Sequence[Step]) -> str | None:
    """Why the plan does not fit at the destination (None: it does)."""
    here = device_of(plan.request.destination)
    need = 0
    for step in steps:
        try:
            st = os.stat(step.source)
        except OSError:
            continue
        if plan.request.copy or st.st_dev != here:
            need += space_needed(st.st_size)
    if need and need + (1 << 20) > plan.free_bytes:
        return (
            f"The files need {human_bytes(need)} at {plan.request.destination}, but only "
            f"{human_bytes(plan.free_bytes)} is free there. Nothing was changed."
        )
    return None


def going_with_others(photos: Sequence[PlannedPhoto]) -> None:
    """Of the sidecars of the photos an import leaves out (the library has them), those that go
    with a photo that comes (IMG_1.xmp with the card's IMG_1.CR2) are not said to stay."""
    going = {c for p in photos if p.moves for c, _ in p.companions}
    for p in photos:
        if not p.moves:
            p.companions = [c for c in p.companions if c[0] not in going]


def sidecars_left_out(plan: OrganizePlan) -> str:
    """ "; 2 sidecars (edits, keywords, dates) with them stay where they are, not beside the
    library's copies" of the photos an import leaves out (the library has them), or "" (a
    review: a card's edits were left behind unsaid)."""
    left = [p for p in plan.photos if p.note == "already in the library"]
    n = sum(len(p.companions) for p in left)
    if not n:
        return ""
    stay = f"with {agree(len(left), 'it', 'them')} {agree(n, 'stays where it is', 'stay where they are')}"
    copies = agree(len(left), "copy", "copies")
    return f"; {plural(n, 'sidecar')} (edits, keywords, dates) {stay}, not beside the library's {copies}"


def first_staying(plan: OrganizePlan, note: str) -> str:
    """The name, with its folder's, of the first photo of ``plan`` that stays for ``note``
    (PlannedPhoto.note; "" if none): which one a plan's summary says stays (a new-user review)."""
    path = next((p.photo.path for p in plan.photos if p.note == note), "")
    return os.path.join(os.path.basename(os.path.dirname(path)), os.path.basename(path)) if path else ""
