#!/usr/bin/env bash
# Which quantiser makes a VQGAN use its codebook? Trains `vq4j train --model vqgan` once per option on
# crops of real photographs (scripts/photo_crops.py: scikit-image's colour photos, nothing downloaded),
# all with the same architecture, codebook size, steps, batch and seed, then measures every run with
# `vq4j eval` on held-out crops (another region of each photo). Writes docs/perf/vqgan-codebook.md.
#
#   scripts/vqgan_codebook_study.sh            the study (STEPS steps per option)
#   scripts/vqgan_codebook_study.sh --quick    4 steps, two options: checks the pipeline (bench/target/)
# Env: STEPS (300), BATCH (16), SEED (1), OUT (runs/codebook-study), DATA (runs/photo-crops), VQ4J_THREADS.
# Every option keeps the default codebook size (512 codes; fsq 8,8,8 has 512 too).
# Needs python3-skimage and python3-pil (Debian) for the crops.
set -euo pipefail
cd "$(dirname "$0")/.."
STEPS=${STEPS:-300}; WARMUP=${WARMUP:-100}; BATCH=${BATCH:-16}; SEED=${SEED:-1}
OUT=${OUT:-runs/codebook-study}; DATA=${DATA:-runs/photo-crops}; REPORT=docs/perf/vqgan-codebook.md
# option name | flags (the default is what `vq4j train --model vqgan` does with no quantiser flag)
OPTIONS=(
  "default (ema + dead-code restarts)|"
  "vq as taming (random codes, legacy loss)|--quantizer vq --legacy"
  "vq + k-means init + restarts|--quantizer vq --kmeans-init 10 --dead-code-threshold 1"
  "factorized (dim 8) + k-means init + restarts|--quantizer factorized --factor-dim 8 --kmeans-init 10 --dead-code-threshold 1"
  "ema without restarts|--quantizer ema"
)
if [[ "${1:-}" == "--quick" ]]; then STEPS=4; WARMUP=1; OPTIONS=("${OPTIONS[0]}" "${OPTIONS[1]}"); OUT=bench/target/codebook-quick; REPORT=bench/target/vqgan-codebook-quick.md; fi
if [ ! -d "$DATA/train" ]; then
  /usr/bin/python3 scripts/photo_crops.py "$DATA/train" --count 4096 --split train --seed 0
  /usr/bin/python3 scripts/photo_crops.py "$DATA/heldout" --count 512 --split heldout --seed 1
fi
rm -rf "$OUT"; mkdir -p "$OUT" "$(dirname "$REPORT")"
rows=()
i=0
for entry in "${OPTIONS[@]}"; do
  name=${entry%%|*}; flags=${entry#*|}; run="$OUT/run$i"; i=$((i + 1))
  echo "== $name: vq4j train --model vqgan $flags" >&2
  start=$(date +%s)
  # shellcheck disable=SC2086
  ./vq4j train --model vqgan --data "folder:$DATA/train" --image-size 32 --eval-images 64 --steps "$STEPS" --warmup "$WARMUP" --batch "$BATCH" \
      --seed "$SEED" --checkpoint-every 0 --out "$run" $flags > "$run.log"
  seconds=$(( $(date +%s) - start ))
  ./vq4j eval --checkpoint "$run" --data "folder:$DATA/heldout" --count 0 --json "$run/eval.json" > "$run.eval.log"
  rows+=("$name|$flags|$seconds|$run/eval.json")
done
/usr/bin/python3 - "$REPORT" "$STEPS" "$BATCH" "$SEED" "${rows[@]}" <<'PY'
import json, os, sys, time
report, steps, batch, seed, rows = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
lines = [f"## VQGAN codebook usage by quantiser",
         "",
         f"`scripts/vqgan_codebook_study.sh` ({time.strftime('%Y-%m-%d')}, {cpu}, {os.cpu_count()} CPUs, VQ4J_THREADS={os.environ.get('VQ4J_THREADS', 'all')}): "
         f"`vq4j train --model vqgan` with its default architecture (ch 64, ch_mult 1,2,2, 4x downsampling, no attention), "
         f"512 codes, {steps} steps of {batch} crops (32x32, scikit-image's colour photos), seed {seed}, discriminator off "
         f"(disc_start 2000 is after the run), no LPIPS weights; measured by `vq4j eval` on 512 held-out crops (8x8 codes each: 32768 positions).",
         "",
         "| quantiser | flags | codebook usage | perplexity | PSNR (dB) | SSIM | train s |",
         "|---|---|---:|---:|---:|---:|---:|"]
for row in rows:
    name, flags, seconds, path = row.split("|")
    e = json.load(open(path))
    lines.append(f"| {name} | `{flags or '(none)'}` | {100 * e['usage']:.1f}% | {e['perplexity']:.1f} | {e['psnr']:.2f} | {e['ssim']:.4f} | {seconds} |")
open(report, "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
