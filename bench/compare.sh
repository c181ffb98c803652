#!/usr/bin/env bash
# vq4j against its peers, in one run, on this machine: writes docs/PERFORMANCE.md.
#
#   bench/compare.sh            full run (all JMH families in the jar + all peers; < 25 min on 2 cores)
#   bench/compare.sh --quick    tiny shapes, short iterations: tests the pipeline in ~2-3 minutes
#
# Steps: (a) build bench/target/benchmarks.jar; (b) run each JMH family present in the jar
# (CodebookSearchBenchmark, SgemmBenchmark, ConvBenchmark, AttentionBenchmark, PeakProbe; absent ones
# are skipped) with JSON output, vq4j on 2 threads; (c) bench/peers.py (PyTorch, FAISS, numpy) with
# 2 threads, OMP_WAIT_POLICY=PASSIVE; (d) bench/report.py -> docs/PERFORMANCE.md.
# Env: JAVA_HOME (default temurin 25), THREADS (default 2), OUT (default bench/target/compare),
# PEAK_GFLOPS (peak to use when no PeakProbe ran), JMH_EXTRA (extra JMH args, e.g. "-p d=8").
set -euo pipefail
cd "$(dirname "$0")/.."
QUICK=0
[[ "${1:-}" == "--quick" ]] && QUICK=1
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
THREADS=${THREADS:-2}
OUT=${OUT:-bench/target/compare}
REPORT=${REPORT:-docs/PERFORMANCE.md}
mkdir -p "$OUT"
rm -f "$OUT"/jmh-*.json

echo "== (a) building benchmarks.jar" >&2
mvn -q -B -pl bench -am package -DskipTests
JAR=bench/target/benchmarks.jar

if (( QUICK )); then
  JMH_ITER=(-f 1 -wi 2 -w 300ms -i 1 -r 300ms)
else
  JMH_ITER=(-f 1 -wi 1 -w 1s -i 3 -r 1s)
fi
# Per-family parameter subset for --quick (full runs use each benchmark's own @Param lists).
declare -A QUICK_PARAMS=(
  [CodebookSearchBenchmark]="-p n=4096 -p d=8,64 -p k=512"
  [SgemmBenchmark]="-p m=256 -p k=256 -p n=256"
  [ConvBenchmark]="-p batch=1 -p cin=32 -p cout=32 -p size=16"
  [AttentionBenchmark]="-p batch=1 -p heads=1 -p seq=64 -p dim=32"
  [PeakProbe]=""
)
LIST=$("$JAVA_HOME/bin/java" -jar "$JAR" -l)
echo "== (b) JMH: $(echo "$LIST" | grep -c '^dev\.' || true) benchmarks in the jar" >&2
for FAMILY in PeakProbe CodebookSearchBenchmark SgemmBenchmark ConvBenchmark AttentionBenchmark; do
  if ! grep -q "\.$FAMILY\." <<<"$LIST"; then echo "   $FAMILY: not in the jar, skipped" >&2; continue; fi
  PARAMS=()
  (( QUICK )) && read -r -a PARAMS <<<"${QUICK_PARAMS[$FAMILY]}"
  echo "   $FAMILY ${PARAMS[*]:-}" >&2
  # VQ4J_THREADS reaches the forked JVMs (their environment is inherited); -t 1: one benchmark thread.
  if ! VQ4J_THREADS=$THREADS "$JAVA_HOME/bin/java" -jar "$JAR" "\.$FAMILY\." "${JMH_ITER[@]}" -t 1 "${PARAMS[@]}" ${JMH_EXTRA:-} \
        -rf json -rff "$OUT/jmh-$FAMILY.json" > "$OUT/jmh-$FAMILY.log" 2>&1; then
    echo "   $FAMILY failed (see $OUT/jmh-$FAMILY.log); continuing" >&2
  fi
done
/usr/bin/python3 - "$OUT" <<'PY'
import glob, json, os, sys
out = sys.argv[1]; merged = []
for f in sorted(glob.glob(os.path.join(out, "jmh-*.json"))):
    if os.path.getsize(f): merged += json.load(open(f))
json.dump(merged, open(os.path.join(out, "jmh.json"), "w"), indent=1)
PY

echo "== (c) peers (torch, FAISS, numpy), $THREADS threads" >&2
PEER_ARGS=(--out "$OUT/peers.json" --threads "$THREADS")
(( QUICK )) && PEER_ARGS+=(--quick)
# OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE may be set on shared machines and slow OpenBLAS down: unset for the peers only.
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS=$THREADS OMP_WAIT_POLICY=PASSIVE \
  /usr/bin/python3 bench/peers.py "${PEER_ARGS[@]}"

echo "== (d) report" >&2
CMD="bench/compare.sh$( (( QUICK )) && echo ' --quick')"
/usr/bin/python3 bench/report.py --jmh "$OUT/jmh.json" --peers "$OUT/peers.json" --out "$REPORT" \
  --command "$CMD" ${PEAK_GFLOPS:+--peak "$PEAK_GFLOPS"} $( (( QUICK )) && echo --quick)
