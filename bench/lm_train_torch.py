#!/usr/bin/python3
"""PyTorch eager peer of `papers4j bench lm-train`: one LLaMA training step, same shapes.

The model is the Hugging Face LLaMA architecture written out in plain torch (Debian's
python3-torch 1.13 has no transformers and no scaled_dot_product_attention, so attention is the
explicit softmax(QK^T/sqrt(D) + mask)V that transformers calls "eager"): embedding, per layer
RMSNorm -> q/k/v/o projections with rotate-half RoPE -> causal attention -> residual,
RMSNorm -> SwiGLU MLP -> residual; final RMSNorm and an lm_head. A step is
zero_grad, forward, cross-entropy, backward, clip_grad_norm_(1.0), AdamW.step, exactly as the
Java benchmark times it. With --precision bf16 the forward runs inside
torch.autocast("cpu", dtype=torch.bfloat16) (float32 parameters, gradients and AdamW state; the
logits are cast to float32 before the cross-entropy, as papers4j does). Prints one JSON line with
ms/step, tokens/s and peak RSS (VmHWM).

Usage: /usr/bin/python3 bench/lm_train_torch.py --vocab 8192 --hidden 256 --inter 1024 \
           --layers 6 --heads 8 --batch 8 --seq 128 --steps 10 --warmup 3 --threads 2
"""
import argparse
import json
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class RMSNorm(nn.Module):
    def __init__(self, dim, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x):
        var = x.pow(2).mean(-1, keepdim=True)
        return self.weight * (x * torch.rsqrt(var + self.eps))


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


class Attention(nn.Module):
    def __init__(self, c, heads):
        super().__init__()
        self.h, self.d = heads, c // heads
        self.q_proj = nn.Linear(c, c, bias=False)
        self.k_proj = nn.Linear(c, c, bias=False)
        self.v_proj = nn.Linear(c, c, bias=False)
        self.o_proj = nn.Linear(c, c, bias=False)

    def forward(self, x, cos, sin, mask):
        b, t, c = x.shape
        q = self.q_proj(x).view(b, t, self.h, self.d).transpose(1, 2)  # (B, H, T, D)
        k = self.k_proj(x).view(b, t, self.h, self.d).transpose(1, 2)
        v = self.v_proj(x).view(b, t, self.h, self.d).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        att = (q @ k.transpose(-2, -1)) / math.sqrt(self.d) + mask  # (B, H, T, T)
        y = F.softmax(att, dim=-1) @ v  # (B, H, T, D)
        return self.o_proj(y.transpose(1, 2).reshape(b, t, c))


class MLP(nn.Module):
    def __init__(self, c, f):
        super().__init__()
        self.gate_proj = nn.Linear(c, f, bias=False)
        self.up_proj = nn.Linear(c, f, bias=False)
        self.down_proj = nn.Linear(f, c, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class Layer(nn.Module):
    def __init__(self, c, f, heads, eps):
        super().__init__()
        self.input_layernorm = RMSNorm(c, eps)
        self.self_attn = Attention(c, heads)
        self.post_attention_layernorm = RMSNorm(c, eps)
        self.mlp = MLP(c, f)

    def forward(self, x, cos, sin, mask):
        x = x + self.self_attn(self.input_layernorm(x), cos, sin, mask)
        return x + self.mlp(self.post_attention_layernorm(x))


class Llama(nn.Module):
    def __init__(self, vocab, c, f, layers, heads, eps, theta, tied):
        super().__init__()
        self.embed_tokens = nn.Embedding(vocab, c)
        self.layers = nn.ModuleList([Layer(c, f, heads, eps) for _ in range(layers)])
        self.norm = RMSNorm(c, eps)
        self.lm_head = None if tied else nn.Linear(c, vocab, bias=False)
        d = c // heads
        self.inv_freq = 1.0 / (theta ** (torch.arange(0, d, 2).float() / d))
        for p in self.parameters():
            if p.dim() == 2:
                nn.init.normal_(p, std=0.02)

    def forward(self, ids):
        t = ids.shape[1]
        freqs = torch.outer(torch.arange(t).float(), self.inv_freq)
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos(), emb.sin()  # (T, D)
        mask = torch.full((t, t), float("-inf")).triu(1)
        h = self.embed_tokens(ids)
        for layer in self.layers:
            h = layer(h, cos, sin, mask)
        h = self.norm(h)
        return h @ self.embed_tokens.weight.t() if self.lm_head is None else self.lm_head(h)


def vm_hwm_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def blas_library():
    """The BLAS shared library this process loaded (Debian picks it through alternatives)."""
    libs = set()
    with open("/proc/self/maps") as f:
        for line in f:
            path = line.split()[-1]
            if "blas" in path and ".so" in path:
                libs.add(path)
    return ", ".join(sorted(libs)) or "none found"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vocab", type=int, default=8192)
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--inter", type=int, default=1024)
    ap.add_argument("--layers", type=int, default=6)
    ap.add_argument("--heads", type=int, default=8)
    ap.add_argument("--eps", type=float, default=1e-5)
    ap.add_argument("--theta", type=float, default=10000.0)
    ap.add_argument("--tied", action="store_true")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--seq", type=int, default=128)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--precision", choices=["f32", "bf16"], default="f32")
    a = ap.parse_args()

    if a.threads > 0:
        torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = Llama(a.vocab, a.hidden, a.inter, a.layers, a.heads, a.eps, a.theta, a.tied)
    params = sum(p.numel() for p in model.parameters())
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)
    ids = torch.randint(0, a.vocab, (a.batch, a.seq + 1))
    x, y = ids[:, :-1], ids[:, 1:]

    def step():
        opt.zero_grad(set_to_none=True)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=a.precision == "bf16"):
            logits = model(x)
        loss = F.cross_entropy(logits.float().reshape(-1, a.vocab), y.reshape(-1))
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
        "precision": a.precision,
        "threads": torch.get_num_threads(),
        "params": params,
        "ms_per_step_median": ms,
        "ms_per_step_mean": 1000 * sum(times) / len(times),
        "tokens_per_s": a.batch * a.seq / (ms / 1000),
        "cpu_ms_per_step": cpu_ms,
        "peak_rss_mb": vm_hwm_mb(),
        "final_loss": loss,
        "blas": blas_library(),
    }))


if __name__ == "__main__":
    main()
