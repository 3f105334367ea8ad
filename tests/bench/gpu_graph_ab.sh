#!/usr/bin/env bash
# The model's forward replayed from a CUDA graph on a stream of its own (photoorg.core.cuda_forward)
# against the eager forward (PHOTOORG_CUDA_GRAPH=0), in whole first scans on a GPU machine (issue
# 15): the vectors of both, then tests/bench/bench_scan.py and `photoorg bench` on 12 MP JPEGs.
#   PHOTOS=.benchphotos OUT=out bash tests/bench/gpu_graph_ab.sh
source "$(dirname "$0")/gpu_setup.sh"
timeout 60 python3 - "$work/m" <<'PY' 2>&1 | quiet | tee "$OUT/same.txt"
import os, sys
import numpy as np
from photoorg.core.embedder import Embedder
crops = np.random.default_rng(1).integers(0, 256, (64, 224, 224, 3), dtype=np.uint8)
graph = Embedder(sys.argv[1], device="cuda", dtype="fp16").load()
a, a37 = graph.embed(crops), graph.embed(crops[:37])
a2 = graph.embed(crops[::-1].copy())[::-1]
os.environ["PHOTOORG_CUDA_GRAPH"] = "0"
eager = Embedder(sys.argv[1], device="cuda", dtype="fp16").load()
b, b37 = eager.embed(crops), eager.embed(crops[:37])
print("graph replayed:", graph._forward._graphs and all(graph._forward._graphs.values()))
print(f"graph vs eager, batch 64: largest difference {np.abs(a - b).max():.2e}, min cosine {(a * b).sum(1).min():.6f}")
print(f"second replay, other order: largest difference {np.abs(a2 - b).max():.2e}")
print(f"batch of 37 (eager both): largest difference {np.abs(a37 - b37).max():.2e}")
PY
scan() { timeout 100 python3 tests/bench/bench_scan.py "$work/lib" --model "$work/m" "$@"; }
{
  scan --repeat 3 --label "graph (default)"
  PHOTOORG_CUDA_GRAPH=0 scan --repeat 2 --label "eager"
  scan --repeat 1 --threads 128 --label "graph, 128 threads"
  scan --repeat 1 --hw-lanes 0 --label "graph, no hardware lane"
} 2>&1 | quiet | tee "$OUT/scans.txt"
timeout 120 python3 -m photoorg --home "$work/h" bench "$work/lib" --model "$work/m" --naive-limit 8 2>&1 | quiet | tee "$OUT/bench.txt"
