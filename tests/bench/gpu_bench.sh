#!/usr/bin/env bash
# The GPU benchmark: run on a machine whose python3 has torch (CUDA), transformers and Pillow.
# Builds a random full-size dinov2-base, a library of 12 MP JPEGs from the photos in $PHOTOS,
# and runs `photoorg bench` on it. Results go to $OUT (default ./bench-out).
#   PHOTOS=path/to/photos bash tests/bench/gpu_bench.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD PYTHONUNBUFFERED=1
PHOTOS=${PHOTOS:-.benchphotos}
OUT=${OUT:-bench-out}
COUNT=${COUNT:-1500}
mkdir -p "$OUT"
work=$(mktemp -d)
python3 -c "import torch, transformers, PIL; print('torch', torch.__version__, 'transformers', transformers.__version__, 'pillow', PIL.__version__, torch.cuda.get_device_name() if torch.cuda.is_available() else 'no GPU')" | tee "$OUT/env.txt"
nproc | tee -a "$OUT/env.txt"
python3 tests/modelfactory.py "$work/dinov2-base-random" base
python3 tests/bench/make_library.py "$PHOTOS" "$work/lib12mp" --count "$COUNT"
python3 -m photoorg --home "$work/h1" bench "$work/lib12mp" --model "$work/dinov2-base-random" --naive-limit 48 | tee "$OUT/bench_12mp.txt"
python3 -m photoorg --home "$work/h2" bench "$PHOTOS" --model "$work/dinov2-base-random" --naive-limit 48 | tee "$OUT/bench_shared.txt"
python3 -m photoorg --home "$work/h3" bench "$work/lib12mp" --model "$work/dinov2-base-random" --dtype fp32 --naive-limit 8 | tee "$OUT/bench_12mp_fp32.txt"
