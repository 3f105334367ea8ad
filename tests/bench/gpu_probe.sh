#!/usr/bin/env bash
# Where a first scan's time goes on a GPU machine, in one go (issue 15): tests/bench/gpu_probe.py
# (the parts' ceilings), whole scans by tests/bench/bench_scan.py with the decoder's settings
# tried, and py-spy's samples of one scan (the thread holding Python's lock; all threads).
# Needs the photos of ../shared/photos in $PHOTOS; nvImageCodec, nvJPEG and py-spy importable.
#   PHOTOS=.benchphotos OUT=out bash tests/bench/gpu_probe.sh
set -uo pipefail
cd "$(dirname "$0")/../.."
export PYTHONUNBUFFERED=1
PHOTOS=${PHOTOS:-.benchphotos}
OUT=${OUT:-bench-out}
COUNT=${COUNT:-1300}
SITE=${PYTHONPATH:-}
mkdir -p "$OUT"
work=$(mktemp -d)
export PHOTOORG_HOME=$work/home
quiet() { grep -v "Warning\|nvjpeg2k\|nvtiff\|Note: If using\|Failed to load"; }
python3 -c "import torch, transformers, PIL; print('torch', torch.__version__, 'transformers', transformers.__version__, 'pillow', PIL.__version__, torch.cuda.get_device_name())" | tee "$OUT/env.txt"
nproc | tee -a "$OUT/env.txt"
PYTHONPATH=$PWD:$SITE python3 tests/modelfactory.py "$work/m" base > /dev/null &
python3 tests/bench/make_library.py "$PHOTOS" "$work/lib" --count "$COUNT" &
wait
du -sh "$work/lib" | tee -a "$OUT/env.txt"
scan() { PYTHONPATH=$PWD:$SITE timeout 120 python3 tests/bench/bench_scan.py "$work/lib" --model "$work/m" "$@"; }
{
  scan --label "default"
  scan --threads 128 --repeat 1 --label "128 threads"
  scan --hw-lanes 0 --repeat 1 --label "no hardware lane"
} 2>&1 | quiet | tee "$OUT/scans.txt"
PYTHONPATH=$PWD:$SITE timeout 200 python3 tests/bench/gpu_probe.py "$work/lib" --model "$work/m" --photos 640 2>&1 | quiet | tee "$OUT/probe.txt"
SPY=$(command -v py-spy || echo /tmp/site/bin/py-spy)
if [ -x "$SPY" ]; then
  PYTHONPATH=$PWD:$SITE timeout 100 "$SPY" record --gil --rate 200 --format raw -o "$OUT/scan_gil.txt" -- \
    python3 tests/bench/bench_scan.py "$work/lib" --model "$work/m" --repeat 1 --label "under py-spy --gil" 2>&1 | quiet | grep -v "^py-spy>" | tee -a "$OUT/scans.txt"
  PYTHONPATH=$PWD:$SITE timeout 100 "$SPY" record --threads --rate 100 --format raw -o "$OUT/scan_threads.txt" -- \
    python3 tests/bench/bench_scan.py "$work/lib" --model "$work/m" --repeat 1 --label "under py-spy, all threads" 2>&1 | quiet | grep -v "^py-spy>" | tee -a "$OUT/scans.txt"
fi
