#!/usr/bin/env bash
# vq4j against its peers, in one run, on this machine: writes docs/PERFORMANCE.md.
#
#   bench/compare.sh                   full run: every JMH family + every peer (~13-16 min on 2 cores, see bench/README.md)
#   bench/compare.sh --quick           tiny shapes, short iterations: tests the pipeline (~3 min)
#   bench/compare.sh --allow-slow-blas go on even when numpy is not on OpenBLAS (the SGEMM peer is then meaningless)
#
# Steps: (0) check numpy's BLAS is OpenBLAS; (a) build bench/target/benchmarks.jar; (b) run the JMH families
# PeakProbe, CodebookSearchBenchmark, SgemmBenchmark, ConvBenchmark, AttentionBenchmark, GroupNormBenchmark,
# GenerationBenchmark (absent ones are skipped) with JSON output, vq4j on $THREADS threads; (c) bench/peers.py (PyTorch, FAISS,
# numpy) on the shapes JMH ran, $THREADS threads, OMP_WAIT_POLICY=PASSIVE; (c2) bench/generation_peers.py
# (PyTorch GPT/MaskGIT sampling, when GenerationBenchmark is in FAMILIES); (d) bench/report.py -> docs/PERFORMANCE.md.
# Env: JAVA_HOME (default temurin 25), THREADS (default 2), OUT (default bench/target/compare), REPORT,
# PEAK_GFLOPS (overrides PeakProbe), FAMILIES (subset of the JMH class names), JMH_EXTRA (extra JMH args).
set -euo pipefail
cd "$(dirname "$0")/.."
QUICK=0; ALLOW_SLOW_BLAS=0
for arg in "$@"; do
  case "$arg" in
    --quick) QUICK=1 ;;
    --allow-slow-blas) ALLOW_SLOW_BLAS=1 ;;
    *) echo "usage: bench/compare.sh [--quick] [--allow-slow-blas]" >&2; exit 2 ;;
  esac
done
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA="$JAVA_HOME/bin/java"
PY=/usr/bin/python3
THREADS=${THREADS:-2}
OUT=${OUT:-bench/target/compare}
REPORT=${REPORT:-docs/PERFORMANCE.md}
FAMILIES=${FAMILIES:-PeakProbe CodebookSearchBenchmark SgemmBenchmark ConvBenchmark AttentionBenchmark GroupNormBenchmark GenerationBenchmark}
mkdir -p "$OUT"
rm -f "$OUT"/jmh-*.json "$OUT"/jmh-*.log "$OUT/commands.txt"
log_cmd() {  # the command, shell-quoted only where needed, for the report's "Reproduce" section
  local a line=""
  for a in "$@"; do
    if [[ $a =~ ^[A-Za-z0-9_./=:,+-]+$ ]]; then line+="$a "; else line+="$(printf '%q' "$a") "; fi
  done
  printf '%s\n' "${line% }" >> "$OUT/commands.txt"
}
# The peers' environment: OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE may be set on shared machines and slow OpenBLAS down.
PEER_ENV=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS=$THREADS OMP_WAIT_POLICY=PASSIVE)

