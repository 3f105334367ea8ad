#!/usr/bin/env bash
# The GPU benchmark: run on a machine whose python3 has torch (CUDA), transformers and Pillow.
# Builds a random full-size dinov2-base, a library of 12 MP JPEGs from the photos in $PHOTOS,
# and runs `photoorg bench` on it with JPEGs decoded on the GPU (nvJPEG through nvImageCodec,
# photoorg[cuda13]) and on the CPU (PHOTOORG_GPU_JPEG=0), then tests/bench/bench_gpu_decode.py.
# Results go to $OUT (default ./bench-out).
#   PHOTOS=path/to/photos bash tests/bench/gpu_bench.sh
set -uo pipefail
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD${PYTHONPATH:+:$PYTHONPATH} PYTHONUNBUFFERED=1
PHOTOS=${PHOTOS:-.benchphotos}
OUT=${OUT:-bench-out}
COUNT=${COUNT:-1500}
mkdir -p "$OUT"
work=$(mktemp -d)
python3 -c "import torch, transformers, PIL; print('torch', torch.__version__, 'transformers', transformers.__version__, 'pillow', PIL.__version__, torch.cuda.get_device_name() if torch.cuda.is_available() else 'no GPU')" | tee "$OUT/env.txt"
python3 -c "from nvidia import nvimgcodec; print('nvImageCodec', nvimgcodec.__version__)" 2>&1 | tail -1 | tee -a "$OUT/env.txt"
nproc | tee -a "$OUT/env.txt"
python3 tests/modelfactory.py "$work/dinov2-base-random" base
python3 tests/bench/make_library.py "$PHOTOS" "$work/lib12mp" --count "$COUNT"
bench() { python3 -m photoorg --home "$work/h$1" bench "${@:2}" --model "$work/dinov2-base-random" --naive-limit 16; }
bench 1 "$work/lib12mp" 2>&1 | tee "$OUT/bench_12mp.txt"
python3 tests/bench/bench_gpu_decode.py "$work/lib12mp" --model "$work/dinov2-base-random" --photos "${DECODE_PHOTOS:-600}" 2>&1 | tee "$OUT/gpu_decode.txt"
PHOTOORG_GPU_JPEG=0 bench 2 "$work/lib12mp" 2>&1 | tee "$OUT/bench_12mp_pillow.txt"
bench 3 "$PHOTOS" 2>&1 | tee "$OUT/bench_shared.txt"
# Where a scan's time goes (py-spy, where installed): samples of the thread holding Python's lock.
if command -v py-spy > /dev/null; then
  py-spy record --gil --rate 200 --format raw -o "$OUT/scan_gil.txt" -- \
    python3 -m photoorg --home "$work/h4" scan "$work/lib12mp" --model "$work/dinov2-base-random" --offline 2>&1 | tail -4 | tee "$OUT/scan.txt"
fi
