"""Organize photos into folders: by date (a template) or by group, with a plan shown first.

A plan says, before anything moves: the target folder of every photo (with counts per folder),
which photos are already where they belong, which names collide (both photos are kept, the
later one numbered), which are protected (never moved), how many have no date, which photos an
import leaves out because the library has them already, the bytes that move and the folders
that would be left empty. Carrying it out is one journaled action (:mod:`photoorg.core.actions`)
that one undo reverses, sidecars included.

- **Dates** are the date taken (EXIF, else a sidecar's or the name's: core.pipeline.reading);
  a photo without one goes to "undated", unless the person asks for the file's date instead
  (``file_date``). Never guessed silently.
- **The rest** (photos in no group, or without a date) can stay where they are
  (``leave_rest``): a review found 132 of 213 photos of a library flattened into one Unsorted
  folder, their folders' names lost. A copy, and an import (from a card), take them all: left
  out, they would be only on the card (a hostile review).
- **Companions** travel with their photo and get the same new name: sidecars (``.xmp``,
  ``.aae``, Google Takeout ``.json``), a Live Photo's ``.mov`` and a RAW file of the same shot
  (same stem, same folder), also when the RAW is catalogued as a photo of its own.
- **Names** are made safe for every file system: no ``/ \\ : * ? " < > |`` or control
  characters, no trailing dots or spaces, no reserved Windows names, at most 120 characters.

Qt-free; reads the catalog and the folders, writes nothing.
"""

from __future__ import annotations

import functools
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from photoorg.core.actions import Action, Step
from photoorg.core.catalog import PhotoInfo
from photoorg.core.companions import FolderListing, is_sidecar, renamed
from photoorg.core.errors import PhotoorgError
from photoorg.core.fileops import free_space
from photoorg.core.folder_names import (
    DEFAULT_TEMPLATE,
    UNSORTED_FOLDER,
    DateFolders,
    check_template,
    group_folders,
)
from photoorg.core.grouping import UNSORTED, Group
from photoorg.core.keeper import copy_marks, folder_of_copies
from photoorg.core.organize_places import (
    CopiesThere,
    FolderTotal,
    FreeNames,
    Spellings,
    going_with_others,
    leave_shared_sidecars,
    left_empty,
)
from photoorg.core.pairs import (
    dated_by_their_still,
    dated_by_their_video,
    live_photos,
    travelling_with_a_photo,
)
from photoorg.core.paths import FolderSet, real, under_test


@dataclass(frozen=True)
class OrganizeRequest:
    """What the person asked for. ``by`` is "date" or "group"."""

    by: str
    destination: str
    template: str = DEFAULT_TEMPLATE
    copy: bool = False
    file_date: bool = False  # photos without a date taken use their file's date
    prune_empty: bool = False  # remove folders the move leaves empty (never one that holds anything)
    leave_rest: bool = False  # a move leaves photos in no group / without a date where they are

    def __post_init__(self) -> None:
        if self.by not in ("date", "group"):
            raise PhotoorgError(f"Organize by 'date' or 'group', not {self.by!r}.")
        if self.by == "date":
            check_template(self.template)


#: Why a photo of a plan stays where it is (PlannedPhoto.note), in the order plans say them.
STAY_NOTES = (
    "already there", "protected", "already in the library", "an exact copy there", "in no group",
    "no date taken",
)  # fmt: skip


@dataclass
class PlannedPhoto:
    """One photo of a plan, with the files that travel with it."""

    photo: PhotoInfo
    folder: str  # target folder, relative to the destination ("" for the destination itself)
    target: str | None  # None: it stays where it is (already there, or protected)
    companions: list[tuple[str, str | None]] = field(default_factory=list)  # (source, target)
    #: why it stays: "already there", "protected", "already in the library", "an exact copy
    #: there" (its name there holds the same bytes), or (``leave_rest``) "in no group", "no date taken"
    note: str = ""
    dated_by: str = "taken"  # taken, file (its file's date), none (undated)

    @property
    def moves(self) -> bool:
        return self.target is not None


