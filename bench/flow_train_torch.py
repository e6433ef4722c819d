#!/usr/bin/python3
"""PyTorch eager peer of `papers4j bench flow`: one MM-DiT rectified-flow training step, same shapes.

The model is SD3's MM-DiT written out in plain torch, block for block as vision.flow.MMDiT:
patch conv + fixed 2D sin-cos positions; y = MLP(sinusoid(1000 t)) + MLP(pooled); context =
Linear(tokens); per block two streams with their own adaLN-Zero (SiLU -> Linear 6C; the last
block's context stream 2C, pre-only), LayerNorm without affine (eps 1e-6), q/k/v with biases,
per-head RMSNorm on q and k, one joint attention over [x; c], output projections, GELU(tanh) MLP
ratio 4; final adaLN (scale, shift) + Linear; unpatchify. Debian's python3-torch 1.13 has no
scaled_dot_product_attention, so attention is the explicit softmax(QK^T/sqrt(D))V. A step is
zero_grad, x_t = (1-t)x0 + t eps, forward, MSE to eps - x0, backward, clip_grad_norm_(1.0),
AdamW.step, as the Java benchmark times it. Prints one JSON line.

Usage: /usr/bin/python3 bench/flow_train_torch.py --size 32 --channels 4 --patch 2 --hidden 192 \
           --depth 4 --heads 3 --context 16 --batch 8 --steps 10 --warmup 3 --threads 2
"""
import argparse
import json
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def sincos_2d(dim, g):
    q = dim // 4
    omega = torch.tensor([10000.0 ** (-i / q) for i in range(q)], dtype=torch.float64)
    r, c = torch.meshgrid(torch.arange(g, dtype=torch.float64), torch.arange(g, dtype=torch.float64), indexing="ij")
    r, c = r.reshape(-1, 1) * omega, c.reshape(-1, 1) * omega
    return torch.cat([c.sin(), c.cos(), r.sin(), r.cos()], dim=1).float().unsqueeze(0)  # (1, N, C)


def timestep_features(t, dim=256):
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    arg = t.float()[:, None] * freqs[None]
    return torch.cat([arg.cos(), arg.sin()], dim=1)


class Mlp2(nn.Module):
    def __init__(self, i, o):
        super().__init__()
        self.linear_1, self.linear_2 = nn.Linear(i, o), nn.Linear(o, o)

    def forward(self, x):
        return self.linear_2(F.silu(self.linear_1(x)))


class RMS(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))

    def forward(self, x):
        return self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6))


def ln(x):
    return F.layer_norm(x, (x.shape[-1],), eps=1e-6)


def modulate(x, shift, scale):
    return x * (1 + scale[:, None]) + shift[:, None]


class Ff(nn.Module):
    def __init__(self, c, h):
        super().__init__()
        self.proj, self.out = nn.Linear(c, h), nn.Linear(h, c)

    def forward(self, x):
        return self.out(F.gelu(self.proj(x), approximate="tanh"))


class JointBlock(nn.Module):
    def __init__(self, c, heads, pre_only):
        super().__init__()
        self.h, self.pre_only = heads, pre_only
        d = c // heads
        self.norm1 = nn.Linear(c, 6 * c)
        self.norm1_context = nn.Linear(c, (2 if pre_only else 6) * c)
        self.to_q, self.to_k, self.to_v, self.to_out = (nn.Linear(c, c) for _ in range(4))
        self.add_q, self.add_k, self.add_v = (nn.Linear(c, c) for _ in range(3))
        self.to_add_out = None if pre_only else nn.Linear(c, c)
        self.norm_q, self.norm_k, self.norm_added_q, self.norm_added_k = RMS(d), RMS(d), RMS(d), RMS(d)
        self.ff = Ff(c, 4 * c)
        self.ff_context = None if pre_only else Ff(c, 4 * c)
        for lin in (self.norm1, self.norm1_context):
            nn.init.zeros_(lin.weight)
            nn.init.zeros_(lin.bias)

    def split(self, x):
        b, t, c = x.shape
        return x.view(b, t, self.h, c // self.h).transpose(1, 2)

    def forward(self, x, ctx, y):
        m = self.norm1(F.silu(y)).chunk(6, dim=1)
        mc = self.norm1_context(F.silu(y)).chunk(2 if self.pre_only else 6, dim=1)
        hx = modulate(ln(x), m[0], m[1])
        hc = modulate(ln(ctx), mc[1], mc[0]) if self.pre_only else modulate(ln(ctx), mc[0], mc[1])
        q = torch.cat([self.norm_q(self.split(self.to_q(hx))), self.norm_added_q(self.split(self.add_q(hc)))], 2)
        k = torch.cat([self.norm_k(self.split(self.to_k(hx))), self.norm_added_k(self.split(self.add_k(hc)))], 2)
        v = torch.cat([self.split(self.to_v(hx)), self.split(self.add_v(hc))], 2)
        att = F.softmax(q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1]), dim=-1) @ v  # (B, H, T+L, D)
        o = att.transpose(1, 2).reshape(x.shape[0], -1, x.shape[2])
        n = x.shape[1]
        x = x + m[2][:, None] * self.to_out(o[:, :n])
        x = x + m[5][:, None] * self.ff(modulate(ln(x), m[3], m[4]))
        if self.pre_only:
            return x, None
        ctx = ctx + mc[2][:, None] * self.to_add_out(o[:, n:])
        ctx = ctx + mc[5][:, None] * self.ff_context(modulate(ln(ctx), mc[3], mc[4]))
        return x, ctx


