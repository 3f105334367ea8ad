"""The names organizing gives folders and files: a date template's folders, a group's folder,
and names every file system accepts (no ``/ \\ : * ? " < > |`` or control characters, no
trailing dots or spaces, no reserved Windows names, at most 120 characters). Qt-free."""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Sequence

from photoorg.core.catalog import PhotoInfo
from photoorg.core.errors import PhotoorgError
from photoorg.core.grouping import UNSORTED, Group
from photoorg.core.timeline import MONTHS, photo_date

DEFAULT_TEMPLATE = "{year}/{year}-{month}"
TEMPLATE_FIELDS = ("year", "month", "day", "month_name", "camera", "group", "name", "ext")
UNDATED = "undated"
UNSORTED_FOLDER = "Unsorted"
NAME_LIMIT = 120
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')
_RESERVED = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
)


def check_template(template: str) -> None:
    """Refuse a template with unknown fields, one that leaves the destination, or an empty one."""
    fields = ", ".join("{" + f + "}" for f in TEMPLATE_FIELDS)
    if not template.strip(" /\\"):  # it put every photo straight into the destination
        raise PhotoorgError(
            f"The template {template!r} makes no folder; 'photoorg move --to' puts photos into one "
            f"folder. A template may use {fields}."
        )
    names = _fields(template)
    unknown = names - set(TEMPLATE_FIELDS)
    if unknown:
        raise PhotoorgError(
            f"The template {template!r} has unknown fields {sorted(unknown)}; it may use {fields}."
        )
    try:
        template.format(**dict.fromkeys(TEMPLATE_FIELDS, "x"))
    except (KeyError, ValueError, IndexError) as exc:
        raise PhotoorgError(
            f"The template {template!r} cannot be used ({exc}); it may use {fields}."
        ) from None
    if template.startswith(("/", "\\")) or ".." in re.split(r"[/\\]", template):
        raise PhotoorgError(f"The template {template!r} must stay inside the destination folder.")


def _fields(template: str) -> set[str]:
    return {m.group(1) for m in re.finditer(r"{(\w*)[^}]*}", template)}


def file_name(text: str, ext: str) -> str:
    """A file name made of ``text`` (a template's last part) that ends with the photo's own
    extension ``ext`` (".jpg"), added when ``text`` does not end with it: without it no other
    program opens the photo, and a scan no longer sees it. A name too long loses the end of
    its stem, never the extension."""
    if ext and text.lower().endswith(ext.lower()):
        text = text[: -len(ext)]
    return safe_name(text, fallback="photo", limit=NAME_LIMIT - len(ext)) + ext


def safe_name(text: str, fallback: str = "unnamed", limit: int = NAME_LIMIT) -> str:
    """A folder or file name every file system accepts, not hidden, as close to ``text`` as
    possible, of at most ``limit`` characters."""
    name = unicodedata.normalize("NFC", text)
    name = _UNSAFE.sub("_", name).strip()
    # No leading dot either: a hidden folder is one a scan passes over, and its photos would
    # leave the library unseen (found with a camera model "../x" and a group named ".Beach").
    name = name.strip(". ")
    if len(name) > limit:
        name = name[:limit].rstrip(". ")
    if not name or set(name) <= {"."}:
        name = fallback
    if name.split(".")[0].lower() in _RESERVED:
        name = f"_{name}"
    return name


_UNKNOWN = "\0"  # a month or a day the photo's date does not say: the template's part goes


def _known_parts(pieces: list[str]) -> list[str]:
    """The template's parts without the month or day a date does not say, and the separators
    that went with them ("1975-\0-\0 IMG_1" is "1975 IMG_1"; a review: the known year went
    too); a part left empty, or the same as the one before ("1975/1975-\0"), goes."""
    out: list[str] = []
    for part in pieces:
        if _UNKNOWN in part:
            part = re.sub(r"[-_.\s]*\0", "", part).strip(" -_.")
            if not part or (out and part == out[-1]):
                continue
        out.append(part)
    return out


class DateFolders:
    """Where a date ``template`` puts a photo; the same values give the same folder, worked
    out once (100k photos fall into a few hundred folders). ``file_date``: a photo without a
    date taken goes by its file's date instead of to "undated"."""

    def __init__(self, template: str, file_date: bool) -> None:
        self.template, self.file_date = template, file_date
        # The last part names the file when it holds {name}; {ext} elsewhere (a folder per
        # file type) or a last part without {name} (a folder) keeps the photo's own name.
        self.names_file = "name" in _fields(re.split(r"[/\\]", template)[-1])
        self._used = sorted(_fields(template))
        self._folders: dict[tuple[str, ...], list[str]] = {}

    def place(self, photo: PhotoInfo, group: str) -> tuple[str, str | None, str]:
        """(folder relative to the destination, a new file name or None, how it was dated)."""
        when, dated_by = photo_date(photo, self.file_date)
        if when is None:
            return UNDATED, None, dated_by
        stem, ext = os.path.splitext(os.path.basename(photo.path))
        # A year or a month alone (a scanned print's sidecar) has no month or day to file by:
        # the parts of the template that name one are left out (a new-user review: 1975/01/01).
        known = photo.taken_known if dated_by == "taken" else None
        values = {
            "year": f"{when.year:04d}",
            "month": _UNKNOWN if known == "year" else f"{when.month:02d}",
            "day": _UNKNOWN if known else f"{when.day:02d}",
            "month_name": _UNKNOWN if known == "year" else MONTHS[when.month - 1],
            # A slash in a camera's name makes no folders (a hostile review: an EXIF model
            # "../../x" gave out/unnamed/unnamed/x); it reads as "_", as in group names.
            "camera": re.sub(r"[/\\]", "_", photo.camera or "") or "Unknown camera",
            "group": group,
            "name": stem,
            "ext": ext.lstrip("."),
        }
        # (a part may fall back to the year; a file keeps its own extension whatever the
        # template says: a new-user review found x.jpg planned as "x (1).png" beside x.png)
        key = (*(values[f] for f in self._used), values["year"], ext if self.names_file else "")
        parts = self._folders.get(key)
        if parts is None:
            expanded = self.template.format(**values)
            pieces = [part for part in re.split(r"[/\\]+", expanded) if part.strip()]
            pieces = _known_parts(pieces)
            if self.names_file:
                *folders, last = pieces or [stem]
                parts = [*(safe_name(f) for f in folders), file_name(last, ext)]
            else:
                parts = [safe_name(part) for part in pieces] or [values["year"]]
            self._folders[key] = parts
        if self.names_file:  # the template names the file
            *folders, name = parts
            return "/".join(folders), name, dated_by
        return "/".join(parts), None, dated_by


def group_folders(groups: Sequence[Group]) -> dict[int, str]:
    """A safe, distinct folder name for each group: its name, else "Group 3 - " and its folder
    hint ("Group 3 - Holiday"; a hint alone could read like a date folder), else "Group 3"
    (a review: "Group 1 - monuments, 2002-08-11 to 2006-02-13", the label's dates in a
    folder's name); Unsorted apart."""
    used: set[str] = {UNSORTED_FOLDER.lower()}
    names: dict[int, str] = {}
    for g in groups:
        if g.id == UNSORTED or g.id is None:
            continue
        hint = "" if g.name else g.folder_hint
        label = g.name or (f"Group {g.id} - {hint}" if hint else "")
        base = safe_name(label, fallback=f"Group {g.id}")
        name, n = base, 1
        while name.lower() in used:
            n += 1
            name = f"{base} ({n})"
        used.add(name.lower())
        names[g.id] = name
    names[UNSORTED] = UNSORTED_FOLDER
    return names
