#!/usr/bin/python3
"""The peers vq4j is compared with, on exactly the shapes vq4j's JMH benchmarks ran, each at its best.

Run by bench/compare.sh with OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE; torch and FAISS are told the
thread count explicitly too. Every peer gets warm-up calls, preallocated/reused output buffers where
the API allows (out=..., FAISS D/I), a FAISS index built once outside the timing, and its median time
over timed calls. Shapes: read from the JMH JSON (--jmh) so they are the ones vq4j ran; families
without JMH results fall back to bench/shapes.py's FULL/QUICK lists. Writes JSON:
  {"meta": {...}, "records": [{"family", "variant", "shape": {...}, "peer", "seconds", "work", "unit"}]}

  /usr/bin/python3 bench/peers.py --out peers.json [--jmh jmh.json] [--quick] [--threads 2]
                                  [--families codebook,sgemm,conv,attention,groupnorm]
"""
import argparse, json, os, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy as np
import torch
import torch.nn.functional as F

import shapes as S

# Queries per torch call: the N×K distance matrix of the largest shapes (65536×16384 floats = 4 GiB)
# would not fit comfortably; slabs of 4096 queries keep it at 256 MiB (and are no slower).
TORCH_SLAB = 4096


def timed(fn, min_time, max_reps=50):
    """Median seconds per call after warm-up; timed calls until min_time seconds are spent (at least 1)."""
    t0 = time.perf_counter(); fn(); first = time.perf_counter() - t0  # warm-up 1
    if first > 10.0:
        return first  # a pathologically slow peer (e.g. reference BLAS): its first call is the figure
    if first < 1.0:
        fn()  # warm-up 2 for cheap calls
    times, spent = [], 0.0
    while len(times) < max_reps and (not times or spent < min_time):
        t0 = time.perf_counter(); fn(); dt = time.perf_counter() - t0
        times.append(dt); spent += dt
    return float(np.median(times))


def codebook(s, min_time, out):
    n, d, k = s["n"], s["d"], s["k"]
    g = torch.Generator().manual_seed(0)
    x = torch.randn(n, d, generator=g); c = torch.randn(k, d, generator=g)
    ct = c.t().contiguous(); cn = (c * c).sum(1)
    slab = min(n, TORCH_SLAB)
    dist = torch.empty(slab, k); idx = torch.empty(n, dtype=torch.long)

    def addmm():  # ||c||^2 - 2 x.c, argmin per row (||x||^2 does not change the argmin)
        for i in range(0, n, slab):
            torch.addmm(cn, x[i:i + slab], ct, beta=1, alpha=-2, out=dist)
            torch.argmin(dist, 1, out=idx[i:i + slab])

    def cdist():
        for i in range(0, n, slab):
            idx[i:i + slab] = torch.cdist(x[i:i + slab], c).argmin(1)

    out.append(rec("codebook", "nearest", s, "torch addmm+argmin", timed(addmm, min_time)))
    out.append(rec("codebook", "nearest", s, "torch cdist+argmin", timed(cdist, min_time)))
    try:
        import faiss
    except ImportError:
        print("peers: faiss not installed, skipped", file=sys.stderr); return
    index = faiss.IndexFlatL2(d); index.add(c.numpy())  # built once, outside the timing
    xn = x.numpy(); D = np.empty((n, 1), np.float32); I = np.empty((n, 1), np.int64)
    out.append(rec("codebook", "nearest", s, "faiss IndexFlatL2", timed(lambda: index.search(xn, 1, D=D, I=I), min_time)))


def sgemm(s, min_time, out):
    m, k, n = s["m"], s["k"], s["n"]
    rng = np.random.default_rng(0)
    a = rng.standard_normal((m, k), dtype=np.float32); b = rng.standard_normal((k, n), dtype=np.float32)
    c = np.empty((m, n), dtype=np.float32)
    out.append(rec("sgemm", "sgemm", s, "numpy matmul (OpenBLAS)", timed(lambda: np.matmul(a, b, out=c), min_time)))
    ta, tb, tc = torch.from_numpy(a), torch.from_numpy(b), torch.empty(m, n)
    out.append(rec("sgemm", "sgemm", s, "torch mm", timed(lambda: torch.mm(ta, tb, out=tc), min_time)))


def conv(s, min_time, out):
    b, ci, co, hw = s["batch"], s["cin"], s["cout"], s["size"]
    g = torch.Generator().manual_seed(0)
    x = torch.randn(b, ci, hw, hw, generator=g); w = torch.randn(co, ci, 3, 3, generator=g)
    with torch.no_grad():  # 3×3, stride 1, pad 1, no bias: as ConvBenchmark
        out.append(rec("conv", "forward", s, "torch conv2d", timed(lambda: F.conv2d(x, w, None, 1, 1), min_time)))
    xg, wg = x.clone().requires_grad_(), w.clone().requires_grad_()
    gy = torch.randn(b, co, hw, hw, generator=g)

    def step():  # input and weight gradients: the same work as vq4j's forwardBackward
        xg.grad = wg.grad = None
        F.conv2d(xg, wg, None, 1, 1).backward(gy)

    out.append(rec("conv", "forwardBackward", s, "torch conv2d", timed(step, min_time)))


