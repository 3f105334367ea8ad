#!/usr/bin/env bash
# Where a first scan's time goes on a GPU machine, in one go (issue 15): tests/bench/gpu_probe.py
# (the parts' ceilings), whole scans by tests/bench/bench_scan.py with the decoder's settings
# tried, and py-spy's samples of one scan (the thread holding Python's lock; all threads).
# Needs the photos of ../shared/photos in $PHOTOS; nvImageCodec, nvJPEG and py-spy importable.
#   PHOTOS=.benchphotos OUT=out bash tests/bench/gpu_probe.sh
source "$(dirname "$0")/gpu_setup.sh"
python3 -c "import torch, transformers, PIL; print('torch', torch.__version__, 'transformers', transformers.__version__, 'pillow', PIL.__version__, torch.cuda.get_device_name())" | tee "$OUT/env.txt"
nproc | tee -a "$OUT/env.txt"
du -sh "$work/lib" | tee -a "$OUT/env.txt"
scan() { timeout 120 python3 tests/bench/bench_scan.py "$work/lib" --model "$work/m" "$@"; }
{
  scan --label "default"
  scan --threads 128 --repeat 1 --label "128 threads"
  scan --hw-lanes 0 --repeat 1 --label "no hardware lane"
} 2>&1 | quiet | tee "$OUT/scans.txt"
timeout 200 python3 tests/bench/gpu_probe.py "$work/lib" --model "$work/m" --photos 640 2>&1 | quiet | tee "$OUT/probe.txt"
SPY=$(command -v py-spy || echo /tmp/site/bin/py-spy)
if [ -x "$SPY" ]; then
  timeout 100 "$SPY" record --gil --rate 200 --format raw -o "$OUT/scan_gil.txt" -- \
    python3 tests/bench/bench_scan.py "$work/lib" --model "$work/m" --repeat 1 --label "under py-spy --gil" 2>&1 | quiet | grep -v "^py-spy>" | tee -a "$OUT/scans.txt"
  timeout 100 "$SPY" record --threads --rate 100 --format raw -o "$OUT/scan_threads.txt" -- \
    python3 tests/bench/bench_scan.py "$work/lib" --model "$work/m" --repeat 1 --label "under py-spy, all threads" 2>&1 | quiet | grep -v "^py-spy>" | tee -a "$OUT/scans.txt"
fi
