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
    """Refuse a template with unknown fields, or one that leaves the destination."""
    fields = ", ".join("{" + f + "}" for f in TEMPLATE_FIELDS)
    names = {m.group(1) for m in re.finditer(r"{(\w*)[^}]*}", template)}
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


def safe_name(text: str, fallback: str = "unnamed") -> str:
    """A folder or file name every file system accepts, as close to ``text`` as possible."""
    name = unicodedata.normalize("NFC", text)
    name = _UNSAFE.sub("_", name).strip()
    name = name.rstrip(". ")
    if len(name) > NAME_LIMIT:
        name = name[:NAME_LIMIT].rstrip(". ")
    if not name or set(name) <= {"."}:
        name = fallback
    if name.split(".")[0].lower() in _RESERVED:
        name = f"_{name}"
    return name


class DateFolders:
    """Where a date ``template`` puts a photo; the same values give the same folder, worked
    out once (100k photos fall into a few hundred folders). ``file_date``: a photo without a
    date taken goes by its file's date instead of to "undated"."""

    def __init__(self, template: str, file_date: bool) -> None:
        self.template, self.file_date = template, file_date
        self.names_file = "{name}" in template or "{ext}" in template
        self._folders: dict[tuple[str, ...], list[str]] = {}

    def place(self, photo: PhotoInfo, group: str) -> tuple[str, str | None, str]:
        """(folder relative to the destination, a new file name or None, how it was dated)."""
        when, dated_by = photo_date(photo, self.file_date)
        if when is None:
            return UNDATED, None, dated_by
        stem, ext = os.path.splitext(os.path.basename(photo.path))
        values = {
            "year": f"{when.year:04d}",
            "month": f"{when.month:02d}",
            "day": f"{when.day:02d}",
            "month_name": MONTHS[when.month - 1],
            "camera": photo.camera or "Unknown camera",
            "group": group,
            "name": stem,
            "ext": ext.lstrip("."),
        }
        key = tuple(values.values()) if self.names_file else tuple(list(values.values())[:6])
        parts = self._folders.get(key)
        if parts is None:
            expanded = self.template.format(**values)
            parts = [safe_name(part) for part in re.split(r"[/\\]+", expanded) if part.strip()]
            self._folders[key] = parts
        if self.names_file:  # the template names the file
            *folders, file_name = parts or [safe_name(stem)]
            if "{ext}" not in self.template:
                file_name += ext
            return "/".join(folders), file_name, dated_by
        return "/".join(parts), None, dated_by


def group_folders(groups: Sequence[Group]) -> dict[int, str]:
    """A safe, distinct folder name for each group: its name, else "Group 3 - " and its label
    (a label alone, the folder its photos are in, reads like a date folder: "undated");
    Unsorted apart."""
    used: set[str] = {UNSORTED_FOLDER.lower()}
    names: dict[int, str] = {}
    for g in groups:
        if g.id == UNSORTED or g.id is None:
            continue
        label = g.name or (f"Group {g.id} - {g.label}" if g.label else "")
        base = safe_name(label, fallback=f"Group {g.id}")
        name, n = base, 1
        while name.lower() in used:
            n += 1
            name = f"{base} ({n})"
        used.add(name.lower())
        names[g.id] = name
    names[UNSORTED] = UNSORTED_FOLDER
    return names
