"""The clean-up of duplicate sets planned as one trash (the app's *Trash unchecked*, ``duplicates
--trash``): every set keeps a photo that stays, counting what the other sets trash. Qt-free;
reads the catalog and the files, writes nothing."""

from __future__ import annotations

from collections.abc import Sequence

from photoorg.core.action_plans import Action, Step, file_key, plan, still_a_copy
from photoorg.core.catalog import Catalog
from photoorg.core.errors import PhotoorgError
from photoorg.core.paths import FolderSet


def plan_set_cleanup(
    catalog: Catalog,
    sets: Sequence[tuple[Sequence[str], Sequence[str]]],
    protected: Sequence[str] = (),
    library: Sequence[str] | None = None,
    looked_at: Sequence[str] = (),
) -> list[Step]:
    """Plan trashing photos of duplicate sets: ``sets`` holds (every member of a set, the
    members to trash). Every set keeps at least one photo that stays, counting what the other
    sets trash (one set's keeper may be unchecked in another).

    Raises:
        PhotoorgError: a set would lose every photo, or a path is not a member of its set.
    """
    going = {p for _, remove in sets for p in remove}
    inside = FolderSet(library or ())  # (once: its folders' real paths are looked up)
    going_files = {file_key(p) for p in going}
    for members, remove in sets:
        strangers = set(remove) - set(members)
        if strangers:
            raise PhotoorgError(f"{sorted(strangers)[0]} is not in this duplicate set.")
        # A member that is another name of a file that goes (a link) is not a photo that stays.
        kept = [m for m in members if m not in going and file_key(m) not in going_files]
        if not kept:
            names = ", ".join(members[:3])  # whole paths: copies often share a name
            elsewhere = [m for m in members if m not in remove]  # (an app review: which?)
            also = f" ({elsewhere[0]}, which it keeps, is unchecked in another set)" if elsewhere else ""
            raise PhotoorgError(
                f"That would remove every copy in the set ({names}){also}; photoorg always keeps at "
                "least one. Check the photo you want to keep."
            )
        # A set with a copy in the library keeps one there, not only one in a folder looked at
        # (a hostile review: 'duplicates CARD ~/Pictures --trash' kept the card's copy alone).
        if library and any(inside.holds(m) for m in members) and not any(inside.holds(k) for k in kept):
            ours = ", ".join(m for m in remove if inside.holds(m))
            raise PhotoorgError(
                f"That would trash every copy in the library ({ours}) and keep only {kept[0]}, "
                "outside it; photoorg keeps one in the library. Check it."
            )
        # The copy that stays must be the photo still, read again (a hostile review: an edited
        # or damaged keeper was kept and the last good copy went to the trash).
        if not any(still_a_copy(catalog, k) for k in kept):
            names = ", ".join(kept[:3])
            raise PhotoorgError(
                f"The photo to keep ({names}) is no longer there as it was scanned: moved, edited or "
                "damaged since. Nothing was trashed; scan again, then look at the set again."
            )
    return plan(
        catalog, Action.TRASH, sorted(going), protected=protected, library=library, looked_at=looked_at
    )
