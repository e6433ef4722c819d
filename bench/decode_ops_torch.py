#!/usr/bin/python3
"""The single ops of one float32 batch-16 decode step of the small LLaMA, timed alone in PyTorch eager (median us,
gradients off): the twin of bench/DecodeOps.java, same shapes and order. PyTorch 1.13 has no
scaled_dot_product_attention or rms_norm op, so its rows are the explicit forms llama_torch.py runs.

Usage: OMP_WAIT_POLICY=passive /usr/bin/python3 bench/decode_ops_torch.py
"""
import math
import time
import torch
import torch.nn.functional as F

torch.set_num_threads(2)
torch.manual_seed(0)
B, H, D, C, FF, V, K = 16, 8, 32, 256, 1024, 8192, 144
q, k, v = torch.randn(B, H, 1, D), torch.randn(B, H, K, D), torch.randn(B, H, K, D)
x, y, g, m, w = torch.randn(B, 1, C), torch.randn(B, 1, C), torch.randn(C), torch.randn(B, 1, FF), torch.randn(B, 1, FF)
wqkv, wgu, wd, wh, wo = torch.randn(3 * C, C), torch.randn(2 * FF, C), torch.randn(C, FF), torch.randn(V, C), torch.randn(C, C)
cos, sin, logits = torch.randn(1, D), torch.randn(1, D), torch.randn(B, V)
kc, vc = torch.randn(B, H, 512, D), torch.randn(B, H, 512, D)
kn, vn = kc[:, :, :K], vc[:, :, :K]
s = 1 / math.sqrt(D)


def us(f, reps):
    t = []
    with torch.no_grad():
        for r in range(-50, reps):
            t0 = time.perf_counter_ns()
            f()
            t1 = time.perf_counter_ns()
            if r >= 0:
                t.append((t1 - t0) / 1e3)
    t.sort()
    return t[reps // 2]


def rms(a):
    return a * torch.rsqrt(a.pow(2).mean(-1, keepdim=True) + 1e-5) * g


def write():
    kc[:, :, 200:201] = q


for rep in range(2):
    print("== round %d" % (rep + 1))
    print("explicit over cache view        %8.1f us" % us(lambda: F.softmax((q @ kn.transpose(-2, -1)) * s, -1) @ vn, 200))
    print("explicit matmul-softmax-matmul  %8.1f us" % us(lambda: F.softmax((q @ k.transpose(-2, -1)) * s, -1) @ v, 200))
    print("linear qkv (16,256)->(768)      %8.1f us" % us(lambda: F.linear(x, wqkv), 200))
    print("linear o (16,256)->(256)        %8.1f us" % us(lambda: F.linear(x, wo), 200))
    print("linear gate/up (16,256)->(2048) %8.1f us" % us(lambda: F.linear(x, wgu), 200))
    print("linear down (16,1024)->(256)    %8.1f us" % us(lambda: F.linear(m, wd), 200))
    print("linear head (16,256)->(8192)    %8.1f us" % us(lambda: F.linear(x, wh), 200))
    print("add (16,1,256)                  %8.1f us" % us(lambda: x + y, 500))
    print("rms_norm 5 ops (16,1,256)       %8.1f us" % us(lambda: rms(x), 500))
    print("silu*mul (16,1,1024)            %8.1f us" % us(lambda: F.silu(m) * w, 500))
    print("rope q (16,8,1,32): 4 ops       %8.1f us" % us(lambda: q * cos + torch.cat((-q[..., 16:], q[..., :16]), -1) * sin, 500))
    print("cache write slice assign        %8.1f us" % us(write, 500))
    print("argmax (16,8192)                %8.1f us" % us(lambda: logits.argmax(-1, keepdim=True), 200))
