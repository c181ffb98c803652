#!/usr/bin/python3
"""PyTorch on the shapes DeviceKernelBenchmark ran, and the report table (docs/perf/devices.md).

Peers, each with preallocated outputs where the API allows, warm-up calls and the median of timed
calls (torch.cuda.synchronize() around each call on a GPU):
  sgemm      torch.mm(a, b, out=c)
  conv3x3    F.conv2d(x, w, padding=1)
  attention  softmax(q kᵀ · scale) v as three torch calls (PyTorch 1.13 has no fused attention on the CPU)
  search     torch.cdist(x, c).argmin(1)  and  torch.addmm(‖c‖², x, cᵀ, alpha=-2).argmin(1)
The device is "cuda" when the JMH run has a cuda device and torch sees a GPU, else "cpu".

  /usr/bin/python3 bench/device_peers.py --jmh OUT/jmh-*.json --threads 2 --commands OUT/commands.txt --out docs/perf/devices.md
"""
import argparse, json, platform, subprocess, time

import numpy as np
import torch
import torch.nn.functional as F


def flops(op, s):
    if op == "sgemm":
        m, k, n = (s[0], s[1], s[2]) if len(s) == 3 else (s[0], s[0], s[0])
        return 2.0 * m * n * k
    if op == "conv3x3":
        return 2.0 * s[0] * s[4] * s[2] * s[3] * s[1] * 9
    if op == "attention":
        return 4.0 * s[0] * s[1] * s[1] * s[2]
    return 2.0 * s[0] * s[2] * s[1]


def cpu_model():
    try:
        return next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or platform.machine()


def timed(fn, dev, min_time=1.0, max_reps=50):
    sync = torch.cuda.synchronize if dev == "cuda" else (lambda: None)
    for _ in range(2):
        fn()
    sync()
    times, spent = [], 0.0
    while len(times) < max_reps and (len(times) < 3 or spent < min_time):
        t0 = time.perf_counter(); fn(); sync(); dt = time.perf_counter() - t0
        times.append(dt); spent += dt
    return float(np.median(times))


def peers(op, s, dev):
    g = torch.Generator(device="cpu").manual_seed(0)
    r = lambda *shape: torch.randn(*shape, generator=g).to(dev)
    if op == "sgemm":
        m, k, n = (s[0], s[1], s[2]) if len(s) == 3 else (s[0], s[0], s[0])
        a, b, c = r(m, k), r(k, n), torch.empty(m, n, device=dev)
        return {"torch.mm": timed(lambda: torch.mm(a, b, out=c), dev)}
    if op == "conv3x3":
        x, w = r(s[0], s[1], s[2], s[3]), r(s[4], s[1], 3, 3)
        return {"F.conv2d": timed(lambda: F.conv2d(x, w, padding=1), dev)}
    if op == "attention":
        q, k, v = r(1, s[0], s[1], s[2]), r(1, s[0], s[1], s[2]), r(1, s[0], s[1], s[2])
        scale = 1 / s[2] ** 0.5
        return {"softmax(QKᵀ)V": timed(lambda: torch.softmax(q @ k.transpose(-1, -2) * scale, -1) @ v, dev)}
    x, c = r(s[0], s[1]), r(s[2], s[1])
    cn = (c * c).sum(1)
    return {"cdist+argmin": timed(lambda: torch.cdist(x, c).argmin(1), dev),
            "addmm+argmin": timed(lambda: torch.addmm(cn, x, c.t(), alpha=-2).argmin(1), dev)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jmh", nargs="+", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--commands")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    rows = {}  # (op, shape) -> {device: ms}
    devices = []
    for path in a.jmh:
        for rec in json.load(open(path)):
            p = rec["params"]
            key = (p["op"], p["shape"])
            rows.setdefault(key, {})[p["device"]] = rec["primaryMetric"]["score"]
            if p["device"] not in devices:
                devices.append(p["device"])
    peer_dev = "cuda" if any(d.startswith("cuda") for d in devices) and torch.cuda.is_available() else "cpu"
    peer_name = torch.cuda.get_device_name(0) if peer_dev == "cuda" else platform.processor() or platform.machine()
    lines = ["# Device backends: kernels per device, beside PyTorch", "",
             "Written by `bench/device_compare.sh` on %s (%s). vq4j: each kernel through the `Backend` interface, tensors resident "
             "on the device, timed to completion (JMH `DeviceKernelBenchmark`, average ms per call). PyTorch %s on `%s` (%s), "
             "%d threads, median of timed calls. GFLOP/s = flops / time; flops: SGEMM 2MNK, conv 2·N·O·H·W·C·9, attention 4·BH·L²·d "
             "(QKᵀ and PV), search 2·N·K·D." % (time.strftime("%Y-%m-%d"), cpu_model(), torch.__version__, peer_dev, peer_name, a.threads), "",
             "Without a GPU, `opencl` is a CPU driver such as PoCL (`vq4j info` names it): its figures then measure that "
             "driver's code for GPU-shaped kernels on the same cores, not a GPU.", ""]
    order = ["sgemm", "conv3x3", "attention", "search"]
    head = "| op | shape | " + " | ".join("vq4j %s: ms (GFLOP/s)" % d for d in devices) + " | PyTorch %s: ms (GFLOP/s) |" % peer_dev
    lines += [head, "|" + "---|" * (3 + len(devices))]
    for (op, shape), by_dev in sorted(rows.items(), key=lambda kv: (order.index(kv[0][0]), [int(v) for v in kv[0][1].split("x")])):
        s = [int(v) for v in shape.split("x")]
        f = flops(op, s)
        pr = peers(op, s, peer_dev)
        cells = ["%.3f (%.1f)" % (by_dev[d], f / (by_dev[d] * 1e6)) if d in by_dev else "-" for d in devices]
        cells.append("<br>".join("%s %.3f (%.1f)" % (k, v * 1e3, f / (v * 1e9)) for k, v in pr.items()))
        lines.append("| %s | %s | %s |" % (op, shape, " | ".join(cells)))
    lines += ["", "Shapes: sgemm `n` = n×n×n; conv3x3 `NxCxHxWxO`, stride 1, padding 1; attention `BHxLxd`, not causal; "
              "search `NxDxK`, top-1 squared L2.", ""]
    if a.commands:
        lines += ["Reproduce: `bench/device_compare.sh` (the JMH commands it ran:)", "", "```"] + \
                 [l.rstrip() for l in open(a.commands)] + ["```", ""]
    open(a.out, "w").write("\n".join(lines))


if __name__ == "__main__":
    main()
