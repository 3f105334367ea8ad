"""Make a v1 catalog with photoorg 7bf4fa0 (schema 1) for the migration test."""

import json, os, shutil, sqlite3, sys
from pathlib import Path

sys.path.insert(0, "/work/main")
root = Path("/tmp/photoorg-v1")
shutil.rmtree(root, ignore_errors=True)
os.environ["XDG_DATA_HOME"] = str(root / "xdg-data")
os.environ["PHOTOORG_HOME"] = str(root / "home")
from tests.conftest import make_photo
from tests.modelfactory import make_random_dinov2
from photoorg.core.paths import locations
from photoorg.core.catalog import Catalog
from photoorg.core.embedder import Embedder
from photoorg.core.pipeline import run_scan
from photoorg.core import actions
from photoorg.core.duplicates import find_duplicates, mark
from photoorg.core.settings import Settings, save_settings

model = make_random_dinov2(root / "model", "tiny", seed=0)
pics = root / "Pictures"
for i in range(4):
    make_photo(pics / "a" / f"p{i}.png", seed=i, size=(64, 48))
shutil.copy(pics / "a" / "p0.png", pics / "a" / "p0_copy.png")
for i in (4, 5):
    make_photo(pics / "b" / f"p{i}.png", seed=i, size=(64, 48))
where = locations()
cat = Catalog(where.catalog)
s = run_scan([pics], cat, Embedder(str(model), device="cpu"))
print(s)
[m] = cat.models()
sets = find_duplicates(cat, m.id, [str(pics)])
exact = [x for x in sets if x.verdict.value == "exact"][0]
mark(cat, exact, "keep_both")
fps = {p.path: p.fingerprint for p in cat.photos()}
cat.set_decision(fps[str(pics / "a" / "p1.png")], fps[str(pics / "a" / "p2.png")], "not_duplicates")
st = actions.plan(cat, actions.Action.MOVE, [str(pics / "b" / "p5.png")], str(pics / "c"))
print(actions.execute(cat, actions.Action.MOVE, st, "move 1 photo(s)"))
st = actions.plan(cat, actions.Action.TRASH, [str(pics / "a" / "p3.png")])
print(actions.execute(cat, actions.Action.TRASH, st, "trash 1 photo(s)"))
cat._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
cat._db.execute("PRAGMA journal_mode=DELETE")
cat.close()
save_settings(
    where,
    Settings(
        folders=[str(pics)],
        protected=[str(pics / "b")],
        model=str(model),
        device="cpu",
        group_names={fps[str(pics / "a" / "p0.png")]: "Holiday at the lake"},
    ),
)
