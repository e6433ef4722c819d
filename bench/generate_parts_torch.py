#!/usr/bin/python3
"""Where a greedy decode step of bench/generate_torch.py's loop spends its time, part by part (the PyTorch twin
of bench/DecodeParts.java): the same loop (forward of (B, 1) into the preallocated cache, [:, -1].argmax, .item())
with time.perf_counter_ns between the parts, Llama.forward of llama_torch.py unrolled; prompt 128, 32 steps,
3 repeats after a warm-up, f32 and bf16 (CPU autocast) at batch 1 and 16, 2 threads; also the cost of one
tiny call.

Usage: OMP_WAIT_POLICY=passive /usr/bin/python3 bench/generate_parts_torch.py MODEL_DIR
(MODEL_DIR from `java -cp ... bench/DecodeParts.java --save MODEL_DIR`)
"""
import json
import os
import sys
import time
import torch
import torch.nn.functional as F
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from llama_torch import load, rms_norm

NAMES = ["positions/RoPE cos,sin/mask", "embedding", "input RMSNorm x6", "attention x6", "attn residual add x6",
         "post RMSNorm x6", "SwiGLU x6", "mlp residual add x6", "final RMSNorm", "LM head",
         "[:, -1].argmax", "read-back item"]
acc = [0.0] * len(NAMES)
T = [0]
def mark(i):
    n = time.perf_counter_ns(); acc[i] += n - T[0]; T[0] = n

def step(self, ids, cache, start):
    b, t = ids.shape
    T[0] = time.perf_counter_ns()
    pos = torch.arange(start, start + t).float()
    freqs = torch.outer(pos, self.inv_freq)
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos(), emb.sin()
    end = start + t
    mask = torch.full((t, end), float("-inf")).triu(start + 1); mark(0)
    x = F.embedding(ids, self.w["model.embed_tokens.weight"]); mark(1)
    for i in range(self.layers):
        p = f"model.layers.{i}."
        hn = rms_norm(x, self.w[p + "input_layernorm.weight"], self.eps); mark(2)
        a = self.attention(p, hn, b, t, start, end, cos, sin, mask, cache[i]); mark(3)
        x = x + a; mark(4)
        hn = rms_norm(x, self.w[p + "post_attention_layernorm.weight"], self.eps); mark(5)
        m = F.linear(F.silu(F.linear(hn, self.w[p + "mlp.gate_proj.weight"])) * F.linear(hn, self.w[p + "mlp.up_proj.weight"]), self.w[p + "mlp.down_proj.weight"]); mark(6)
        x = x + m; mark(7)
    x = rms_norm(x, self.w["model.norm.weight"], self.eps); mark(8)
    logits = F.linear(x, self.head); mark(9)
    nxt = logits[:, -1].argmax(-1, keepdim=True); mark(10)
    nxt[0, 0].item(); mark(11)
    return nxt

def main():
    torch.set_num_threads(2)
    torch.manual_seed(0)
    model, cfg = load(sys.argv[1])
    a, b2 = torch.randn(1, 1, 256), torch.randn(1, 1, 256)
    for w in range(2):
        n = 20000
        t0 = time.perf_counter()
        for _ in range(n): a + b2
        t1 = time.perf_counter()
        for _ in range(n): a.view(256)
        t2 = time.perf_counter()
    print("per call: add %.2f us, view %.2f us" % ((t1 - t0) / n * 1e6, (t2 - t1) / n * 1e6))
    prompt, steps, reps = 128, 32, 3
    for prec in ("f32", "bf16"):
        for batch in (1, 16):
            ids = torch.randint(0, cfg["vocab_size"], (batch, prompt))
            whole = []
            nstep = 0
            with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=prec == "bf16"):
                for r in range(-1, reps):
                    if r == 0:
                        for i in range(len(acc)): acc[i] = 0.0
                    for mode in (0, 1):
                        cache = model.new_cache(batch, prompt + steps)
                        nxt = model.forward(ids, cache, 0)[:, -1].argmax(-1, keepdim=True)
                        nxt[0, 0].item()
                        t0 = time.perf_counter()
                        for i in range(steps):
                            if mode == 0:
                                nxt = model.forward(nxt, cache, prompt + i)[:, -1].argmax(-1, keepdim=True)
                                nxt[0, 0].item()
                            else:
                                nxt = step(model, nxt, cache, prompt + i)
                                if r >= 0: nstep += 1
                        t1 = time.perf_counter()
                        if mode == 0 and r >= 0: whole.append((t1 - t0) / steps * 1e6)
            whole.sort()
            print("== %s batch %d: uninstrumented step median %.0f us" % (prec, batch, whole[len(whole) // 2]))
            s = 0
            for i, nme in enumerate(NAMES):
                v = acc[i] / 1e3 / nstep; s += v
                print("  %-26s %8.1f us" % (nme, v))
            print("  %-26s %8.1f us" % ("sum (instrumented)", s))

main()
