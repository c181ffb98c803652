#!/usr/bin/python3
"""The peers vq4j is compared with, on the shapes of ISSUE3 / docs/PERFORMANCE.md, each at its best.

Run by bench/compare.sh with OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE; torch and FAISS are told 2
threads explicitly too. Every peer gets warm-up calls, preallocated/reused output buffers where the
API allows (out=...), a FAISS index built once outside the timing, and its median time over timed
calls. Writes a JSON list of records:
  {"family", "variant", "shape": {...}, "peer", "seconds", "flops"}

  /usr/bin/python3 bench/peers.py --out peers.json [--quick] [--threads 2] [--families codebook,sgemm,conv,attention]
"""
import argparse, ctypes, json, os, sys, time

import numpy as np
import torch

QUICK = {
    "codebook": [dict(n=4096, d=8, k=512), dict(n=4096, d=64, k=512)],
    "sgemm": [dict(m=256, k=256, n=256)],
    "conv": [dict(batch=1, cin=32, cout=32, size=16)],
    "attention": [dict(batch=1, heads=1, seq=64, dim=32)],
}
FULL = {
    "codebook": [dict(n=n, d=d, k=k) for n in (4096, 65536) for d in (4, 8, 32, 64, 256) for k in (512, 1024, 8192, 16384)],
    "sgemm": [dict(m=512, k=512, n=512), dict(m=1024, k=1024, n=1024), dict(m=2048, k=2048, n=2048), dict(m=4096, k=256, n=16384)],
    "conv": [dict(batch=8, cin=128, cout=128, size=64), dict(batch=8, cin=256, cout=256, size=32),
             dict(batch=8, cin=512, cout=512, size=16), dict(batch=8, cin=3, cout=128, size=256)],
    "attention": [dict(batch=8, heads=1, seq=256, dim=512), dict(batch=8, heads=1, seq=1024, dim=512),
                  dict(batch=8, heads=8, seq=256, dim=64)],
}
# Queries per torch call: the N×K distance matrix of the largest shapes (65536×16384 floats = 4 GiB)
# would not fit; slabs of 4096 queries keep it in memory (and are faster than one huge matrix).
TORCH_SLAB = 4096


def timed(fn, min_time, max_reps=50):
    """Median seconds per call after warm-up; stops after min_time seconds of timed calls (at least 1 call)."""
    t0 = time.perf_counter(); fn(); first = time.perf_counter() - t0  # warm-up 1
    if first > 10.0:
        return first  # a very slow peer (e.g. reference BLAS): its first call is the figure, to bound the run time
    if first < 1.0:
        fn()  # warm-up 2 for cheap calls
    times, spent = [], 0.0
    while len(times) < max_reps and (not times or spent < min_time):
        t0 = time.perf_counter(); fn(); dt = time.perf_counter() - t0
        times.append(dt); spent += dt
    return float(np.median(times))


def codebook(shape, min_time, out):
    n, d, k = shape["n"], shape["d"], shape["k"]
    g = torch.Generator().manual_seed(0)
    x = torch.randn(n, d, generator=g); c = torch.randn(k, d, generator=g)
    flops = 2.0 * n * k * d
    ct = c.t().contiguous(); cn = (c * c).sum(1)
    slab = min(n, TORCH_SLAB)
    dist = torch.empty(slab, k); idx = torch.empty(n, dtype=torch.long)

    def addmm():  # ||c||^2 - 2 x.c, argmin per row (||x||^2 does not change the argmin)
        for s in range(0, n, slab):
            torch.addmm(cn, x[s:s + slab], ct, beta=1, alpha=-2, out=dist)
            torch.argmin(dist, 1, out=idx[s:s + slab])

    def cdist():
        for s in range(0, n, slab):
            idx[s:s + slab] = torch.cdist(x[s:s + slab], c).argmin(1)

    out.append(rec("codebook", "nearest", shape, "torch addmm+argmin", timed(addmm, min_time), flops))
    out.append(rec("codebook", "nearest", shape, "torch cdist+argmin", timed(cdist, min_time), flops))
    try:
        import faiss
        index = faiss.IndexFlatL2(d); index.add(c.numpy())  # built once, outside the timing
        xn = x.numpy()
        out.append(rec("codebook", "nearest", shape, "faiss IndexFlatL2", timed(lambda: index.search(xn, 1), min_time), flops))
    except ImportError:
        print("peers: faiss not installed, skipped", file=sys.stderr)


def sgemm(shape, min_time, out):
    m, k, n = shape["m"], shape["k"], shape["n"]
    rng = np.random.default_rng(0)
    a = rng.standard_normal((m, k), dtype=np.float32); b = rng.standard_normal((k, n), dtype=np.float32)
    c = np.empty((m, n), dtype=np.float32)
    flops = 2.0 * m * k * n
    out.append(rec("sgemm", "matmul", shape, "numpy matmul (system BLAS)", timed(lambda: np.matmul(a, b, out=c), min_time), flops))
    ta, tb, tc = torch.from_numpy(a), torch.from_numpy(b), torch.empty(m, n)
    out.append(rec("sgemm", "matmul", shape, "torch mm", timed(lambda: torch.mm(ta, tb, out=tc), min_time), flops))


