#!/usr/bin/python3
"""Where one float32 batch-1 prefill of bench/generate_torch.py (LLaMA small, prompt 128, into an empty cache)
spends its time, in PyTorch eager: the twin of bench/PrefillOps.java, the whole prefill then its ops alone at the
same shapes (median us, gradients off). PyTorch 1.13 has no scaled_dot_product_attention or rms_norm op, so its
rows are the explicit forms llama_torch.py runs.

Usage: OMP_WAIT_POLICY=passive /usr/bin/python3 bench/prefill_ops_torch.py MODEL_DIR
(MODEL_DIR from `java ... bench/PrefillOps.java --save MODEL_DIR`)
"""
import math
import os
import sys
import time
import torch
import torch.nn.functional as F
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from llama_torch import load, rms_norm, rotate_half

torch.set_num_threads(2)
torch.manual_seed(0)
T, H, D, C, FF, V = 128, 8, 32, 256, 1024, 8192


def us(f, reps):
    t = []
    with torch.no_grad():
        for r in range(-10, reps):
            t0 = time.perf_counter_ns()
            f()
            if r >= 0:
                t.append((time.perf_counter_ns() - t0) / 1e3)
    return sorted(t)[len(t) // 2]


def row(name, f, reps=100):
    print(f"{name:44s} {us(f, reps):9.1f} us", flush=True)


def prefill(model, ids, reps):
    t = []
    with torch.no_grad():
        for r in range(-2, reps):
            cache = model.new_cache(1, 160)
            t0 = time.perf_counter()
            model.forward(ids, cache, 0)[:, -1].argmax(-1, keepdim=True).item()
            if r >= 0:
                t.append((time.perf_counter() - t0) * 1e3)
    return sorted(t)[len(t) // 2]


model, cfg = load(sys.argv[1])
ids = torch.randint(0, V, (1, T))
x, y, g = torch.randn(1, T, C), torch.randn(1, T, C), torch.randn(C)
m, w2 = torch.randn(1, T, FF), torch.randn(1, T, FF)
wq, wg, wd, wh = torch.randn(C, C), torch.randn(FF, C), torch.randn(C, FF), torch.randn(V, C)
qs, ks, vs = (torch.randn(1, T, H, D).transpose(1, 2) for _ in range(3))
cos, sin = torch.randn(T, D), torch.randn(T, D)
cache = torch.zeros(1, H, 160, D)
mask = torch.full((T, T), float("-inf")).triu(1)
att = torch.randn(1, H, T, D)
logits = torch.randn(1, T, V)
s = 1 / math.sqrt(D)
print("threads", torch.get_num_threads())
for rnd in (1, 2):
    print("== round", rnd)
    print(f"{'whole prefill (explicit attention)':44s} {prefill(model, ids, 15):9.2f} ms", flush=True)
    row("embedding (1,128)", lambda: F.embedding(ids, wh))
    row("rms_norm (1,128,256): 5 ops", lambda: rms_norm(x, g, 1e-5))
    row("linear (1,128,256)->256", lambda: F.linear(x, wq))
    row("mm 2-D (128,256)->256", lambda: torch.mm(x.view(T, C), wq.t()))
    row("linear (1,128,256)->1024", lambda: F.linear(x, wg))
    row("linear (1,128,1024)->256", lambda: F.linear(m, wd))
    row("linear head (1,128,256)->8192", lambda: F.linear(x, wh), 50)
    row("mm 2-D head (128,256)->8192", lambda: torch.mm(x.view(T, C), wh.t()), 50)
    row("rope q strided (1,8,128,32): rotate_half", lambda: qs * cos + rotate_half(qs) * sin)
    row("cache write slice assign (1,8,128,32)", lambda: cache[:, :, 0:T].copy_(ks))
    row("explicit attention + mask, q/k/v strided", lambda: (F.softmax((qs @ ks.transpose(-2, -1)) / math.sqrt(D) + mask, dim=-1) @ vs))
    row("out transpose(1,2).reshape (copy)", lambda: att.transpose(1, 2).reshape(1, T, C))
    row("add (1,128,256)", lambda: x + y)
    row("silu*mul (1,128,1024)", lambda: F.silu(m) * w2)
    row("[:, -1].argmax (1,8192)", lambda: logits[:, -1].argmax(-1, keepdim=True))
