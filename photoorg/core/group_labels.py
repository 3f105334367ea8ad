"""What an unnamed group is called until the person names it: the folder most of its photos are
in, when that folder's name says something of them ("Holiday", "Anna's wedding"), and their
dates. A review found every unnamed group called "undated, ..." after an organize by date (the
folder of the photos without a date), others "2019-05" or "fish" (the folder of a third of
them), and organize by group then made folders of those names. Also when two names a person
gives groups are one, and how a group found again is told from one that took its name."""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from photoorg.core.humanize import name_key

if TYPE_CHECKING:
    from photoorg.core.catalog import Catalog, StoredGroup

_MONTH = (
    r"(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?"
    r"|oct(ober)?|nov(ember)?|dec(ember)?)\.?"
)
#: Folder names that say nothing of the photos in them: dates and numbers (2019, 2019-05,
#: 20190501, "May 2019", "2019-05 May"), the folders cameras and phones make (DCIM, 100CANON,
#: Camera), the usual roots of a library, and the folders organize makes ("undated", "Unsorted").
_SAYS_NOTHING = re.compile(
    rf"""^(
        [\d\W_]*
        | ([\d\W_]*{_MONTH})+[\d\W_]*
        | \d{{3}}[a-z0-9_]{{5}}
        | undated | unsorted | dcim | camera | camera[\W_]?roll | pictures | photos | images | img
        | my[\W_]?pictures | my[\W_]?photos | downloads | new[\W_]?folder | misc | other
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
#: The folder organize by group makes for an unnamed group ("Group 3 - Beach"): its hint is
#: what follows the number.
_GROUP_FOLDER = re.compile(r"^group \d+(?: - (?P<rest>.+))?$", re.IGNORECASE)


def folder_hint(paths: Iterable[str]) -> str:
    """The name of the folder that holds at least half of ``paths``, if it says something of
    them; else ""."""
    paths = list(paths)
    folders = Counter(os.path.dirname(p) for p in paths)
    if not folders:
        return ""
    folder, n = folders.most_common(1)[0]
    if 2 * n < len(paths):
        return ""
    name = os.path.basename(folder)
    made = _GROUP_FOLDER.match(name)
    if made:
        name = made.group("rest") or ""
    return "" if _SAYS_NOTHING.match(name) else name


def dates_label(taken: Sequence[str | None]) -> str:
    """The dates an unnamed group is called by, when at least half its photos have a date taken
    (a review: "2006-12-30" for a group of 5 of which one had a date), at the grain that tells:
    "2019-05-01", "2019-05-01 to 2019-05-09", "2019-05 to 2019-08", "2004 to 2019" (a review:
    "2004-08-04 to 2019-04-14" told nobody which group it was)."""
    dates = sorted(t[:10] for t in taken if t)
    if not dates or 2 * len(dates) < len(taken):
        return ""
    first, last = dates[0], dates[-1]
    if first == last:
        return first
    if first[:4] != last[:4]:
        return f"{first[:4]} to {last[:4]}"
    if first[:7] != last[:7]:
        return f"{first[:7]} to {last[:7]}"
    return f"{first} to {last}"


def where_from(paths: Sequence[str], named: Callable[[str], str] = lambda folder: folder) -> str:
    """Where a group's photos are, no more than is true: "in X", "mostly in X" (more than half),
    else "from 9 folders, the most (8) in X" (a review: "mostly in .../fish" for 8 of 27).
    ``named``: how a folder is said (the app: from its library folder's name on; a review read
    a whole path on two lines at 800 px)."""
    folders = Counter(os.path.dirname(p) for p in paths)
    if not folders:
        return ""
    folder, n = folders.most_common(1)[0]
    folder = named(folder)
    if len(folders) == 1:
        return f"in {folder}"
    if 2 * n > len(paths):
        return f"mostly in {folder}"
    return f"from {len(folders)} folders, the most ({n}) in {folder}"


def group_name_key(name: str) -> str:
    """A group's name as a person reads it: case, Unicode composition and runs of spaces aside
    (a hostile review: "Café" composed and decomposed, "Summer  trip" and "Summer trip")."""
    return name_key(" ".join(name.split()))


def one_name_each(
    catalog: Catalog, stored: list[StoredGroup], ids: Sequence[int], names: dict[int, str]
) -> None:
    """A named group the grouping finds again after it was gone, while another group in use has
    taken its name since, comes back as "Beach (2)": two groups of one name could not be told
    apart (the name is the person's; it is not taken away)."""
    was_active = {g.id for g in stored if g.active}
    taken = {group_name_key(names[g]) for g in ids if g in was_active and names.get(g)}
    for gid in ids:
        name = names.get(gid)
        if gid in was_active or not name:
            continue
        if group_name_key(name) not in taken:  # back as it was; a later one of its name is told
            taken.add(group_name_key(name))  # apart from it (a second hostile review)
            continue
        number = 2
        while group_name_key(f"{name} ({number})") in taken:
            number += 1
        names[gid] = f"{name} ({number})"
        taken.add(group_name_key(names[gid]))
        catalog.rename_group(gid, names[gid])
