"""An album's name as an XMP keyword in its photos' sidecars: other tools read it, everything
else in a sidecar stays, undo gives back each sidecar byte for byte (also after a kill at any
point, a full disk, or another program's edit in between), and no photo is ever written."""

from __future__ import annotations

import os
import re
import signal
import stat
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from photoorg.core import xmp
from photoorg.core.errors import PhotoorgError
from photoorg.core.library import Action, Library
from photoorg.core.paths import locations
from photoorg.core.settings import Settings, save_settings
from tests.cli import photoorg
from tests.conftest import fill, make_photo
from tests.core.sidecar_kills import KILL_AT

DARKTABLE = b"""<?xml version="1.0" encoding="UTF-8"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="XMP Core 4.4.0-Exiv2">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:darktable="http://darktable.sf.net/"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
   xmp:Rating="3"
   darktable:xmp_version="5">
   <dc:subject>
    <rdf:Bag>
     <rdf:li>beach</rdf:li>
    </rdf:Bag>
   </dc:subject>
   <darktable:history>
    <rdf:Seq>
     <rdf:li darktable:operation="exposure" darktable:enabled="1"/>
    </rdf:Seq>
   </darktable:history>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
"""
ADOBE = (
    b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description rdf:about="" xmlns:tiff="http://ns.adobe.com/tiff/1.0/" tiff:Orientation="6"/>'
    b'</rdf:RDF></x:xmpmeta>\n<?xpacket end="w"?>'
)
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
DC = "{http://purl.org/dc/elements/1.1/}"


def read_keywords(path: Path) -> list[str]:
    """The keywords as another program reads them (the standard library's parser, by the
    namespaces XMP defines), not through photoorg's own code."""
    root = ET.fromstring(path.read_bytes())
    return [li.text or "" for subject in root.iter(f"{DC}subject") for li in subject.iter(f"{RDF}li")]


def test_a_keyword_is_added_and_everything_else_in_the_sidecar_stays() -> None:
    out = xmp.add_keywords(DARKTABLE, ["Dogs", "BEACH"])  # "beach" is there already
    assert out is not None
    text = out.decode()
    assert read_keywords_bytes(out) == ["beach", "Dogs"]
    # Prefixes, the other properties and the edit history are as they were.
    for kept in ('xmp:Rating="3"', 'darktable:xmp_version="5"', 'darktable:operation="exposure"',
                 "<darktable:history>", 'x:xmptk="XMP Core 4.4.0-Exiv2"', '<?xml version="1.0"'):  # fmt: skip
        assert kept in text
    assert xmp.add_keywords(out, ["dogs"]) is None  # there already, whatever its case
    # A compact packet with no keywords: dc:subject is made, the xpacket wrapper stays.
    adobe = xmp.add_keywords(ADOBE, ["Café"])
    assert adobe is not None and read_keywords_bytes(adobe) == ["Café"]
    assert adobe.startswith(b"<?xpacket begin=") and b'<?xpacket end="w"?>' in adobe
    assert b'tiff:Orientation="6"' in adobe
    new = xmp.add_keywords(None, ["A & <B>"])
    assert new is not None and read_keywords_bytes(new) == ["A & <B>"]


PANTRY = b"""<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"
    xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:exif="http://ns.adobe.com/exif/1.0/">
   <xmpMM:Pantry>
    <rdf:Bag>
     <rdf:li>
      <rdf:Description xmpMM:InstanceID="xmp.iid:OTHER-DOCUMENT" exif:DateTimeOriginal="1999-01-01T00:00:00">
       <dc:subject><rdf:Bag><rdf:li>Sea</rdf:li></rdf:Bag></dc:subject>
      </rdf:Description>
     </rdf:li>
    </rdf:Bag>
   </xmpMM:Pantry>
   <dc:subject><rdf:Bag><rdf:li>MyOwnKeyword</rdf:li></rdf:Bag></dc:subject>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
"""


def test_the_keywords_and_date_of_a_document_nested_in_the_sidecar_are_not_the_photo_s() -> None:
    """A hostile review: Adobe packets hold other documents' metadata (xmpMM:Pantry) with their
    own dc:subject; "Beach" went into the nested document's, and "Sea", only the nested
    document's, counted as there already."""
    assert xmp.keywords(PANTRY) == ["MyOwnKeyword"]
    out = xmp.add_keywords(PANTRY, ["Beach", "Sea"])
    assert out is not None
    own = ET.fromstring(out).findall(f"{RDF}RDF/{RDF}Description/{DC}subject/{RDF}Bag/{RDF}li")
    assert [li.text for li in own] == ["MyOwnKeyword", "Beach", "Sea"]
    assert read_keywords_bytes(out).count("Sea") == 2  # the nested document's stays as it was
    taken_out = xmp.add_keywords(out, [], drop=["Sea"])
    assert taken_out is not None and xmp.keywords(taken_out) == ["MyOwnKeyword", "Beach"]
    assert read_keywords_bytes(taken_out).count("Sea") == 1
    assert xmp.date_taken(PANTRY) is None  # the nested document's date is not the photo's


def read_keywords_bytes(data: bytes) -> list[str]:
    root = ET.fromstring(data)
    return [li.text or "" for subject in root.iter(f"{DC}subject") for li in subject.iter(f"{RDF}li")]


