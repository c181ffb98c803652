#!/usr/bin/python3
"""PyTorch peers of bench/src/main/java/dev/vq4j/bench/GenerationBenchmark.java, same sizes, same machine.

GPT: taming-transformers' mingpt (pre-LN blocks; CausalSelfAttention with key/query/value/proj; exact-GELU
MLP 4x; ln_f; head without bias), 12 layers x 8 heads x 512 wide, vocab 1025, block 256, random weights;
generation as taming's cond_transformer.sample_with_past: forward_with_past with the past keys/values of
every earlier step kept in a list and torch.cat'ed each step, temperature 1, no top-k, torch.multinomial.
MaskGIT: a bidirectional transformer of the same size (pre-LN, qkv Linear, GELU MLP 4x, ln_f, head to K),
8 steps, cosine schedule, per step: forward, draw every masked position, confidence log p + tau*(1-s/T)*gumbel,
keep the least confident masked. torch.inference_mode(); every case timed at 1 thread and at --threads
(torch.set_num_threads), the faster kept with its thread count. Time: median of --reps timed calls after
one warm-up. Prints/writes JSON:
  {"meta": {...}, "records": [{"bench": "gptKvCache", "batch": 1, "tokens": 256, "seconds": s}, ...]}

  OMP_NUM_THREADS=2 /usr/bin/python3 bench/generation_peers.py --out gen-peers.json [--threads 2] [--reps 2]
"""
import argparse, json, math, os, sys, time

import torch
import torch.nn as nn
import torch.nn.functional as F

LAYERS, HEADS, WIDTH, CODES, GRID = 12, 8, 512, 1024, 16
SHORT = 64


