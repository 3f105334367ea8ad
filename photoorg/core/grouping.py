"""Groups of similar photos (HDBSCAN over the DINOv2 vectors), and "find similar".

The vectors are projected on their top principal components (HDBSCAN's density estimates
work poorly in 768 dimensions and its trees are far faster in few), clustered with HDBSCAN,
and each group is then checked in the full space: a group whose members are not more alike
than two photos of the library picked at random (the background) by ``min_coherence_margin``
is dissolved into Unsorted. That catches the junk group HDBSCAN can make of leftover,
unrelated photos in small libraries. Photos HDBSCAN calls noise go to "Unsorted", never
dropped. The same input gives the same groups. The clustering itself is
:mod:`photoorg.core.clustering`; this module gives the groups their photos, keeps their ids and
names across regroupings (matched to the stored groups), applies the person's edits, and finds
similar photos.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from photoorg.core.catalog import Catalog, PhotoInfo, StoredGroup
from photoorg.core.clustering import UNSORTED, GroupSettings, cluster_labels
from photoorg.core.group_labels import dates_label, folder_hint, one_name_each, where_from
from photoorg.core.paths import under_test
from photoorg.core.progress import NULL_PROGRESS, Progress

log = logging.getLogger(__name__)

REPRESENTATIVES = 4
#: The share of the grouped photos that may go before the library is grouped again (see
#: :func:`_fewer_only`): a tenth, which leaves each group most of the photos it was found by.
REGROUP_AFTER_LOSING = 0.1


@dataclass
class Group:
    """Photos that look alike. ``id`` is the group's stable id in the catalog (it keeps it, and
    its name, across rescans and regroupings), UNSORTED for the photos that fit no group, or
    None for a group of a one-off grouping that is not stored."""

    id: int | None
    photos: list[PhotoInfo]  # closest to the group's centre first
    coherence: float = 0.0  # mean similarity between two members
    name: str = ""
    representatives: list[PhotoInfo] = field(default_factory=list)
    label: str = ""  # what a person sees: the name, else folder hint and dates (see describe())
    #: (its photos then: how many and the first, dates, where from, dated): worked out once, by
    #: describe() in the engine, not on the app's GUI thread (a scale review: 1.1 s there at
    #: 100k photos); other photos (dataclasses.replace, a filter) are worked out again.
    _said: tuple[int, str, tuple[str, str] | None, str, int] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    @property
    def size(self) -> int:
        return len(self.photos)

    def _summary(self) -> tuple[int, str, tuple[str, str] | None, str, int]:
        said, photos = self._said, self.photos
        key = (len(photos), photos[0].path if photos else "")  # (ids do not survive pickling)
        if said is None or said[:2] != key:
            dates = sorted(p.taken for p in photos if p.taken)
            span = (dates[0], dates[-1]) if dates else None
            said = self._said = (*key, span, where_from([p.path for p in photos]), len(dates))
        return said

    @property
    def date_range(self) -> tuple[str, str] | None:
        return self._summary()[2]

    @property
    def common_folder(self) -> str:
        folders = Counter(os.path.dirname(p.path) for p in self.photos)
        return folders.most_common(1)[0][0] if folders else ""

    @property
    def where_from(self) -> str:
        """Where its photos are: "in X", "mostly in X", "from 9 folders, most in X (8)"."""
        return self._summary()[3]

    @property
    def dated(self) -> int:
        """How many of its photos have a date taken."""
        return self._summary()[4]

    @property
    def folder_hint(self) -> str:
        """The folder most of its photos are in, when its name says something of them
        (:func:`~photoorg.core.group_labels.folder_hint`), else ""."""
        return folder_hint(p.path for p in self.photos)

    def describe(self) -> Group:
        """Compute the label once (models show it as it is; a rename calls this again): its
        name, else the folder hint and the dates, else "Group 3"; and its dates and where its
        photos are (what the app's list shows of it)."""
        self._summary()
        if self.name:
            self.label = self.name
        elif self.id == UNSORTED:
            self.label = "Unsorted"
        else:
            said = [self.folder_hint, dates_label([p.taken for p in self.photos])]
            self.label = ", ".join(s for s in said if s) or (
                f"Group {self.id}" if self.id is not None else "Similar photos"
            )
        return self


def _signature(model_id: int, settings: GroupSettings, fingerprints: Sequence[str]) -> str:
    """What a grouping depends on: the model, the settings and the embedded contents."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{model_id}|{settings}|".encode())
    for fp in fingerprints:
        h.update(fp.encode())
    return h.hexdigest()


def _following_edits(stored: list[StoredGroup], edited: dict[str, str]) -> list[StoredGroup]:
    """The stored groups with the contents their photos became when edited in place (found by
    a review: a named group whose photos were all mirrored in another program matched no new
    group, and vanished with the photos the person had put in it)."""
    if not edited:
        return stored
    now = [list(dict.fromkeys(edited.get(fp, fp) for fp in g.members)) for g in stored]
    return [dataclasses.replace(g, members=members) for g, members in zip(stored, now, strict=True)]


def _fewer_only(grouped: Sequence[str] | None, now: Sequence[str]) -> bool:
    """Whether the photos to group now are those of the stored grouping less a few: trashed or
    moved out of the library (or back, by an undo). The stored groups then stand, less those
    photos: a regroup of 100k photos took 45 s after every photo trashed in a review, and
    taking a few points out of a density clustering does not make new groups. Past
    :data:`REGROUP_AFTER_LOSING` of the photos it regroups."""
    if not grouped:
        return False
    before = set(grouped)
    return len(before) - len(now) <= REGROUP_AFTER_LOSING * len(before) and before.issuperset(now)


def match_groups(
    new: Sequence[Sequence[str]],
    stored: Sequence[StoredGroup],
    *,
    old_share: float = 0.5,
    new_share: float = 0.25,
) -> list[int | None]:
    """The stored group each new group continues (None: a new group), by shared members.

    A new group continues a stored group when it holds at least ``old_share`` of the stored
    group's members and they make up at least ``new_share`` of it: a group that gained or lost
    photos keeps its id and name; of a group split in two, the larger part keeps them; of two
    merged groups, the one with more photos in the merge. Larger overlaps are matched first;
    among equals, groups in use, then named ones, then older ones. Last, a named group split
    into smaller parts than that continues in its largest part still free.
    """
    where: dict[str, list[int]] = defaultdict(list)
    for j, g in enumerate(stored):
        for fp in g.members:
            where[fp].append(j)
    candidates, named = [], []
    for i, members in enumerate(new):
        counts = Counter(j for fp in members for j in where.get(fp, ()))
        for j, shared in counts.items():
            old = stored[j]
            if shared < new_share * len(members):
                continue
            if shared >= old_share * len(old.members):
                candidates.append((shared, old.active, old.name is not None, -old.id, i, j))
            elif old.name is not None:
                named.append((shared, -old.id, i, j))
    result: list[int | None] = [None] * len(new)
    taken: set[int] = set()
    # (an app review: a named group split by "more, finer groups" was gone from the list)
    for *_, i, j in [*sorted(candidates, reverse=True), *sorted(named, reverse=True)]:
        if result[i] is None and j not in taken:
            result[i] = stored[j].id
            taken.add(j)
    return result


def group_photos(
    catalog: Catalog,
    model_id: int,
    roots: Sequence[str] | None = None,
    *,
    settings: GroupSettings = GroupSettings(),  # noqa: B008 - frozen
    progress: Progress = NULL_PROGRESS,
    store: bool = True,
    away: Sequence[str] = (),
) -> list[Group]:
    """Groups of the catalogued photos under ``roots``, largest first, then "Unsorted".

    ``away``: library folders not there now (a drive not connected). Their photos, still in
    the catalog, are grouped with the rest, so that the groups stay as they are, with their ids
    and names, and are left out of the groups shown (a review: with one folder unplugged, 8
    groups became 3 others, and once it was back "Group 3" was "Group 9").

    With ``store`` (the library's own grouping) the groups are matched to the stored ones, so
    they keep their ids and names, and stored; when nothing changed since the last grouping
    (same model, settings and embedded photos) the stored groups are used as they are. Without
    it (a one-off grouping with other settings) nothing is stored and groups that continue a
    stored one show its id and name, the others have id None. Exact copies share a vector and
    so always land in the same group.
    """
    under = [*roots, *away] if roots is not None else None
    photos = [p for p in catalog.photos(under=under) if not p.is_video]  # videos are not grouped
    by_fp: dict[str, list[PhotoInfo]] = defaultdict(list)
    for p in photos:
        by_fp[p.fingerprint].append(p)
    fps, x = catalog.vectors_for(model_id, sorted(by_fp))
    signature, made = _signature(model_id, settings, fps), _signature(model_id, settings, ())
    stored, edited = catalog.stored_groups(), catalog.content_edits()
    names = {g.id: g.name or "" for g in stored}
    if store and (
        catalog.groups_signature() == signature or _fewer_only(catalog.grouped_contents(made), fps)
    ):
        found = [(g.id, [fp for fp in g.members if fp in by_fp], g.coherence) for g in stored if g.active]
    else:
        clusters = _clusters(fps, x, settings, progress)
        following = _following_edits(stored, edited)
        ids = match_groups([members for members, _ in clusters], following)
        if store:
            hints = _name_hints(catalog, clusters, ids, names)
            ids = catalog.save_groups(
                [(gid, members, coh) for gid, (members, coh) in zip(ids, clusters, strict=True)],
                retire=[g.id for g in stored if g.id not in set(ids)],
                signature=signature,
                name_hints_used=hints,
                made=made,
                grouped=fps,
            )
            for index, _, name in hints:
                if index is not None:
                    names[ids[index]] = name
            one_name_each(catalog, stored, ids, names)
        found = [(gid, members, coh) for gid, (members, coh) in zip(ids, clusters, strict=True)]
    groups = _assemble(catalog, found, by_fp, names, edited)
    return _without(groups, away) if away else groups


def _without(groups: list[Group], away: Sequence[str]) -> list[Group]:
    """The groups as shown while the folders ``away`` are not there: without their photos (a
    group all of whose photos are there is not listed until they are back), called as with
    them (a group does not change its name while a drive is out)."""
    gone = under_test(away)
    shown = []
    for g in groups:
        g.photos = [p for p in g.photos if not gone(p.path)]
        g.representatives = [p for p in g.representatives if not gone(p.path)] or g.photos[:REPRESENTATIVES]
        if g.photos or g.id == UNSORTED:
            shown.append(g)
    return shown


def stored_groups(catalog: Catalog, roots: Sequence[str] | None = None) -> list[Group]:
    """The groups of the last grouping as the catalog keeps them, with the person's changes,
    for the photos there now: what a start shows at once, before anything is computed (no
    model, no vectors). Empty when nothing was grouped yet."""
    edited = catalog.content_edits()
    stored = _following_edits([g for g in catalog.stored_groups() if g.active], edited)
    if not stored:
        return []
    by_fp: dict[str, list[PhotoInfo]] = defaultdict(list)
    for p in catalog.photos(under=roots):
        if not p.is_video:
            by_fp[p.fingerprint].append(p)
    found = [(g.id, [fp for fp in g.members if fp in by_fp], g.coherence) for g in stored]
    return _assemble(catalog, found, by_fp, {g.id: g.name or "" for g in stored}, edited)


def _assemble(
    catalog: Catalog,
    found: list[tuple[int | None, list[str], float]],
    by_fp: dict[str, list[PhotoInfo]],
    names: dict[int, str],
    edited: dict[str, str],
) -> list[Group]:
    """Groups from (id, member fingerprints, coherence), the person's changes laid over them
    (``edited``: catalog.content_edits), largest first, then "Unsorted" with every photo no
    group holds."""
    changes = [  # a change about a photo edited in place since is about it as it is now
        (kind, edited.get(fp, fp) if fp is not None and fp not in by_fp else fp, gid, other)
        for kind, fp, gid, other in catalog.group_edits()
    ]
    found = apply_edits(found, changes, by_fp)
    groups: list[Group] = []
    grouped: set[str] = set()
    for gid, members, coherence in found:
        if not members:
            continue
        grouped.update(members)
        group_photos_ = [p for fp in members for p in by_fp[fp]]
        reps = [by_fp[fp][0] for fp in members[:REPRESENTATIVES]]
        groups.append(Group(gid, group_photos_, coherence, names.get(gid, "") if gid else "", reps))
    groups.sort(key=lambda g: (-g.size, g.photos[0].path))
    unsorted = sorted((p for fp, ps in by_fp.items() if fp not in grouped for p in ps), key=lambda p: p.path)
    groups.append(Group(UNSORTED, unsorted, representatives=unsorted[:REPRESENTATIVES]))
    return describe_all(groups)


def describe_all(groups: list[Group]) -> list[Group]:
    """Each group's label, told apart: unnamed groups of one folder and dates read "Holiday,
    2019-06 (group 3)", "Holiday, 2019-06 (group 7)", by their ids, which last (an app review:
    "2000 to 2024 (2)" read as a count of photos, and the number moved with the groups' sizes),
    so a list, a history line or a folder of Organize never shows two alike. Names are the
    person's own. Groups with no id (a one-off grouping) are numbered in the order given."""
    unnamed = [g.describe() for g in groups if not g.name and g.id != UNSORTED]
    shared = {label for label, n in Counter(g.label for g in unnamed).items() if n > 1}
    seen: Counter[str] = Counter()
    for g in unnamed:
        if g.label in shared:
            seen[g.label] += 1
            g.label = f"{g.label} (group {g.id})" if g.id is not None else f"{g.label} ({seen[g.label]})"
    for g in groups:
        if g.name or g.id == UNSORTED:
            g.describe()
    return groups


def apply_edits(
    found: list[tuple[int | None, list[str], float]],
    edits: Sequence[tuple[str, str | None, int, int | None]],
    present: dict[str, list[PhotoInfo]],
) -> list[tuple[int | None, list[str], float]]:
    """The groups with the person's changes laid over them, oldest change first: a photo moved
    into a group is there (whatever the clustering says), a photo taken out of a group stays
    out of it (in Unsorted, unless moved elsewhere), a merged group's photos are in the group
    it was merged into. A change about a group that no longer exists waits until it is back."""
    members = {gid: list(fps) for gid, fps, _ in found if gid is not None}
    coherence = {gid: coh for gid, _, coh in found if gid is not None}
    for kind, fp, gid, other in edits:
        if kind == "merge" and gid in members and other in members and other != gid:
            members[gid] += [f for f in members.pop(other) if f not in members[gid]]
        elif kind in ("move", "exclude") and fp is not None and fp in present:
            if kind == "exclude" and fp not in members.get(gid, ()):
                continue
            if kind == "move" and gid != UNSORTED and gid not in members:
                continue
            for fps in members.values():
                if fp in fps:
                    fps.remove(fp)
            if kind == "move" and gid != UNSORTED:
                members[gid].append(fp)
    out = [(gid, fps, coherence[gid]) for gid, fps in members.items()]
    out += [(gid, fps, coh) for gid, fps, coh in found if gid is None]
    return out


def _clusters(
    fps: list[str], x: np.ndarray, settings: GroupSettings, progress: Progress
) -> list[tuple[list[str], float]]:
    """HDBSCAN's groups as (fingerprints closest to the centre first, coherence)."""
    labels, coherence = cluster_labels(x, settings, progress)
    members: dict[int, list[int]] = defaultdict(list)
    for k, label in enumerate(labels.tolist()):
        if label != UNSORTED:
            members[label].append(k)
    out = []
    for label in sorted(members):
        idx = members[label]
        centre = x[idx].mean(axis=0)
        closeness = x[idx] @ (centre / np.linalg.norm(centre))
        order = [idx[k] for k in np.argsort(-closeness, kind="stable")]
        out.append(([fps[k] for k in order], float(coherence[label])))
    return out


def _name_hints(
    catalog: Catalog, clusters: list[tuple[list[str], float]], ids: list[int | None], names: dict[int, str]
) -> list[tuple[int | None, str, str]]:
    """Names photoorg 0.1 kept by a group's central photos, for the groups that hold them."""
    hints = catalog.group_name_hints()
    if not hints:
        return []
    used = []
    for index, ((members, _), gid) in enumerate(zip(clusters, ids, strict=True)):
        if gid is not None and names.get(gid):
            continue
        fp = next((fp for fp in members[:20] if fp in hints), None)
        if fp is not None:
            used.append((index, fp, hints.pop(fp)))
    return used
