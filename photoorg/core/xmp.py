"""Keywords in XMP sidecars, the way other photo tools read them, and the date a sidecar says a
photo was taken (:func:`date_taken`, :func:`set_date_taken`).

A keyword is an entry of ``dc:subject`` (an unordered ``rdf:Bag``), which digiKam, darktable,
Lightroom, Bridge and exiftool all read as the photo's keywords (tags). An existing sidecar is
changed as little as possible: lxml keeps its namespace prefixes, the ``xpacket`` wrapper,
comments and every other property; only the missing keyword entries are added. A sidecar that
is not well-formed XML is never rewritten (:class:`NotXmp`).

Which sidecar is a photo's: :mod:`photoorg.core.sidecar_names`.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, time

from lxml import etree

from photoorg.core.humanize import name_key
from photoorg.core.imaging import plausible

X = "adobe:ns:meta/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
DC = "http://purl.org/dc/elements/1.1/"
EXIF = "http://ns.adobe.com/exif/1.0/"
PHOTOSHOP = "http://ns.adobe.com/photoshop/1.0/"

_EMPTY = (
    b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="photoorg">\n'
    b' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
    b'  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"/>\n'
    b" </rdf:RDF>\n"
    b"</x:xmpmeta>\n"
    b'<?xpacket end="w"?>'
)


class NotXmp(ValueError):  # noqa: N818 - a state of the file
    """The file is not XMP that photoorg can change safely; it is left as it is."""


def _parser() -> etree.XMLParser:
    # No entities, no network, no huge trees: a sidecar is data from anywhere.
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=False)


def same_keyword(a: str, b: str) -> bool:
    """Whether two keywords are the same (other photo tools match them without regard to case)."""
    return name_key(a) == name_key(b)


def keywords(data: bytes) -> list[str]:
    """The keywords (``dc:subject`` entries) of an XMP packet.

    Raises:
        NotXmp: not well-formed XML.
    """
    root = _parse(data).getroot()
    return [li.text or "" for li in _own_entries(root)]


#: Where other photo tools write when a photo was taken, in the order they are trusted:
#: exif:DateTimeOriginal (digiKam, darktable, Lightroom), photoshop:DateCreated (also a year or
#: a month alone, for a scanned print), xmp:CreateDate.
_DATE_PROPERTIES = (
    f"{{{EXIF}}}DateTimeOriginal",
    f"{{{PHOTOSHOP}}}DateCreated",
    "{http://ns.adobe.com/xap/1.0/}CreateDate",
)
_DATE = re.compile(
    r"\s*(\d{4})(?:[-:](\d{2})(?:[-:](\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?)?)?"
    r"(?:[.,]\d+)?(?:Z|[+-]\d{2}(?::?\d{2})?)?\s*$"  # nothing else after it ("20200615" is not 2020)
)


def date_taken(data: bytes) -> datetime | None:
    """When the photo of an XMP sidecar was taken, as the time of day there (a time zone in
    the value is left out, as EXIF has none); a year or a month alone is its first day. None
    when the packet names no date, or is not XMP."""
    found = date_taken_known(data)
    return None if found is None else found[0]


def date_taken_known(data: bytes) -> tuple[datetime, str | None] | None:
    """:func:`date_taken`, and how much of it the sidecar says: "year" or "month" for a year
    or a month alone (a scanned print: the date is its first day), None for a day."""
    try:
        root = etree.parse(io.BytesIO(data), _parser()).getroot()
    except etree.XMLSyntaxError:
        return None
    descriptions = _descriptions(root)  # the photo's own, not a nested document's
    for prop in _DATE_PROPERTIES:
        for d in descriptions:
            value = d.get(prop)
            if value is None:
                child = d.find(prop)
                value = child.text if child is not None else None
            found = _date_known_in(value)
            if found is not None:  # (a hostile review: "1234" hid a good xmp:CreateDate)
                return found
    return None


def _date_in(value: str | None) -> datetime | None:
    """The plausible date a property's value says (a year or a month alone: its first day)."""
    found = _date_known_in(value)
    return None if found is None else found[0]


