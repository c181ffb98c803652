"""Reference outputs for vq4j's VQGAN parity test (VqganParityTest).

Builds taming-transformers' VQModel, LPIPS and NLayerDiscriminator architectures (written here
from the published design, state-dict names as taming's) at a small config with seeded random,
non-trivial weights, saves them (safetensors + a Lightning-style torch.save checkpoint) and
records outputs and gradients for fixed inputs. Usage: make_reference.py OUT_DIR
"""
import json
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

from torch_oracle import write_safetensors  # the parity oracle's writer (autograd test resources)

CONFIG = dict(ch=32, ch_mult=[1, 2], num_res_blocks=1, attn_resolutions=[8], z_channels=16, embed_dim=16,
              n_embed=64, resolution=16, in_channels=3, out_ch=3, dropout=0.0, double_z=False)


def norm(c):
    return nn.GroupNorm(32, c, eps=1e-6, affine=True)


def swish(x):
    return x * torch.sigmoid(x)


class ResnetBlock(nn.Module):
    def __init__(self, cin, cout, dropout):
        super().__init__()
        self.norm1, self.conv1 = norm(cin), nn.Conv2d(cin, cout, 3, 1, 1)
        self.norm2, self.dropout, self.conv2 = norm(cout), nn.Dropout(dropout), nn.Conv2d(cout, cout, 3, 1, 1)
        if cin != cout:
            self.nin_shortcut = nn.Conv2d(cin, cout, 1)

    def forward(self, x):
        h = self.conv1(swish(self.norm1(x)))
        h = self.conv2(self.dropout(swish(self.norm2(h))))
        return (self.nin_shortcut(x) if hasattr(self, "nin_shortcut") else x) + h


class AttnBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.norm = norm(c)
        self.q, self.k, self.v, self.proj_out = (nn.Conv2d(c, c, 1) for _ in range(4))

    def forward(self, x):
        h = self.norm(x)
        b, c, hh, ww = x.shape
        q = self.q(h).reshape(b, c, hh * ww).permute(0, 2, 1)
        k = self.k(h).reshape(b, c, hh * ww)
        w = torch.softmax(torch.bmm(q, k) * (int(c) ** (-0.5)), dim=2)
        v = self.v(h).reshape(b, c, hh * ww)
        return x + self.proj_out(torch.bmm(v, w.permute(0, 2, 1)).reshape(b, c, hh, ww))


class Down(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, 2, 0)

    def forward(self, x):
        return self.conv(F.pad(x, (0, 1, 0, 1), mode="constant", value=0))


class Up(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, 1, 1)

    def forward(self, x):
        return self.conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))


class Mid(nn.Module):
    def __init__(self, c, d):
        super().__init__()
        self.block_1, self.attn_1, self.block_2 = ResnetBlock(c, c, d), AttnBlock(c), ResnetBlock(c, c, d)

    def forward(self, x):
        return self.block_2(self.attn_1(self.block_1(x)))


def level():
    m = nn.Module()
    m.block, m.attn = nn.ModuleList(), nn.ModuleList()
    return m


def run_level(m, h, resample):
    for j, blk in enumerate(m.block):
        h = blk(h)
        if len(m.attn) > 0:
            h = m.attn[j](h)
    return getattr(m, resample)(h) if hasattr(m, resample) else h


class Encoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv_in = nn.Conv2d(c["in_channels"], c["ch"], 3, 1, 1)
        res, bin_, self.down = c["resolution"], c["ch"], nn.ModuleList()
        for i, m in enumerate(c["ch_mult"]):
            lv = level()
            for _ in range(c["num_res_blocks"]):
                lv.block.append(ResnetBlock(bin_, c["ch"] * m, c["dropout"]))
                bin_ = c["ch"] * m
                if res in c["attn_resolutions"]:
                    lv.attn.append(AttnBlock(bin_))
            if i != len(c["ch_mult"]) - 1:
                lv.downsample = Down(bin_)
                res //= 2
            self.down.append(lv)
        self.mid, self.norm_out = Mid(bin_, c["dropout"]), norm(bin_)
        self.conv_out = nn.Conv2d(bin_, c["z_channels"], 3, 1, 1)

    def forward(self, x):
        h = self.conv_in(x)
        for lv in self.down:
            h = run_level(lv, h, "downsample")
        return self.conv_out(swish(self.norm_out(self.mid(h))))


class Decoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        n = len(c["ch_mult"])
        bin_, res = c["ch"] * c["ch_mult"][-1], c["resolution"] // 2 ** (n - 1)
        self.conv_in = nn.Conv2d(c["z_channels"], bin_, 3, 1, 1)
        self.mid, self.up = Mid(bin_, c["dropout"]), nn.ModuleList()
        for i in reversed(range(n)):
            lv = level()
            for _ in range(c["num_res_blocks"] + 1):
                lv.block.append(ResnetBlock(bin_, c["ch"] * c["ch_mult"][i], c["dropout"]))
                bin_ = c["ch"] * c["ch_mult"][i]
                if res in c["attn_resolutions"]:
                    lv.attn.append(AttnBlock(bin_))
            if i != 0:
                lv.upsample = Up(bin_)
                res *= 2
            self.up.insert(0, lv)
        self.norm_out, self.conv_out = norm(bin_), nn.Conv2d(bin_, c["out_ch"], 3, 1, 1)

    def forward(self, z):
        h = self.mid(self.conv_in(z))
        for i in reversed(range(len(self.up))):
            h = run_level(self.up[i], h, "upsample")
        return self.conv_out(swish(self.norm_out(h)))


class VectorQuantizer(nn.Module):
    """taming's legacy quantiser: loss = mean((sg(z_q) - z)^2) + beta * mean((z_q - sg(z))^2)."""

    def __init__(self, n_e, e_dim, beta):
        super().__init__()
        self.beta, self.embedding = beta, nn.Embedding(n_e, e_dim)

    def forward(self, z):
        zp = z.permute(0, 2, 3, 1).contiguous()
        flat = zp.view(-1, zp.shape[-1])
        e = self.embedding.weight
        d = flat.pow(2).sum(1, keepdim=True) + e.pow(2).sum(1) - 2 * flat @ e.t()
        idx = torch.argmin(d, dim=1)
        zq = self.embedding(idx).view(zp.shape)
        loss = torch.mean((zq.detach() - zp) ** 2) + self.beta * torch.mean((zq - zp.detach()) ** 2)
        zq = zp + (zq - zp).detach()
        return zq.permute(0, 3, 1, 2).contiguous(), loss, idx.view(zp.shape[:3])


