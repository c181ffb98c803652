#!/usr/bin/python3
"""Writes docs/PERFORMANCE.md from one run of bench/compare.sh: JMH JSON (vq4j) + peers.py JSON.

Matching convention (what each JMH family must expose as @Param names, same as bench/peers.py):
  CodebookSearchBenchmark  n, d, k                     FLOPs 2·n·k·d
  SgemmBenchmark           m, k, n                     FLOPs 2·m·k·n
  ConvBenchmark            batch, cin, cout, size      3×3 pad 1; fwd 2·B·Cout·S²·Cin·9, fwd+bwd 3× that
  AttentionBenchmark       batch, heads, seq, dim      fwd 4·B·H·S²·d, fwd+bwd 3× that
The @Benchmark method name is the variant: methods containing "backward" (any case) are matched
with the peers' fwd+bwd figures, the others with forward. Other params (device, causal, ...) become
part of the row label. PeakProbe: Mode.Throughput with @OperationsPerInvocation(FLOPs per call),
so its score is FLOP per time unit; the best PeakProbe score is this machine's peak (or --peak).

  /usr/bin/python3 bench/report.py --jmh jmh.json --peers peers.json --out docs/PERFORMANCE.md [--peak GFLOPS] [--command "..."]
"""
import argparse, datetime, json, os, platform, subprocess

FAMILIES = {  # JMH class -> (peers family, shape keys, forward FLOPs)
    "CodebookSearchBenchmark": ("codebook", ("n", "d", "k"), lambda p: 2.0 * p["n"] * p["k"] * p["d"]),
    "SgemmBenchmark": ("sgemm", ("m", "k", "n"), lambda p: 2.0 * p["m"] * p["k"] * p["n"]),
    "ConvBenchmark": ("conv", ("batch", "cin", "cout", "size"), lambda p: 2.0 * p["batch"] * p["cout"] * p["size"] ** 2 * p["cin"] * 9),
    "AttentionBenchmark": ("attention", ("batch", "heads", "seq", "dim"), lambda p: 4.0 * p["batch"] * p["heads"] * p["seq"] ** 2 * p["dim"]),
}
TITLES = {"codebook": "Nearest-codebook search (top-1, squared L2)", "sgemm": "SGEMM", "conv": "Conv2d 3×3 (batch 8)",
          "attention": "Attention (softmax, not causal)"}
UNIT_SECONDS = {"s/op": 1.0, "ms/op": 1e-3, "us/op": 1e-6, "ns/op": 1e-9}
UNIT_RATE = {"ops/s": 1.0, "ops/ms": 1e3, "ops/us": 1e6, "ops/ns": 1e9}


def num(v):
    try:
        return int(v)
    except ValueError:
        return v