@dataclass
class OrganizePlan:
    """Everything a person needs to see before the files move."""

    request: OrganizeRequest
    photos: list[PlannedPhoto]
    #: (the name a photo wanted, the photo) for each photo numbered because the name was taken,
    #: by another photo of the plan or a file already there; both are kept.
    collisions: list[tuple[str, str]] = field(default_factory=list)
    empty_folders: list[str] = field(default_factory=list)  # left empty by a move
    #: Folders organized (``sources``) that the move leaves empty: kept, never removed.
    sources_left_empty: list[str] = field(default_factory=list)
    free_bytes: int = 0  # at the destination
    library: list[str] = field(default_factory=list)  # the library's folders, when planned
    #: By group: a group's folder -> what the Groups page calls the group, where that differs
    #: ("Group 1" -> "2002 to 2009"; a new-user review could not tell which group a folder was).
    labels: dict[str, str] = field(default_factory=dict)
    #: Where the history of file actions stood when the plan was made (the catalog's
    #: files_history_mark); carrying it out is refused once another action changed files.
    made_at: tuple[int, float] | None = None
    _notes: Counter[str] | None = field(default=None, repr=False, compare=False)
    _totals: dict[str, FolderTotal] | None = field(default=None, repr=False, compare=False)

    def leaving_library(self, photos: Iterable[PlannedPhoto] | None = None) -> int:
        """How many photos a move takes out of the library (its destination is not one of the
        library's folders): they leave its timeline, groups and duplicate sets."""
        if self.request.copy or not self.library:
            return 0
        inside = under_test(self.library)
        chosen = self.moving() if photos is None else photos
        return sum(1 for p in chosen if inside(p.photo.path) and not inside(p.target or ""))

    def twice_in_library(self, folders: Iterable[str] | None = None) -> int:
        """How many photos of the library a copy puts into it again (of the plan's ``folders``):
        each then a duplicate (an app review: Copy into the library folder, the default, planned
        every photo a second time without a word)."""
        totals = self.totals()
        return sum(totals[f].twice for f in (totals if folders is None else folders) if f in totals)

    @property
    def action(self) -> Action:
        return Action.COPY if self.request.copy else Action.MOVE

    def moving(self) -> list[PlannedPhoto]:
        return [p for p in self.photos if p.moves]

    def folders(self) -> dict[str, int]:
        """Target folder -> how many photos go there, in the order a tree shows them."""
        counts = Counter(p.folder for p in self.moving())
        return dict(sorted(counts.items()))

    def count(self, note: str) -> int:
        return self.note_counts().get(note, 0)

    def note_counts(self) -> Counter[str]:
        """How many photos stay for each reason (counted once: a summary asks on every tick)."""
        if self._notes is None:
            self._notes = Counter(p.note for p in self.photos if p.note)
        return self._notes

    def totals(self) -> dict[str, FolderTotal]:
        """Per target folder: its photos, their bytes, their companions and how many leave the
        library, counted once (a scale review: the app's summary walked 100k planned photos
        several times on every tick of a folder, 5 s frozen per click)."""
        if self._totals is None:
            inside = under_test(self.library) if self.library else None
            totals: dict[str, FolderTotal] = {}
            for p in self.moving():
                t = totals.setdefault(p.folder, FolderTotal())
                t.photos += 1
                t.bytes += p.photo.size
                t.companions.update(os.path.splitext(c)[1].lower() for c, _ in p.companions)
                t.undated += p.dated_by == "none"
                t.by_file += p.dated_by == "file"
                if inside is not None and inside(p.photo.path):
                    there = inside(p.target or "")
                    t.leaving += not there and not self.request.copy
                    t.twice += there and self.request.copy
            self._totals = totals
        return self._totals

    @property
    def undated(self) -> int:
        return sum(t.undated for t in self.totals().values())

    @property
    def by_file_date(self) -> int:
        """Photos without a date taken that go by their file's date (often the day they were
        copied: an app review found 149 planned into 2026/2026-12 without a word)."""
        return sum(t.by_file for t in self.totals().values())

    @property
    def dated_by_name(self) -> list[PlannedPhoto]:
        """The photos that go by the date their names say (core.name_dates), said in the plan
        (a hostile review: a hash-like name's "date" filed a photo under 1987 without a word)."""
        if self.request.by != "date":
            return []
        return [p for p in self.moving() if p.dated_by == "taken" and p.photo.dated_by_name]

    @property
    def companion_count(self) -> int:
        return sum(len(p.companions) for p in self.moving())

    @property
    def total_bytes(self) -> int:
        return sum(p.photo.size + sum(_size(c) for c, _ in p.companions) for p in self.moving())

    def left_empty(self, folders: Iterable[str] | None = None) -> tuple[list[str], list[str]]:
        """``empty_folders`` and ``sources_left_empty`` when only the photos going to ``folders``
        move (the ones the person left ticked): a photo left unticked keeps its folder, and the
        folders above it, from being empty."""
        if folders is None:
            return list(self.empty_folders), list(self.sources_left_empty)
        keep = set(folders)
        staying = {
            os.path.dirname(path)
            for p in self.moving()
            if p.folder not in keep
            for path in (p.photo.path, *(c for c, _ in p.companions))
        }

        held: set[str] = set()  # the folders of the photos staying, and every folder above them
        for folder in staying:
            while folder not in held:
                held.add(folder)
                folder = os.path.dirname(folder)  # (a root is its own parent: in held, it stops)

        def still_empty(folder: str) -> bool:
            return (folder.rstrip(os.sep) or os.sep) not in held

        return (
            [f for f in self.empty_folders if still_empty(f)],
            [f for f in self.sources_left_empty if still_empty(f)],
        )

    def steps(self, folders: Iterable[str] | None = None) -> list[Step]:
        """The file steps of the plan (each photo, then its companions), optionally only of the
        photos going to ``folders`` (the ones the person left ticked)."""
        keep = None if folders is None else set(folders)
        out: list[Step] = []
        for p in self.moving():
            if keep is not None and p.folder not in keep:
                continue
            out.append(Step(p.photo.path, p.target, size=p.photo.size, verified=False))
            for source, target in p.companions:
                try:
                    st = os.stat(source)
                except OSError:
                    continue
                out.append(
                    Step(source, target, size=st.st_size, mtime_ns=st.st_mtime_ns, companion_of=p.photo.path)
                )
        return out


