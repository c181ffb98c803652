"""Reference outputs for vq4j's GPT prior parity tests (GptTestParity, GptTestTaming).

Builds taming-transformers' mingpt.GPT (written here from the published design, state-dict names as
taming's) at a small config with seeded random, non-trivial weights; records logits, the
cross-entropy loss and the gradient of every parameter (float64), and taming's greedy sample loop
(Net2NetTransformer.sample with sample=False). Also writes a tiny Net2NetTransformer-shaped Lightning
checkpoint (VQGAN first stage + GPT) with its yaml, and the greedy codes and decoded images of it.
Usage: make_reference.py OUT_DIR (vqgan_reference.py and torch_oracle.py beside it).
"""
import math
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

from torch_oracle import write_safetensors
import vqgan_reference as vqr


class CausalSelfAttention(nn.Module):
    def __init__(self, n_embd, n_head, block_size, n_unmasked):
        super().__init__()
        self.key, self.query, self.value = nn.Linear(n_embd, n_embd), nn.Linear(n_embd, n_embd), nn.Linear(n_embd, n_embd)
        self.proj = nn.Linear(n_embd, n_embd)
        mask = torch.tril(torch.ones(block_size, block_size))
        mask[:n_unmasked, :n_unmasked] = 1
        self.register_buffer("mask", mask.view(1, 1, block_size, block_size))
        self.n_head = n_head

    def forward(self, x):
        b, t, c = x.shape
        split = lambda y: y.view(b, t, self.n_head, c // self.n_head).transpose(1, 2)
        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        att = (q @ k.transpose(-2, -1)) / math.sqrt(k.size(-1))
        att = att.masked_fill(self.mask[:, :, :t, :t] == 0, float("-inf"))
        y = F.softmax(att, dim=-1) @ v
        return self.proj(y.transpose(1, 2).contiguous().view(b, t, c))


class Block(nn.Module):
    def __init__(self, n_embd, n_head, block_size, n_unmasked):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(n_embd), nn.LayerNorm(n_embd)
        self.attn = CausalSelfAttention(n_embd, n_head, block_size, n_unmasked)
        self.mlp = nn.Sequential(nn.Linear(n_embd, 4 * n_embd), nn.GELU(), nn.Linear(4 * n_embd, n_embd), nn.Dropout(0.0))

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))


class GPT(nn.Module):
    def __init__(self, vocab_size, block_size, n_layer, n_head, n_embd, n_unmasked=0):
        super().__init__()
        self.tok_emb = nn.Embedding(vocab_size, n_embd)
        self.pos_emb = nn.Parameter(torch.zeros(1, block_size, n_embd))
        self.blocks = nn.Sequential(*[Block(n_embd, n_head, block_size, n_unmasked) for _ in range(n_layer)])
        self.ln_f = nn.LayerNorm(n_embd)
        self.head = nn.Linear(n_embd, vocab_size, bias=False)
        self.block_size = block_size

    def forward(self, idx):
        x = self.tok_emb(idx) + self.pos_emb[:, :idx.shape[1]]
        return self.head(self.ln_f(self.blocks(x)))


def randomize(gpt, g):
    """Weights large enough that logits spread over several nats (greedy choices with clear margins)."""
    with torch.no_grad():
        for name, p in gpt.named_parameters():
            if name.endswith("mask"):
                continue
            if "ln" in name and name.endswith("weight"):
                p.copy_(1 + 0.3 * torch.randn(p.shape, generator=g))
            elif name.endswith("bias"):
                p.copy_(0.1 * torch.randn(p.shape, generator=g))
            elif name == "pos_emb":
                p.copy_(0.5 * torch.randn(p.shape, generator=g))
            else:
                fan = p.shape[1] if p.dim() == 2 and name != "tok_emb.weight" else 1
                p.copy_(torch.randn(p.shape, generator=g) * ((3.0 if name == "head.weight" else 1.0) / math.sqrt(fan)))


@torch.no_grad()
def taming_sample(gpt, c, steps):
    """taming's Net2NetTransformer.sample with sample=False (greedy via topk(probs, 1)), pkeep > 0 branch."""
    x = c
    margin = float("inf")
    for _ in range(steps):
        assert x.size(1) <= gpt.block_size
        logits = gpt(x)[:, -1, :]
        probs = F.softmax(logits, dim=-1)
        top2 = torch.topk(logits, 2, dim=-1).values
        margin = min(margin, (top2[:, 0] - top2[:, 1]).min().item())
        _, ix = torch.topk(probs, k=1, dim=-1)
        x = torch.cat((x, ix), dim=1)
    return x[:, c.shape[1]:], margin


VQ = dict(ch=32, ch_mult=[1, 2], num_res_blocks=1, attn_resolutions=[], z_channels=8, embed_dim=8, n_embed=32,
          resolution=8, in_channels=3, out_ch=3, dropout=0.0, double_z=False)
TR = dict(vocab_size=32, block_size=16, n_layer=2, n_head=2, n_embd=32)


