#!/usr/bin/python3
"""Writes docs/PERFORMANCE.md from one run of bench/compare.sh: JMH JSON (vq4j) + peers.py JSON.

Shapes, FLOP counts and matching: bench/shapes.py. A JMH row matches the peer records of the same
family, @Benchmark method (= peer variant) and parsed shape. PeakProbe is Mode.Throughput in vector
FMAs per time unit summed over its threads: GFLOP/s = score · 2 · lanes (lanes printed by the probe
in its log, passed as --lanes). The best PeakProbe figure is this machine's peak (or --peak).

  /usr/bin/python3 bench/report.py --jmh jmh.json --peers peers.json --out docs/PERFORMANCE.md
        [--lanes 16] [--peak GFLOPS] [--commands commands.txt] [--command "bench/compare.sh"] [--quick]
"""
import argparse, datetime, json, os, platform, re, subprocess, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import shapes as S

TITLES = {"codebook": "Nearest-codebook search (top-1, squared L2)", "sgemm": "SGEMM (C = A·B, row-major)",
          "conv": "Conv2d 3×3 stride 1 pad 1 (no bias)", "attention": "Attention softmax(QKᵀ/√d)V",
          "groupnorm": "Group norm (32 groups) + SiLU, fused (memory-bound)"}
UNIT_SECONDS = {"s/op": 1.0, "ms/op": 1e-3, "us/op": 1e-6, "ns/op": 1e-9}
UNIT_RATE = {"ops/s": 1.0, "ops/ms": 1e3, "ops/us": 1e6, "ops/ns": 1e9}


def lscpu():
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        return {k.strip(): v.strip() for k, v in (l.split(":", 1) for l in out.splitlines() if ":" in l)}
    except OSError:
        return {}