def plan_organize(
    request: OrganizeRequest,
    photos: Sequence[PhotoInfo],
    *,
    groups: Sequence[Group] = (),
    protected: Sequence[str] = (),
    in_library: dict[str, str] | None = None,
    sources: Sequence[str] = (),
) -> OrganizePlan:
    """Plan where each photo (and its companions) goes; nothing is touched.

    Args:
        photos: the photos to organize (the library's, a group's, a selection, a card's).
        groups: the library's groups (for ``by="group"`` and the ``{group}`` field).
        protected: folders whose photos are never moved (a copy may still take them).
        in_library: fingerprint -> a path in the library, for an import: photos whose content
            the library has already stay out.
        sources: the folders organized (the library's): a folder inside them left empty by
            the move, and so its parents, may be removed (``prune_empty``); they never are.
    """
    dest = os.path.abspath(request.destination)
    if os.path.exists(dest) and not os.path.isdir(dest):
        raise PhotoorgError(f"The destination {dest} is a file, not a folder.")
    group_of: dict[str, int] = {}
    for g in groups:
        for p in g.photos:
            group_of[p.path] = g.id if g.id is not None else UNSORTED
    folder_of_group = group_folders(groups)
    with_a_photo = travelling_with_a_photo(photos, in_library)
    by_their_still = dated_by_their_still(photos, with_a_photo)
    live = live_photos(photos)
    by_their_still.update(dated_by_their_video(photos, live))  # (and the other way)
    photos = [p for p in photos if p.path not in with_a_photo]
    catalogued = {p.path for p in photos}
    folders = FolderListing()
    real_dest = real(dest)
    real_dir = functools.lru_cache(maxsize=None)(real)  # a few hundred folders, 100k photos
    dates = DateFolders(request.template, request.file_date)
    guarded = FolderSet(protected)

    taken, claimed = FreeNames(), set[str]()
    copies = CopiesThere()
    spellings = Spellings()
    plan = OrganizePlan(request, [])
    if request.by == "group":
        plan.labels = {
            folder_of_group[g.id]: g.label
            for g in groups
            if g.id in folder_of_group and g.label and g.label != folder_of_group[g.id]
        }

    # Of exact copies, the one that looks the original is planned first, so that it goes (a
    # review: two copies moved, the original left): not numbered "(1)", not in a copies folder.
    of_copies = functools.lru_cache(maxsize=None)(lambda d: folder_of_copies(os.path.join(d, "-"), sources))

    def order(p: PhotoInfo) -> tuple[str, bool, int, bool, str]:  # (each folder looked at once)
        # a Live Photo's still first: it goes with its video (a hostile review: the copy went)
        kept = of_copies(os.path.dirname(p.path)) is not None
        return p.taken or "", p.path not in live, copy_marks(p.path), kept, p.path

    for photo in sorted(photos, key=order):
        group_name = folder_of_group.get(group_of.get(photo.path, UNSORTED), UNSORTED_FOLDER)
        if request.by == "group" and photo.is_video:
            plan.photos.append(PlannedPhoto(photo, "", None, note="a video (videos are not grouped)"))
            continue
        if request.by == "group":
            folder, file_name, dated_by = group_name, None, "taken"
        else:
            folder, file_name, dated_by = dates.place(by_their_still.get(photo.path, photo), group_name)
        name = os.path.basename(photo.path)
        item = PlannedPhoto(photo, folder, None, dated_by=dated_by)
        plan.photos.append(item)
        if in_library is not None and photo.fingerprint in in_library:
            item.note = "already in the library"  # its sidecars stay too: said (a review)
            item.companions = [(c, None) for c in folders.companions(photo.path, catalogued) if is_sidecar(c)]
            continue
        if not request.copy and guarded.holds(photo.path):
            item.note = "protected"
            continue
        if request.leave_rest and not request.copy and in_library is None:
            if request.by == "group" and group_of.get(photo.path, UNSORTED) == UNSORTED:
                item.note = "in no group"
                continue
            if request.by == "date" and dated_by == "none":
                item.note = "no date taken"
                continue
        target_folder = spellings.path(dest, folder)
        new_name = file_name or name
        here = real_dir(os.path.dirname(photo.path))
        if here == real_dir(target_folder) and (file_name is None or new_name == name):
            item.note = "already there"
            continue
        wanted = os.path.join(target_folder, new_name)
        if copies.holds(wanted, photo.fingerprint, photo.size):
            item.note = "an exact copy there"
            continue
        # Each once: the card's RAW and its video, both come alone, share IMG_1.xmp (a review)
        companions = [c for c in folders.companions(photo.path, catalogued) if c not in claimed]
        claimed.update(companions)
        going = [os.path.basename(c) for c in companions]
        final = taken.free(target_folder, new_name, going, name, photo.path)
        if os.path.basename(final) != new_name:
            plan.collisions.append((wanted, photo.path))
        taken.take(final)
        copies.put(final, photo.fingerprint)
        item.target = final
        new = os.path.basename(final)
        for companion in companions:
            target = os.path.join(target_folder, renamed(companion, name, new))
            taken.take(target)
            item.companions.append((companion, target))
    if not request.copy:
        leave_shared_sidecars(plan.moving())
        plan.empty_folders, plan.sources_left_empty = left_empty(plan.moving(), real_dest, sources)
    if in_library is not None:  # (after: a sidecar left with a photo that stays is said)
        going_with_others(plan.photos)
    plan.free_bytes = free_space(dest)
    return plan


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0
