"""The paths a person names for a file action: each file once, whatever names it is given by
(links, linked folders, hard links), and a destination named like a photo refused."""

from __future__ import annotations

import os
from collections.abc import Sequence

from photoorg.core.catalog import Catalog
from photoorg.core.errors import PhotoorgError
from photoorg.core.humanize import printable
from photoorg.core.scanner import LIBRARY_EXTENSIONS


def file_key(path: str) -> object:
    """What makes two names one file (a link, a linked folder): its device and inode."""
    try:
        st = os.stat(path)
    except OSError:
        return path
    return (st.st_dev, st.st_ino)


def distinct(catalog: Catalog, paths: Sequence[str]) -> tuple[list[str], dict[str, object]]:
    """The paths once each: the same file named twice (or through a link) is one step, by the
    name the catalog knows it by; and the other names given of a file with several (hard
    links: the scan catalogues a file once), by their file's key."""
    chosen: dict[object, str] = {}
    others: dict[str, object] = {}
    for raw in paths:
        path = os.path.abspath(raw)
        try:
            st = os.stat(path)
            key: object = (st.st_dev, st.st_ino)
        except OSError:
            key = path
        if key not in chosen or (
            catalog.file_row(chosen[key]) is None and catalog.file_row(path) is not None
        ):
            if key in chosen:
                others[chosen[key]] = key
            chosen[key] = path
        else:
            others[path] = key
    real_names = {os.path.realpath(p) for p in chosen.values()}
    hard = {p: k for p, k in others.items() if os.path.realpath(p) not in real_names}
    return list(chosen.values()), hard


def refuse_folder_named_like_a_photo(destination: str) -> None:
    """Refuse a destination not there yet that is named like a photo: ``move a.jpg --to b.jpg``
    meant a new name, and made a folder "b.jpg" (found by a review). A slash at its end says it
    is a folder after all."""
    if destination.endswith(("/", os.sep)) or os.path.exists(destination):
        return
    name = os.path.basename(destination)
    if os.path.splitext(name)[1].lower() in LIBRARY_EXTENSIONS:
        raise PhotoorgError(
            f"The destination {printable(destination)} is not there, and is named like a photo. photoorg "
            "moves and copies photos into a folder, under their own names; it does not rename them. "
            f"To make a folder called {printable(name)} anyway, end the destination with a slash."
        )
