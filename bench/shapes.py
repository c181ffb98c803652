"""Shapes, FLOP counts and peer-matching keys shared by bench/peers.py and bench/report.py.

Each JMH family's @Param values are parsed here exactly as the Java benchmark parses them, so the
peers run the very shapes vq4j ran (peers.py reads them from the JMH JSON of the same run).
  CodebookSearchBenchmark  n, d, k                    nearest              2·n·k·d
  SgemmBenchmark           shape "S" | "MxKxN", version   sgemm            2·m·k·n
  ConvBenchmark            shape "CinxCoutxHW", batch, device  forward / forwardBackward
                           3×3 stride 1 pad 1, no bias: fwd 2·B·Cout·HW²·Cin·9, fwd+bwd (dx, dW) 3× fwd
  AttentionBenchmark       shape "BxHxLxD", causal     forward / forwardBackward
                           fwd 4·B·H·L²·d (half if causal), fwd+bwd 3.5× fwd (FlashAttention-2 count:
                           the backward's 2.5× includes recomputing QKᵀ; the same count is used for the peers)
  GroupNormBenchmark       shape "NxCxHxW", device     forward / forwardBackward  (memory-bound: bytes, not FLOPs)
                           silu(group_norm(x, 32)): fwd reads x, writes y (8 B/elt); fwd+bwd also reads x, dy
                           and writes dx (20 B/elt)
"""

ATTN_FWD_BWD = 3.5   # AttentionBenchmark's javadoc: backward = 2.5× forward
CONV_FWD_BWD = 3.0   # ConvBenchmark's javadoc: forward + dx + dW


def _ints(s):
    return [int(v) for v in str(s).split("x")]


def codebook(p):
    return dict(n=int(p["n"]), d=int(p["d"]), k=int(p["k"]))


def sgemm(p):
    s = _ints(p["shape"])
    m, k, n = (s[0], s[0], s[0]) if len(s) == 1 else s
    return dict(m=m, k=k, n=n)


def conv(p):
    cin, cout, hw = _ints(p["shape"])
    return dict(batch=int(p.get("batch", 8)), cin=cin, cout=cout, size=hw)


def attention(p):
    b, h, l, d = _ints(p["shape"])
    return dict(batch=b, heads=h, seq=l, dim=d, causal=str(p.get("causal", "false")).lower() == "true")


def groupnorm(p):
    n, c, h, w = _ints(p["shape"])
    return dict(n=n, c=c, h=h, w=w)


# JMH class -> (peer family, shape parser, params that only select the implementation, their default)
FAMILIES = {
    "CodebookSearchBenchmark": ("codebook", codebook, {}),
    "SgemmBenchmark": ("sgemm", sgemm, {"version": "3"}),
    "ConvBenchmark": ("conv", conv, {"device": "cpu"}),
    "AttentionBenchmark": ("attention", attention, {}),
    "GroupNormBenchmark": ("groupnorm", groupnorm, {"device": "cpu"}),
}
ORDER = ["codebook", "sgemm", "conv", "attention", "groupnorm"]

# The @Param defaults of each benchmark (full run) and compare.sh's --quick subset, as JMH params;
# peers.py falls back to these when a family has no JMH result in the run.
FULL = {
    "codebook": [dict(n=n, d=d, k=k) for n in (4096, 65536) for d in (4, 8, 32, 64, 256) for k in (512, 1024, 8192, 16384)],
    "sgemm": [dict(shape=s) for s in ("512", "1024", "2048", "4096x256x16384")],
    "conv": [dict(shape=s, batch=8) for s in ("128x128x64", "256x256x32", "512x512x16", "3x128x256")],
    "attention": [dict(shape=s, causal="false") for s in ("8x1x256x512", "8x1x1024x512", "8x8x256x64")],
    "groupnorm": [dict(shape=s) for s in ("8x128x64x64", "8x256x32x32", "8x512x16x16")],
}
QUICK = {
    "codebook": [dict(n=4096, d=8, k=512), dict(n=4096, d=64, k=512)],
    "sgemm": [dict(shape="256")],
    "conv": [dict(shape="32x32x16", batch=1)],
    "attention": [dict(shape="1x1x64x32", causal="false")],
    "groupnorm": [dict(shape="1x64x16x16")],
}
PARSERS = {fam: parse for fam, parse, _ in FAMILIES.values()}


def key(shape):
    """Hashable identity of a parsed shape."""
    return tuple(sorted(shape.items()))


def label(fam, s):
    if fam == "codebook": return f"N={s['n']} D={s['d']} K={s['k']}"
    if fam == "sgemm": return f"{s['m']}×{s['k']}·{s['k']}×{s['n']}"
    if fam == "conv": return f"B={s['batch']} {s['cin']}→{s['cout']} @{s['size']}×{s['size']}"
    if fam == "attention": return f"B={s['batch']} H={s['heads']} L={s['seq']} d={s['dim']}" + (" causal" if s["causal"] else "")
    if fam == "groupnorm": return f"{s['n']}×{s['c']}×{s['h']}×{s['w']}"
    return str(s)


def work(fam, variant, s):
    """(amount, unit): FLOPs for compute-bound families, bytes (minimum traffic) for group norm."""
    bwd = variant == "forwardBackward"
    if fam == "codebook": return 2.0 * s["n"] * s["k"] * s["d"], "FLOP"
    if fam == "sgemm": return 2.0 * s["m"] * s["k"] * s["n"], "FLOP"
    if fam == "conv":
        f = 2.0 * s["batch"] * s["cout"] * s["size"] ** 2 * s["cin"] * 9
        return f * (CONV_FWD_BWD if bwd else 1), "FLOP"
    if fam == "attention":
        f = 4.0 * s["batch"] * s["heads"] * s["seq"] ** 2 * s["dim"] * (0.5 if s["causal"] else 1)
        return f * (ATTN_FWD_BWD if bwd else 1), "FLOP"
    if fam == "groupnorm":
        return (20.0 if bwd else 8.0) * s["n"] * s["c"] * s["h"] * s["w"], "B"
    raise KeyError(fam)
