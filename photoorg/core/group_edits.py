"""Group edits the person makes, kept by content so they last through moves, rescans and
regroupings: group names, photos moved between groups or out of one, merged groups. Every
change is one undoable action. Split out of :mod:`photoorg.core.curation` (a part of
:class:`photoorg.core.library.Library`), which adds albums."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from photoorg.core.errors import ModelUnavailable, PhotoorgError
from photoorg.core.group_labels import group_name_key
from photoorg.core.grouping import UNSORTED, stored_groups
from photoorg.core.humanize import plural, quoted
from photoorg.core.library_part import LibraryPart
from photoorg.core.paths import under_test

if TYPE_CHECKING:
    from photoorg.core.catalog import Catalog


class GroupEdits(LibraryPart):
    """Naming, moving photos between, and merging groups; needs the library's catalog and lock."""

    def rename_group(self, group_id: int, name: str) -> int:
        """Name a group (an empty name takes it away) as an undoable action; the name stays with
        the group. Returns the action's number. (Not an action before, a rename was passed
        over by Undo, which took back an older action instead.)"""
        name = name.strip()
        if not any(g.id == group_id and g.active for g in self.catalog.stored_groups()):
            # Not grouped yet since the last scan (the groups are stored when they are made):
            # the id 'photoorg groups' would list is known once they are.
            with contextlib.suppress(ModelUnavailable):
                self.groups()
        with self.writing() as catalog:
            was = self._group_name(group_id)  # raises when there is no such group
            # One name, one group (an app review: two groups of one name, told apart by counts)
            named = [g for g in catalog.stored_groups() if g.active and g.id != group_id and g.name]
            other = next((g for g in named if name and group_name_key(g.name) == group_name_key(name)), None)
            if other is not None:
                merge = f"'photoorg groups --merge {other.id} {group_id}'"
                raise PhotoorgError(
                    f"Group {other.id} is called {quoted(other.name)} already: give this one another "
                    f"name, or merge the two (right-click > Merge into; {merge})."
                )
            summary = f"rename {was} to {quoted(name)}" if name else f"take the name of {was} away"
            batch = catalog.rename_group_as_action(group_id, name or None, summary)
        assert batch is not None  # found just now, under the library lock
        return batch

    def move_to_group(self, paths: Sequence[str], group_id: int) -> int:
        """Put photos into a group (UNSORTED: out of their groups), whatever the grouping says,
        now and after every regrouping; one undoable change. Returns its action number."""
        fps = self._fingerprints(paths)
        where = "Unsorted" if group_id == UNSORTED else self._group_name(group_id)
        if group_id != UNSORTED:  # already there: no action (one was recorded, "Moved 1 photo")
            there = {p.fingerprint for g in stored_groups(self.catalog) if g.id == group_id for p in g.photos}
            fps = [fp for fp in fps if fp not in there]
            if not fps:
                raise PhotoorgError(f"{plural(len(paths), 'photo')} already in {where}; nothing was changed.")
        n = len(fps)
        summary = f"move {n} photo{'s' if n != 1 else ''} to {where}"
        return self._change_groups(summary, [("move", fp, group_id, None) for fp in fps])

    def remove_from_group(self, paths: Sequence[str], group_id: int) -> int:
        """ "Not in this group": the photos go to Unsorted and stay out of it on regrouping."""
        fps = self._fingerprints(paths)
        n = len(fps)
        summary = f"take {n} photo{'s' if n != 1 else ''} out of {self._group_name(group_id)}"
        return self._change_groups(summary, [("exclude", fp, group_id, None) for fp in fps])

    def merge_groups(self, group_id: int, other_id: int) -> int:
        """The photos of group ``other_id`` join group ``group_id``, which keeps its id and name."""
        if group_id == other_id:
            raise PhotoorgError("A group cannot be merged with itself.")
        summary = f"merge {self._group_name(other_id)} into {self._group_name(group_id)}"
        return self._change_groups(summary, [("merge", None, group_id, other_id)])

    def _change_groups(self, summary: str, edits: list[tuple[str, str | None, int, int | None]]) -> int:
        with self.writing() as catalog:
            return catalog.add_group_edits(summary, edits)

    def _group_name(self, group_id: int) -> str:
        """How the history names a group: its name, else what the app shows for it (folder and
        dates), quoted; a GUI review found "group 2" in the app, which shows no ids, and a later
        one "group 1 (New_York, …)"."""
        found = next((g for g in self.catalog.stored_groups() if g.id == group_id and g.active), None)
        if found is None:
            raise PhotoorgError(f"There is no group {group_id}; 'photoorg groups' lists them with their ids.")
        if found.name:
            return f"the group {quoted(found.name)}"
        shown = next((g.label for g in stored_groups(self.catalog) if g.id == group_id), "")
        return f"the group {quoted(shown)}" if shown else f"group {group_id}"

    def _fingerprints(self, paths: Sequence[str]) -> list[str]:
        """The photos of the library at ``paths``, by content; a folder, or a file outside the
        library's folders (a card's photo the catalog read for an import), is refused (a new-user
        review: an album made of one was empty at once, "1 away")."""
        fps = []
        inside = under_test(self.library_roots()[0])
        for path in paths:
            if os.path.isdir(path):
                raise PhotoorgError(f"{path} is a folder; give its photos ({os.path.join(path, '*.jpg')}).")
            row = self.catalog.file_row(os.path.abspath(path))
            if row is None or row.fingerprint is None:
                raise PhotoorgError(f"{path} is not a photo of the library (scan its folder first).")
            if not inside(os.path.abspath(path)):
                raise PhotoorgError(
                    f"{path} is not in the library's folders ('photoorg library add' adds its folder)."
                )
            if row.fingerprint not in fps:
                fps.append(row.fingerprint)
        return fps


