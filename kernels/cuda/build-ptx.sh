#!/usr/bin/env bash
# Compiles src/main/cuda/vq4j.cu (the shared kernel sources under the CUDA dialect) to PTX, run by
# Maven in generate-resources:
#   build-ptx.sh <module dir> <kernel source dir> <output dir>
# writes <output dir>/vq4j.ptx (virtual arch compute_90: Hopper and newer) and
# <output dir>/vq4j-compute75.ptx (compute_75: any GPU of compute capability >= 7.5, JIT-compiled
# by the driver). CudaPtx picks the newest one the device can run.
# Without nvcc on PATH it writes nothing and says so in one line: the jar then carries no PTX and
# the cuda backend reports itself unavailable. With nvcc, a compile error fails the build, and so
# does a PTX that ptxas cannot assemble for sm_90 / sm_75.
# NVCC (default: nvcc) and NVCC_FLAGS (extra flags, e.g. -lineinfo for ncu) may be set.
set -euo pipefail

module=${1:?usage: build-ptx.sh <module dir> <kernel source dir> <output dir>}
includes=${2:?kernel source dir}
out=${3:?output dir}
src="$module/src/main/cuda/vq4j.cu"
nvcc=${NVCC:-nvcc}
targets=("compute_90:vq4j.ptx" "compute_75:vq4j-compute75.ptx")
stamp="$module/target/vq4j-ptx.stamp"  # outside the jar

mkdir -p "$out" "$module/target"
if ! command -v "$nvcc" >/dev/null 2>&1; then
    rm -f "$out"/vq4j*.ptx "$stamp"  # no stale PTX from an earlier build with nvcc
    echo "build-ptx: $nvcc not found on PATH: no PTX in the jar, the cuda backend will report itself unavailable"
    exit 0
fi

# Up to date: every output is newer than the sources and this script, and nvcc and flags are unchanged.
flags="$("$nvcc" --version | tail -1) ${NVCC_FLAGS:-}"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$flags" ]]; then
    fresh=1
    for t in "${targets[@]}"; do
        f="$out/${t#*:}"
        if [[ ! -f "$f" ]] || [[ -n "$(find "$src" "$0" "$includes" -newer "$f" \( -name '*.cu' -o -name '*.cl' -o -name '*.h' -o -name '*.sh' \) -print -quit)" ]]; then
            fresh=0
        fi
    done
    if [[ $fresh == 1 ]]; then exit 0; fi
fi

rm -f "$stamp"
trap 'rm -f "$out"/tmp-*.ptx' EXIT
for t in "${targets[@]}"; do
    arch=${t%%:*} file=${t#*:}
    # shellcheck disable=SC2086
    "$nvcc" -ptx -arch="$arch" -std=c++17 -I "$includes" ${NVCC_FLAGS:-} "$src" -o "$out/tmp-$file"
    # Assemble it too (ptxas, as the driver's JIT will): resource limits such as too much shared
    # memory fail here rather than on the GPU machine. The cubin stays in target/, not in the jar.
    "$nvcc" -cubin -arch="sm_${arch#compute_}" "$out/tmp-$file" -o "$module/target/${file%.ptx}.cubin"
    mv "$out/tmp-$file" "$out/$file"
done
echo "$flags" > "$stamp"
echo "build-ptx: $(for t in "${targets[@]}"; do printf '%s ' "${t#*:}"; done)from $("$nvcc" --version | tail -1)"