class VQModel(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.encoder, self.decoder = Encoder(c), Decoder(c)
        self.quantize = VectorQuantizer(c["n_embed"], c["embed_dim"], 0.25)
        self.quant_conv = nn.Conv2d(c["z_channels"], c["embed_dim"], 1)
        self.post_quant_conv = nn.Conv2d(c["embed_dim"], c["z_channels"], 1)

    def prequant(self, x):
        return self.quant_conv(self.encoder(x))

    def decode(self, q):
        return self.decoder(self.post_quant_conv(q))


class ScalingLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("shift", torch.Tensor([-.030, -.088, -.188])[None, :, None, None])
        self.register_buffer("scale", torch.Tensor([.458, .448, .450])[None, :, None, None])

    def forward(self, x):
        return (x - self.shift) / self.scale


class Vgg16Slices(nn.Module):
    def __init__(self):
        super().__init__()
        feats, cin = [], 3
        for b, (n, c) in enumerate(zip([2, 2, 3, 3, 3], [64, 128, 256, 512, 512])):
            if b > 0:
                feats.append(nn.MaxPool2d(2, 2))
            for _ in range(n):
                feats += [nn.Conv2d(cin, c, 3, 1, 1), nn.ReLU(inplace=False)]
                cin = c
        feats.append(nn.MaxPool2d(2, 2))  # torchvision's features[30]; not in any slice
        bounds = [(0, 4), (4, 9), (9, 16), (16, 23), (23, 30)]
        for s, (a, z) in enumerate(bounds):
            seq = nn.Sequential()
            for i in range(a, z):
                seq.add_module(str(i), feats[i])
            setattr(self, "slice%d" % (s + 1), seq)

    def forward(self, x):
        out = []
        for s in range(1, 6):
            x = getattr(self, "slice%d" % s)(x)
            out.append(x)
        return out


class NetLinLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.model = nn.Sequential(nn.Dropout(), nn.Conv2d(c, 1, 1, 1, 0, bias=False))


class LPIPS(nn.Module):
    def __init__(self):
        super().__init__()
        self.scaling_layer, self.net = ScalingLayer(), Vgg16Slices()
        for i, c in enumerate([64, 128, 256, 512, 512]):
            setattr(self, "lin%d" % i, NetLinLayer(c))

    def forward(self, a, b):
        fa, fb = self.net(self.scaling_layer(a)), self.net(self.scaling_layer(b))
        total = 0
        for i in range(5):
            na = fa[i] / (torch.sqrt(torch.sum(fa[i] ** 2, dim=1, keepdim=True)) + 1e-10)
            nb = fb[i] / (torch.sqrt(torch.sum(fb[i] ** 2, dim=1, keepdim=True)) + 1e-10)
            total = total + getattr(self, "lin%d" % i).model((na - nb) ** 2).mean([2, 3], keepdim=True)
        return total


class NLayerDiscriminator(nn.Module):
    def __init__(self, input_nc=3, ndf=64, n_layers=3):
        super().__init__()
        seq, mult = [nn.Conv2d(input_nc, ndf, 4, 2, 1), nn.LeakyReLU(0.2, True)], 1
        for n in range(1, n_layers + 1):
            prev, mult = mult, min(2 ** n, 8)
            seq += [nn.Conv2d(ndf * prev, ndf * mult, 4, 2 if n < n_layers else 1, 1, bias=False),
                    nn.BatchNorm2d(ndf * mult), nn.LeakyReLU(0.2, True)]
        seq += [nn.Conv2d(ndf * mult, 1, 4, 1, 1)]
        self.main = nn.Sequential(*seq)

    def forward(self, x):
        return self.main(x)


def write_yaml(path):
    """taming's configs/*.yaml layout for CONFIG; the discriminator as built below (ndf 16, 3 layers)."""
    c = CONFIG
    with open(path, "w") as f:
        f.write("""model:
  base_learning_rate: 4.5e-06
  target: taming.models.vqgan.VQModel
  params:
    embed_dim: %d
    n_embed: %d
    ddconfig:
      double_z: False
      z_channels: %d
      resolution: %d
      in_channels: 3
      out_ch: 3
      ch: %d
      ch_mult: [ %s ]  # num_down = len(ch_mult)-1
      num_res_blocks: %d
      attn_resolutions: [%s]
      dropout: 0.0
    lossconfig:
      target: taming.modules.losses.vqperceptual.VQLPIPSWithDiscriminator
      params:
        disc_conditional: False
        disc_in_channels: 3
        disc_start: 10000
        disc_weight: 0.8
        disc_ndf: 16
        codebook_weight: 1.0
""" % (c["embed_dim"], c["n_embed"], c["z_channels"], c["resolution"], c["ch"], ",".join(map(str, c["ch_mult"])),
       c["num_res_blocks"], ",".join(map(str, c["attn_resolutions"]))))


def perturb_norms(module, g):
    for m in module.modules():
        if isinstance(m, (nn.GroupNorm, nn.BatchNorm2d)):
            with torch.no_grad():
                m.weight.copy_(1 + 0.3 * torch.randn(m.weight.shape, generator=g))
                m.bias.copy_(0.3 * torch.randn(m.bias.shape, generator=g))


def code_margin(z, e):
    """Smallest relative gap between the best and second-best code distance (float64)."""
    flat = z.permute(0, 2, 3, 1).reshape(-1, z.shape[1]).double()
    d = torch.cdist(flat, e.double()) ** 2
    top = torch.topk(d, 2, dim=1, largest=False).values
    return ((top[:, 1] - top[:, 0]) / top[:, 1].clamp_min(1e-12)).min().item()


def main(out):
    torch.manual_seed(0)
    g = torch.Generator().manual_seed(1)
    model = VQModel(CONFIG)
    perturb_norms(model, g)
    x = torch.rand(2, 3, 16, 16, generator=g) * 2 - 1
    with torch.no_grad():
        h = model.prequant(x)
        # a codebook on the latents' scale, so every position has a clear nearest code
        model.quantize.embedding.weight.copy_(torch.randn(CONFIG["n_embed"], CONFIG["embed_dim"], generator=g) * h.std() + h.mean())
    margin = code_margin(h, model.quantize.embedding.weight)
    assert margin > 1e-3, "nearest-code margin too small: %g" % margin
    sd = {k: v.clone() for k, v in model.state_dict().items()}
    write_safetensors(out + "/model.safetensors", sd)
    # references in float64 from the float32 weights and inputs: the exact answer the float32 Java side must approach
    # (PyTorch's own float32 gradients can be off by more than the tolerance, e.g. at near-tied max-pool windows)
    model.double()
    x = x.double()

    ref = {"x": x}
    # encoder alone: h and d<sum(h * gh)>/dθ
    gh = torch.randn(h.shape, generator=g).double()
    h = model.prequant(x)
    ref["h"], ref["gh"] = h, gh
    enc_names = ["encoder.conv_in.weight", "encoder.down.1.block.0.nin_shortcut.weight", "encoder.mid.attn_1.q.weight",
                 "encoder.down.0.downsample.conv.weight", "encoder.norm_out.weight", "quant_conv.weight"]
    params = dict(model.named_parameters())
    for n, gr in zip(enc_names, torch.autograd.grad((h * gh).sum(), [params[n] for n in enc_names])):
        ref["grad_enc." + n] = gr
    # quantiser
    quant, qloss, idx = model.quantize(h.detach())
    ref["quant"], ref["qloss"], ref["indices"] = quant, qloss, idx
    # decoder alone from the reference quant: reconstruction and d<mean|x̂ - x|>/dθ
    recon = model.decode(quant.detach())
    ref["recon"] = recon
    dec_names = ["post_quant_conv.weight", "decoder.conv_in.weight", "decoder.up.1.attn.1.k.weight",
                 "decoder.up.1.upsample.conv.weight", "decoder.up.0.block.0.nin_shortcut.weight", "decoder.mid.block_1.norm1.weight",
                 "decoder.conv_out.weight"]
    for n, gr in zip(dec_names, torch.autograd.grad((recon - x).abs().mean(), [params[n] for n in dec_names])):
        ref["grad_dec." + n] = gr
    # the whole model: L1 + codebook loss
    quant, qloss, _ = model.quantize(model.prequant(x))
    recon = model.decode(quant)
    loss = (recon - x).abs().mean() + qloss
    ref["full_loss"] = loss
    full_names = ["encoder.conv_in.weight", "encoder.mid.attn_1.v.weight", "quantize.embedding.weight", "quant_conv.bias",
                  "decoder.conv_out.weight"]
    for n, gr in zip(full_names, torch.autograd.grad(loss, [params[n] for n in full_names])):
        ref["grad_full." + n] = gr
    write_safetensors(out + "/reference.safetensors", ref)

    ckpt_sd = dict(sd)
    disc = NLayerDiscriminator(3, 16, 3)
    perturb_norms(disc, g)
    for m in disc.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.copy_(0.1 * torch.randn(m.running_mean.shape, generator=g))
            m.running_var.copy_(1 + 0.5 * torch.rand(m.running_var.shape, generator=g))
    dsd = {k: v.clone() for k, v in disc.state_dict().items()}
    disc.double()
    for k, v in dsd.items():
        ckpt_sd["loss.discriminator." + k] = v
    write_yaml(out + "/model.yaml")
    torch.save({"state_dict": ckpt_sd, "global_step": 0, "epoch": 0, "pytorch-lightning_version": "1.0.8"}, out + "/model.ckpt")

    # discriminator: eval (running statistics), then train (batch statistics)
    write_safetensors(out + "/disc.safetensors", {k: v for k, v in dsd.items()})
    dx = torch.randn(2, 3, 32, 32, generator=g).double()
    disc.eval()
    d_eval = disc(dx)
    disc.train()
    dx.requires_grad_(True)
    d_train = disc(dx)
    dgrad = torch.autograd.grad(d_train.square().mean(), [dx, disc.main[0].weight, disc.main[3].weight])
    real, fake = torch.randn(2, 1, 3, 3, generator=g), torch.randn(2, 1, 3, 3, generator=g)
    write_safetensors(out + "/disc_ref.safetensors", {
        "x": dx, "out_eval": d_eval, "out_train": d_train, "grad_x": dgrad[0], "grad_main.0.weight": dgrad[1],
        "grad_main.3.weight": dgrad[2], "running_mean_after": disc.main[3].running_mean, "running_var_after": disc.main[3].running_var,
        "real": real, "fake": fake,
        "hinge": 0.5 * (F.relu(1 - real).mean() + F.relu(1 + fake).mean()),
        "vanilla": 0.5 * (F.softplus(-real).mean() + F.softplus(fake).mean())})

    # LPIPS with random (He-initialised) VGG and positive lin weights
    lp = LPIPS()
    for m in lp.modules():
        if isinstance(m, nn.Conv2d):
            with torch.no_grad():
                if m.out_channels == 1:
                    m.weight.copy_(torch.rand(m.weight.shape, generator=g))
                else:
                    m.weight.copy_(torch.randn(m.weight.shape, generator=g) * (2.0 / (m.in_channels * 9)) ** 0.5)
                    m.bias.copy_(0.01 * torch.randn(m.bias.shape, generator=g))
    lp.eval()
    write_safetensors(out + "/lpips.safetensors", {"loss.perceptual_loss." + k: v for k, v in lp.state_dict().items()})
    lp.double()
    a = torch.rand(2, 3, 32, 32, generator=g) * 2 - 1
    b = (a + 0.3 * torch.randn(2, 3, 32, 32, generator=g)).clamp(-1, 1).double()
    a = a.double()
    b.requires_grad_(True)
    dist = lp(a, b)
    (gb,) = torch.autograd.grad(dist.sum(), [b])
    write_safetensors(out + "/lpips_ref.safetensors", {"a": a, "b": b, "d": dist, "grad_b": gb})

    # the whole VQGAN generator loss, as taming's VQLPIPSWithDiscriminator after disc_start
    # (perceptual weight 1, disc weight 0.8, disc factor 1, codebook weight 1; discriminator in
    # train mode), at 32 px so the discriminator's output is not empty, and its gradients
    gx = (torch.rand(2, 3, 32, 32, generator=g) * 2 - 1).double()
    disc.train()
    quant, qloss, _ = model.quantize(model.prequant(gx))
    grecon = model.decode(quant)
    nll = ((gx - grecon).abs() + 1.0 * lp(gx.contiguous(), grecon.contiguous())).mean()
    g_loss = -disc(grecon).mean()
    last = model.decoder.conv_out.weight
    (nll_grad,) = torch.autograd.grad(nll, [last], retain_graph=True)
    (g_grad,) = torch.autograd.grad(g_loss, [last], retain_graph=True)
    d_weight = torch.clamp(torch.norm(nll_grad) / (torch.norm(g_grad) + 1e-4), 0.0, 1e4).detach() * 0.8
    gan_loss = nll + d_weight * 1.0 * g_loss + 1.0 * qloss.mean()
    gan = {"x": gx, "loss": gan_loss, "nll": nll, "g_loss": g_loss, "d_weight": d_weight}
    for n, gr in zip(full_names, torch.autograd.grad(gan_loss, [params[n] for n in full_names], retain_graph=True)):
        gan["grad_gan." + n] = gr
    for n, gr in zip(full_names, torch.autograd.grad(nll, [params[n] for n in full_names], retain_graph=True, allow_unused=True)):
        gan["grad_nll." + n] = torch.zeros_like(params[n]) if gr is None else gr
    for n, gr in zip(full_names, torch.autograd.grad(g_loss, [params[n] for n in full_names], allow_unused=True)):
        gan["grad_g." + n] = torch.zeros_like(params[n]) if gr is None else gr
    # the Java side runs its gradient checks at this reconstruction (LPIPS's gradient jumps at ReLU and max-pool kinks)
    gan["recon"] = grecon.detach()
    write_safetensors(out + "/gan_ref.safetensors", gan)
    print(json.dumps({"torch": torch.__version__, "code_margin": margin}))


if __name__ == "__main__":
    main(sys.argv[1])