def refuse_undo_of_renames(catalog: Catalog, batch: int, summary: str) -> None:
    """An undo of action ``batch`` (a change to the groups) that would give a group back a name
    it no longer has since a later rename, or that another group has taken since, is refused."""
    renamed = catalog.later_renames(batch)
    if renamed:  # (a hostile review: "undid" a rename, and the group kept its newer name)
        raise PhotoorgError(
            f"The group action {batch} renamed was renamed again by action {renamed[-1]}: undo "
            f"action {renamed[-1]} first, then this one."
        )
    refuse_two_groups_of_one_name(catalog, batch, summary, back=True)


def refuse_two_groups_of_one_name(catalog: Catalog, batch: int, summary: str, back: bool) -> None:
    """An undo (``back``) or redo of a rename that would give a group a name another group has
    taken since is refused, as a rename to it is (a hostile review: undo by number made two
    groups called "Summer trip")."""
    names = {g.id: g.name for g in catalog.stored_groups() if g.active}
    before = _clashes(names.values())
    doing = "Undoing" if back else "Doing again"
    for group_id, was, now in catalog.renames_in(batch, back):
        if group_id in names and names[group_id] != was:  # renamed since, not by an action (a
            # group back beside one of its name: "Beach (2)"): nothing would change (a second
            # hostile review: "undid the change", the name as it was)
            raise PhotoorgError(
                f"{doing} action {batch} ({summary}) would change nothing: the group is called "
                f"{quoted(names[group_id] or '')} now; rename it by hand ('photoorg groups --rename', "
                "or F2 in Groups)."
            )
        if group_id in names:
            names[group_id] = now
    after = [
        name for name in names.values() if name and group_name_key(name) in _clashes(names.values()) - before
    ]
    if after:
        raise PhotoorgError(
            f"{doing} action {batch} ({summary}) would make two groups called {quoted(after[0])}; "
            "rename the other one first ('photoorg groups --rename', or F2 in Groups)."
        )


def _clashes(names: Iterable[str | None]) -> set[str]:
    """The names (as a person reads them) two or more groups have."""
    seen: set[str] = set()
    twice: set[str] = set()
    for name in names:
        if name:
            key = group_name_key(name)
            (twice if key in seen else seen).add(key)
    return twice