class MMDiT(nn.Module):
    def __init__(self, size, ch, patch, c, depth, heads, ctx_dim):
        super().__init__()
        self.size, self.ch, self.p = size, ch, patch
        self.proj = nn.Conv2d(ch, c, patch, stride=patch)
        self.register_buffer("pos", sincos_2d(c, size // patch))
        self.t_emb, self.text = Mlp2(256, c), Mlp2(ctx_dim, c)
        self.context_embedder = nn.Linear(ctx_dim, c)
        self.blocks = nn.ModuleList(JointBlock(c, heads, i == depth - 1) for i in range(depth))
        self.norm_out = nn.Linear(c, 2 * c)
        self.proj_out = nn.Linear(c, patch * patch * ch)
        for lin in (self.norm_out, self.proj_out):
            nn.init.zeros_(lin.weight)
            nn.init.zeros_(lin.bias)

    def forward(self, z, t, ctx, pooled):
        x = self.proj(z).flatten(2).transpose(1, 2) + self.pos  # (B, N, C)
        y = self.t_emb(timestep_features(t)) + self.text(pooled)
        c = self.context_embedder(ctx)
        for b in self.blocks:
            x, c = b(x, c, y)
        scale, shift = self.norm_out(F.silu(y)).chunk(2, dim=1)
        x = self.proj_out(modulate(ln(x), shift, scale))  # (B, N, p*p*ch)
        g, p, b = self.size // self.p, self.p, x.shape[0]
        return x.reshape(b, g, g, p, p, self.ch).permute(0, 5, 1, 3, 2, 4).reshape(b, self.ch, g * p, g * p)


def vm_hwm_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def blas_library():
    with open("/proc/self/maps") as f:
        libs = {line.split()[-1] for line in f if "blas" in line.lower() and "/" in line}
    return ", ".join(sorted(libs)) or "unknown"


def main():
    ap = argparse.ArgumentParser()
    for name, default in [("size", 32), ("channels", 4), ("patch", 2), ("hidden", 192), ("depth", 4), ("heads", 3),
                          ("context", 16), ("batch", 8), ("steps", 10), ("warmup", 3), ("threads", 0)]:
        ap.add_argument("--" + name, type=int, default=default)
    ap.add_argument("--lr", type=float, default=5e-4)
    a = ap.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = MMDiT(a.size, a.channels, a.patch, a.hidden, a.depth, a.heads, a.hidden)
    params = sum(p.numel() for p in model.parameters())
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)
    x0 = torch.randn(a.batch, a.channels, a.size, a.size)
    eps = torch.randn_like(x0)
    t = torch.rand(a.batch)
    ctx = torch.randn(a.batch, a.context, a.hidden)
    pooled = torch.randn(a.batch, a.hidden)

    def step():
        opt.zero_grad(set_to_none=True)
        xt = (1 - t)[:, None, None, None] * x0 + t[:, None, None, None] * eps
        loss = F.mse_loss(model(xt, 1000 * t, ctx, pooled), eps - x0)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        return loss.item()

    for _ in range(a.warmup):
        step()
    times = []
    loss = float("nan")
    cpu0 = time.process_time()
    for _ in range(a.steps):
        t0 = time.perf_counter()
        loss = step()
        times.append(time.perf_counter() - t0)
    cpu_ms = 1000 * (time.process_time() - cpu0) / a.steps
    times.sort()
    ms = 1000 * times[len(times) // 2]
    print(json.dumps({
        "engine": "pytorch-eager " + torch.__version__,
        "threads": torch.get_num_threads(),
        "params": params,
        "ms_per_step_median": ms,
        "images_per_s": a.batch / (ms / 1000),
        "cpu_ms_per_step": cpu_ms,
        "peak_rss_mb": vm_hwm_mb(),
        "final_loss": loss,
        "blas": blas_library(),
    }))


if __name__ == "__main__":
    main()
