"""What the app and its engine process say to each other: a request per kind of work, and the
replies (progress, what a scan holds so far, the result, a cancel, a failure). Typed
dataclasses, pickled over the engine's pipe (see :mod:`photoorg.engine`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from photoorg.core.paths import Locations


# -- requests -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Refresh:
    """Bring the catalog up to date (``scan``), group, find duplicates: a LibraryState."""

    scan: bool = True
    again: bool = False  # look at every photo again, as the re-embed offer proposes


@dataclass(frozen=True)
class FindSimilar:
    path: str
    k: int = 60


@dataclass(frozen=True)
class FileAction:
    """Trash, move or copy photos; ``members``: they are the unchecked of this duplicate set."""

    action: str
    paths: tuple[str, ...]
    destination: str | None = None
    members: tuple[str, ...] | None = None


@dataclass(frozen=True)
class TrashFromSets:
    plan: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]


@dataclass(frozen=True)
class Undo:
    batch: int | None = None
    expect: int | None = None  # Edit > Undo: the action its menu named (another may be newer now)


@dataclass(frozen=True)
class EstimateScan:
    """How long the first scan of ``photos`` takes here with each model size (ScanEstimate)."""

    photos: int


@dataclass(frozen=True)
class Redo:
    """The action undone last, done again (if nothing was done since its undo)."""

    expect: int | None = None  # Edit > Redo: the action its menu named (another may be undone now)


@dataclass(frozen=True)
class History:
    """The newest actions (BatchInfo) and how many there are; with ``batch``: that action's
    files (library.ActionFile) instead."""

    limit: int | None = 200
    batch: int | None = None


@dataclass(frozen=True)
class Mark:
    duplicate_set: Any  # duplicates.DuplicateSet
    decision: str | None


@dataclass(frozen=True)
class RenameGroup:
    group_id: int
    name: str


@dataclass(frozen=True)
class ChangeGroups:
    """The person's change to the groups: "move" photos into group_id (UNSORTED: out of their
    groups), "exclude" them from group_id, or "merge" group other_id into group_id."""

    kind: str
    group_id: int
    paths: tuple[str, ...] = ()
    other_id: int | None = None


@dataclass(frozen=True)
class ShowAlbum:
    """An album's photos and suggestions (a curation.AlbumView)."""

    name: str
    k: int = 60


@dataclass(frozen=True)
class TeachAlbum:
    """Make an album from examples (``create``), or give it photos in a role (example,
    member, rejected, removed); answered with the retrained AlbumView."""

    name: str
    paths: tuple[str, ...]
    role: str = "example"
    create: bool = False
    k: int = 60


@dataclass(frozen=True)
class NameAlbum:
    """Rename an album (``new_name``), or delete it (``new_name`` None); undoable, answered with
    the action's number."""

    name: str
    new_name: str | None


@dataclass(frozen=True)
class AlbumKeywords:
    """Write an album's name as a keyword into its photos' XMP sidecars (``dry_run``: the plan
    only); answered with (plan, Outcome or None)."""

    name: str
    dry_run: bool = False
    take_out: bool = False  # take the album's keywords photoorg wrote out of every sidecar


@dataclass(frozen=True)
class SetDateTaken:
    """Write a date taken into the XMP sidecars of photos without one (``dry_run``: the plan
    only); answered with (plan, Outcome or None)."""

    paths: tuple[str, ...]
    when: datetime
    known: str = "day"  # or only the "month" or the "year" of ``when``
    dry_run: bool = False


@dataclass(frozen=True)
class Calibrate:
    """Each photo's nearest neighbour and how similar (a calibration.Calibration)."""


@dataclass(frozen=True)
class PlanOrganize:
    """An organize plan (organize.OrganizePlan) for the library, these photos or these groups."""

    request: Any  # organize.OrganizeRequest
    paths: tuple[str, ...] | None = None
    group_ids: tuple[int, ...] | None = None


@dataclass(frozen=True)
class Organize:
    """Carry out a plan, only the photos going to ``folders`` (None: all): (Outcome, pruned)."""

    plan: Any
    folders: tuple[str, ...] | None = None


@dataclass(frozen=True)
class AskUndoRedo:
    """Nothing to do: the UndoRedo sent before its answer says what Edit > Undo and Redo would
    do now (another photoorg may have done or undone something since the last request)."""


@dataclass(frozen=True)
class Open:
    """Work on the library at ``where`` from now on (None: on none; its catalog is closed), in
    the app's environment as it is now (where the trash is, $XDG_DATA_HOME, follows it)."""

    where: Locations | None
    environ: dict[str, str] | None = None


@dataclass(frozen=True)
class Stop:
    pass


Request = (
    Refresh
    | FindSimilar
    | FileAction
    | TrashFromSets
    | Undo
    | Redo
    | EstimateScan
    | History
    | Mark
    | RenameGroup
    | ChangeGroups
    | ShowAlbum
    | TeachAlbum
    | NameAlbum
    | AlbumKeywords
    | SetDateTaken
    | Calibrate
    | AskUndoRedo
    | PlanOrganize
    | Organize
    | Open
    | Stop
)


# -- replies --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ProgressReport:
    stage: str
    done: int
    total: int


@dataclass(frozen=True)
class Partial:
    """What the library holds so far, during a scan (a LibraryState with ``partial`` set)."""

    state: Any


@dataclass(frozen=True)
class Done:
    result: Any


@dataclass(frozen=True)
class UndoRedo:
    """What Edit > Undo and Edit > Redo would do now (the actions' summaries; None: nothing),
    sent before the answer to every request, so the menu names them."""

    undo: str | None
    redo: str | None
    redo_refused: str | None = None  # why the action undone last cannot be redone
    undo_batch: int | None = None  # the number of the action Undo would undo
    redo_batch: int | None = None  # ... and Redo would do again


@dataclass(frozen=True)
class WasCancelled:
    pass


@dataclass(frozen=True)
class Failed:
    error: BaseException | None  # the error itself when it pickles (typed errors stay typed)
    text: str
    details: str
