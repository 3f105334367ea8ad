#!/usr/bin/env bash
# First-scan speed on a GPU machine, this tree against another photoorg tree ($OTHER, a folder
# holding a photoorg/ package, e.g. `git archive REV photoorg | tar -x -C .other`), on 12 MP
# JPEGs of 0.8 MB (smooth) and of a camera's 4 MB (--grain 7); then where the scan's Python time
# goes (py-spy --gil, where installed). Results go to $OUT.
#   OTHER=.other OUT=out bash tests/bench/gpu_scan_ab.sh
set -uo pipefail
cd "$(dirname "$0")/../.."
export PYTHONUNBUFFERED=1
PHOTOS=${PHOTOS:-.benchphotos}
OUT=${OUT:-bench-out}
COUNT=${COUNT:-2000}
CAMERA=${CAMERA:-600}
OTHER=${OTHER:-}
SITE=${PYTHONPATH:-}
mkdir -p "$OUT"
work=$(mktemp -d)
export PHOTOORG_HOME=$work/home
python3 -c "import torch, transformers, PIL; print('torch', torch.__version__, 'transformers', transformers.__version__, 'pillow', PIL.__version__, torch.cuda.get_device_name() if torch.cuda.is_available() else 'no GPU')" | tee "$OUT/env.txt"
nproc | tee -a "$OUT/env.txt"
PYTHONPATH=$PWD:$SITE python3 tests/modelfactory.py "$work/m" base > /dev/null
python3 tests/bench/make_library.py "$PHOTOS" "$work/lib" --count "$COUNT" &
python3 tests/bench/make_library.py "$PHOTOS" "$work/cam" --count "$CAMERA" --grain 7 &
wait
du -sh "$work/lib" "$work/cam" | tee -a "$OUT/env.txt"
this() { PYTHONPATH=$PWD:$SITE python3 tests/bench/bench_scan.py "$@" --model "$work/m" --device "${DEVICE:-cuda}"; }
other() { PYTHONPATH=$PWD/$OTHER:$SITE python3 tests/bench/bench_scan.py "$@" --model "$work/m" --device "${DEVICE:-cuda}"; }
# Where nvImageCodec's "Failed to load nvjpeg2k" lines come from (they should not reach a terminal).
PYTHONPATH=$PWD:$SITE python3 - "$work/lib" > "$OUT/stderr_check.txt" 2>&1 <<'PY'
import os, sys
print("importing nvImageCodec", file=sys.stderr, flush=True)
from photoorg.core import gpu_jpeg, imaging
gpu = gpu_jpeg.for_device("cuda")
print("decoder made:", gpu and gpu.name, file=sys.stderr, flush=True)
data = open(os.path.join(sys.argv[1], sorted(os.listdir(sys.argv[1]))[0]), "rb").read()
d = imaging.decode(data, 224, gpu=gpu)
print("first photo decoded:", d.pixels is not None, file=sys.stderr, flush=True)
PY
{
  this "$work/lib" --label "this, 12 MP 0.8 MB"
  this "$work/lib" --repeat 1 --hw-lanes 0 --label "this, 12 MP 0.8 MB, no hardware lane"
  this "$work/lib" --repeat 1 --lanes 3 --label "this, 12 MP 0.8 MB, 3 lanes (1 hardware)"
  this "$work/lib" --repeat 1 --batch 128 --label "this, 12 MP 0.8 MB, model batch 128"
  this "$work/cam" --repeat 1 --label "this, 12 MP 4 MB"
  this "$work/cam" --repeat 1 --hw-lanes 0 --label "this, 12 MP 4 MB, no hardware lane"
  [ -n "$OTHER" ] && other "$work/lib" --repeat 1 --label "other, 12 MP 0.8 MB"
  PHOTOORG_GPU_JPEG=0 this "$work/lib" --repeat 1 --label "this, Pillow, 12 MP 0.8 MB"
} 2>&1 | grep -v "Warning\|nvjpeg2k\|nvtiff\|Note: If using" | tee "$OUT/scan_ab.txt"
if command -v py-spy > /dev/null; then
  PYTHONPATH=$PWD:$SITE py-spy record --gil --rate 200 --format raw -o "$OUT/scan_gil.txt" -- \
    python3 tests/bench/bench_scan.py "$work/lib" --model "$work/m" --repeat 1 --label "this, under py-spy --gil" 2>&1 | grep -v "^py-spy>" | tail -2 | tee -a "$OUT/scan_ab.txt"
fi
