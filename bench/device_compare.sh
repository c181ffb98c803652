#!/usr/bin/env bash
# The device backends against the cpu backend and PyTorch, in one run: writes docs/perf/devices.md.
#
#   bench/device_compare.sh            OpenCL (e.g. PoCL on the CPU) and the cpu backend; PyTorch on the CPU
#   DEVICES="cpu cuda" bench/device_compare.sh   on an NVIDIA machine: CUDA beside PyTorch on the GPU
#   bench/device_compare.sh --quick    tiny shapes, short iterations: tests the pipeline (~1 min)
#
# Each op runs through the Backend interface with its tensors resident on the device, timed to
# completion (DeviceKernelBenchmark, JMH); bench/device_peers.py times PyTorch on the same shapes
# (torch.mm, F.conv2d, softmax(QKᵀ)V, cdist+argmin and addmm+argmin; CUDA-synchronised on a GPU)
# and writes the table. Env: JAVA_HOME (default temurin 25), THREADS (default 2), DEVICES (default
# "cpu opencl"), OUT (default bench/target/devices), REPORT (default docs/perf/devices.md).
set -euo pipefail
cd "$(dirname "$0")/.."
QUICK=0
for arg in "$@"; do
  case "$arg" in
    --quick) QUICK=1 ;;
    *) echo "usage: bench/device_compare.sh [--quick]" >&2; exit 2 ;;
  esac
done
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
THREADS=${THREADS:-2}
DEVICES=${DEVICES:-cpu opencl}
OUT=${OUT:-bench/target/devices}
REPORT=${REPORT:-docs/perf/devices.md}
mkdir -p "$OUT"
rm -f "$OUT"/jmh-*.json "$OUT/commands.txt"

if (( QUICK )); then
  declare -A SHAPES=([sgemm]="64" [conv3x3]="2x8x8x8x8" [attention]="2x32x16" [search]="256x8x64")
  JMH_ARGS=(-f 1 -wi 1 -i 1 -w 200ms -r 200ms)
else
  declare -A SHAPES=([sgemm]="256,1024" [conv3x3]="8x64x32x32x64" [attention]="8x256x64" [search]="4096x8x512,4096x64x1024")
  JMH_ARGS=(-f 1 -wi 2 -i 3 -w 1s -r 2s)
fi

echo "== building bench/target/benchmarks.jar" >&2
source scripts/env.sh
vq4j_env
"$MVN" -B -q -ntp -pl bench -am package -DskipTests >&2

devices=$(echo "$DEVICES" | tr ' ' ',')
for op in sgemm conv3x3 attention search; do
  echo "== JMH DeviceKernelBenchmark op=$op shape=${SHAPES[$op]} device=$devices" >&2
  cmd=("$JAVA_HOME/bin/java" -Dvq4j.threads=$THREADS -jar bench/target/benchmarks.jar DeviceKernelBenchmark "${JMH_ARGS[@]}"
       -jvmArgsAppend "--add-modules jdk.incubator.vector -XX:+UseParallelGC -Dvq4j.threads=$THREADS" -p device=$devices -p op=$op -p "shape=${SHAPES[$op]}"
       -rf json -rff "$OUT/jmh-$op.json")
  { printf '%q ' "${cmd[@]}"; echo; } >> "$OUT/commands.txt"
  "${cmd[@]}" > "$OUT/jmh-$op.log" 2>&1 || { tail -30 "$OUT/jmh-$op.log" >&2; exit 1; }
done

echo "== PyTorch on the same shapes, and the report" >&2
env OMP_NUM_THREADS=$THREADS OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/device_peers.py \
    --jmh "$OUT"/jmh-*.json --threads "$THREADS" --commands "$OUT/commands.txt" --out "$REPORT"
echo "wrote $REPORT" >&2
