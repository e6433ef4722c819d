#!/usr/bin/python3
"""PyTorch eager peer of `papers4j bench generate`: KV-cached greedy generation of the same model.

The model is `llama_torch.Llama` (shared with `reasoning_torch.py`): the Hugging Face LLaMA
architecture in plain torch 1.13, loaded from the config.json + model.safetensors papers4j writes.

Per precision (f32, and bf16 under torch.autocast("cpu", dtype=torch.bfloat16)) and batch size:
prefill = one forward of the (B, P) prompts into an empty cache (logits at every position, as
papers4j computes them), decode = N steps of one token per row (forward of (B, 1) + argmax).
Median of --repeats runs after one warm-up. One JSON line per (precision, batch), after one with
the greedy tokens of the fixed prompt 0..15 in float32 (papers4j checks them against its own).

Usage: /usr/bin/python3 bench/generate_torch.py --model DIR --batches 1,16 --prompt 128 --new 32 \
           --repeats 3 --threads 2 [--precisions f32,bf16]
"""
import argparse
import json
import time

import torch

from llama_torch import check_tokens, load


def run(model, batch, prompt, new, repeats, bf16, vocab):
    ids = torch.randint(0, vocab, (batch, prompt))
    prefill, step = [], []
    with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
        for r in range(-1, repeats):
            cache = model.new_cache(batch, prompt + new)
            t0 = time.perf_counter()
            nxt = model.forward(ids, cache, 0)[:, -1].argmax(-1, keepdim=True)  # (B, 1)
            nxt.item() if batch == 1 else nxt[0, 0].item()
            t1 = time.perf_counter()
            for i in range(new):
                nxt = model.forward(nxt, cache, prompt + i)[:, -1].argmax(-1, keepdim=True)
                nxt[0, 0].item()
            t2 = time.perf_counter()
            if r >= 0:
                prefill.append(1000 * (t1 - t0))
                step.append(1000 * (t2 - t1) / new)
    return sorted(prefill)[len(prefill) // 2], sorted(step)[len(step) // 2]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--batches", default="1,16")
    ap.add_argument("--prompt", type=int, default=128)
    ap.add_argument("--new", type=int, default=32)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--precisions", default="f32,bf16")
    a = ap.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model, cfg = load(a.model)
    # the same model as papers4j's: greedy tokens from the fixed prompt 0, 1, ..., 15 (float32)
    print(json.dumps({"check_tokens": check_tokens(model, cfg["vocab_size"])}), flush=True)
    for prec in a.precisions.split(","):
        for b in [int(x) for x in a.batches.split(",")]:
            p, s = run(model, b, a.prompt, a.new, a.repeats, prec == "bf16", cfg["vocab_size"])
            print(json.dumps({"engine": "pytorch-eager " + torch.__version__, "precision": prec, "batch": b,
                              "threads": torch.get_num_threads(), "prefill_ms": p, "decode_step_ms": s}), flush=True)


if __name__ == "__main__":
    main()