def test_a_sidecar_that_is_not_xmp_or_tries_to_read_other_files_is_refused(tmp_path) -> None:
    with pytest.raises(xmp.NotXmp):
        xmp.add_keywords(b"<x:xmpmeta xmlns:x='adobe:ns:meta/'><unclosed>", ["a"])
    with pytest.raises(xmp.NotXmp):
        xmp.add_keywords(b"<html><body>not metadata</body></html>", ["a"])
    with pytest.raises(xmp.NotXmp, match="no rdf:RDF"):  # (it failed an assertion)
        xmp.add_keywords(b'<x:xmpmeta xmlns:x="adobe:ns:meta/"/>', ["a"])
    attribute = (  # dc:subject as an attribute: a second one, as an element, would be invalid RDF
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" dc:subject="old"/>'
        b"</rdf:RDF></x:xmpmeta>"
    )
    with pytest.raises(xmp.NotXmp, match="as an attribute"):
        xmp.add_keywords(attribute, ["a"])
    secret = tmp_path / "secret.txt"
    secret.write_text("do not copy me")
    sneaky = (
        f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file://{secret}">]>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>&e;</dc:title>'
        "</rdf:Description></rdf:RDF></x:xmpmeta>"
    ).encode()
    with pytest.raises(xmp.NotXmp, match="DOCTYPE"):  # never read, and left as it is
        xmp.add_keywords(sneaky, ["a"])
    # Keywords not in a list photoorg can change are left as they are (a hostile review: a
    # plain-text one was replaced, lost; an rdf:Alt got a second value beside it).
    for subject in (
        b"<dc:subject>my own keyword</dc:subject>",
        b"<dc:subject><rdf:Alt><rdf:li>x</rdf:li></rdf:Alt></dc:subject>",
        b'<dc:subject rdf:parseType="Resource"/>',
    ):
        packet = (
            b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            b'<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            + subject
            + b"</rdf:Description></rdf:RDF></x:xmpmeta>"
        )
        with pytest.raises(xmp.NotXmp, match="not a list"):
            xmp.add_keywords(packet, ["a"])


@pytest.fixture
def album_lib(tmp_path, tiny_model, monkeypatch):
    """A scanned library whose album "Dogs" holds four photos: one with no sidecar, one with
    a darktable sidecar, one with an Adobe-named sidecar, and one in a protected folder."""
    lib = tmp_path / "Pictures"
    for i in range(4):
        make_photo(lib / "a" / f"p{i}.jpg", seed=i, size=(64, 48))
    make_photo(lib / "keep" / "k.jpg", seed=9, size=(64, 48))
    (lib / "a" / "p1.jpg.xmp").write_bytes(DARKTABLE)
    (lib / "a" / "p2.xmp").write_bytes(ADOBE)
    monkeypatch.setenv("PHOTOORG_HOME", str(tmp_path / "home"))
    save_settings(
        locations(),
        Settings(folders=[str(lib)], protected=[str(lib / "keep")], model=str(tiny_model), device="cpu"),
    )
    with Library(locations()) as library:
        library.scan()
        library.create_album(
            "Dogs", [str(lib / "a" / f"p{i}.jpg") for i in range(3)] + [str(lib / "keep" / "k.jpg")]
        )
    return lib


def snapshot(lib: Path) -> dict[str, bytes]:
    return {str(p.relative_to(lib)): p.read_bytes() for p in sorted(lib.rglob("*")) if p.is_file()}


def originals() -> Path:
    return locations().catalog.parent / "sidecar-originals"


def test_keywords_go_into_the_sidecars_and_undo_gives_each_back_byte_for_byte(album_lib) -> None:
    lib = album_lib
    before = snapshot(lib)
    with Library(locations()) as library:
        plan, outcome = library.album_keywords("dogs", dry_run=True)
        assert outcome is None and snapshot(lib) == before  # the plan writes nothing
        names = [s.source for s in plan if s.skip is None]
        assert names == [str(lib / "a" / n) for n in ("p0.jpg.xmp", "p1.jpg.xmp", "p2.xmp")]
        _, outcome = library.album_keywords("Dogs")
    assert outcome is not None and len(outcome.done) == 3 and not outcome.failed
    [protected] = outcome.skipped
    assert "protected" in (protected.skip or "") and not (lib / "keep" / "k.jpg.xmp").exists()
    for name in ("p0.jpg.xmp", "p2.xmp"):
        assert read_keywords(lib / "a" / name) == ["Dogs"]
    assert read_keywords(lib / "a" / "p1.jpg.xmp") == ["beach", "Dogs"]
    assert b"darktable:history" in (lib / "a" / "p1.jpg.xmp").read_bytes()
    # The photos themselves are never written.
    assert all(snapshot(lib)[k] == v for k, v in before.items() if not k.endswith(".xmp"))
    # Asked again: nothing to do, and no empty action in the history.
    again = photoorg("album", "keywords", "Dogs")
    assert (
        again.returncode == 0
        and "Nothing to write: every sidecar of Dogs photoorg may change is as it should be (1 left alone, "
        "see above)."
        in again.stdout
        and "has the keyword already" in again.stdout
    )
    with Library(locations()) as library:
        newest = library.history()[0][0]
        assert newest.summary == "write the keyword \u201cDogs\u201d into 3 sidecars"
    listed = photoorg("history", str(newest.id))  # the files of one action
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.count("  done ") == 3 and str(lib / "a" / "p1.jpg.xmp") in listed.stdout
    undone = photoorg("undo")
    assert undone.returncode == 0, undone.stderr
    assert "put back the earlier version of 2 sidecars" in undone.stdout
    assert "moved 1 sidecar photoorg had made to the trash" in undone.stdout
    assert snapshot(lib) == before  # byte for byte, and the new sidecar is gone ...
    trashed = Path(os.environ["XDG_DATA_HOME"]) / "Trash" / "files" / "p0.jpg.xmp"
    assert read_keywords(trashed) == ["Dogs"]  # ... to the trash, not deleted
    assert not any(originals().rglob("*"))  # the kept earlier versions went once restored
    # ... and the history no longer names them (a hostile review: "kept at" a file gone)
    after = photoorg("history", str(newest.id)).stdout
    assert "undone" in after and "earlier version is kept" not in after


def test_a_keyword_change_undone_is_redone_and_undone_again_byte_for_byte(album_lib) -> None:
    """Edit > Redo writes an album's keyword again after its undo (it said "write them again by
    hand"), as a new action whose own undo gives every sidecar back."""
    lib = album_lib
    before = snapshot(lib)
    with Library(locations()) as library:
        _, first = library.album_keywords("Dogs")
        assert first is not None and first.batch is not None
        written = snapshot(lib)
        library.undo()
        assert snapshot(lib) == before and library.redo_refused() is None
        again = library.redo(expect=first.batch)
        assert again.note == "wrote the keyword \u201cDogs\u201d into 3 sidecars again", again.note
        assert snapshot(lib) == written  # the same bytes as the first time
        assert library.history()[0][0].summary == (
            f"redo of action {first.batch}: write the keyword \u201cDogs\u201d into 3 sidecars"
        )
        library.undo()
        assert snapshot(lib) == before
    said = photoorg("redo")  # from the command line, the redo of the redo
    assert said.returncode == 0, said.stderr
    assert "Wrote the keyword \u201cDogs\u201d into 3 sidecars again: action" in said.stdout
    assert snapshot(lib) == written


