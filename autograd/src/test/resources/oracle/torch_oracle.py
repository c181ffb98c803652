"""PyTorch oracle for vq4j's parity tests.

Reads one JSON request per line on stdin, answers one JSON line on stdout. A request names a
safetensors file of inputs (x0, x1, ... and the upstream gradient g), a Python expression over
them, which inputs need gradients, and where to write the results ("out" and "grad<i>").
One process serves a whole Java test class. Needs only torch and numpy (Debian's python3-torch).
"""
import json
import math
import struct
import sys
import traceback

import numpy as np
import torch
import torch.nn.functional as F


_NP = {"F32": np.float32, "F64": np.float64, "I64": np.int64, "I32": np.int32, "U8": np.uint8, "BOOL": np.bool_}
_NAME = {np.dtype(np.float32): "F32", np.dtype(np.int64): "I64", np.dtype(np.int32): "I32", np.dtype(np.bool_): "BOOL"}


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    base = 8 + n
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        arr = np.frombuffer(data[base + begin:base + end], dtype=_NP[info["dtype"]]).reshape(info["shape"])
        out[name] = torch.from_numpy(arr.copy())
    return out


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        # not np.ascontiguousarray: it turns a 0-dim array into shape (1,)
        arr = t.detach().cpu().contiguous().numpy()
        if arr.dtype == np.float64:
            arr = arr.astype(np.float32)
        raw = arr.tobytes()
        header[name] = {"dtype": _NAME[arr.dtype], "shape": list(arr.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def run_optimizer(name, params, loss, steps, clip=None, **kw):
    """Runs `steps` steps of torch.optim.<name>(**kw) on copies of params, minimising loss(*params)
    (gradients clipped to norm `clip` first when given); returns the final params flattened and
    concatenated. Lets optimiser parity tests be one expression."""
    ps = [p.detach().clone().requires_grad_(True) for p in params]
    opt = getattr(torch.optim, name)(ps, **kw)
    for _ in range(steps):
        opt.zero_grad()
        loss(*ps).backward()
        if clip is not None:
            torch.nn.utils.clip_grad_norm_(ps, clip)
        opt.step()
    return torch.cat([p.detach().flatten() for p in ps])


def serve(req):
    inputs = read_safetensors(req["inputs"])
    xs = [inputs["x%d" % i] for i in range(req["count"])]
    grad_of = req.get("grad", [])
    for i in grad_of:
        xs[i].requires_grad_(True)
    env = {"torch": torch, "F": F, "math": math, "np": np, "run_optimizer": run_optimizer}
    for i, x in enumerate(xs):
        env["x%d" % i] = x
    env["xs"] = xs
    out = eval(req["expr"], env)
    if isinstance(out, (tuple, list)):
        out = out[0]
    if not torch.is_tensor(out):
        out = torch.tensor(out)
    result = {"out": out}
    if grad_of and "g" in inputs and out.requires_grad:
        grads = torch.autograd.grad(out, [xs[i] for i in grad_of], inputs["g"], allow_unused=True)
        for i, g in zip(grad_of, grads):
            result["grad%d" % i] = torch.zeros_like(xs[i]) if g is None else g
    write_safetensors(req["output"], result)


def main():
    torch.set_num_threads(1)
    print(json.dumps({"ready": True, "torch": torch.__version__}), flush=True)
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        req = json.loads(line)
        try:
            serve(req)
            print(json.dumps({"ok": True}), flush=True)
        except Exception as e:  # report to the Java side, keep serving
            print(json.dumps({"ok": False, "error": "%s: %s" % (type(e).__name__, e), "trace": traceback.format_exc()}), flush=True)


if __name__ == "__main__":
    main()
