"""Where an action or an organize may put photos: never into a library folder that is not
there (an unplugged drive's empty mount point), never into a folder that is a file. Out of
library_files.py, which had grown past its size."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Sequence

from photoorg.core.catalog import BatchInfo, Catalog
from photoorg.core.errors import PhotoorgError
from photoorg.core.fileops import file_where_folder_was
from photoorg.core.humanize import plural
from photoorg.core.organize import OrganizePlan
from photoorg.core.paths import Locations, is_under, real
from photoorg.core.trash import inside_a_trash


def refuse_blocked_folders(plan: OrganizePlan) -> None:
    """A folder of the plan that is a file (or a file above it): said with the plan, not as a
    failure of every photo for it (a hostile review: 'out/2026' a file, the plan listed 19
    photos for 2026/2026-12, and each failed: "Nothing was done")."""
    blocked: dict[str, int] = {}
    # Each folder looked at once: a plan of 100k photos has a few hundred (a scale review: 17%
    # of a 22 s plan went to looking at each photo's folders again).
    per_folder = Counter(os.path.dirname(p.target) for p in plan.moving() if p.target)
    for folder, n in per_folder.items():
        where = file_where_folder_was(os.path.join(folder, "_"))
        if where is not None:
            blocked[where] = blocked.get(where, 0) + n
    if blocked:
        where, n = next(iter(blocked.items()))
        raise PhotoorgError(
            f"{where} is a file, where the plan puts {plural(n, 'photo')} in a folder of that name: "
            "rename or move the file, or choose another destination or template."
        )


def unsafe_place(folder: str, where: Locations) -> str | None:
    """Why nothing may be put in ``folder`` (None: it may): "inside a trash ..." or "inside
    photoorg's own folders". A hostile review: a move into ~/.local/share/Trash/files was
    "done", the only copy of the photo then gone with the next Empty Trash while the history
    offered its undo; an organize template put photos into the catalog's sessions folder, whose
    files the next start removed."""
    if inside_a_trash(folder):
        return "inside a trash: photos put there would be lost when it is emptied"
    dest = real(os.path.abspath(folder))
    if is_under(dest, [real(str(f)) for f in (where.data, where.cache, where.config, where.logs)]):
        return "inside photoorg's own folders"
    return None


def refuse_unsafe_destination(destination: str, where: Locations) -> None:
    """Nothing goes into a trash or into photoorg's own folders (see :func:`unsafe_place`)."""
    why = unsafe_place(destination, where)
    if why is not None:
        raise PhotoorgError(f"{destination} is {why}. Choose another folder.")


def refuse_unsafe_plan(plan: OrganizePlan, where: Locations) -> None:
    """No folder an organize's template makes under its destination is inside a trash or
    photoorg's own folders (a hostile review: --to ~/.local/share with the template
    'photoorg/catalog.sqlite3.open' put photos where the next start removed them)."""
    seen: set[str] = set()
    for p in plan.moving():
        for target in (p.target, *(t for _, t in p.companions)):
            folder = os.path.dirname(target or "")
            if folder and folder not in seen:
                seen.add(folder)
                why = unsafe_place(folder, where)
                if why is not None:
                    raise PhotoorgError(
                        f"The plan puts photos in {folder}, which is {why}. Choose another destination "
                        "or template."
                    )


def refuse_protected_destination(folders: Iterable[str], protected: Sequence[str]) -> None:
    """Nothing goes into a protected folder: photoorg changes nothing in one, so it could not
    take back what it put there either (a new-user review: an organize into a protected folder
    was done, and its undo then refused every photo, "protected now")."""
    if not protected:
        return
    for folder in folders:
        inside = [p for p in protected if is_under(real(os.path.abspath(folder)), [real(p)])]
        if inside:
            raise PhotoorgError(
                f"{folder} is in a protected folder ({inside[0]}): photoorg changes nothing there, "
                "so it could not undo what it put there either. Choose another folder, or lift the "
                f"protection first ('photoorg library unprotect {inside[0]}', or File > Settings)."
            )


def refuse_protected_plan(plan: OrganizePlan, protected: Sequence[str]) -> None:
    """No folder an organize puts photos in is in a protected folder (see above)."""
    if protected:
        refuse_protected_destination(
            {os.path.dirname(p.target) for p in plan.moving() if p.target}, protected
        )


def refuse_outdated_plan(plan: OrganizePlan, catalog: Catalog) -> None:
    """Under the lock: no file action changed files since the plan was made (a new-user review:
    two organizes at once, the second one's plan shown and agreed to, then carried out over what
    the first had just moved). Each file is checked again as it goes, but what the person agreed
    to would no longer be what happens: they see the plan again."""
    if plan.made_at is None or catalog.files_history_mark() == plan.made_at:
        return
    since = catalog.actions_since(plan.made_at)
    said = "; ".join(f"action {b.id}, {b.summary}" for b in since[:3]) + (
        " and more" if len(since) > 3 else ""
    )
    raise PhotoorgError(
        "Files of the library changed since this plan was made"
        + (f" ({said})" if said else "")
        + ". Nothing was moved: make the plan again to see what it would do now."
    )


def refuse_missing_destination(destination: str, missing: Sequence[str]) -> None:
    """Nothing goes into a library folder that is not there or is empty where photos were (a
    second hostile review: a move into the empty mount point of an unplugged drive wrote onto
    the disk under it, and the next scan forgot the drive's photos)."""
    for root in missing:
        if is_under(os.path.abspath(destination), [root]):
            raise PhotoorgError(
                f"The library folder {root} is not there, or empty where photos were (a drive that is "
                "not connected?): nothing goes into it until it is back. If you emptied it yourself, "
                f"'photoorg scan {root}' first."
            )


def place_refusal(
    info: BatchInfo, folders: Iterable[str], protected: Sequence[str], home: Locations | None
) -> str | None:
    """Why the undone action ``info`` cannot put its files into ``folders`` again: nowhere a
    first run would refuse (a hostile review: a redo moved a photo into a folder protected
    since, whose undo then refused it; and into photoorg's own folders, through a link)."""
    for folder in folders:
        unsafe = unsafe_place(folder, home) if home is not None else None
        if unsafe is not None:
            return f"Action {info.id} cannot be done again now: {folder} is {unsafe}."
        here = real(os.path.abspath(folder))
        inside = next((p for p in protected if is_under(here, [real(p)])), None)
        if inside is not None:
            return (
                f"Action {info.id} cannot be done again now: {folder} is in a protected folder "
                f"({inside}), where photoorg changes nothing; lift the protection first ('photoorg "
                f"library unprotect {inside}', or File > Settings)."
            )
    return None