def _date_known_in(value: str | None) -> tuple[datetime, str | None] | None:
    """:func:`_date_in`, and "year" or "month" when the value says no more (None: a day)."""
    m = _DATE.match(value or "")
    if not m:
        return None
    year, month, day, hour, minute, second = (int(v) if v else None for v in m.groups())
    try:
        when = datetime(year or 0, month or 1, day or 1, hour or 0, minute or 0, second or 0)
    except ValueError:  # month 13, year 0: the next property may say better
        return None
    if not plausible(when):
        return None
    return when, "year" if month is None else "month" if day is None else None


def _descriptions(root: etree._Element) -> list[etree._Element]:
    """The packet's own ``rdf:Description``s (children of its ``rdf:RDF``), not those of other
    documents nested in it (``xmpMM:Pantry``, ``xmpMM:Ingredients``: a hostile review saw a
    keyword added to a nested document's ``dc:subject``, not the photo's)."""
    rdf = root if root.tag == f"{{{RDF}}}RDF" else root.find(f".//{{{RDF}}}RDF")
    return [] if rdf is None else list(rdf.iterchildren(f"{{{RDF}}}Description"))


def _own_subjects(root: etree._Element) -> list[etree._Element]:
    return [s for d in _descriptions(root) for s in d.iterchildren(f"{{{DC}}}subject")]


def _own_entries(root: etree._Element) -> list[etree._Element]:
    """The photo's keyword entries: the ``rdf:li`` of its own ``dc:subject``'s Bag or Seq."""
    return [li for s in _own_subjects(root) for c in s for li in c.iterchildren(f"{{{RDF}}}li")]


def _parse(data: bytes) -> etree._ElementTree:
    try:
        tree = etree.parse(io.BytesIO(data), _parser())
    except etree.XMLSyntaxError as exc:
        raise NotXmp(f"not well-formed XML ({exc})") from None
    root = tree.getroot()
    # An x:xmpmeta with no rdf:RDF in it is no XMP either (a hostile review: it passed, and
    # writing into it failed an assertion, for the whole album).
    if root.tag != f"{{{RDF}}}RDF" and root.find(f".//{{{RDF}}}RDF") is None:
        raise NotXmp("no XMP metadata in it (no rdf:RDF)")
    if any(d.get(f"{{{DC}}}subject") is not None for d in _descriptions(root)):
        # A second dc:subject beside it would name the property twice (a hostile review).
        raise NotXmp("its keywords (dc:subject) are written as an attribute, which photoorg does not change")
    for subject in _own_subjects(root):
        # Only a Bag or Seq of keywords is changed (a hostile review: a plain-text dc:subject
        # was replaced, its keyword lost; an rdf:Alt, a parseType or a resource got a second
        # value beside them: invalid RDF).
        kids = [c for c in subject if isinstance(c.tag, str)]
        bag = len(kids) == 1 and kids[0].tag in (f"{{{RDF}}}Bag", f"{{{RDF}}}Seq")
        plain = not kids and not (subject.text or "").strip() and not subject.attrib
        if not (bag and not subject.attrib) and not plain:
            raise NotXmp("its keywords (dc:subject) are not a list photoorg can change")
    if tree.docinfo.internalDTD is not None:
        # Its entities are not read, and the written file would lose their declaration (a
        # hostile review: the sidecar written was not well-formed any more).
        raise NotXmp("it declares a DOCTYPE, which photoorg does not change")
    return tree


def add_keywords(data: bytes | None, wanted: Iterable[str], drop: Iterable[str] = ()) -> bytes | None:
    """The packet ``data`` (None: a new sidecar) with the ``wanted`` keywords added to its
    ``dc:subject`` and those in ``drop`` taken out; None when it has them all already and none
    to take out (keywords are compared without regard to case).

    Raises:
        NotXmp: ``data`` is not XMP that can be changed safely.
    """
    data = _EMPTY if data is None else data
    tree = _parse(data)
    root = tree.getroot()
    have, wanted = keywords(data), list(wanted)
    missing: list[str] = []
    for word in wanted:
        word = unicodedata.normalize("NFC", word.strip())
        if word and not any(same_keyword(word, h) for h in [*have, *missing]):
            missing.append(word)
    dropped = _take_out(root, [w for w in drop if not any(same_keyword(w, k) for k in wanted)])
    if not missing and not dropped:
        return None
    if missing:
        _append(_subject_bag(root), missing)
    return _serialised(root, data)