def attention(s, min_time, out):
    b, h, l, d = s["batch"], s["heads"], s["seq"], s["dim"]
    g = torch.Generator().manual_seed(0)
    q, k, v = (torch.randn(b, h, l, d, generator=g) for _ in range(3))
    scale = d ** -0.5
    mask = torch.ones(l, l, dtype=torch.bool).triu(1) if s["causal"] else None

    def explicit(q, k, v):  # softmax(Q Kᵀ / sqrt(d)) V; the scale is folded into Q (L·d, not L² work)
        scores = torch.matmul(q * scale, k.transpose(-2, -1))
        if mask is not None:
            scores.masked_fill_(mask, float("-inf"))
        return torch.matmul(torch.softmax(scores, -1), v)

    with torch.no_grad():
        out.append(rec("attention", "forward", s, "torch explicit softmax", timed(lambda: explicit(q, k, v), min_time)))
    qg, kg, vg = (t.clone().requires_grad_() for t in (q, k, v))
    go = torch.randn(b, h, l, d, generator=g)

    def step():
        qg.grad = kg.grad = vg.grad = None
        explicit(qg, kg, vg).backward(go)

    out.append(rec("attention", "forwardBackward", s, "torch explicit softmax", timed(step, min_time)))


def groupnorm(s, min_time, out):
    shape = (s["n"], s["c"], s["h"], s["w"])
    g = torch.Generator().manual_seed(0)
    x = torch.randn(*shape, generator=g); w = torch.randn(s["c"], generator=g); bb = torch.randn(s["c"], generator=g)
    f = lambda x, w, bb: F.silu(F.group_norm(x, 32, w, bb, 1e-6))
    with torch.no_grad():
        out.append(rec("groupnorm", "forward", s, "torch group_norm+silu", timed(lambda: f(x, w, bb), min_time)))
    xg, wg, bg = x.clone().requires_grad_(), w.clone().requires_grad_(), bb.clone().requires_grad_()
    gy = torch.randn(*shape, generator=g)

    def step():
        xg.grad = wg.grad = bg.grad = None
        f(xg, wg, bg).backward(gy)

    out.append(rec("groupnorm", "forwardBackward", s, "torch group_norm+silu", timed(step, min_time)))


def rec(family, variant, shape, peer, seconds):
    amount, unit = S.work(family, variant, shape)
    print(f"  {family:9s} {variant:15s} {S.label(family, shape):36s} {peer:24s} {seconds * 1e3:10.3f} ms "
          f"{amount / seconds / 1e9:8.1f} G{unit}/s", file=sys.stderr, flush=True)
    return dict(family=family, variant=variant, shape=shape, peer=peer, seconds=seconds, work=amount, unit=unit)


def blas_info():
    """The BLAS/OpenMP libraries loaded in this process, as threadpoolctl reports them."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown (apt-get install python3-threadpoolctl)"
    return "; ".join(f"{i.get('internal_api')} {i.get('version')} ({i.get('user_api')}, "
                     f"{i.get('architecture') or i.get('threading_layer') or '-'}, {i.get('num_threads')} threads, "
                     f"{i.get('filepath')})" for i in threadpool_info())


def jmh_shapes(path):
    """family -> shapes (parsed), in JMH order, from a JMH JSON list."""
    found = {}
    if not path or not os.path.exists(path) or not os.path.getsize(path):
        return found
    for r in json.load(open(path)):
        cls = r["benchmark"].rsplit(".", 2)[-2]
        if cls in S.FAMILIES:
            fam, parse, _ = S.FAMILIES[cls]
            s = parse(r.get("params", {}))
            if s not in found.setdefault(fam, []):
                found[fam].append(s)
    return found


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--jmh")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--families", default=",".join(S.ORDER))
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    try:
        import faiss
        faiss.omp_set_num_threads(a.threads)
        faiss_version = getattr(faiss, "__version__", "?")
    except ImportError:
        faiss_version = "not installed"
    from_jmh = jmh_shapes(a.jmh)
    defaults = S.QUICK if a.quick else S.FULL
    min_time = 0.05 if a.quick else 0.5
    records = []
    for fam in a.families.split(","):
        todo = from_jmh.get(fam) or [S.PARSERS[fam](p) for p in defaults[fam]]
        for shape in todo:
            globals()[fam](shape, min_time, records)
    np.matmul(np.ones((64, 64), np.float32), np.ones((64, 64), np.float32))  # make sure the BLAS is loaded
    torch_blas = [t.strip() for t in torch.__config__.show().replace(",", "\n").splitlines() if "BLAS_INFO" in t or "MKL-DNN" in t]
    meta = dict(torch=torch.__version__, faiss=faiss_version, numpy=np.__version__, blas=blas_info(),
                torch_config="; ".join(torch_blas), torch_threads=torch.get_num_threads(),
                env={k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OMP_WAIT_POLICY", "OPENBLAS_CORETYPE",
                                                     "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS")})
    with open(a.out, "w") as f:
        json.dump(dict(meta=meta, records=records), f, indent=1)


if __name__ == "__main__":
    main()