def test_a_keyword_change_is_not_redone_once_its_album_is_gone_or_its_record_is(album_lib) -> None:
    with Library(locations()) as library:
        _, first = library.album_keywords("Dogs")
        assert first is not None and first.batch is not None
        library.undo()
        with library.catalog.transaction() as db:  # made by a photoorg that kept no record of it
            db.execute("DELETE FROM meta WHERE key=?", (f"keywords-set-by-action:{first.batch}",))
        assert "write them again by hand" in (library.redo_refused() or "")
        with pytest.raises(PhotoorgError, match="write them again by hand"):
            library.redo()


def test_a_keyword_redo_changes_only_the_sidecars_its_undo_put_back(album_lib) -> None:
    """Found by a hostile review: the redo planned the album afresh, so a copy made since got
    the keyword, and a sidecar whose undo had failed (another program had taken the keyword
    out again) got it back."""
    lib = album_lib
    with Library(locations()) as library:
        _, first = library.album_keywords("Dogs")
        assert first is not None and first.batch is not None
        p1 = lib / "a" / "p1.jpg.xmp"
        mine = xmp.add_keywords(p1.read_bytes(), [], ["Dogs"])  # the person takes it out again
        assert mine is not None
        p1.write_bytes(mine)
        (lib / "b").mkdir()
        (lib / "b" / "copy.jpg").write_bytes((lib / "a" / "p0.jpg").read_bytes())
        library.scan()
        undone = library.undo()
        assert len(undone.done) == 2 and len(undone.failed) == 1  # p1's: changed since
        again = library.redo()
        assert again.note == "wrote the keyword \u201cDogs\u201d into 2 sidecars again", again.note
        assert p1.read_bytes() == mine  # the person's edit stays
        assert not (lib / "b" / "copy.jpg.xmp").exists()  # nothing the action did not change
        assert read_keywords(lib / "a" / "p0.jpg.xmp") == ["Dogs"] == read_keywords(lib / "a" / "p2.xmp")


def test_a_keyword_redo_writes_into_no_stranger_given_a_member_s_name(album_lib) -> None:
    """Found by a hostile review: p0.jpg renamed and p3.jpg (not in the album) given its name,
    the redo wrote "Dogs" into the stranger's sidecar."""
    lib = album_lib
    a = lib / "a"
    with Library(locations()) as library:
        library.album_keywords("Dogs")
        library.undo()
        os.rename(a / "p0.jpg", a / "x.jpg")
        os.rename(a / "p3.jpg", a / "p0.jpg")
        library.scan()
        again = library.redo()
        assert "p0.jpg is not the photo action 2 changed, where it was" in (again.note or ""), again.note
        assert not (a / "p0.jpg.xmp").exists()  # the stranger's
        assert "Dogs" in read_keywords(a / "p1.jpg.xmp") and read_keywords(a / "p2.xmp") == ["Dogs"]


def test_a_keyword_change_is_not_redone_for_an_album_renamed_or_gone_since(album_lib) -> None:
    """Found by a hostile review: after a rename, Redo named "Dogs" and wrote "Cats"; for an
    album gone, Redo was offered, then refused."""
    lib = album_lib
    with Library(locations()) as library:
        _, first = library.album_keywords("Dogs")
        assert first is not None and first.batch is not None
        library.rename_album("Dogs", "Cats")
        library.undo(first.batch)
        assert "is \u201cCats\u201d now" in (library.redo_refused() or "") and library.redoable() is None
        with pytest.raises(PhotoorgError, match="is \u201cCats\u201d now"):
            library.redo()
        assert "Dogs" not in read_keywords(lib / "a" / "p1.jpg.xmp") and "Cats" not in read_keywords(
            lib / "a" / "p1.jpg.xmp"
        )
        _, second = library.album_keywords("Cats")
        library.delete_album("Cats")
        assert second is not None and second.batch is not None
        library.undo(second.batch)
        assert "an album that is gone" in (library.redo_refused() or "") and library.redoable() is None


def test_undo_never_takes_back_what_another_program_wrote_since(album_lib) -> None:
    lib = album_lib
    with Library(locations()) as library:
        library.album_keywords("Dogs")
    edited = (
        (lib / "a" / "p1.jpg.xmp").read_bytes().replace(b"<rdf:li>beach</rdf:li>", b"<rdf:li>sea</rdf:li>")
    )
    (lib / "a" / "p1.jpg.xmp").write_bytes(edited)  # digiKam, say, changed a keyword
    undone = photoorg("undo")
    assert undone.returncode == 1
    assert "NOT UNDONE" in undone.stdout and "changed since photoorg wrote the keyword" in undone.stdout
    assert (lib / "a" / "p1.jpg.xmp").read_bytes() == edited  # the other program's edit stays
    kept = list(originals().rglob("p1.jpg.xmp"))
    assert [p.read_bytes() for p in kept] == [DARKTABLE]  # and the version before photoorg's
    assert (lib / "a" / "p2.xmp").read_bytes() == ADOBE  # the others were put back


def test_undo_out_of_order_names_photoorg_s_own_later_keywords_not_another_program(album_lib) -> None:
    """Keywords of Dogs (action 1), then of Pets into the same sidecar (action 2); undo 1 said
    another program had changed the sidecar. It names action 2, to undo first; then both undo."""
    lib = album_lib
    p1 = lib / "a" / "p1.jpg"
    with Library(locations()) as library:
        dogs = library.album_keywords("Dogs")[1]
        library.create_album("Pets", [str(p1)])
        pets = library.album_keywords("Pets")[1]
        early = library.undo(dogs.batch)
        [(_, why)] = [f for f in early.failed if f[0].source.endswith("p1.jpg.xmp")]
        assert f"photoorg wrote keywords into p1.jpg.xmp again in action {pets.batch}" in why
        assert f"undo action {pets.batch} first" in why and "another program" not in why
        assert read_keywords(lib / "a" / "p1.jpg.xmp") == ["beach", "Dogs", "Pets"]
        library.undo(pets.batch)
        library.undo(dogs.batch)
    assert (lib / "a" / "p1.jpg.xmp").read_bytes() == DARKTABLE