#: How much of a date taken a person knows: the day (and the time of day), the month, the year.
KNOWN = ("day", "month", "year")


def set_date_taken(data: bytes | None, when: datetime, known: str = "day") -> bytes | None:
    """The packet ``data`` (None: a new sidecar) saying the photo was taken ``when``, every
    other property kept; None when it says that already.

    A day (``known`` "day") goes into ``exif:DateTimeOriginal``, the property other photo tools
    read first (and :func:`date_taken` too), to the second and without a time zone, as EXIF
    keeps it; at midnight (no time of day given) as the day alone, "1987-07-14". A month or a
    year alone (a scanned print) goes into ``photoshop:DateCreated``,
    which XMP lets say "1987" or "1987-07", and any ``exif:DateTimeOriginal`` goes, as it
    would be read first.

    Raises:
        NotXmp: ``data`` is not XMP that can be changed safely.
    """
    data = _EMPTY if data is None else data
    tree = _parse(data)
    root = tree.getroot()
    when = when.replace(microsecond=0, tzinfo=None)
    exact, partial = _DATE_PROPERTIES[0], _DATE_PROPERTIES[1]
    if known == "day":  # a day without a time of day said as the day alone, as XMP lets it
        # (noticed last session: "1987-07-14T00:00:00" showed midnight in other photo tools)
        value = when.date().isoformat() if when.time() == time() else when.isoformat()
        prop, nsmap = exact, {"exif": EXIF}
    else:
        prop, value, nsmap = (
            partial,
            f"{when:%Y}" if known == "year" else f"{when:%Y-%m}",
            {"photoshop": PHOTOSHOP},
        )
    changed = found = False
    for d in _descriptions(root):  # every one the photo's own descriptions hold (a review: a
        # second one kept its other date, and a value no date stayed beside an equal photoshop:)
        if prop != exact:
            changed |= _drop(d, exact)
        else:  # a DateCreated there says the same (a review: Bridge showed the year set before)
            changed |= _set_there(d, partial, value, lambda text: _date_in(text) == when)[1]
        there, set_now = _set_there(d, prop, value, lambda text: _says(text, value, when, known))
        found, changed = found or there, changed or set_now
    if found:
        return _serialised(root, data) if changed else None
    _new_property(_first_description(root), prop, nsmap).text = value
    return _serialised(root, data)


def _set_there(
    description: etree._Element, prop: str, value: str, says: Callable[[str | None], bool]
) -> tuple[bool, bool]:
    """Set ``prop`` to ``value`` where the description has it (as an attribute or an element)
    and it does not say it already; (whether it is there, whether it changed)."""
    there = changed = False
    if description.get(prop) is not None:
        there = True
        if not says(description.get(prop)):
            description.set(prop, value)
            changed = True
    for child in description.iterchildren(prop):
        there = True
        if len(child) or child.attrib:
            name = "exif:DateTimeOriginal" if prop == _DATE_PROPERTIES[0] else "photoshop:DateCreated"
            raise NotXmp(f"its date taken ({name}) is not a plain value photoorg changes")
        if not says(child.text):
            child.text = value
            changed = True
    return there, changed


def _says(text: str | None, value: str, when: datetime, known: str) -> bool:
    """Whether a property's ``text`` says the date already: the same moment for a day, the
    same words for a month or a year (1987-01-01 is not "1987")."""
    return _date_in(text) == when if known == "day" else (text or "").strip() == value


def _drop(description: etree._Element, prop: str) -> bool:
    """Take ``prop`` out of a description (as an attribute or an element); whether it was there."""
    gone = False
    if description.get(prop) is not None:
        del description.attrib[prop]
        gone = True
    for child in list(description.iterchildren(prop)):
        previous, parent = child.getprevious(), child.getparent()
        if previous is not None:  # the layout of what follows stays
            previous.tail = child.tail
        elif child.getnext() is None:
            parent.text = child.tail
        parent.remove(child)
        gone = True
    return gone