def write_transformer_yaml(path, cond):
    with open(path, "w") as f:
        f.write("""model:
  base_learning_rate: 4.5e-06
  target: taming.models.cond_transformer.Net2NetTransformer
  params:
    cond_stage_key: %s
    pkeep: 0.9
    sos_token: 5
    transformer_config:
      target: taming.modules.transformer.mingpt.GPT
      params:
        vocab_size: %d
        block_size: %d
        n_layer: %d
        n_head: %d
        n_embd: %d
    first_stage_config:
      target: taming.models.vqgan.VQModel
      params:
        embed_dim: %d
        n_embed: %d
        ddconfig:
          double_z: false
          z_channels: %d
          resolution: %d
          in_channels: 3
          out_ch: 3
          ch: %d
          ch_mult: [ 1, 2 ]
          num_res_blocks: %d
          attn_resolutions: [ ]
          dropout: 0.0
        lossconfig:
          target: taming.modules.losses.DummyLoss
    cond_stage_config: %s
    permuter_config:
      target: taming.modules.transformer.permuter.Identity
""" % ("class_label" if cond else "image", TR["vocab_size"], TR["block_size"], TR["n_layer"], TR["n_head"], TR["n_embd"],
       VQ["embed_dim"], VQ["n_embed"], VQ["z_channels"], VQ["resolution"], VQ["ch"], VQ["num_res_blocks"],
       "\n      target: taming.modules.util.Labelator\n      params:\n        n_classes: 10" if cond else "__is_unconditional__"))


def greedy_safe_gpt(cfg, conds, steps):
    """The first seeded random GPT whose greedy paths from conds keep a logit gap > 1e-3 between the two best tokens
    (so float32 rounding cannot flip a choice); returns it with its greedy codes (float64)."""
    for seed in range(100, 200):
        gpt = GPT(**cfg)
        randomize(gpt, torch.Generator().manual_seed(seed))
        ref = GPT(**cfg)
        ref.load_state_dict(gpt.state_dict())
        ref.double()
        outs, margin = [], float("inf")
        for c in conds:
            z, m = taming_sample(ref, c, steps)
            outs.append(z)
            margin = min(margin, m)
        if margin > 1e-3:
            return gpt, outs
    raise AssertionError("no GPT with clear greedy margins")


def main(out):
    torch.manual_seed(0)
    g = torch.Generator().manual_seed(1)
    cfg = dict(vocab_size=40, block_size=20, n_layer=2, n_head=2, n_embd=32)
    # taming's greedy loop: unconditional (sos 7) and class tokens 3 and 11 (Labelator: the label is the token), 20 codes
    gpt, (codes, ccodes) = greedy_safe_gpt(cfg, [torch.full((2, 1), 7, dtype=torch.long), torch.tensor([[3], [11]])], 20)
    write_safetensors(out + "/gpt.safetensors", {k: v.clone() for k, v in gpt.state_dict().items()})
    gpt.double()
    idx = torch.randint(0, 40, (3, 20), generator=g)
    targets = torch.randint(0, 40, (3, 20), generator=g)
    logits = gpt(idx)
    loss = F.cross_entropy(logits.view(-1, 40), targets.view(-1))
    names = [n for n, _ in gpt.named_parameters()]
    grads = torch.autograd.grad(loss, [p for _, p in gpt.named_parameters()])
    ref = {"idx": idx, "targets": targets, "logits": logits, "loss": loss}
    for n, gr in zip(names, grads):
        ref["grad." + n] = gr
    ref["greedy_uncond"], ref["greedy_class"] = codes, ccodes
    # n_unmasked = 3: the explicit-mask path
    gu = GPT(**cfg, n_unmasked=3)
    randomize(gu, g)
    write_safetensors(out + "/gpt_unmasked.safetensors", {k: v.clone() for k, v in gu.state_dict().items()})
    ref["logits_unmasked"] = gu.double()(idx)
    write_safetensors(out + "/gpt_reference.safetensors", ref)

    # a Net2NetTransformer-shaped Lightning checkpoint: VQGAN first stage + GPT over its 4x4 grid
    vq = vqr.VQModel(VQ)
    vqr.perturb_norms(vq, g)
    conds = {"uncond": torch.full((2, 1), 5, dtype=torch.long), "class": torch.tensor([[2], [7]])}
    tr, zs = greedy_safe_gpt(TR, list(conds.values()), 16)
    sd = {}
    for k, v in vq.state_dict().items():
        sd["first_stage_model." + k] = v.clone()
    for k, v in tr.state_dict().items():
        sd["transformer." + k] = v.clone()
    torch.save({"state_dict": sd, "global_step": 0, "epoch": 0, "pytorch-lightning_version": "1.0.8"}, out + "/transformer.ckpt")
    write_transformer_yaml(out + "/transformer.yaml", False)
    write_transformer_yaml(out + "/transformer_class.yaml", True)
    vq.double()
    tref = {}
    for name, z in zip(conds.keys(), zs):
        with torch.no_grad():
            q = vq.quantize.embedding(z).view(2, 4, 4, VQ["embed_dim"]).permute(0, 3, 1, 2)
            tref["codes_" + name] = z.view(2, 4, 4)
            tref["image_" + name] = vq.decode(q)
    write_safetensors(out + "/transformer_reference.safetensors", tref)


if __name__ == "__main__":
    main(sys.argv[1])
