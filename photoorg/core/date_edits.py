"""*Set date taken*: a date written into the XMP sidecars of photos that do not say when they
were taken (a scan of a print, a screenshot, a picture saved from a chat), so that the
timeline, organizing by date and other photo tools place them there.

- Only sidecars are written, never a photo, and only for photos without a date of their own:
  a photo's own date (EXIF) always wins over a sidecar's (:mod:`photoorg.core.sidecar_dates`),
  so writing one beside it would change nothing.
- The sidecar is the one photoorg reads dates from and writes keywords into
  (:func:`photoorg.core.sidecar_names.sidecar_for`); the date goes into its ``exif:DateTimeOriginal``,
  which digiKam, darktable and Lightroom read too. Everything else in it stays.
- Written as keywords are (:func:`photoorg.core.sidecar_writes.write_sidecars`): journaled sidecar by
  sidecar, each earlier version kept, one undoable action; protected folders, links, read-only
  sidecars and sidecars photoorg cannot read safely are left alone, with the reason.
- The catalog takes the new dates at once (a scan of the photos' folders that reads only what
  changed: the sidecars), and again when the action is undone.

A part of :class:`photoorg.core.library.Library` (:class:`DateEdits`). Qt-free.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from photoorg.core import redo as redoing
from photoorg.core import sidecar_redo
from photoorg.core.actions import DATES, Outcome, Step
from photoorg.core.catalog import Catalog
from photoorg.core.companions import stem_key
from photoorg.core.date_words import checked, first_of, when_words
from photoorg.core.humanize import plural
from photoorg.core.library_part import LibraryPart
from photoorg.core.paths import FolderSet, as_in_library, is_under
from photoorg.core.progress import NULL_PROGRESS, Progress
from photoorg.core.scanner import Listings, date_sidecars_of, is_library_file
from photoorg.core.sidecar_dates import MAX_SIDECAR_BYTES, date_from
from photoorg.core.sidecar_names import sidecar_for
from photoorg.core.sidecar_writes import read_sidecar, unwritable, write_sidecars
from photoorg.core.xmp import NotXmp, set_date_taken

#: Why a photo that says when it was taken gets no sidecar date.
OWN_DATE = "it has a date taken of its own (in the file), which a sidecar's does not change"
SAME_DATE = "its sidecar says that date already"

log = logging.getLogger(__name__)


def plan_dates(
    catalog: Catalog,
    photos: Sequence[str],
    when: datetime,
    protected: Sequence[str] = (),
    roots: Sequence[str] = (),
    known: str = "day",
) -> list[Step]:
    """One step per photo (its sidecar is ``source``, the photo ``companion_of``), or why it is
    left alone; ``roots``: the library's folders (a photo reached through a link into one is
    named as the library names it). Nothing is written."""
    guarded = FolderSet(protected)
    listings = Listings()  # each folder listed once, not once per photo
    steps: list[Step] = []
    for photo in dict.fromkeys(as_in_library(p, roots, whole=False) for p in photos):
        step = Step(sidecar_for(photo), companion_of=photo)
        steps.append(step)
        row = catalog.file_row(photo)
        if not os.path.isfile(photo):
            step.skip = "the photo is not there"
        elif row is None:
            step.skip = (
                "not a photo the library's catalog holds (outside its folders, not scanned yet, or "
                "unreadable: Problems lists those)"
            )
        elif roots and not is_under(photo, roots):  # (a hostile review: a folder removed since)
            step.skip = "not in the library's folders (removed from the library, or outside it)"
        elif row.taken is not None and row.taken_from is None:
            step.skip = f"{OWN_DATE} ({row.taken.replace('T', ' ')})"
        else:
            step.source, step.skip = _sidecar(photo, listings)
            step.skip = (
                step.skip or unwritable(photo, step.source, guarded) or _why_not(step.source, when, known)
            )
    return steps


def _sidecar(photo: str, listings: Listings) -> tuple[str, str | None]:
    """(the sidecar the date goes into, why none will do: None when it will). It is the first
    XMP sidecar a scan reads the photo's date from (else a new one, named as keywords name it),
    unless another file reads it too (IMG_1.xmp beside IMG_1.jpg and IMG_1.png or IMG_1.CR2: a
    review saw one photo's date change the other's), or a sidecar read before it says a date
    (Takeout's IMG_1.jpg.json before IMG_1.xmp, a review): then a new IMG_1.jpg.xmp, which a
    scan reads first, for this photo only."""
    folder, name = os.path.split(photo)
    try:
        xmps = [n for n in date_sidecars_of(photo, listings=listings) if n.lower().endswith(".xmp")]
        first = xmps[0] if xmps else os.path.basename(sidecar_for(photo))
        candidates = [] if _shared(first, name, folder, listings) else [first]
        if f"{name}.xmp" not in candidates and not os.path.lexists(f"{photo}.xmp"):
            candidates.append(f"{name}.xmp")
        why = f"its sidecar {first} is also another file's (of the same name); photoorg leaves it as it is"
        for candidate in candidates:
            ranked = date_sidecars_of(photo, also=candidate, listings=listings)
            if candidate not in ranked:  # (cannot be: the candidates are its own)
                why = f"{candidate} would not be read as its sidecar"
                continue
            _, source = date_from(folder, ranked[: ranked.index(candidate)])
            if source is None:
                return os.path.join(folder, candidate), None
            why = (
                f"its date comes from {source}, which is read before {candidate}; photoorg leaves it as it is"
            )
    except OSError as exc:
        return sidecar_for(photo), f"its folder cannot be read ({exc.strerror or exc})"
    return os.path.join(folder, first), why


def _shared(sidecar: str, name: str, folder: str, listings: Listings) -> bool:
    """Whether a sidecar of the photo ``name``'s stem (IMG_1.xmp, not IMG_1.jpg.xmp) is read by
    another file of the library beside it too (IMG_1.png, IMG_1.CR2)."""
    if sidecar.lower().startswith(name.lower() + "."):
        return False  # named with the photo's whole name: its own
    stem = os.path.splitext(name)[0].lower()
    return any(
        other != name and os.path.splitext(other)[0].lower() == stem and is_library_file(other)
        for other in (e.name for e in listings.of_name(folder, name))
    )


def _why_not(sidecar: str, when: datetime, known: str) -> str | None:
    try:
        after = set_date_taken(read_sidecar(sidecar), when, known)
        if after is None:
            return SAME_DATE
    except NotXmp as exc:
        return f"its sidecar {os.path.basename(sidecar)} is {exc}; left as it is"
    except OSError as exc:
        return f"its sidecar cannot be read ({exc.strerror or exc})"
    if len(after) > MAX_SIDECAR_BYTES:  # (a review: written, and never read by a scan)
        return f"its sidecar {os.path.basename(sidecar)} is larger than a scan reads dates from (4 MB)"
    return None


def write_dates(
    catalog: Catalog,
    steps: Sequence[Step],
    when: datetime,
    on_step: Callable[[], None] | None = None,
    known: str = "day",
    summary: str | None = None,
) -> Outcome:
    """Write the date into the planned sidecars, under the library lock: one undoable action
    (named ``summary``; by default "set the date taken to ..."), which keeps what it set for its
    redo."""
    # Not how many: a step can still fail (a review: the history said 2 photos, 1 was dated).
    summary = summary or f"set the date taken to {when_words(when, known)}"

    def edit(step: Step, before: bytes | None) -> bytes | None:
        after = set_date_taken(before, when, known)
        if after is None:
            step.skip = SAME_DATE
        return after

    # Each with its content, so that a redo dates this photo, not one given its name since.
    planned = [
        [s.companion_of, s.source, sidecar_redo.content_of(catalog, s.companion_of)]
        for s in steps
        if s.skip is None
    ]
    kept = {"when": when.isoformat(), "known": known, "photos": planned}
    began = lambda batch: sidecar_redo.keep_for_redo(catalog, DATES, batch, kept)  # noqa: E731
    forget = lambda batch: sidecar_redo.forget(catalog, DATES, batch)  # noqa: E731
    return write_sidecars(
        catalog, steps, DATES, summary, edit, "the date taken", on_step, began=began, forget=forget
    )


class DateEdits(LibraryPart):
    """*Set date taken* for the library service."""

    def set_date_taken(
        self,
        photos: Sequence[str],
        when: datetime,
        *,
        known: str = "day",
        dry_run: bool = False,
        progress: Progress = NULL_PROGRESS,
    ) -> tuple[list[Step], Outcome | None]:
        """Write ``when`` as the date taken into the XMP sidecars of ``photos`` that have no
        date of their own, as one undoable action, and date them so in the catalog; ``known``:
        the day (with the time of day), or only the month or the year of ``when``; with
        ``dry_run`` only the plan. Returns the plan and what was done."""
        when = first_of(checked(when), known)
        roots, _ = self.library_roots()
        if dry_run:
            steps = plan_dates(self.catalog, photos, when, self.settings.protected, roots, known)
            self._say_replaced(steps, "would replace")
            return steps, None
        steps, outcome = self._dating(  # (the protected folders as they are under the lock)
            lambda catalog: (plan_dates(catalog, photos, when, self.settings.protected, roots, known), None),
            when,
            known,
            progress,
            before=lambda done: self._say_replaced(done, "replaced"),
        )
        return steps, outcome

    def _say_replaced(self, steps: Sequence[Step], verb: str) -> None:
        """A note of the dates a sidecar or a name gave the photos dated anew (a new-user
        review: a sidecar's 1999-12-31 was written over without a word)."""
        had = []
        for step in steps:
            photo = step.companion_of if step.skip is None else None
            row = self.catalog.file_row(photo) if photo else None
            if photo and row is not None and row.taken and row.taken_from is not None:
                had.append(f"{os.path.basename(photo)} ({row.taken[:10]}, from {row.taken_from})")
        if had:
            more = f" and {len(had) - 3} more" if len(had) > 3 else ""
            self.notes.append(f"{verb} the date {plural(len(had), 'photo')} had: {', '.join(had[:3])}{more}")

    def _dating(
        self,
        plan: Callable[[Catalog], tuple[list[Step], str | None]],
        when: datetime,
        known: str,
        progress: Progress,
        before: Callable[[list[Step]], None] | None = None,
    ) -> tuple[list[Step], Outcome]:
        """Plan (``plan``: the steps and the action's name, None for the usual) and write,
        under the lock, and date the photos in the catalog, also when stopped halfway (a
        review: sidecars written, the catalog not told). ``before``: told the steps planned."""
        touched: list[Step] = []  # the sidecars that may have changed
        try:
            with self.writing(progress) as catalog:
                steps, summary = plan(catalog)
                touched = [s for s in steps if s.skip is None]
                if before is not None:
                    before(touched)
                progress.start_stage("Writing the date taken", len(touched))
                outcome = write_dates(catalog, steps, when, lambda: progress.advance(1), known, summary)
            touched = outcome.done
        except BaseException:
            # The error said is the one that stopped the writing, not a second one of the catalog
            # reading the dates again (a hostile review: a full disk read "unexpected error").
            try:
                self.date_again(s.source for s in touched)
            except Exception:
                log.warning("%d photos are dated again at the next scan", len(touched), exc_info=True)
            raise
        self.date_again(s.source for s in touched)
        return steps, outcome

    def redo_dates(self, batch: int, progress: Progress = NULL_PROGRESS) -> Outcome:
        """Date change ``batch``, undone last, done again as a new action: the same date into
        each sidecar its undo put back, for the photo it dated there (none other: a hostile
        review saw a date go into another program's sidecar, and to a photo given the dated
        one's name), planned afresh under the lock (a photo dated by its file since, or in a
        folder protected since, is left as it is).

        Raises:
            NothingToRedo: it cannot be redone (see redo.refusal), or none of its photos can
                be dated now.
        """
        roots, _ = self.library_roots()
        others: list[Step] = []

        def plan(catalog: Catalog) -> tuple[list[Step], str | None]:
            summary = redoing.summary_to_redo(catalog, batch)  # (refused as Redo is, under the lock)
            todo, why_not = sidecar_redo.again(catalog, batch, kept)
            others.extend(Step("", skip=why) for why in why_not)
            steps = plan_dates(catalog, list(todo.values()), when, self.settings.protected, roots, known)
            wanted = {photo: sidecar for sidecar, photo in todo.items()}
            for step in steps:
                sidecar = wanted.get(step.companion_of or "", "")
                if step.skip is None and step.source != sidecar:
                    step.skip = (
                        f"its date would go into {os.path.basename(step.source)} now, not "
                        f"{os.path.basename(sidecar)}"
                    )
            if not any(s.skip is None for s in steps):
                reasons = "; ".join(sorted({s.skip or "" for s in [*steps, *others]}))
                raise redoing.NothingToRedo(f"Nothing of action {batch} can be done again: {reasons}.")
            return steps, summary

        kept = sidecar_redo.kept_dates(self.catalog, batch)
        if kept is None:
            info = self.catalog.batch_info(batch)
            raise redoing.NothingToRedo(
                sidecar_redo.sidecars_refused(info) if info else f"There is no action number {batch}."
            )
        when, known, _ = kept
        steps, outcome = self._dating(plan, when, known, progress)
        did = f"set the date taken to {when_words(when, known)} again"
        redoing.said_again(outcome, batch, did, "photo", [*steps, *others])
        return outcome

    def date_again(self, sidecars: Iterable[str]) -> None:
        """The catalog reads the dates of the photos beside these changed sidecars again (a
        scan of their folders, which reads those photos' sidecars, not the photos)."""
        keys: dict[str, set[str]] = {}  # by folder, the name keys a photo and its sidecars share
        for sidecar in sidecars:
            keys.setdefault(os.path.dirname(sidecar), set()).add(stem_key(sidecar))
        if not keys:
            return
        beside = [
            p.path
            for p in self.catalog.photos(under=list(keys))
            if stem_key(p.path) in keys.get(os.path.dirname(p.path), ())
        ]
        # Not by their times alone (a review: on a 2 s FAT clock, an undo within the same two
        # seconds left the catalog with the date it took back).
        self.catalog.read_sidecars_again(beside)
        self.scan(sorted(keys), embed=False)
