#!/usr/bin/env bash
# VQGAN autoencoder training speed, vq4j against PyTorch, in one run on this machine (issue 5):
# ch 64, ch_mult (1,2,2,4), 1 res block, attention at 8, z 64, K 1024 x 64, 3x64x64, batch 8,
# L1 + codebook loss, Adam; images/s over STEPS steps after WARMUP, THREADS threads each
# (vq4j: VQ4J_THREADS / Parallel.setThreads; PyTorch: torch.set_num_threads, OMP_NUM_THREADS).
#
#   bench/vqgan_train_speed.sh            full run; writes docs/perf/vqgan-train.md
#   bench/vqgan_train_speed.sh --quick    tiny model, 2 steps: checks the pipeline; writes bench/target/vqgan-train-quick.md
# Env: JAVA_HOME (default temurin 25), THREADS (2), STEPS (20), WARMUP (3), BATCH (8),
# ATTN (attention resolutions, e.g. 16,8; default 8).
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
THREADS=${THREADS:-2}; STEPS=${STEPS:-20}; WARMUP=${WARMUP:-3}; BATCH=${BATCH:-8}
EXTRA=(); REPORT=docs/perf/vqgan-train.md
if [[ "${1:-}" == "--quick" ]]; then EXTRA=(--tiny); STEPS=2; WARMUP=1; REPORT=bench/target/vqgan-train-quick.md; fi
mkdir -p bench/target "$(dirname "$REPORT")"
echo "== building cli/target/vq4j.jar" >&2
mvn -q -B -pl cli -am package -DskipTests
if [[ -n "${ATTN:-}" ]]; then EXTRA+=(--attn "$ATTN"); fi
ARGS=(--steps "$STEPS" --warmup "$WARMUP" --batch "$BATCH" --threads "$THREADS" "${EXTRA[@]}")
echo "== vq4j" >&2
J=$(VQ4J_THREADS=$THREADS "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -Xss8m -XX:+UseParallelGC \
      -cp cli/target/vq4j.jar dev.vq4j.models.vqgan.VqganTrainSpeed "${ARGS[@]}" 2>/dev/null | grep '^{')
echo "$J" >&2
echo "== PyTorch" >&2
P=$(OMP_NUM_THREADS=$THREADS MKL_NUM_THREADS=$THREADS OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/vqgan_train_speed.py "${ARGS[@]}" | grep '^{')
echo "$P" >&2
/usr/bin/python3 - "$REPORT" "$J" "$P" <<'PY'
import json, platform, os, sys, time
report, j, p = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
ratio = j["images_per_s"] / p["images_per_s"]
md = f"""## VQGAN autoencoder training (vq4j vs PyTorch)

`bench/vqgan_train_speed.sh` ({time.strftime('%Y-%m-%d')}, {cpu}, {os.cpu_count()} CPUs visible): taming's VQGAN autoencoder,
{j['config']}; batch {j['batch']}, L1 + codebook loss, Adam (betas 0.5, 0.9); {j['steps']} timed steps after {j['warmup']} warm-up, {j['threads']} threads each.

| implementation | images/s | seconds | final loss |
|---|---:|---:|---:|
| vq4j | {j['images_per_s']:.2f} | {j['seconds']:.1f} | {j['final_loss']:.4f} |
| {p['impl']} | {p['images_per_s']:.2f} | {p['seconds']:.1f} | {p['final_loss']:.4f} |

vq4j / PyTorch = {ratio:.2f}×.
"""
open(report, "w").write(md)
print(md)
PY
echo "== wrote $REPORT" >&2
