"""PyTorch side of bench/vqgan_train_speed.sh: the same VQGAN autoencoder (taming's architecture,
as in models/src/test/resources/vqgan/make_reference.py, which this imports), L1 + codebook loss,
Adam (betas 0.5, 0.9), a fixed random batch in [-1, 1]; images/s over --steps after --warmup.
Prints one JSON line."""
import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "models", "src", "test", "resources", "vqgan"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "autograd", "src", "test", "resources", "oracle"))
import make_reference as taming  # noqa: E402

p = argparse.ArgumentParser()
p.add_argument("--steps", type=int, default=20)
p.add_argument("--warmup", type=int, default=3)
p.add_argument("--batch", type=int, default=8)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--tiny", action="store_true")
p.add_argument("--attn", type=lambda s: [int(r) for r in s.split(",")], default=[8])
a = p.parse_args()
torch.set_num_threads(a.threads)
if a.tiny:
    cfg = dict(ch=32, ch_mult=[1, 2], num_res_blocks=1, attn_resolutions=a.attn, z_channels=16, embed_dim=16, n_embed=64,
               resolution=16, in_channels=3, out_ch=3, dropout=0.0, double_z=False)
else:
    cfg = dict(ch=64, ch_mult=[1, 2, 2, 4], num_res_blocks=1, attn_resolutions=a.attn, z_channels=64, embed_dim=64, n_embed=1024,
               resolution=64, in_channels=3, out_ch=3, dropout=0.0, double_z=False)
torch.manual_seed(0)
model = taming.VQModel(cfg).train()
opt = torch.optim.Adam(model.parameters(), lr=1e-4, betas=(0.5, 0.9))
x = torch.rand(a.batch, 3, cfg["resolution"], cfg["resolution"]) * 2 - 1
start = 0.0
for s in range(a.warmup + a.steps):
    if s == a.warmup:
        start = time.perf_counter()
    quant, qloss, _ = model.quantize(model.prequant(x))
    loss = (model.decode(quant) - x).abs().mean() + qloss
    opt.zero_grad()
    loss.backward()
    opt.step()
sec = time.perf_counter() - start
print(json.dumps({"impl": "pytorch " + torch.__version__, "threads": a.threads, "batch": a.batch, "steps": a.steps, "warmup": a.warmup,
                  "seconds": round(sec, 3), "images_per_s": round(a.steps * a.batch / sec, 3), "final_loss": round(loss.item(), 5),
                  "config": str(cfg)}))