def test_keywords_are_taken_out_where_the_sidecars_went_with_their_photos(album_lib) -> None:
    """Found by a review: once a move had taken the sidecar along with its photo, undoing the
    keywords said another program had moved it."""

    lib = album_lib
    with Library(locations()) as library:
        _, wrote = library.album_keywords("Dogs")
        assert wrote is not None and wrote.batch is not None
        library.act(Action.MOVE, [str(lib / "a" / "p1.jpg"), str(lib / "a" / "p0.jpg")], str(lib / "b"))
        library.act(Action.TRASH, [str(lib / "a" / "p2.jpg")])
        undone = library.undo(wrote.batch)
    assert read_keywords(lib / "b" / "p1.jpg.xmp") == ["beach"]  # the earlier version, where it is now
    assert not (lib / "b" / "p0.jpg.xmp").exists()  # the one photoorg made: to the trash
    [(step, why)] = undone.failed
    assert step.source == str(lib / "a" / "p2.xmp")
    assert why.startswith("p2.xmp went to the trash with its photo (action ")


def test_a_sidecar_not_undone_is_named_where_it_is_now(album_lib) -> None:
    """Found by a review: a sidecar that went with its photo and was then edited by another
    program was reported as not undone under its old name, where nothing is any more."""
    from photoorg.core.library import Action

    lib = album_lib
    with Library(locations()) as library:
        _, wrote = library.album_keywords("Dogs")
        assert wrote is not None and wrote.batch is not None
        library.act(Action.MOVE, [str(lib / "a" / "p1.jpg")], str(lib / "b"))
        moved = lib / "b" / "p1.jpg.xmp"
        moved.write_bytes(moved.read_bytes().replace(b"beach", b"sea"))  # digiKam, say
        undone = library.undo(wrote.batch)
    [(step, why)] = undone.failed
    assert step.source == str(moved) and "changed since photoorg wrote the keyword" in why


def test_a_full_disk_leaves_every_sidecar_as_it_was(album_lib, small_fs, tmp_path) -> None:
    disk = small_fs("disk", 512)
    for name in ("p1.jpg", "p1.jpg.xmp", "p3.jpg"):
        (disk / name).write_bytes((album_lib / "a" / name).read_bytes())
    with Library(locations()) as library:
        library.add_folders([str(disk)])
        library.scan()
        library.teach("Dogs", [str(disk / "p3.jpg")], "example")
        fill(disk)
        _, outcome = library.album_keywords("Dogs")
    assert outcome is not None
    failed = {Path(s.source).name for s, _ in outcome.failed}
    assert failed == {"p1.jpg.xmp", "p3.jpg.xmp"}
    assert all("No space left" in reason for _, reason in outcome.failed)
    assert (disk / "p1.jpg.xmp").read_bytes() == DARKTABLE and not (disk / "p3.jpg.xmp").exists()
    assert not [p for p in disk.iterdir() if p.name.startswith(".photoorg-")]  # no temporary file left
    assert len(outcome.done) == 4  # on the other disk: p0-p2 and p3, a copy of the new example


KILLER = (
    KILL_AT
    + r"""
with Library(locations()) as library:
    if what == "write":
        library.album_keywords("Dogs")
    elif what == "takeout":
        library.album_keywords("Dogs", take_out=True)
    else:
        library.undo()
"""
)


# The sidecars are written p0.jpg.xmp (made), p1.jpg.xmp, p2.xmp (changed) and undone in the
# opposite order; each case kills photoorg right after (copymode: right before) that call.
@pytest.mark.parametrize(
    ("name", "nth", "what"),
    [
        ("place", 1, "write"),  # p1's earlier version kept, p1 not written yet
        ("copystat", 1, "write"),  # p1's earlier version half kept: in its temporary file
        ("copymode", 1, "write"),  # p1's new version in its temporary file
        ("fsync_dir", 1, "write"),  # p0 made, not journaled done
        ("fsync_dir", 2, "write"),  # p1 replaced, not journaled done
        ("fsync_dir", 1, "undo"),  # p2 put back, not journaled undone
        ("_drop_backup", 1, "undo"),  # p2 put back, its kept copy gone, not journaled undone
        ("move_to_trash", 1, "undo"),  # p0 in the trash, not journaled undone
        ("move_to_trash", 1, "takeout"),  # p0, made by photoorg and left empty, in the trash
        ("rename_noreplace", 1, "takeout-undo"),  # p0 back from it, not journaled undone
    ],
)
def test_a_kill_at_any_point_loses_no_sidecar_and_undo_still_works(album_lib, name, nth, what) -> None:
    lib = album_lib
    written = 0  # the action whose keywords stay (taking them out is what is killed)
    if what.startswith("takeout"):
        with Library(locations()) as library:
            written = library.album_keywords("Dogs")[1].batch
    before, kept = snapshot(lib), sorted(originals().rglob("*"))  # the write's earlier versions
    if what in ("undo", "takeout-undo"):
        with Library(locations()) as library:
            library.album_keywords("Dogs", take_out=what == "takeout-undo")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    args = [sys.executable, "-c", KILLER, name, str(nth), what]
    killed = subprocess.run(args, env=env, capture_output=True, text=True)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    # The next photoorg settles what the kill left (under the lock), then undo finishes the job.
    history = photoorg("history")
    assert history.returncode == 0, history.stderr
    assert "keyword" in history.stdout + history.stderr
    with Library(locations()) as library:
        if any(b.undone is None and b.files and b.id > written for b in library.history()[0]):
            library.undo()
    assert snapshot(lib) == before
    assert not list(lib.rglob(".photoorg-*"))
    assert sorted(originals().rglob("*")) == kept  # only what an action not undone still needs