def machine(meta):
    model = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip(); break
    except OSError:
        pass
    jdk = subprocess.run([os.path.join(os.environ.get("JAVA_HOME", "/usr"), "bin", "java"), "-version"],
                         capture_output=True, text=True).stderr.splitlines()
    flags = open("/proc/cpuinfo").read()
    simd = "AVX-512" if "avx512f" in flags else ("AVX2" if "avx2" in flags else "?")
    return [f"- CPU: {model} ({simd}), {os.cpu_count()} logical cores visible; vq4j and every peer run with 2 threads",
            f"- JDK: {jdk[0] if jdk else '?'}; OS: {platform.platform()}",
            f"- peers: torch {meta.get('torch')}, FAISS {meta.get('faiss')}, numpy {meta.get('numpy')}; BLAS: {meta.get('openblas')}",
            f"- peer environment: {meta.get('env')}, torch threads {meta.get('torch_threads')}",
            f"- date: {datetime.datetime.now().astimezone().isoformat(timespec='minutes')}"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jmh", required=True); ap.add_argument("--peers", required=True); ap.add_argument("--out", required=True)
    ap.add_argument("--peak", type=float, help="peak GFLOP/s when no PeakProbe ran")
    ap.add_argument("--command", default="bench/compare.sh"); ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    jmh = json.load(open(a.jmh)) if os.path.exists(a.jmh) and os.path.getsize(a.jmh) else []
    peers = json.load(open(a.peers))
    meta, records = peers["meta"], peers["records"]

    peak, peak_src = a.peak, "--peak" if a.peak else None
    for r in jmh:
        if "PeakProbe" in r["benchmark"]:
            unit = r["primaryMetric"]["scoreUnit"]
            if unit in UNIT_RATE:
                g = r["primaryMetric"]["score"] * UNIT_RATE[unit] / 1e9
                if peak is None or peak_src != "--peak" and g > peak:
                    peak, peak_src = g, "PeakProbe"

    rows = {}  # family -> list of table rows
    unmatched = []
    for r in jmh:
        cls, method = r["benchmark"].rsplit(".", 2)[-2:]
        if cls not in FAMILIES:
            if "PeakProbe" not in cls: unmatched.append(cls + "." + method)
            continue
        fam, keys, fwd_flops = FAMILIES[cls]
        params = {k: num(v) for k, v in r.get("params", {}).items()}
        if not all(k in params for k in keys):
            unmatched.append(f"{cls}.{method} {params} (expected params {keys})"); continue
        backward = "backward" in method.lower()
        variant = "forwardBackward" if backward else ("forward" if fam in ("conv", "attention") else None)
        flops = fwd_flops(params) * (3 if backward else 1)
        unit = r["primaryMetric"]["scoreUnit"]
        secs = r["primaryMetric"]["score"] * UNIT_SECONDS[unit] if unit in UNIT_SECONDS else None
        if secs is None:
            unmatched.append(f"{cls}.{method}: unit {unit} (use Mode.AverageTime)"); continue
        shape = {k: params[k] for k in keys}
        extra = {k: v for k, v in params.items() if k not in keys}
        cands = [p for p in records if p["family"] == fam and p["shape"] == shape and (variant is None or p["variant"] == variant)]
        best = min(cands, key=lambda p: p["seconds"]) if cands else None
        label = " ".join(f"{k}={v}" for k, v in shape.items()) + (" " + " ".join(f"{k}={v}" for k, v in extra.items()) if extra else "")
        gf = flops / secs / 1e9
        row = [label + ("" if variant is None else f" ({'fwd+bwd' if backward else 'fwd'})"), f"{secs * 1e3:.3f}", f"{gf:.1f}",
               f"{100 * gf / peak:.0f}%" if peak else "—"]
        if fam == "codebook":
            row.append(f"{secs / (shape['n'] * shape['k']) * 1e9:.3f}")
        if best:
            row += [best["peer"], f"{best['seconds'] * 1e3:.3f}", f"{best['seconds'] / secs:.2f}×"]
        else:
            row += ["—", "—", "—"]
        rows.setdefault(fam, []).append(row)

    md = ["# vq4j performance", "",
          "Produced in one run by `bench/compare.sh`" + (" (**--quick: pipeline test, not figures**)" if a.quick else "") +
          ": vq4j's JMH benchmarks and the peers (bench/peers.py) on the same machine, same shapes, one after the other.", "",
          "## Machine", ""] + machine(meta) + [
          f"- peak: {peak:.1f} GFLOP/s fp32 ({peak_src})" if peak else "- peak: not measured (no PeakProbe in the jar; pass --peak)", "",
          "Ratio = best peer time / vq4j time (> 1: vq4j faster). GFLOP/s counts the FLOPs of the plain algorithm "
          "(codebook 2·N·K·D, GEMM 2·M·K·N, conv 2·B·Cout·H·W·Cin·9 fwd, attention 4·B·H·S²·d fwd; fwd+bwd = 3× fwd).", ""]
    for fam in ("codebook", "sgemm", "conv", "attention"):
        if fam not in rows: continue
        head = ["shape", "vq4j ms", "GFLOP/s", "% of peak"] + (["ns / pair"] if fam == "codebook" else []) + ["best peer", "peer ms", "ratio"]
        md += [f"## {TITLES[fam]}", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        md += ["| " + " | ".join(r) + " |" for r in rows[fam]] + [""]
        peers_here = sorted({p["peer"] for p in records if p["family"] == fam})
        md += ["Peers measured: " + ", ".join(peers_here) + ".", ""]
    if unmatched:
        md += ["## Not tabulated", ""] + [f"- {u}" for u in unmatched] + [""]
    md += ["## All peer timings", "", "| family | variant | shape | peer | ms | GFLOP/s |", "|---|---|---|---|---|---|"]
    md += [f"| {p['family']} | {p['variant']} | {' '.join(f'{k}={v}' for k, v in p['shape'].items())} | {p['peer']} | "
           f"{p['seconds'] * 1e3:.3f} | {p['flops'] / p['seconds'] / 1e9:.1f} |" for p in records]
    md += ["", "## Reproduce", "", "```", a.command, "```", "",
           "It builds `bench/target/benchmarks.jar` (`mvn -B -pl bench -am package -DskipTests`), runs every JMH family in it "
           "with JSON output (`java -jar bench/target/benchmarks.jar <Family> -t 1 -rf json`, vq4j using 2 threads via "
           "`-Dvq4j.threads=2`), runs `bench/peers.py` with `OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE` "
           "(OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset for that command), then this report (`bench/report.py`). "
           "`bench/compare.sh --quick` runs a tiny subset to test the pipeline.", ""]
    os.makedirs(os.path.dirname(a.out) or ".", exist_ok=True)
    open(a.out, "w").write("\n".join(md))
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