def _serialised(root: etree._Element, data: bytes) -> bytes:
    """The changed packet, with the nodes around its root (the xpacket instructions,
    comments) kept, one to a line, and an XML declaration where ``data`` had one."""
    nodes = [*_siblings(root, before=True), root, *_siblings(root, before=False)]
    text = b"\n".join(etree.tostring(n, encoding="UTF-8", with_tail=False) for n in nodes)
    if data.lstrip(b"\xef\xbb\xbf").startswith(b"<?xml"):
        text = b'<?xml version="1.0" encoding="UTF-8"?>\n' + text
    return text + b"\n"


def _append(bag: etree._Element, words: Sequence[str]) -> None:
    indent = _indent_of(bag)
    for word in words:
        if len(bag):
            bag[-1].tail = "\n" + indent + " "
        else:
            bag.text = "\n" + indent + " "
        li = etree.SubElement(bag, f"{{{RDF}}}li")
        li.text = word
        li.tail = "\n" + indent


def _take_out(root: etree._Element, words: Sequence[str]) -> int:
    """Take the keyword entries that are one of ``words`` out, keeping the layout of the rest;
    how many were taken out."""
    gone = [li for li in _own_entries(root) if any(same_keyword(li.text or "", w) for w in words)]
    for li in gone:
        previous, bag = li.getprevious(), li.getparent()
        if previous is not None:  # the entry's tail (the indent of what follows) stays
            previous.tail = li.tail
        elif li.getnext() is None:
            bag.text = li.tail
        bag.remove(li)
    return len(gone)


def _siblings(root: etree._Element, before: bool) -> list[etree._Element]:
    out = []
    node = root.getprevious() if before else root.getnext()
    while node is not None:
        out.append(node)
        node = node.getprevious() if before else node.getnext()
    return list(reversed(out)) if before else out


def _subject_bag(root: etree._Element) -> etree._Element:
    """The ``rdf:Bag`` of the packet's ``dc:subject``, made (in the first description) if none."""
    subject = next(iter(_own_subjects(root)), None)
    if subject is None:
        subject = _new_property(_first_description(root), f"{{{DC}}}subject", {"dc": DC})
    bag = next((c for c in subject if c.tag in (f"{{{RDF}}}Bag", f"{{{RDF}}}Seq")), None)
    if bag is None:
        subject.text = "\n" + _indent_of(subject) + " "
        bag = etree.SubElement(subject, f"{{{RDF}}}Bag")
        bag.tail = "\n" + _indent_of(subject)
    return bag


def _new_property(description: etree._Element, tag: str, nsmap: dict[str, str]) -> etree._Element:
    """A new last child of ``description``, on a line of its own at the description's indent."""
    inner = _indent_of(description) + " "
    if len(description):
        description[-1].tail = "\n" + inner
    else:
        description.text = "\n" + inner
    element = etree.SubElement(description, tag, nsmap=nsmap)
    element.tail = "\n" + _indent_of(description)
    return element


def _first_description(root: etree._Element) -> etree._Element:
    """The packet's first own ``rdf:Description``, made if it has none."""
    rdf = root if root.tag == f"{{{RDF}}}RDF" else root.find(f".//{{{RDF}}}RDF")
    assert rdf is not None  # _parse made sure
    description = rdf.find(f"{{{RDF}}}Description")
    if description is None:
        description = etree.SubElement(rdf, f"{{{RDF}}}Description", nsmap={"rdf": RDF})
        description.set(f"{{{RDF}}}about", "")
    return description


def _indent_of(element: etree._Element) -> str:
    """The spaces before ``element``'s start tag (its depth, one space a level if unknown)."""
    prev = element.getprevious()
    text = (
        prev.tail
        if prev is not None
        else (element.getparent().text if element.getparent() is not None else "")
    )
    if text and "\n" in text and not text.rsplit("\n", 1)[1].strip():
        return text.rsplit("\n", 1)[1]
    depth = sum(1 for _ in element.iterancestors())
    return " " * depth