def test_keywords_are_taken_out_of_the_sidecar_an_undo_numbered_not_the_one_at_its_old_name(
    album_lib,
) -> None:
    """Found by a second review: a move took p1.jpg and its sidecar away, a copy took their
    old names, and the move's undo brought them back as "p1 (1).jpg"; undoing the keywords then
    took the keyword out of the copy's sidecar and said it had succeeded."""
    from photoorg.core.library import Action

    lib = album_lib
    with Library(locations()) as library:
        _, wrote = library.album_keywords("Dogs")
        assert wrote is not None and wrote.batch is not None
        moved = library.act(Action.MOVE, [str(lib / "a" / "p1.jpg")], str(lib / "b"))
        library.act(Action.COPY, [str(lib / "b" / "p1.jpg")], str(lib / "a"))  # takes the old names
        library.undo(moved.batch)
        assert read_keywords(lib / "a" / "p1 (1).jpg.xmp") == ["beach", "Dogs"]
        library.undo(wrote.batch)
    assert read_keywords(lib / "a" / "p1 (1).jpg.xmp") == ["beach"]  # the photo's own sidecar
    assert read_keywords(lib / "a" / "p1.jpg.xmp") == ["beach", "Dogs"]  # the copy's, untouched


def test_when_every_sidecar_fails_the_command_line_does_not_say_they_are_as_they_should_be(
    album_lib, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A hostile review, on a full disk: three "FAILED ... No space left on device" lines, then
    "Nothing to write: every sidecar of cats is as it should be."."""
    import errno

    from photoorg.cli import main
    from photoorg.core import sidecar_writes

    def full(*_args: object, **_kw: object) -> str:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(sidecar_writes, "place", full)  # keeping the earlier version of a sidecar
    monkeypatch.setattr(sidecar_writes, "temp_name", full)  # writing a new one
    before = snapshot(album_lib)
    assert main(["album", "keywords", "Dogs"]) != 0
    said = capsys.readouterr().out
    assert said.count("FAILED") == 3 and "as it should be" not in said
    assert "No keyword was written: 3 failed, 1 left alone (see above)." in said
    assert snapshot(album_lib) == before


def test_a_sidecar_that_is_no_xmp_is_left_as_it_is_and_the_others_get_the_keyword(album_lib) -> None:
    """A hostile review: an x:xmpmeta with no rdf:RDF in it stopped the keywords of the whole
    album with an internal error."""
    lib = album_lib
    empty = lib / "a" / "p0.jpg.xmp"
    empty.write_bytes(b'<x:xmpmeta xmlns:x="adobe:ns:meta/"/>')
    with Library(locations()) as library:
        _, outcome = library.album_keywords("Dogs")
    assert outcome is not None and not outcome.failed
    assert sorted(os.path.basename(s.source) for s in outcome.done) == ["p1.jpg.xmp", "p2.xmp"]
    [why] = [s.skip for s in outcome.skipped if s.source == str(empty)]
    assert why is not None and "no rdf:RDF" in why
    assert empty.read_bytes() == b'<x:xmpmeta xmlns:x="adobe:ns:meta/"/>'


def test_a_sidecar_spelled_xmp_in_capitals_gets_the_keyword_and_the_date_no_second_sidecar(
    album_lib,
) -> None:
    """A hostile review: keywords went into a new p1.jpg.xmp beside the p1.jpg.XMP the photo
    had (and that 'photoorg date' wrote into): two sidecars of one photo, each half of it."""
    lib = album_lib
    (lib / "a" / "p1.jpg.xmp").rename(lib / "a" / "p1.jpg.XMP")
    (lib / "a" / "p2.xmp").rename(lib / "a" / "p2.XMP")
    with Library(locations()) as library:
        _, outcome = library.album_keywords("Dogs")
    assert outcome is not None and not outcome.failed
    names = sorted(os.path.basename(s.source) for s in outcome.done)
    assert names == ["p0.jpg.xmp", "p1.jpg.XMP", "p2.XMP"]
    assert read_keywords(lib / "a" / "p1.jpg.XMP") == ["beach", "Dogs"]
    assert not (lib / "a" / "p1.jpg.xmp").exists() and not (lib / "a" / "p2.xmp").exists()
    dated = photoorg("date", str(lib / "a" / "p1.jpg"), "--taken", "1999-09-09")
    assert dated.returncode == 0, dated.stdout + dated.stderr
    assert b"1999-09-09" in (lib / "a" / "p1.jpg.XMP").read_bytes()
    assert sorted(p.name for p in (lib / "a").glob("p1*")) == ["p1.jpg", "p1.jpg.XMP"]


def test_a_sidecar_made_for_the_keyword_and_moved_with_its_photo_leaves_that_move_undoable(
    album_lib,
) -> None:
    """A hostile review: the keyword made p0.jpg.xmp, a move took it along with p0.jpg, and the
    keyword's undo sent it to the trash from there. The move's undo then failed on it ("no
    longer at ...; moved or deleted since"), again at every retry, and every later undo said
    the move still had a file that could not be put back."""
    from photoorg.core.library import Action

    lib = album_lib
    with Library(locations()) as library:
        _, wrote = library.album_keywords("Dogs")
        assert wrote is not None and wrote.batch is not None
        moved = library.act(Action.MOVE, [str(lib / "a" / "p0.jpg")], str(lib / "b"))
        assert sorted(os.path.basename(s.target or "") for s in moved.done) == ["p0.jpg", "p0.jpg.xmp"]
        library.undo(wrote.batch)
        assert not (lib / "b" / "p0.jpg.xmp").exists()  # the sidecar it made: in the trash
        back = library.undo(moved.batch)
        assert not back.failed and (lib / "a" / "p0.jpg").exists()
        assert not (lib / "a" / "p0.jpg.xmp").exists()  # the keyword's undo took it away for good
        [info] = [b for b in library.history()[0] if b.id == moved.batch]
        assert info.undone is not None and not info.not_undone
        files = {os.path.basename(f.source): f.state for f in library.action_files(moved.batch)}
        assert files == {
            "p0.jpg": "undone",
            "p0.jpg.xmp": "undone: the sidecar photoorg had made went to the trash when it undid "
            f"action {wrote.batch}",
        }
    said = photoorg("undo")  # nothing is said to be left behind
    assert "could not be put back" not in said.stdout + said.stderr


def test_a_made_sidecar_taken_along_by_two_moves_leaves_both_undoable(album_lib) -> None:
    """The same, with a chain of moves: each move of the sidecar has nothing left to put back."""
    from photoorg.core.library import Action

    lib = album_lib
    with Library(locations()) as library:
        _, wrote = library.album_keywords("Dogs")
        assert wrote is not None and wrote.batch is not None
        first = library.act(Action.MOVE, [str(lib / "a" / "p0.jpg")], str(lib / "b"))
        second = library.act(Action.MOVE, [str(lib / "b" / "p0.jpg")], str(lib / "c"))
        library.undo(wrote.batch)
        assert not (lib / "c" / "p0.jpg.xmp").exists()
        for moved in (second, first):  # in order, as Edit > Undo would
            back = library.undo(moved.batch)
            assert not back.failed, back.failed
        assert (lib / "a" / "p0.jpg").exists() and not (lib / "a" / "p0.jpg.xmp").exists()
        done = {b.id: (b.undone is not None, b.not_undone) for b in library.history()[0]}
        assert done[first.batch] == done[second.batch] == (True, 0)


_KILLED_IN_THE_UNDO = """
import os, signal, sys
from photoorg.core import sidecar_undo
from photoorg.core.errors import PhotoorgError
from photoorg.core.library import Library
from photoorg.core.paths import locations

when, batch = sys.argv[1], int(sys.argv[2])
trash = sidecar_undo.move_to_trash

def dying(*args, **kwargs):
    if when == "before":
        os.kill(os.getpid(), signal.SIGKILL)
    trash(*args, **kwargs)
    os.kill(os.getpid(), signal.SIGKILL)

sidecar_undo.move_to_trash = dying
with Library(locations()) as library:
    library.undo(batch)
"""


@pytest.mark.parametrize("when", ["before", "after"])
def test_a_kill_in_the_keyword_undo_of_a_moved_sidecar_is_settled_where_it_is(album_lib, when) -> None:
    """A hostile review: killed while undoing the keyword of a sidecar a later move had taken
    along, the next photoorg looked at its old place: "completed before photoorg stopped" with
    the keyword still in it (before the trash), or the move's undo failing for good (after)."""
    from photoorg.core.library import Action

    lib = album_lib
    with Library(locations()) as library:
        _, wrote = library.album_keywords("Dogs")
        assert wrote is not None and wrote.batch is not None
        moved = library.act(Action.MOVE, [str(lib / "a" / "p0.jpg")], str(lib / "b"))
    sidecar = lib / "b" / "p0.jpg.xmp"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    args = [sys.executable, "-c", _KILLED_IN_THE_UNDO, when, str(wrote.batch)]
    killed = subprocess.run(args, env=env, capture_output=True, text=True)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    with Library(locations()) as library:  # settles what the kill left, under the lock
        [info] = [b for b in library.history()[0] if b.id == wrote.batch]
        if when == "before":
            assert sidecar.exists() and read_keywords(sidecar) == ["Dogs"]
            assert info.undone is None  # not said undone: the keyword is still there
            library.undo(wrote.batch)
        assert not sidecar.exists()
        back = library.undo(moved.batch)
        assert not back.failed, back.failed
        assert (lib / "a" / "p0.jpg").exists() and not (lib / "a" / "p0.jpg.xmp").exists()


def test_after_a_rename_the_old_name_goes_out_only_where_photoorg_wrote_it(album_lib) -> None:
    """Found by a review: after `album rename`, `album keywords` added the new name and the old
    one that photoorg had written stayed in every sidecar. It now takes the old name out, but
    never a keyword the sidecar had before photoorg came, nor one another album of the photo is
    named; and undo gives each sidecar back as it was."""
    lib = album_lib
    own = lib / "a" / "p3.jpg.xmp"
    own.write_bytes(xmp.add_keywords(None, ["dogs"]) or b"")  # the person's own keyword, before
    with Library(locations()) as library:
        library.teach("Dogs", [str(lib / "a" / "p3.jpg")], "example")
        library.album_keywords("Dogs")
        library.rename_album("Dogs", "Hounds")
        library.create_album("Dogs", [str(lib / "a" / "p2.jpg")])  # a new album takes the old name
        before = snapshot(lib)
        plan, _ = library.album_keywords("Hounds", dry_run=True)
        assert {os.path.basename(s.source): s.takes_out for s in plan if s.skip is None} == {
            "p0.jpg.xmp": ("Dogs",),
            "p1.jpg.xmp": ("Dogs",),
            "p2.xmp": (),  # "Dogs" is another album of this photo now
            "p3.jpg.xmp": (),  # "dogs" was there before photoorg wrote anything
        }
    done = photoorg("album", "keywords", "Hounds")
    assert done.returncode == 0, done.stderr
    said = "Wrote the keyword \u201cHounds\u201d into 4 sidecars and took \u201cDogs\u201d out of 2 sidecars"
    assert said in done.stdout
    assert read_keywords(lib / "a" / "p0.jpg.xmp") == ["Hounds"]
    assert read_keywords(lib / "a" / "p1.jpg.xmp") == ["beach", "Hounds"]
    assert read_keywords(lib / "a" / "p2.xmp") == ["Dogs", "Hounds"]
    assert read_keywords(own) == ["dogs", "Hounds"]
    assert b"darktable:history" in (lib / "a" / "p1.jpg.xmp").read_bytes()  # the rest stays
    with Library(locations()) as library:
        newest = library.history()[0][0]
        assert newest.summary == (
            "write the keyword \u201cHounds\u201d into 4 sidecars and take \u201cDogs\u201d out of 2 sidecars"
        )
        undone = library.undo(newest.id)
    # It says what it undid (a review: "took the keyword out" hid that "Dogs" came back).
    assert undone.note == (
        "undid the keyword change (write the keyword \u201cHounds\u201d into 4 sidecars and take "
        "\u201cDogs\u201d out of 2 sidecars): put back the earlier version of 4 sidecars"
    )
    assert snapshot(lib) == before  # each sidecar back byte for byte, the old name with it
    # Undone, it is as if never written: the old name is taken out again at the next time.
    with Library(locations()) as library:
        _, again = library.album_keywords("Hounds")
    assert again is not None and read_keywords(lib / "a" / "p0.jpg.xmp") == ["Hounds"]


def test_a_keyword_the_person_had_survives_every_rename(album_lib) -> None:
    """Found by a second review: the album renamed to a keyword the sidecar already had
    ("Beach"), then renamed again, took the person's own "Beach" out with it."""
    lib = album_lib
    (lib / "a" / "p3.jpg.xmp").write_bytes(xmp.add_keywords(None, ["Beach"]) or b"")
    with Library(locations()) as library:
        library.create_album("Trip", [str(lib / "a" / "p3.jpg")])
        for name in ("Trip", "Beach", "Sea"):
            if name != "Trip":
                library.rename_album(library.albums()[-1].name, name)
            library.album_keywords(name)
    assert read_keywords(lib / "a" / "p3.jpg.xmp") == ["Beach", "Sea"]  # "Trip" went, "Beach" stays


def test_a_photo_that_left_the_album_loses_the_keyword_photoorg_wrote(album_lib) -> None:
    """Found by a review: a photo taken out of the album (or rejected) kept the album's keyword
    in its sidecar, so other tools listed it in the album. The next writing takes it out of
    the sidecars photoorg wrote it into, and says so; another album's keyword stays."""
    lib = album_lib
    p0, p1 = lib / "a" / "p0.jpg", lib / "a" / "p1.jpg"
    with Library(locations()) as library:
        library.album_keywords("Dogs")
        library.create_album("Pets", [str(p1)])
        library.album_keywords("Pets")
        library.teach("Dogs", [str(p0)], "removed")
        library.teach("Dogs", [str(p1)], "rejected")
        plan, _ = library.album_keywords("Dogs", dry_run=True)
        leaving = [s for s in plan if not s.member]
        assert [(os.path.basename(s.source), s.takes_out) for s in leaving] == [
            ("p0.jpg.xmp", ("Dogs",)),
            ("p1.jpg.xmp", ("Dogs",)),
        ]
    done = photoorg("album", "keywords", "Dogs")
    assert done.returncode == 0, done.stderr
    said = "Took \u201cDogs\u201d out of 2 sidecars of photos no longer in the album; the 1 sidecar"
    assert said in done.stdout
    assert not (lib / "a" / "p0.jpg.xmp").exists()  # photoorg had made it: empty, to the trash
    assert read_keywords(lib / "a" / "p1.jpg.xmp") == ["beach", "Pets"]
    assert read_keywords(lib / "a" / "p2.xmp") == ["Dogs"]  # still in the album


def test_deleting_an_album_can_take_its_keyword_out_and_otherwise_says_it_stays(album_lib) -> None:
    """Found by a review: after 'album delete' every keyword photoorg had written for it
    stayed, and nothing said so. The deletion says so; with --keywords it first takes them
    out (an action of its own), never a keyword the person had."""
    lib = album_lib
    own = lib / "a" / "p3.jpg.xmp"
    own.write_bytes(xmp.add_keywords(None, ["Dogs"]) or b"")  # the person's own, before photoorg
    with Library(locations()) as library:
        library.teach("Dogs", [str(lib / "a" / "p3.jpg")], "example")
        library.album_keywords("Dogs")
        library.create_album("Cats", [str(lib / "a" / "p0.jpg")])
        library.album_keywords("Cats")
    before = snapshot(lib)
    plain = photoorg("album", "delete", "Dogs")
    assert plain.returncode == 0, plain.stderr
    assert "its keyword stays in 3 sidecars photoorg wrote it into" in plain.stderr
    assert snapshot(lib) == before  # nothing written
    assert photoorg("undo").returncode == 0
    taken = photoorg("album", "delete", "Dogs", "--keywords")
    assert taken.returncode == 0, taken.stderr
    assert "Took \u201cDogs\u201d out of 3 sidecars (action" in taken.stdout
    assert "Deleted the album Dogs" in taken.stdout and "stays" not in taken.stderr
    assert "brings the album back; a second 'photoorg undo' puts its keyword back)" in taken.stdout
    assert read_keywords(lib / "a" / "p0.jpg.xmp") == ["Cats"]  # another album's stays
    assert read_keywords(lib / "a" / "p1.jpg.xmp") == ["beach"]
    assert read_keywords(own) == ["Dogs"]  # the person's own stays
    for _ in range(2):  # the deletion, then the keywords
        assert photoorg("undo").returncode == 0
    assert snapshot(lib) == before


def test_taking_the_keyword_out_says_which_photos_are_away_with_it(album_lib, tmp_path) -> None:
    """A hostile review: the album's photos organized out of the library, 'album delete
    --keywords' said "Nothing to take out" while their sidecars still held the keyword."""
    lib = album_lib
    with Library(locations()) as library:
        library.album_keywords("Dogs")
        library.act(Action.MOVE, [str(lib / "a" / "p1.jpg")], str(tmp_path / "Zoo"))
    taken = photoorg("album", "delete", "Dogs", "--keywords")
    assert taken.returncode == 0, taken.stderr
    assert read_keywords(tmp_path / "Zoo" / "p1.jpg.xmp") == ["beach", "Dogs"]  # not reached
    assert (
        "1 photo of Dogs is not in the library now, so its sidecars were not reached: a keyword "
        "photoorg wrote there stays ('photoorg album show Dogs' says where it went)." in taken.stdout
    )


def test_a_read_only_sidecar_is_left_as_it_is(album_lib) -> None:
    """Found by a hostile review: a sidecar the person had made read-only was replaced with
    the keyword in it (replacing needs only the folder's permission, and root writes anyway)."""
    lib = album_lib
    sidecar = lib / "a" / "p1.jpg.xmp"
    sidecar.chmod(0o444)
    with Library(locations()) as library:
        _, outcome = library.album_keywords("Dogs")
    assert outcome is not None
    [skipped] = [s for s in outcome.skipped if s.source == str(sidecar)]
    assert skipped.skip == "its sidecar p1.jpg.xmp is read-only; left as it is"
    assert sidecar.read_bytes() == DARKTABLE and read_keywords(lib / "a" / "p2.xmp") == ["Dogs"]


def test_a_sidecar_photoorg_made_goes_to_the_trash_once_empty_and_undo_brings_it_back(album_lib) -> None:
    """Found by two reviews: taking the keyword out left an empty XMP file beside each photo
    whose sidecar photoorg had made. Such a sidecar (nothing in it anyone else wrote) goes to
    the trash; one another program wrote into stays; undo puts each back byte for byte, and
    never over a sidecar made there since."""
    lib = album_lib
    made = lib / "a" / "p0.jpg.xmp"
    with Library(locations()) as library:
        library.album_keywords("Dogs")
        before = snapshot(lib)
        plan, _ = library.album_keywords("Dogs", dry_run=True, take_out=True)
        assert {os.path.basename(s.source): s.empties for s in plan if s.skip is None} == {
            "p0.jpg.xmp": True,  # photoorg made it
            "p1.jpg.xmp": False,  # darktable's: its history stays
            "p2.xmp": False,  # Adobe's
        }
    taken = photoorg("album", "keywords", "Dogs", "--take-out")
    assert taken.returncode == 0, taken.stderr
    assert f"  trashed  {made}" in taken.stdout
    assert "the 1 sidecar photoorg had made was left empty and went to the trash" in taken.stdout
    assert not made.exists() and b"darktable:history" in (lib / "a" / "p1.jpg.xmp").read_bytes()
    trashed = Path(os.environ["XDG_DATA_HOME"]) / "Trash" / "files" / "p0.jpg.xmp"
    assert trashed.exists()  # in the trash, never deleted
    batch = re.search(r"action (\d+)", taken.stdout).group(1)
    history = photoorg("history", batch).stdout
    assert f"left empty, in the trash {made}" in " ".join(history.split())
    # The sidecar stayed where it was; its earlier version is kept (a review read the kept
    # copy, shown as where it went, as the sidecar's new place).
    assert "->" not in history and "its earlier version is kept at " in history
    assert photoorg("undo").returncode == 0
    assert snapshot(lib) == before  # byte for byte, the made one back too

    # A sidecar made at its name since (by another program) is never overwritten by undo.
    assert photoorg("album", "keywords", "Dogs", "--take-out").returncode == 0
    made.write_bytes(DARKTABLE)
    refused = photoorg("undo")
    assert refused.returncode == 1 and "another p0.jpg.xmp is there since" in refused.stdout
    assert made.read_bytes() == DARKTABLE
    kept = list(originals().rglob("p0.jpg.xmp"))
    assert [read_keywords(p) for p in kept] == [["Dogs"]]  # the earlier version, still kept


def test_a_sidecar_that_is_a_named_pipe_is_left_as_it_is_and_hangs_nothing(album_lib) -> None:
    """A hostile review: a sidecar that was a named pipe (mkfifo) hung 'album keywords' for
    ever, reading it; a move said "not a file" of it."""
    lib = album_lib
    sidecar = lib / "a" / "p1.jpg.xmp"
    sidecar.unlink()
    os.mkfifo(sidecar)
    done: list[object] = []

    def write() -> None:
        with Library(locations()) as library:
            done.append(library.album_keywords("Dogs")[1])

    worker = threading.Thread(target=write, daemon=True)
    worker.start()
    worker.join(timeout=60)
    if worker.is_alive():  # release the reader, so that the test ends
        os.close(os.open(sidecar, os.O_WRONLY | os.O_NONBLOCK))
    assert done, "album keywords hung on the pipe"
    [outcome] = done
    [skipped] = [s for s in outcome.skipped if s.source == str(sidecar)]
    assert skipped.skip.startswith("its sidecar p1.jpg.xmp is not a file")
    assert stat.S_ISFIFO(os.lstat(sidecar).st_mode) and read_keywords(lib / "a" / "p2.xmp") == ["Dogs"]


def test_no_sidecar_is_planned_or_written_in_a_read_only_folder(album_lib) -> None:
    """A review: 'album keywords --dry-run' on a read-only folder planned sidecars the real run
    could not write (or, as root, wrote into the folder the person had made read-only)."""
    lib = album_lib
    folder = lib / "a"
    before = snapshot(lib)
    folder.chmod(0o555)
    try:
        dry = photoorg("album", "keywords", "Dogs", "--dry-run")
        with Library(locations()) as library:
            _, outcome = library.album_keywords("Dogs")
    finally:
        folder.chmod(0o755)
    assert f"its folder {folder} is read-only; no sidecar is written there" in dry.stdout, dry.stdout
    assert outcome is None or not [s for s in outcome.done if str(folder) in s.source]
    assert {k: v for k, v in snapshot(lib).items() if k.startswith("a/")} == {
        k: v for k, v in before.items() if k.startswith("a/")
    }


def test_an_undo_of_keywords_stopped_after_its_last_sidecar_is_finished_by_a_plain_undo(
    album_lib, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hostile review: killed after its last sidecar was put back, the keywords' undo was
    passed over by the next plain undo, which took back the action before it."""
    from photoorg.core.catalog.batches import BatchesPart
    from photoorg.core.library import Action

    lib = album_lib
    with Library(locations()) as library:
        moved = library.act(Action.MOVE, [str(lib / "a" / "p3.jpg")], str(lib / "b"))
        _, wrote = library.album_keywords("Dogs")
        assert wrote is not None and moved.done

    def killed(self: object, batch: int, again: bool = False) -> None:
        raise KeyboardInterrupt  # as a kill there: the sidecars are back, nothing after ran

    real = BatchesPart.mark_batch_undone
    monkeypatch.setattr(BatchesPart, "mark_batch_undone", killed)
    with Library(locations()) as library, pytest.raises(KeyboardInterrupt):
        library.undo()
    monkeypatch.setattr(BatchesPart, "mark_batch_undone", real)
    assert read_keywords(lib / "a" / "p1.jpg.xmp") == ["beach"]
    with Library(locations()) as library:
        finished = library.undo()
        assert finished.batch == wrote.batch and "the rest of it" in finished.note
        assert (lib / "b" / "p3.jpg").exists()  # the move stays
        assert library.undo().batch == moved.batch  # the next plain undo: the action before
    assert (lib / "a" / "p3.jpg").exists()
