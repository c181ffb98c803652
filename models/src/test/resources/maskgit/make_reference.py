"""Reference outputs for vq4j's MaskGIT parity test (MaskGitParityTest).

A PyTorch MaskGIT transformer written here from the same design as MaskGitTransformer (state-dict
names as ours): token embedding over K codes + [MASK], a prepended class token (n_classes + 1 rows, the
last the null class) for the class-conditional model, learned position embedding over the N code
positions, pre-LN blocks with bidirectional softmax attention and an exact-GELU MLP, final LayerNorm and
a head to K logits. Random, non-trivial float32 weights; the forward and backward run in float64.
Records the logits, the masked cross-entropy (mean over masked tokens) and every parameter's gradient.
Usage: make_reference.py OUT_DIR
"""
import math
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

from torch_oracle import write_safetensors  # the parity oracle's writer (autograd test resources)


class Attention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)

    def forward(self, x):
        b, l, d = x.shape
        q, k, v = self.qkv(x).reshape(b, l, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        w = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d // self.heads), dim=-1)  # no causal mask
        return self.proj((w @ v).transpose(1, 2).reshape(b, l, d))


class Mlp(nn.Module):
    def __init__(self, d, hidden):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(d, hidden), nn.Linear(hidden, d)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x)))


class Block(nn.Module):
    def __init__(self, d, heads, hidden):
        super().__init__()
        self.ln1, self.attn, self.ln2, self.mlp = nn.LayerNorm(d), Attention(d, heads), nn.LayerNorm(d), Mlp(d, hidden)

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))


class MaskGit(nn.Module):
    def __init__(self, k, n, n_classes, n_layer, heads, d, hidden):
        super().__init__()
        self.pos_emb = nn.Parameter(torch.zeros(n, d))
        self.tok_emb = nn.Embedding(k + 1, d)
        if n_classes > 0:
            self.cls_emb = nn.Embedding(n_classes + 1, d)
        self.blocks = nn.ModuleList([Block(d, heads, hidden) for _ in range(n_layer)])
        self.ln_f = nn.LayerNorm(d)
        self.head = nn.Linear(d, k)

    def forward(self, tokens, labels):
        x = self.tok_emb(tokens) + self.pos_emb
        if hasattr(self, "cls_emb"):
            x = torch.cat([self.cls_emb(labels)[:, None, :], x], dim=1)
        for blk in self.blocks:
            x = blk(x)
        x = self.ln_f(x)
        if hasattr(self, "cls_emb"):
            x = x[:, 1:]
        return self.head(x)


def randomise(model, gen):
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.startswith("ln") or ".ln" in name:
                base = 1.0 if name.endswith("weight") else 0.0
                p.copy_(base + 0.2 * torch.randn(p.shape, generator=gen))
            elif p.dim() == 2 and not name.endswith("emb") and "emb." not in name:
                p.copy_(torch.randn(p.shape, generator=gen) / math.sqrt(p.shape[1]))
            else:
                p.copy_(0.5 * torch.randn(p.shape, generator=gen))


def run(out, tag, k, h, w, n_classes, n_layer, heads, d, hidden, batch, gen):
    n = h * w
    model = MaskGit(k, n, n_classes, n_layer, heads, d, hidden)
    randomise(model, gen)
    write_safetensors(f"{out}/{tag}_model.safetensors", model.state_dict())
    model = model.double()
    codes = torch.randint(0, k, (batch, n), generator=gen)
    masked = torch.rand(batch, n, generator=gen) < 0.5
    masked[:, 0] = True  # at least one per grid
    tokens = torch.where(masked, torch.full_like(codes, k), codes)
    targets = torch.where(masked, codes, torch.full_like(codes, -100))
    labels = torch.randint(0, n_classes + 1, (batch,), generator=gen) if n_classes > 0 else None
    if labels is not None:
        labels[-1] = n_classes  # the null class
    logits = model(tokens, labels)
    loss = F.cross_entropy(logits.reshape(batch * n, k), targets.reshape(-1), ignore_index=-100)
    loss.backward()
    ref = {"tokens": tokens, "targets": targets, "logits": logits, "loss": loss}
    if labels is not None:
        ref["labels"] = labels
    for name, p in model.named_parameters():
        ref["grad." + name] = p.grad
    write_safetensors(f"{out}/{tag}_reference.safetensors", ref)


def main():
    out = sys.argv[1]
    gen = torch.Generator().manual_seed(1234)
    run(out, "cond", k=12, h=3, w=4, n_classes=5, n_layer=2, heads=2, d=16, hidden=40, batch=3, gen=gen)
    run(out, "uncond", k=7, h=2, w=3, n_classes=0, n_layer=1, heads=4, d=8, hidden=16, batch=2, gen=gen)


if __name__ == "__main__":
    main()