def machine(meta, threads):
    info = lscpu()
    flags = open("/proc/cpuinfo").read()
    simd = "AVX-512" if "avx512f" in flags else ("AVX2" if "avx2" in flags else "?")
    cores = int(info.get("Core(s) per socket", "0") or 0) * int(info.get("Socket(s)", "1") or 1)
    java = os.path.join(os.environ.get("JAVA_HOME", "/usr"), "bin", "java")
    jdk = subprocess.run([java, "-version"], capture_output=True, text=True).stderr.splitlines()
    return [f"- CPU: {info.get('Model name', '?')} ({simd}); {cores or '?'} cores, {os.cpu_count()} hardware threads; "
            f"vq4j and every peer use {threads} threads",
            f"- JDK: {' / '.join(jdk[:2]) if jdk else '?'}; OS: {platform.platform()}",
            f"- peers: torch {meta.get('torch')} ({meta.get('torch_config')}), FAISS {meta.get('faiss')}, numpy {meta.get('numpy')}",
            f"- BLAS (threadpoolctl, in the peers' process): {meta.get('blas')}",
            f"- peer environment: {meta.get('env')}, torch threads {meta.get('torch_threads')}",
            f"- date: {datetime.datetime.now().astimezone().isoformat(timespec='minutes')}"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jmh", required=True); ap.add_argument("--peers", required=True); ap.add_argument("--out", required=True)
    ap.add_argument("--peak", type=float, help="peak GFLOP/s to use instead of PeakProbe's")
    ap.add_argument("--lanes", type=int, help="float lanes of PeakProbe's species (from its log)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--commands", help="file with the commands compare.sh ran")
    ap.add_argument("--command", default="bench/compare.sh"); ap.add_argument("--quick", action="store_true")
    ap.add_argument("--generation-peers", help="bench/generation_peers.py JSON (GenerationBenchmark's PyTorch peers)")
    a = ap.parse_args()
    jmh = json.load(open(a.jmh)) if os.path.exists(a.jmh) and os.path.getsize(a.jmh) else []
    peers = json.load(open(a.peers))
    meta, records = peers["meta"], peers["records"]

    peak, peak_src = a.peak, "--peak" if a.peak else None
    if peak is None:
        lanes = a.lanes or (16 if "avx512f" in open("/proc/cpuinfo").read() else 8)
        for r in jmh:
            if r["benchmark"].rsplit(".", 2)[-2] == "PeakProbe" and r["primaryMetric"]["scoreUnit"] in UNIT_RATE:
                g = r["primaryMetric"]["score"] * UNIT_RATE[r["primaryMetric"]["scoreUnit"]] * 2 * lanes / 1e9
                if peak is None or g > peak:
                    peak, peak_src = g, f"PeakProbe, {r.get('threads')} threads, {lanes} lanes × FMA"

    by_key = {}
    for p in records:
        by_key.setdefault((p["family"], p["variant"], S.key(p["shape"])), []).append(p)
    rows, results, unmatched = {}, [], []
    for r in jmh:
        cls, method = r["benchmark"].rsplit(".", 2)[-2:]
        if cls in ("PeakProbe", "GenerationBenchmark"):
            continue
        if cls not in S.FAMILIES:
            unmatched.append(f"{cls}.{method} {r.get('params')}"); continue
        fam, parse, impl = S.FAMILIES[cls]
        params = r.get("params", {})
        try:
            shape = parse(params)
        except (KeyError, ValueError) as e:
            unmatched.append(f"{cls}.{method} {params}: cannot parse ({e})"); continue
        unit = r["primaryMetric"]["scoreUnit"]
        if unit not in UNIT_SECONDS:
            unmatched.append(f"{cls}.{method}: unit {unit} (expected Mode.AverageTime)"); continue
        secs = r["primaryMetric"]["score"] * UNIT_SECONDS[unit]
        amount, wunit = S.work(fam, method, shape)
        variant_impl = {k: params.get(k) for k in impl if str(params.get(k)) != impl[k]}  # e.g. version=2, device=reference
        cands = by_key.get((fam, method, S.key(shape)), [])
        best = min(cands, key=lambda p: p["seconds"], default=None)
        res = dict(fam=fam, method=method, shape=shape, secs=secs, rate=amount / secs / 1e9, unit=wunit, best=best, peers=cands,
                   main=not variant_impl, err=r["primaryMetric"].get("scoreError"))
        results.append(res)
        lab = S.label(fam, shape) + "".join(f" {k}={v}" for k, v in variant_impl.items())
        if method in ("forward", "forwardBackward"):
            lab += " fwd" if method == "forward" else " fwd+bwd"
        row = [lab, f"{secs * 1e3:.3f}", f"{res['rate']:.1f}"]
        row.append(f"{100 * res['rate'] / peak:.0f}%" if peak and wunit == "FLOP" else "—")
        if fam == "codebook":
            row.append(f"{secs / (shape['n'] * shape['k']) * 1e9:.3f}")
        row += [best["peer"], f"{best['seconds'] * 1e3:.3f}", f"{best['seconds'] / secs:.2f}×"] if best else ["—", "—", "—"]
        rows.setdefault(fam, []).append(row)

    md = ["# vq4j performance", ""]
    if a.quick:
        md += ["> **--quick run: a pipeline test on tiny shapes with short iterations. These figures mean nothing.**", ""]
    md += ["Produced in one run by `" + a.command + "`: vq4j's JMH benchmarks (bench/src/main/java/dev/vq4j/bench) and "
           "the peers (bench/peers.py) on the same machine, same shapes, one after the other.", "",
           "## Machine", ""] + machine(meta, a.threads) + [
           f"- peak: {peak:.1f} GFLOP/s fp32 ({peak_src})" if peak else "- peak: not measured (PeakProbe did not run; pass --peak)", "",
           "vq4j ms = JMH average time per call. Ratio = best peer time / vq4j time (> 1: vq4j faster). GFLOP/s counts "
           "the plain algorithm's FLOPs for vq4j and peers alike: codebook 2·N·K·D, GEMM 2·M·K·N, conv 2·B·Cout·H·W·Cin·9 "
           f"forward and {S.CONV_FWD_BWD:g}× that for fwd+bwd (dx, dW), attention 4·B·H·L²·d forward and {S.ATTN_FWD_BWD:g}× that "
           "for fwd+bwd (FlashAttention-2 count). Group norm is memory-bound: GB/s of minimum traffic (fwd 8 B, fwd+bwd 20 B "
           "per element).", ""]
    gen = generation(jmh, a.generation_peers)
    md += targets(results, a.quick, gen)
    for fam in S.ORDER:
        if fam not in rows and not any(r["fam"] == fam for r in results) and gen is not None and not records:
            continue  # a generation-only run: no kernel families
        if fam not in rows:
            md += [f"## {TITLES[fam]}", "", "**No vq4j result in this run** (see the JMH log of this family).", ""]; continue
        rate = "GB/s" if fam == "groupnorm" else "GFLOP/s"
        head = ["shape", "vq4j ms", rate, "% of peak"] + (["vq4j ns/pair"] if fam == "codebook" else []) + ["best peer", "peer ms", "ratio"]
        md += [f"## {TITLES[fam]}", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        md += ["| " + " | ".join(r) + " |" for r in rows[fam]] + [""]
        md += ["Peers measured: " + (", ".join(sorted({p["peer"] for p in records if p["family"] == fam})) or "none") + ".", ""]
    if gen is not None:
        md += gen["md"]
    if unmatched:
        md += ["## Not tabulated", ""] + [f"- {u}" for u in unmatched] + [""]
    md += ["## All peer timings", "", "| family | variant | shape | peer | ms | rate |", "|---|---|---|---|---|---|"]
    md += [f"| {p['family']} | {p['variant']} | {S.label(p['family'], p['shape'])} | {p['peer']} | "
           f"{p['seconds'] * 1e3:.3f} | {p['work'] / p['seconds'] / 1e9:.1f} G{p['unit']}/s |" for p in records]
    md += ["", "## Reproduce", "", "```", a.command, "```", ""]
    if a.commands and os.path.exists(a.commands):
        md += ["The commands it ran:", "", "```"] + open(a.commands).read().rstrip().splitlines() + ["```", ""]
    md += ["One family alone, straight through JMH: see bench/README.md.", ""]
    # measurements of their own scripts (separate runs, each dated inside), kept in this report
    for extra in ("docs/perf/vqgan-train.md", "docs/perf/devices.md"):
        if os.path.exists(extra):
            text = open(extra).read().rstrip().splitlines()
            md += [("#" + l if l.startswith("# ") else l) for l in text] + ["", f"(from `{extra}`)", ""]
    os.makedirs(os.path.dirname(a.out) or ".", exist_ok=True)
    open(a.out, "w").write("\n".join(md))
    print(f"wrote {a.out}")


GEN_TOKENS = 256  # GenerationBenchmark: tokens per image (16x16)


def generation(jmh, peers_path):
    """GenerationBenchmark (vq4j) against bench/generation_peers.py (PyTorch): rows, the KV-cache speed-up, targets."""
    runs = [r for r in jmh if r["benchmark"].rsplit(".", 2)[-2] == "GenerationBenchmark"]
    if not runs:
        return None
    peers = json.load(open(peers_path)) if peers_path and os.path.exists(peers_path) and os.path.getsize(peers_path) else {"records": [], "meta": {}}
    short = None
    try:
        short = int(re.search(r"SHORT = (\d+)", open(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                    "src/main/java/dev/vq4j/bench/GenerationBenchmark.java")).read()).group(1))
    except (OSError, AttributeError):
        pass
    rows, vq, pt = [], {}, {}
    for r in runs:
        method = r["benchmark"].rsplit(".", 1)[-1]
        params = r.get("params", {})
        secs = r["primaryMetric"]["score"] * UNIT_SECONDS[r["primaryMetric"]["scoreUnit"]]
        if method == "maskGit":
            batch = int(params.get("maskgitBatch", 16)); work, unit = batch, "images/s"
        else:
            batch = int(params.get("batch", 1)); work, unit = (batch * GEN_TOKENS if method == "gptKvCache" else short or 64), "tokens/s"
        vq[(method, batch)] = work / secs
        p = next((p for p in peers["records"] if p["bench"] == method and p["batch"] == batch), None)
        if p:
            pt[(method, batch)] = p.get("images", p.get("tokens")) / p["seconds"]
        what = {"gptKvCache": f"GPT sample, KV cache, {GEN_TOKENS} tokens", "gptKvCacheShort": f"GPT sample, KV cache, {short} tokens",
                "gptRecompute": f"GPT sample, full recompute per token, {short} tokens", "maskGit": "MaskGIT 8 steps cosine"}[method]
        ratio = f"{vq[(method, batch)] / pt[(method, batch)]:.2f}×" if p else "—"
        rows.append(f"| {what} | {batch} | {secs:.2f} | {vq[(method, batch)]:.1f} {unit} | "
                    + (f"{p['peer']}{' (%d thread%s)' % (p['threads'], '' if p['threads'] == 1 else 's') if 'threads' in p else ''} | {p['seconds']:.2f} | {pt[(method, batch)]:.1f} {unit} | {ratio} |" if p else "— | — | — | — |"))
    md = ["## Generation (priors: taming GPT and MaskGIT, 12 layers × 8 heads × 512, K = 1024, 16×16 codes)", "",
          "Random weights, unconditional, temperature 1, no top-k. vq4j: bench GenerationBenchmark (JMH, one op = one whole "
          "generation); PyTorch: bench/generation_peers.py (taming mingpt `forward_with_past` + `sample_with_past`; a MaskGIT "
          "transformer of the same size), torch.inference_mode, each case at 1 thread and at "
          f"{peers['meta'].get('torch_threads', '?')}, the faster shown, torch {peers['meta'].get('torch', '?')}. Ratio = vq4j rate / PyTorch rate.", "",
          "| what | batch | vq4j s | vq4j rate | peer | peer s | peer rate | ratio |", "|---|---|---|---|---|---|---|---|"] + rows + [""]
    for name, d in (("vq4j", vq), ("PyTorch", pt)):
        if ("gptKvCacheShort", 1) in d and ("gptRecompute", 1) in d:
            md.append(f"- KV-cache speed-up over the full recompute ({name}, batch 1, {short} tokens): "
                      f"{d[('gptKvCacheShort', 1)] / d[('gptRecompute', 1)]:.1f}×")
    md.append("")

    def tgt(label, key, need):
        if key in vq and key in pt:
            ratio = vq[key] / pt[key]
            return (label, f"{ratio:.2f}×", ratio >= need)
        return (label, "—", None)
    tg = [tgt("GPT sampling tokens/s ≥ 2× PyTorch sample_with_past, batch 1", ("gptKvCache", 1), 2),
          tgt("GPT sampling tokens/s ≥ 1× PyTorch sample_with_past, batch 16", ("gptKvCache", 16), 1)]
    mg = [k for k in vq if k[0] == "maskGit"]
    tg += [tgt(f"MaskGIT 8-step images/s ≥ PyTorch, batch {k[1]}", k, 1) for k in mg]
    return dict(md=md, targets=tg)


def targets(results, quick, gen=None):
    """ISSUE3's targets, checked row by row against this run."""
    out = ["## Targets (ISSUE3)", ""]
    if quick:
        out += ["_Quick run: shapes differ from the issue's and timings are noise; shown only to test the check._", ""]
    out += ["| target | shape | measured | verdict |", "|---|---|---|---|"]
    n_met = n_all = 0

    def row(target, r, measured, ok):
        nonlocal n_met, n_all
        n_all += 1; n_met += ok is True
        out.append(f"| {target} | {S.label(r['fam'], r['shape'])} | {measured} | "
                   f"{'met' if ok else ('**missed**' if ok is False else 'no peer measured')} |")

    for r in sorted((r for r in results if r["main"]), key=lambda r: S.ORDER.index(r["fam"])):
        b, fam = r["best"], r["fam"]
        ratio = b["seconds"] / r["secs"] if b else None
        if fam == "codebook" and r["shape"]["d"] <= 8:
            row("codebook ≥ 10× best peer (D ≤ 8)", r, f"{ratio:.2f}× {b['peer']}" if b else "—", ratio >= 10 if b else None)
        elif fam == "codebook" and r["shape"]["d"] >= 32:
            row("codebook ≥ 170 GFLOP/s (D ≥ 32)", r, f"{r['rate']:.1f} GFLOP/s", r["rate"] >= 170)
        elif fam == "sgemm":
            ob = next((p for p in r["peers"] if "OpenBLAS" in p["peer"]), None)
            share = ob["seconds"] / r["secs"] if ob else None
            row("SGEMM ≥ 85% of OpenBLAS (numpy matmul)", r, f"{r['rate']:.1f} vs {ob['work'] / ob['seconds'] / 1e9:.1f} GFLOP/s = "
                f"{100 * share:.0f}%" if ob else "—", share >= 0.85 if ob else None)
        elif fam == "conv" and r["method"] == "forwardBackward":
            row("conv fwd+bwd ≥ PyTorch", r, f"{ratio:.2f}×" if b else "—", ratio >= 1 if b else None)
        elif fam == "attention" and r["method"] == "forwardBackward":
            row("attention fwd+bwd ≥ 1.5× PyTorch", r, f"{ratio:.2f}×" if b else "—", ratio >= 1.5 if b else None)
    for label, measured, ok in (gen or {}).get("targets", []):
        n_all += 1; n_met += ok is True
        out.append(f"| {label} | 12×8×512, K 1024, 16×16 | {measured} | {'met' if ok else ('**missed**' if ok is False else 'no peer measured')} |")
    out += ["", f"{n_met} of {n_all} targets met.", ""]
    return out


if __name__ == "__main__":
    main()
