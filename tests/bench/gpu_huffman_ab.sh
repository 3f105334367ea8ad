#!/usr/bin/env bash
# nvJPEG's CUDA decoder with its Huffman decoding on the GPU for every photo
# (nvjpeg_cuda_decoder:hybrid_huffman_threshold=0) against its default (the CPU's cores for
# photos under its threshold), alone and in whole first scans (issue 15; the CPU's cores were
# the limit of the CUDA decoder in tests/bench/results/h200_probe.txt).
#   PHOTOS=.benchphotos OUT=out bash tests/bench/gpu_huffman_ab.sh
source "$(dirname "$0")/gpu_setup.sh"
timeout 60 python3 - "$work/lib" <<'PY' 2>&1 | quiet | tee "$OUT/alone.txt"
import sys
from pathlib import Path
sys.path.insert(0, "tests/bench")
from gpu_probe import nv_alone, row
from nvidia import nvimgcodec as nv
datas = [p.read_bytes() for p in sorted(Path(sys.argv[1]).glob("*.jpg"))[:640]]
hy, hwhy = [("HYBRID_CPU_GPU", 1.0)], [("HW_GPU_ONLY", 1.0), ("HYBRID_CPU_GPU", 1.0)]
gpu = "nvjpeg_cuda_decoder:hybrid_huffman_threshold=0"
for what, kinds, options in (
    ("hybrid, default", [hy], ""), ("hybrid, Huffman on the GPU", [hy], gpu),
    ("hybrid x2, default", [hy, hy], ""), ("hybrid x2, Huffman on the GPU", [hy, hy], gpu),
    ("hardware-first + hybrid, default", [hwhy, hy], ""), ("hardware-first + hybrid, Huffman on the GPU", [hwhy, hy], gpu),
):
    row(f"nvJPEG alone, batch 64, {what}", len(datas), nv_alone(nv, datas, kinds, 64, 0, options))
PY
scan() { timeout 60 python3 tests/bench/bench_scan.py "$work/lib" --model "$work/m" "$@"; }
{
  scan --label "default"
  scan --decoder-options "nvjpeg_cuda_decoder:hybrid_huffman_threshold=0" --label "Huffman on the GPU"
} 2>&1 | quiet | tee "$OUT/scans.txt"