def conv(shape, min_time, out):
    b, ci, co, s = shape["batch"], shape["cin"], shape["cout"], shape["size"]
    g = torch.Generator().manual_seed(0)
    x = torch.randn(b, ci, s, s, generator=g); w = torch.randn(co, ci, 3, 3, generator=g) * 0.05
    bias = torch.zeros(co)
    fwd = 2.0 * b * co * s * s * ci * 9
    with torch.no_grad():
        out.append(rec("conv", "forward", shape, "torch conv2d", timed(lambda: torch.nn.functional.conv2d(x, w, bias, 1, 1), min_time), fwd))
    xg, wg, bg = x.clone().requires_grad_(), w.clone().requires_grad_(), bias.clone().requires_grad_()
    gy = torch.randn(b, co, s, s, generator=g)

    def step():  # input, weight and bias gradients: the same work as vq4j's fwd+bwd
        xg.grad = wg.grad = bg.grad = None
        torch.nn.functional.conv2d(xg, wg, bg, 1, 1).backward(gy)

    out.append(rec("conv", "forwardBackward", shape, "torch conv2d", timed(step, min_time), 3 * fwd))


def attention(shape, min_time, out):
    b, h, s, d = shape["batch"], shape["heads"], shape["seq"], shape["dim"]
    g = torch.Generator().manual_seed(0)
    q, k, v = (torch.randn(b, h, s, d, generator=g) for _ in range(3))
    scale = d ** -0.5
    fwd = 4.0 * b * h * s * s * d

    def explicit(q, k, v):
        return torch.softmax(torch.matmul(q, k.transpose(-2, -1)) * scale, -1) @ v

    with torch.no_grad():
        out.append(rec("attention", "forward", shape, "torch explicit softmax", timed(lambda: explicit(q, k, v), min_time), fwd))
    qg, kg, vg = (t.clone().requires_grad_() for t in (q, k, v))
    go = torch.randn(b, h, s, d, generator=g)

    def step():
        qg.grad = kg.grad = vg.grad = None
        explicit(qg, kg, vg).backward(go)

    out.append(rec("attention", "forwardBackward", shape, "torch explicit softmax", timed(step, min_time), 3 * fwd))


def rec(family, variant, shape, peer, seconds, flops):
    r = dict(family=family, variant=variant, shape=shape, peer=peer, seconds=seconds, flops=flops)
    print(f"  {family:9s} {variant:15s} {str(shape):48s} {peer:24s} {seconds * 1e3:10.3f} ms  {flops / seconds / 1e9:8.1f} GFLOP/s", file=sys.stderr)
    return r


def openblas_info():
    """Which BLAS numpy loaded and, for OpenBLAS, the kernel it picked (threadpoolctl if available, else /proc/self/maps)."""
    try:
        from threadpoolctl import threadpool_info
        return "; ".join(f"{i.get('internal_api')} {i.get('version')} {i.get('architecture')} threads={i.get('num_threads')}" for i in threadpool_info())
    except ImportError:
        pass
    found = []
    for path in sorted({l.split()[-1] for l in open("/proc/self/maps") if "blas" in l.lower() and ".so" in l}):
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        if hasattr(lib, "openblas_get_corename"):
            lib.openblas_get_corename.restype = ctypes.c_char_p
            found.append(f"{path}: OpenBLAS core {lib.openblas_get_corename().decode()}")
        else:
            found.append(f"{path}: not OpenBLAS (no openblas_get_corename; Debian's reference BLAS if under /blas/)")
    if found:
        return "; ".join(found)
    return "no BLAS library found in the process"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--families", default="codebook,sgemm,conv,attention")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    try:
        import faiss
        faiss.omp_set_num_threads(a.threads)
        faiss_version = getattr(faiss, "__version__", "?")
    except ImportError:
        faiss_version = "not installed"
    shapes = QUICK if a.quick else FULL
    min_time = 0.05 if a.quick else 0.5
    records = []
    for fam in a.families.split(","):
        for shape in shapes[fam]:
            globals()[fam](shape, min_time, records)
    np.matmul(np.ones((64, 64), np.float32), np.ones((64, 64), np.float32))  # make sure OpenBLAS is loaded
    meta = dict(torch=torch.__version__, faiss=faiss_version, numpy=np.__version__, openblas=openblas_info(),
                torch_threads=torch.get_num_threads(), env={k: os.environ.get(k) for k in
                ("OMP_NUM_THREADS", "OMP_WAIT_POLICY", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS")})
    with open(a.out, "w") as f:
        json.dump(dict(meta=meta, records=records), f, indent=1)


if __name__ == "__main__":
    main()