echo "== (0) numpy's BLAS" >&2
if ! BLAS=$("${PEER_ENV[@]}" $PY -c '
import numpy as np; np.ones((8, 8), np.float32) @ np.ones((8, 8), np.float32)
from threadpoolctl import threadpool_info
b = [i for i in threadpool_info() if i["user_api"] == "blas"]
print(" ".join(i["internal_api"] + ":" + i["filepath"] for i in b) or "none")' 2>&1); then
  echo "   cannot inspect numpy's BLAS: $BLAS" >&2
  echo "   install threadpoolctl: apt-get install python3-threadpoolctl" >&2
  exit 2
fi
echo "   $BLAS" >&2
if [[ "$BLAS" != openblas:* ]]; then
  echo "   numpy is not using OpenBLAS (Debian's reference BLAS is ~50x slower): the SGEMM/peer figures would be meaningless." >&2
  echo "   Install it with:  apt-get install libopenblas0-pthread   (update-alternatives then points libblas.so.3 at it)" >&2
  if (( ! ALLOW_SLOW_BLAS )); then echo "   stopping (pass --allow-slow-blas to go on anyway)" >&2; exit 2; fi
fi

echo "== (a) building benchmarks.jar" >&2
log_cmd mvn -q -B -pl bench -am package -DskipTests
mvn -q -B -o -pl bench -am package -DskipTests 2>/dev/null || mvn -q -B -pl bench -am package -DskipTests
JAR=bench/target/benchmarks.jar

# Iterations: overrides every class's @Warmup/@Measurement. Full run budget: see bench/README.md.
if (( QUICK )); then
  JMH_ITER=(-f 1 -wi 1 -w 1s -i 1 -r 500ms)
else
  JMH_ITER=(-f 1 -wi 2 -w 1s -i 3 -r 1s)
fi
# --quick: per-family parameter subsets (same lists as bench/shapes.py QUICK); full runs use each
# benchmark's own @Param lists, and the peers take whatever shapes JMH ran.
declare -A QUICK_PARAMS=(
  [PeakProbe]=""
  [CodebookSearchBenchmark]="-p n=4096 -p d=8,64 -p k=512"
  [SgemmBenchmark]="-p shape=256"
  [ConvBenchmark]="-p shape=32x32x16 -p batch=1"
  [AttentionBenchmark]="-p shape=1x1x64x32"
  [GroupNormBenchmark]="-p shape=1x64x16x16"
  [GenerationBenchmark]="-p batch=1 -p maskgitBatch=1"
)
LIST=$("$JAVA" -jar "$JAR" -l)
echo "== (b) JMH: $(grep -c '^dev\.' <<<"$LIST" || true) benchmarks in the jar" >&2
LANES=""
for FAMILY in $FAMILIES; do
  if ! grep -q "bench.$FAMILY." <<<"$LIST"; then echo "   $FAMILY: not in the jar, skipped" >&2; continue; fi
  PARAMS=()
  if (( QUICK )); then read -r -a PARAMS <<<"${QUICK_PARAMS[$FAMILY]:-}"; fi
  # One benchmark thread (vq4j parallelises inside, VQ4J_THREADS reaches the forked JVMs through the
  # environment); PeakProbe instead runs its FMA chains on $THREADS benchmark threads.
  BT=1; if [[ $FAMILY == PeakProbe ]]; then BT=$THREADS; fi
  ITER=("${JMH_ITER[@]}")
  # one op of GenerationBenchmark is a whole generation (seconds): one warm-up op, two measured
  if [[ $FAMILY == GenerationBenchmark ]] && (( ! QUICK )); then ITER=(-f 1 -wi 1 -w 1s -i 2 -r 1s); fi
  CMD=("$JAVA" -jar "$JAR" "bench.$FAMILY." "${ITER[@]}" -t "$BT" "${PARAMS[@]}" ${JMH_EXTRA:-} -rf json -rff "$OUT/jmh-$FAMILY.json")
  echo "   $FAMILY ${PARAMS[*]:-}" >&2
  log_cmd env VQ4J_THREADS=$THREADS "${CMD[@]}"
  START=$SECONDS
  if ! VQ4J_THREADS=$THREADS "${CMD[@]}" > "$OUT/jmh-$FAMILY.log" 2>&1; then
    echo "   $FAMILY failed (see $OUT/jmh-$FAMILY.log); continuing" >&2
  fi
  echo "   $FAMILY: $((SECONDS - START)) s" >&2
  if [[ $FAMILY == PeakProbe ]]; then LANES=$(grep -o 'PeakProbe: [0-9]* lanes' "$OUT/jmh-$FAMILY.log" | head -1 | grep -o '[0-9]*' || true); fi
done
$PY - "$OUT" <<'PY'
import glob, json, os, sys
out = sys.argv[1]; merged = []
for f in sorted(glob.glob(os.path.join(out, "jmh-*.json"))):
    if os.path.getsize(f): merged += json.load(open(f))
json.dump(merged, open(os.path.join(out, "jmh.json"), "w"), indent=1)
PY

echo "== (c) peers (torch, FAISS, numpy), $THREADS threads" >&2
# only the peer families whose JMH class is in FAMILIES (GenerationBenchmark has its own peers, step c2)
PEER_FAMS=$($PY -c 'import sys; sys.path.insert(0, "bench"); import shapes as S; print(",".join(S.FAMILIES[c][0] for c in sys.argv[1:] if c in S.FAMILIES))' $FAMILIES)
if [[ -n $PEER_FAMS ]]; then
  PEER_ARGS=(--out "$OUT/peers.json" --jmh "$OUT/jmh.json" --threads "$THREADS" --families "$PEER_FAMS")
  if (( QUICK )); then PEER_ARGS+=(--quick); fi
  log_cmd "${PEER_ENV[@]}" $PY bench/peers.py "${PEER_ARGS[@]}"
  START=$SECONDS
  "${PEER_ENV[@]}" $PY bench/peers.py "${PEER_ARGS[@]}"
  echo "   peers: $((SECONDS - START)) s" >&2
else
  echo '{"meta": {}, "records": []}' > "$OUT/peers.json"
fi

if [[ " $FAMILIES " == *" GenerationBenchmark "* ]]; then
  echo "== (c2) generation peers (PyTorch taming GPT sample_with_past, MaskGIT), $THREADS threads" >&2
  GEN_ARGS=(--out "$OUT/generation-peers.json" --threads "$THREADS")
  if (( QUICK )); then GEN_ARGS+=(--batches 1 --maskgit-batch 1 --reps 1); fi
  log_cmd "${PEER_ENV[@]}" $PY bench/generation_peers.py "${GEN_ARGS[@]}"
  START=$SECONDS
  "${PEER_ENV[@]}" $PY bench/generation_peers.py "${GEN_ARGS[@]}" > /dev/null || echo "   generation peers failed; continuing" >&2
  echo "   generation peers: $((SECONDS - START)) s" >&2
fi

echo "== (d) report" >&2
SELF="bench/compare.sh"
if (( QUICK )); then SELF+=" --quick"; fi
if (( ALLOW_SLOW_BLAS )); then SELF+=" --allow-slow-blas"; fi
if [[ $THREADS != 2 ]]; then SELF="THREADS=$THREADS $SELF"; fi
REPORT_ARGS=(--jmh "$OUT/jmh.json" --peers "$OUT/peers.json" --generation-peers "$OUT/generation-peers.json" --out "$REPORT" --threads "$THREADS" --command "$SELF" --commands "$OUT/commands.txt")
if [[ -n $LANES ]]; then REPORT_ARGS+=(--lanes "$LANES"); fi
if [[ -n ${PEAK_GFLOPS:-} ]]; then REPORT_ARGS+=(--peak "$PEAK_GFLOPS"); fi
if (( QUICK )); then REPORT_ARGS+=(--quick); fi
log_cmd $PY bench/report.py "${REPORT_ARGS[@]}"
$PY bench/report.py "${REPORT_ARGS[@]}"