class CausalSelfAttention(nn.Module):  # taming/modules/transformer/mingpt.py
    def __init__(self, c, h, block):
        super().__init__()
        self.key, self.query, self.value, self.proj = (nn.Linear(c, c) for _ in range(4))
        self.register_buffer("mask", torch.tril(torch.ones(block, block)).view(1, 1, block, block))
        self.n_head = h

    def forward(self, x, layer_past=None):
        B, T, C = x.size()
        k = self.key(x).view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        q = self.query(x).view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        v = self.value(x).view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        present = torch.stack((k, v))
        if layer_past is not None:
            past_key, past_value = layer_past
            k = torch.cat((past_key, k), dim=-2)
            v = torch.cat((past_value, v), dim=-2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        if layer_past is None:
            att = att.masked_fill(self.mask[:, :, :T, :T] == 0, float('-inf'))
        att = F.softmax(att, dim=-1)
        y = (att @ v).transpose(1, 2).contiguous().view(B, T, C)
        return self.proj(y), present


class Block(nn.Module):
    def __init__(self, c, h, block):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(c), nn.LayerNorm(c)
        self.attn = CausalSelfAttention(c, h, block)
        self.mlp = nn.Sequential(nn.Linear(c, 4 * c), nn.GELU(), nn.Linear(4 * c, c))

    def forward(self, x, layer_past=None, return_present=False):
        attn, present = self.attn(self.ln1(x), layer_past=layer_past)
        x = x + attn
        x = x + self.mlp(self.ln2(x))
        return (x, present) if (layer_past is not None or return_present) else x


class GPT(nn.Module):
    def __init__(self, vocab, block, n_layer, n_head, c):
        super().__init__()
        self.tok_emb = nn.Embedding(vocab, c)
        self.pos_emb = nn.Parameter(torch.zeros(1, block, c))
        self.blocks = nn.Sequential(*[Block(c, n_head, block) for _ in range(n_layer)])
        self.ln_f = nn.LayerNorm(c)
        self.head = nn.Linear(c, vocab, bias=False)
        for m in self.modules():
            if isinstance(m, (nn.Linear, nn.Embedding)):
                m.weight.data.normal_(0.0, 0.02)
                if isinstance(m, nn.Linear) and m.bias is not None: m.bias.data.zero_()

    def forward(self, idx):
        x = self.tok_emb(idx) + self.pos_emb[:, :idx.shape[1], :]
        x = self.blocks(x)
        return self.head(self.ln_f(x))

    def forward_with_past(self, idx, past=None, past_length=None):
        x = self.tok_emb(idx)
        if past is not None:
            past = torch.cat(past, dim=-2)  # as taming's mingpt: [n_layer, 2, b, nh, len_past, dim_head]
            position_embeddings = self.pos_emb[:, past_length, :]
        else:
            position_embeddings = self.pos_emb[:, :x.shape[1], :]
        x = x + position_embeddings
        presents = []
        for i, block in enumerate(self.blocks):
            x, present = block(x, layer_past=past[i, ...] if past is not None else None, return_present=True)
            presents.append(present)
        logits = self.head(self.ln_f(x))
        return logits, None, torch.stack(presents)


def sample_with_past(x, model, steps, temperature=1.):  # taming/models/cond_transformer.py
    sample = x
    cond_len = x.shape[1]
    past = None
    for n in range(steps):
        logits, _, present = model.forward_with_past(x, past=past, past_length=(n + cond_len - 1))
        if past is None:
            past = [present]
        else:
            past.append(present)
        logits = logits[:, -1, :CODES] / temperature
        probs = F.softmax(logits, dim=-1)
        x = torch.multinomial(probs, num_samples=1)
        sample = torch.cat((sample, x), dim=1)
    return sample[:, cond_len:]


def sample_recompute(x, model, steps):  # no cache: a full forward over the growing prefix per token
    for n in range(steps):
        logits = model(x)[:, -1, :CODES]
        x = torch.cat((x, torch.multinomial(F.softmax(logits, dim=-1), num_samples=1)), dim=1)
    return x[:, 1:]


class MaskGitBlock(nn.Module):
    def __init__(self, c, h):
        super().__init__()
        self.ln1, self.ln2, self.h = nn.LayerNorm(c), nn.LayerNorm(c), h
        self.qkv, self.proj = nn.Linear(c, 3 * c), nn.Linear(c, c)
        self.mlp = nn.Sequential(nn.Linear(c, 4 * c), nn.GELU(), nn.Linear(4 * c, c))

    def forward(self, x):
        B, L, C = x.shape
        q, k, v = self.qkv(self.ln1(x)).view(B, L, 3, self.h, C // self.h).permute(2, 0, 3, 1, 4)
        att = F.softmax((q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(C // self.h)), dim=-1)
        x = x + self.proj((att @ v).transpose(1, 2).reshape(B, L, C))
        return x + self.mlp(self.ln2(x))


class MaskGit(nn.Module):
    def __init__(self):
        super().__init__()
        n = GRID * GRID
        self.tok_emb = nn.Embedding(CODES + 1, WIDTH)
        self.pos_emb = nn.Parameter(torch.randn(n, WIDTH) * 0.02)
        self.blocks = nn.Sequential(*[MaskGitBlock(WIDTH, HEADS) for _ in range(LAYERS)])
        self.ln_f, self.head = nn.LayerNorm(WIDTH), nn.Linear(WIDTH, CODES)

    def forward(self, tokens):
        return self.head(self.ln_f(self.blocks(self.tok_emb(tokens) + self.pos_emb)))


def maskgit_sample(model, batch, steps=8, choice_temperature=4.5):
    n, mask = GRID * GRID, CODES
    tokens = torch.full((batch, n), mask, dtype=torch.long)
    for s in range(1, steps + 1):
        masked = tokens == mask
        logits = model(tokens)                                          # [B, N, K]
        logp = F.log_softmax(logits, dim=-1)
        drawn = torch.multinomial(logp.exp().view(-1, CODES), 1).view(batch, n)
        conf = torch.gather(logp, -1, drawn.unsqueeze(-1)).squeeze(-1)
        anneal = choice_temperature * (1 - s / steps)
        if anneal > 0:
            u = torch.rand(batch, n).clamp_(1e-20, 1 - 1e-7)
            conf = conf + anneal * -torch.log(-torch.log(u))
        conf = torch.where(masked, conf, torch.full_like(conf, float('inf')))
        keep_masked = 0 if s == steps else int(math.ceil(math.cos(math.pi / 2 * s / steps) * n))
        keep_masked = max(0, min(keep_masked, int(masked.sum(1).min()) - 1))
        reveal = masked.clone()
        if keep_masked > 0:
            low = torch.topk(conf, keep_masked, dim=-1, largest=False).indices
            reveal.scatter_(1, low, False)
        tokens = torch.where(reveal, drawn, tokens)
    return tokens


def timed(fn, reps):
    fn()  # warm-up
    times = []
    for _ in range(reps):
        t0 = time.perf_counter(); fn(); times.append(time.perf_counter() - t0)
    times.sort()
    return times[len(times) // 2]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out"); ap.add_argument("--threads", type=int, default=2); ap.add_argument("--reps", type=int, default=2)
    ap.add_argument("--batches", default="1,16"); ap.add_argument("--maskgit-batch", type=int, default=16)
    a = ap.parse_args()
    torch.manual_seed(0)
    recs = []
    gpt = GPT(CODES + 1, GRID * GRID, LAYERS, HEADS, WIDTH).eval()
    mg = MaskGit().eval()
    # the peer at its best setting: every case at 1 thread and at --threads, the faster kept (a batch-1
    # decode step is many tiny ops, where waking a second thread can cost more than it saves)
    counts = sorted({1, a.threads})

    def best(fn):
        runs = []
        for n in counts:
            torch.set_num_threads(n)
            runs.append((timed(fn, a.reps), n))
        return min(runs)

    with torch.inference_mode():
        for b in [int(x) for x in a.batches.split(",")]:
            sos = torch.full((b, 1), CODES, dtype=torch.long)
            secs, n = best(lambda: sample_with_past(sos, gpt, GRID * GRID))
            recs.append(dict(bench="gptKvCache", batch=b, tokens=b * GRID * GRID, seconds=secs, threads=n, peer="torch taming sample_with_past"))
            print(f"gpt sample_with_past batch {b}: {secs:.2f} s, {b * GRID * GRID / secs:.0f} tokens/s ({n} threads)", file=sys.stderr)
        sos = torch.full((1, 1), CODES, dtype=torch.long)
        secs, n = best(lambda: sample_with_past(sos, gpt, SHORT))
        recs.append(dict(bench="gptKvCacheShort", batch=1, tokens=SHORT, seconds=secs, threads=n, peer="torch taming sample_with_past"))
        secs, n = best(lambda: sample_recompute(sos, gpt, SHORT))
        recs.append(dict(bench="gptRecompute", batch=1, tokens=SHORT, seconds=secs, threads=n, peer="torch full forward per token"))
        print(f"gpt {SHORT} tokens: cache {recs[-2]['seconds']:.2f} s, recompute {secs:.2f} s", file=sys.stderr)
        b = a.maskgit_batch
        secs, n = best(lambda: maskgit_sample(mg, b))
        recs.append(dict(bench="maskGit", batch=b, images=b, seconds=secs, threads=n, peer="torch MaskGIT 8 steps"))
        print(f"maskgit batch {b}: {secs:.2f} s, {b / secs:.2f} images/s ({n} threads)", file=sys.stderr)
    torch.set_num_threads(a.threads)
    meta = dict(torch=torch.__version__, torch_threads=torch.get_num_threads(),
                env={k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OMP_WAIT_POLICY", "OPENBLAS_CORETYPE", "MKL_NUM_THREADS")},
                mkldnn=torch.backends.mkldnn.is_available(), mkl=torch.backends.mkl.is_available())
    out = json.dumps(dict(meta=meta, records=recs), indent=1)
    if a.out:
        open(a.out, "w").write(out)
    print(out)


if __name__ == "__main__":
    main()
