# Sourced by the GPU benchmarks (gpu_probe.sh, gpu_graph_ab.sh, gpu_huffman_ab.sh): from the
# repository's root, results to $OUT, a work folder, and a random-weight dinov2-base ($work/m)
# and a library of $COUNT 12 MP JPEGs ($work/lib) made from the photos in $PHOTOS.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export PYTHONUNBUFFERED=1
PHOTOS=${PHOTOS:-.benchphotos}
OUT=${OUT:-bench-out}
COUNT=${COUNT:-1300}
SITE=${PYTHONPATH:-}
export PYTHONPATH=$PWD${SITE:+:$SITE}
mkdir -p "$OUT"
work=$(mktemp -d)
export PHOTOORG_HOME=$work/home
# nvImageCodec's lines for the codecs photoorg does not use, and the model factory's progress.
quiet() { grep -v "Warning\|nvjpeg2k\|nvtiff\|Note: If using\|Failed to load\|Writing model"; }
python3 tests/modelfactory.py "$work/m" base > /dev/null 2>&1 &
python3 tests/bench/make_library.py "$PHOTOS" "$work/lib" --count "$COUNT" &
wait
