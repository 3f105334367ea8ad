"""Why a planned file step cannot be done now, looked at right before it is: the file changed,
went, became a link, its photo stays, a file going with it cannot be read, or its target
folder holds it already (out of actions.py, past 18 KB). Qt-free; reads, never writes."""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence

from photoorg.core.action_plans import NO_LONGER_THERE, Step, action_row, unchanged
from photoorg.core.catalog import Catalog
from photoorg.core.fileops import fingerprint_and_size
from photoorg.core.paths import storable_ns


def linked_there(step: Step) -> str | None:
    """Why a move's file stays: its target folder holds it already under another name (a hard
    link, as dedupe tools leave them). The move would leave two names of it there, and its
    undo would take away the one the folder had (a hostile review). Only a file with a second
    name is looked for, in its target folder alone."""
    try:
        st = os.stat(step.source)
        if st.st_nlink < 2 or step.target is None:
            return None
        folder = os.path.dirname(step.target)
        here = os.path.samefile(folder, os.path.dirname(step.source))  # renamed in its own folder
        with os.scandir(folder) as entries:
            for e in entries:
                if (
                    e.inode() == st.st_ino
                    and e.stat(follow_symlinks=False).st_dev == st.st_dev
                    and not (here and e.name == os.path.basename(step.source))  # the file itself
                ):
                    return (
                        f"it is in {folder} already as {e.name} (the same file under a second name, "
                        "a hard link); it stays as it is"
                    )
    except OSError:  # no folder yet, or gone: nothing there
        return None
    return None


def still_as_planned(catalog: Catalog, step: Step) -> str | None:
    """Why a planned step can no longer be done (another photoorg got there first), or None."""
    try:
        st = os.lstat(step.source)
    except OSError:
        return NO_LONGER_THERE
    if not stat.S_ISREG(st.st_mode):
        return not_a_file(step.source)
    if step.companion_of is not None:
        if (st.st_size, st.st_mtime_ns) != (step.size, step.mtime_ns):
            return "changed since the plan was made"
        return None
    row = catalog.file_row(step.source) or catalog.unreadable_row(step.source)
    if row is None or (st.st_size, storable_ns(st.st_mtime_ns)) != (row.size, row.mtime_ns):
        return "changed since it was scanned; scan again to look at it first"
    return None


def content_changed(catalog: Catalog, step: Step, left_behind: set[str]) -> str | None:
    """Right before a file moves: its photo moved too (for a companion), and its content is
    what was planned. Reads the file when that was not done when planning."""
    if os.path.islink(step.source):  # its content read through the link is no reason to move it
        return not_a_file(step.source)
    if step.companion_of is not None:
        if step.companion_of in left_behind:
            return "its photo stays where it is, so it stays too"
        try:
            step.fingerprint, _ = fingerprint_and_size(step.source)
        except FileNotFoundError:
            return "no longer there"
        except OSError as exc:
            return f"cannot be read: {failure_reason(exc)}"
        return None
    if step.verified:
        return None
    row = action_row(catalog, step.source)
    return unchanged(step.source, row, step) if row is not None else "not in the catalog"


def not_a_file(path: str) -> str:
    """A photo replaced by a link (or anything but a file) since it was planned: a hostile
    review, organize moved the link and said "moved", the photo itself left where it was."""
    if os.path.islink(path):
        return f"a link to {os.path.realpath(path)} now; it stays (name the photo itself)"
    return "no longer a file; it stays"


def unreadable(companions: Sequence[Step]) -> str | None:
    """Why a photo stays because a file that goes with it cannot be read (found by a review: the
    photo moved and its sidecar, unreadable, stayed behind "no longer there", exit 0)."""
    for c in companions:
        try:
            fingerprint_and_size(c.source)
        except FileNotFoundError:
            continue  # gone: nothing of it to keep together
        except OSError as exc:
            name = os.path.basename(c.source)
            return f"its sidecar {name} cannot be read ({failure_reason(exc)}); both stay"
    return None


def failure_reason(exc: BaseException) -> str:
    """Why a file step failed, in words: the system's message and the file, or the error's."""
    if isinstance(exc, OSError) and exc.strerror:
        where = f" ({exc.filename})" if exc.filename else ""
        if exc.filename and exc.filename2:  # a rename: the cause may be either folder
            where = f" (renaming {exc.filename} to {exc.filename2})"
        return f"{exc.strerror}{where}"
    return str(exc)
