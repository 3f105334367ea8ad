"""The catalog's tables: the schema version, the migrations from every earlier one, and which
tables hold the person's own work."""

from __future__ import annotations

APPLICATION_ID = 0x70686F72  # "phor"

SCHEMA_VERSION = 16

MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE files (
        id          INTEGER PRIMARY KEY,
        path        TEXT NOT NULL UNIQUE,  -- str; BLOB (raw bytes) for names that are not UTF-8
        size        INTEGER NOT NULL,
        mtime_ns    INTEGER NOT NULL,
        fingerprint TEXT,                  -- blake2b-128 of the content, hex
        width       INTEGER,
        height      INTEGER,
        format      TEXT,
        taken       TEXT,                  -- ISO 8601 from EXIF
        camera      TEXT,
        failure     TEXT,                  -- why it could not be read; NULL when fine
        updated_at  REAL NOT NULL
    );
    CREATE INDEX files_fingerprint ON files(fingerprint);
    CREATE TABLE models (
        id       INTEGER PRIMARY KEY,
        key      TEXT NOT NULL UNIQUE,
        name     TEXT NOT NULL,
        revision TEXT NOT NULL,
        dtype    TEXT NOT NULL,
        dim      INTEGER NOT NULL,
        created  REAL NOT NULL
    );
    CREATE TABLE content_hashes (
        fingerprint TEXT PRIMARY KEY,
        phash       INTEGER NOT NULL        -- 64-bit DCT perceptual hash of the upright picture
    ) WITHOUT ROWID;
    CREATE TABLE decisions (
        fingerprint_a TEXT NOT NULL,        -- the smaller of the two fingerprints
        fingerprint_b TEXT NOT NULL,
        decision      TEXT NOT NULL,        -- 'not_duplicates' or 'keep_both'
        created       REAL NOT NULL,
        PRIMARY KEY (fingerprint_a, fingerprint_b)
    ) WITHOUT ROWID;
    CREATE TABLE batches (
        id       INTEGER PRIMARY KEY,
        action   TEXT NOT NULL,            -- trash, move or copy
        summary  TEXT NOT NULL,            -- what the person asked for, in words
        created  REAL NOT NULL,
        undone   REAL                      -- when it was undone
    );
    CREATE TABLE journal (
        id          INTEGER PRIMARY KEY,
        batch       INTEGER NOT NULL REFERENCES batches(id),
        action      TEXT NOT NULL,
        state       TEXT NOT NULL,         -- planned, done, failed, undone
        source      TEXT NOT NULL,
        target      TEXT,                  -- destination, or the file's place in the trash
        trash_info  TEXT,                  -- freedesktop .trashinfo of a trashed file
        file_row    TEXT,                  -- the catalog row (JSON), to restore it on undo
        error       TEXT,
        updated     REAL NOT NULL
    );
    CREATE INDEX journal_batch ON journal(batch);
    CREATE TABLE vectors (
        fingerprint TEXT NOT NULL,
        model_id    INTEGER NOT NULL REFERENCES models(id),
        vector      BLOB NOT NULL,         -- float32, little endian, L2-normalised
        PRIMARY KEY (fingerprint, model_id)
    ) WITHOUT ROWID;
    """,
    # 2: groups with an identity and the person's names; a journal that can prove what it
    # wrote (content of each file, the temporary file of a copy, the file it placed) and that
    # undoes file by file.
    2: """
    CREATE TABLE groups (
        id        INTEGER PRIMARY KEY,
        name      TEXT,                    -- the person's name for it; NULL: none given
        active    INTEGER NOT NULL,        -- 1: in the latest grouping; 0: kept for its name
        coherence REAL NOT NULL DEFAULT 0, -- mean similarity of two members
        created   REAL NOT NULL,
        updated   REAL NOT NULL
    );
    CREATE TABLE group_members (
        group_id    INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
        fingerprint TEXT NOT NULL,
        rank        INTEGER NOT NULL,      -- 0: the photo closest to the group's centre
        PRIMARY KEY (group_id, fingerprint)
    ) WITHOUT ROWID;
    CREATE INDEX group_members_fingerprint ON group_members(fingerprint);
    CREATE TABLE group_edits (            -- the person's changes to the groups, by content
        id          INTEGER PRIMARY KEY,
        batch       INTEGER NOT NULL REFERENCES batches(id),  -- undone with it
        kind        TEXT NOT NULL,         -- move (a photo into group_id), exclude (a photo out of
                                           -- group_id), merge (group other_id into group_id)
        fingerprint TEXT,
        group_id    INTEGER NOT NULL,
        other_id    INTEGER
    );
    CREATE INDEX group_edits_batch ON group_edits(batch);
    CREATE TABLE albums (                  -- what the person means: "the dog", "receipts"
        id      INTEGER PRIMARY KEY,
        name    TEXT NOT NULL,
        batch   INTEGER NOT NULL REFERENCES batches(id),  -- made by; undone with it
        created REAL NOT NULL
    );
    CREATE TABLE album_changes (           -- photos taught, accepted, rejected, by content
        id          INTEGER PRIMARY KEY,
        batch       INTEGER NOT NULL REFERENCES batches(id),
        album_id    INTEGER NOT NULL REFERENCES albums(id),
        fingerprint TEXT NOT NULL,
        role        TEXT NOT NULL          -- example, member (an accepted suggestion), rejected,
                                           -- removed (out of the album again)
    );
    CREATE INDEX album_changes_album ON album_changes(album_id);
    CREATE TABLE made_folders (            -- folders a move or copy created: its undo removes
        batch INTEGER NOT NULL REFERENCES batches(id),  -- them again once they are empty
        path  TEXT NOT NULL
    );
    CREATE TABLE pruned_folders (          -- folders an organize removed once it had emptied
        batch INTEGER NOT NULL REFERENCES batches(id),  -- them: its undo makes them again,
        path  TEXT NOT NULL,                            -- with their permissions
        mode  INTEGER NOT NULL
    );
    CREATE TABLE group_name_hints (       -- names from settings.json of photoorg 0.1, by the
        fingerprint TEXT PRIMARY KEY,      -- fingerprint of the named group's central photo;
        name        TEXT NOT NULL          -- given to the group that holds it, then dropped
    ) WITHOUT ROWID;
    ALTER TABLE batches ADD COLUMN owner INTEGER;      -- pid of the process that ran it
    ALTER TABLE journal ADD COLUMN fingerprint TEXT;   -- content of the file the step moves
    ALTER TABLE journal ADD COLUMN size INTEGER;
    ALTER TABLE journal ADD COLUMN temp TEXT;          -- temporary file a copy is written to
    ALTER TABLE journal ADD COLUMN placed TEXT;        -- "dev:ino" of the file photoorg placed
    ALTER TABLE journal ADD COLUMN undo_target TEXT;   -- where an undo puts the file back
    ALTER TABLE journal ADD COLUMN undo_error TEXT;    -- why the file could not be put back
    UPDATE journal SET fingerprint = json_extract(file_row, '$.fingerprint'),
                       size = json_extract(file_row, '$.size')
        WHERE file_row IS NOT NULL AND json_valid(file_row);
    CREATE INDEX journal_state ON journal(state);
    """,
    # 3: a step that writes a file in place (an album's keyword into an XMP sidecar) journals
    # the content it wrote, so undo can tell its own version from a later edit.
    3: """
    ALTER TABLE journal ADD COLUMN wrote TEXT;         -- content photoorg wrote at the source
    """,
    # 4: the colour and detail of each picture, which the perceptual hash cannot see (plain
    # colours, dark shots); filled by scans, and for older rows when a duplicate search needs it.
    4: """
    ALTER TABLE content_hashes ADD COLUMN tone BLOB;   -- 4 float32: mean R, G, B, detail (0..1)
    """,
    # 5: the similar pairs of the last duplicate search, kept while the photos, vectors and
    # thresholds stay the same: a start of an unchanged library needs no search (40 s at 20k).
    5: """
    CREATE TABLE similar_pairs (
        signature TEXT NOT NULL,           -- what the search was made from (duplicates.py)
        first     BLOB NOT NULL,           -- int32 row numbers, second > first
        second    BLOB NOT NULL,
        sims      BLOB NOT NULL            -- float32 cosine similarities
    );
    """,
    # 6: "same image" candidates compared pixel by pixel (pixelcheck.py), by content: each pair
    # is decoded and aligned once, not at every duplicate search.
    6: """
    CREATE TABLE pixel_checks (
        first   TEXT NOT NULL,             -- fingerprints, first < second
        second  TEXT NOT NULL,
        version INTEGER NOT NULL,          -- pixelcheck.VERSION that measured it
        change  REAL NOT NULL,             -- largest local difference, 0..1
        PRIMARY KEY (first, second)
    ) WITHOUT ROWID;
    """,
    # 7: which photos the kept pairs' row numbers stand for, so that the next search compares
    # only the photos added (and those that lost a partner) with the library (neighbours.py).
    7: """
    ALTER TABLE similar_pairs ADD COLUMN made TEXT;           -- what the search was made with
    ALTER TABLE similar_pairs ADD COLUMN fingerprints BLOB;   -- the rows' contents, one a line
    """,
    # 8: the person's decisions about duplicate sets become undoable actions: each is a change
    # laid over the decisions table (kept as it was), in force until its action is undone.
    8: """
    CREATE TABLE decision_changes (
        id            INTEGER PRIMARY KEY,
        batch         INTEGER NOT NULL REFERENCES batches(id),  -- undone with it
        fingerprint_a TEXT NOT NULL,       -- the smaller of the two fingerprints
        fingerprint_b TEXT NOT NULL,
        decision      TEXT                 -- 'not_duplicates', 'keep_both'; NULL: forgotten
    );
    CREATE INDEX decision_changes_batch ON decision_changes(batch);
    """,
    # 9: albums can be renamed and deleted, each an undoable action laid over the album (the
    # latest change not undone is in force), so undo gives the old name, or the album, back.
    9: """
    CREATE TABLE album_names (
        id       INTEGER PRIMARY KEY,
        batch    INTEGER NOT NULL REFERENCES batches(id),  -- undone with it
        album_id INTEGER NOT NULL REFERENCES albums(id),
        name     TEXT                      -- the album's new name; NULL: the album was deleted
    );
    CREATE INDEX album_names_album ON album_names(album_id);
    """,
    # 10: a photo edited in place (the same file, new content) stays in its albums: each change
    # of content a scan sees at a path is kept, and an album's roles follow it.
    10: """
    CREATE TABLE content_edits (
        id   INTEGER PRIMARY KEY,
        old  TEXT NOT NULL,                -- the fingerprint before
        new  TEXT NOT NULL,                -- and after
        path TEXT NOT NULL,                -- where (str, or BLOB for names that are not UTF-8)
        at   REAL NOT NULL
    );
    """,
    # 11: a photo turned or mirrored in another program stays in its albums: the hash of each
    # picture is kept turned and mirrored too. Older rows have none; a scan of a new content
    # (the edited photo) fills it, which is the side an edit is compared on.
    11: """
    ALTER TABLE content_hashes ADD COLUMN turns BLOB;  -- 7 int64: the hash turned and mirrored
    """,
    # 12: each keyword photoorg added to a sidecar, and for which album, so that the album's
    # keywords after a rename, or for a photo that left it, take out only what photoorg wrote.
    12: """
    CREATE TABLE keyword_writes (
        entry    INTEGER PRIMARY KEY REFERENCES journal(id),  -- the sidecar's journal entry
        album_id INTEGER NOT NULL REFERENCES albums(id),
        keyword  TEXT NOT NULL             -- the album's name then; not in the sidecar before
    );
    -- where photoorg moved a file later (journal.later_move_of), asked for each such sidecar
    CREATE INDEX journal_source ON journal(source);
    """,
    # 13: where an album's photo went (journal.last_moves_of): 5,000 away photos in a journal
    # of 300k files took 1.2 s without this index, 66 ms with it.
    13: """
    CREATE INDEX journal_fingerprint ON journal(fingerprint);
    """,
    # 14: a photo with no date of its own is dated by a sidecar beside it (Google Takeout's
    # JSON, an XMP: photoorg.core.sidecar_dates); a scan reads the sidecars again when they
    # change, without reading the photo.
    14: """
    ALTER TABLE files ADD COLUMN taken_from TEXT;   -- the sidecar's name; NULL: the photo's own
    ALTER TABLE files ADD COLUMN sidecars_seen INTEGER; -- their names and mtimes, hashed; NULL: none
    """,
    # 15: a sidecar may say the year or the month alone (a scanned print): kept, so that the
    # timeline and organize do not make up a month or a day.
    15: """
    ALTER TABLE files ADD COLUMN taken_known TEXT;  -- 'year' or 'month' (xmp.KNOWN); NULL: the day
    -- the next scan reads the sidecars that dated photos again, to learn how much they say
    UPDATE files SET sidecars_seen = -1 WHERE taken_from IS NOT NULL;
    """,
    # 16: a photo with no date of its own nor in a sidecar is dated by its name when that says
    # one (IMG-20190714-WA0003.jpg: photoorg.core.name_dates; taken_from is then "its name").
    # The next scan dates the photos catalogued before without reading them again.
    16: """
    UPDATE files SET sidecars_seen = -1 WHERE taken IS NULL;
    """,
}

#: The tables that hold the person's own work, carried out of a damaged catalog first.
PERSONS_TABLES = (
    "decisions",
    "groups",
    "group_members",
    "group_name_hints",
    "batches",
    "journal",
    "group_edits",
    "decision_changes",
    "albums",
    "album_changes",
    "album_names",
    "content_edits",
    "keyword_writes",
    "made_folders",
    "pruned_folders",
)

#: Then what can be rebuilt, but at the cost of an hour of embedding.
CACHE_TABLES = ("meta", "models", "vectors", "content_hashes", "files")


def split_sql(script: str) -> list[str]:
    lines = [line.split("--", 1)[0] for line in script.splitlines()]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
