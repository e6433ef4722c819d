#!/usr/bin/python3
"""PyTorch eager peer of `papers4j bench reasoning`: sampled solutions of the reasoning model with the KV cache.

The model is `llama_torch.Llama` (shared with `generate_torch.py`), loaded from the config.json +
model.safetensors papers4j writes. The loop is the one papers4j's `Rollouts` runs in the RL loop: the rows'
prompts (token ids from --prompts, a JSON file {"prompts": [[id, ...], ...]}) are pre-filled up to the shortest
one in one forward and the rest of each longer prompt is fed token by token; then every step is one forward of
(B, 1) through the cache, softmax(logits / T) sampled for every row (torch.multinomial) with the sampled
token's log-probability, and per row: a forced token if one is queued (the rest of its prompt, or calculator
output), else the sampled one; a row stops at its end token or after --new sampled tokens. Calculator: when a
row's text ends with "<<expr=", the expression is evaluated and "value>>" is queued for that row (GSM8K's
annotations, as papers4j's Calculator does: + - * / and parentheses, integers written without a decimal point,
other values rounded to 6 decimals).

Per batch size (the first B prompts): median over --repeats runs after one warm-up of the wall time, with the
completion tokens (sampled + calculator) and the sampled tokens of each run. One JSON line per batch, after one
with the greedy tokens of the fixed prompt 0..15 (papers4j checks them against its own).

Usage: /usr/bin/python3 bench/reasoning_torch.py --model DIR --prompts FILE --batches 16,64 --new 150 \
           --repeats 3 --threads 2 --temperature 1.0 --seed 1
"""
import argparse
import collections
import decimal
import json
import time

import torch
import torch.nn.functional as F

from llama_torch import check_tokens, load

PAD, EOS, NEWLINE, FIRST_PRINTABLE = 0, 1, 4, 5


def decode(t):
    if t == NEWLINE:
        return "\n"
    if FIRST_PRINTABLE <= t < FIRST_PRINTABLE + 95:
        return chr(32 + t - FIRST_PRINTABLE)
    return ""


def encode(text):
    return [NEWLINE if c == "\n" else FIRST_PRINTABLE + (ord(c) - 32) if 32 <= ord(c) <= 126 else FIRST_PRINTABLE + 31
            for c in text]


class Parser:
    """sum := product (('+'|'-') product)*; product := unary (('*'|'/') unary)*; unary := -unary | (sum) | number."""

    def __init__(self, s):
        self.s, self.pos = s, 0

    def peek(self):
        return self.s[self.pos] if self.pos < len(self.s) else ""

    def sum(self):
        v = self.product()
        while self.peek() in ("+", "-") and self.peek():
            op = self.s[self.pos]
            self.pos += 1
            r = self.product()
            v = v + r if op == "+" else v - r
        return v

    def product(self):
        v = self.unary()
        while self.peek() in ("*", "/") and self.peek():
            op = self.s[self.pos]
            self.pos += 1
            r = self.unary()
            v = v * r if op == "*" else v / r
        return v

    def unary(self):
        c = self.peek()
        if c == "-":
            self.pos += 1
            return -self.unary()
        if c == "+":
            self.pos += 1
            return self.unary()
        if c == "(":
            self.pos += 1
            v = self.sum()
            if self.peek() != ")":
                raise ValueError("missing )")
            self.pos += 1
            return v
        start = self.pos
        while self.peek() and (self.peek().isdigit() or self.peek() == "."):
            self.pos += 1
        if start == self.pos:
            raise ValueError("expected a number")
        return decimal.Decimal(self.s[start:self.pos])


def calculator(text):
    """'value>>' when text ends with an open '<<expr=' that evaluates, else None."""
    if not text.endswith("="):
        return None
    i = text.rfind("<<")
    if i < 0:
        return None
    inside = text[i + 2:-1]
    if ">>" in inside or "=" in inside:
        return None
    s = inside.replace(",", "")
    if not s.strip() or any(c not in "0123456789*+-/.() " for c in s):
        return None
    try:
        with decimal.localcontext(decimal.Context(prec=16)):  # Java's MathContext.DECIMAL64 for division
            p = Parser(s.replace(" ", ""))
            v = p.sum()
            if p.pos != len(p.s):
                return None
        r = v.quantize(decimal.Decimal("0.000001"), rounding=decimal.ROUND_HALF_EVEN).normalize()
    except (ArithmeticError, ValueError, decimal.InvalidOperation):
        return None
    if r == 0:
        return "0>>"
    return (str(int(r)) if r == r.to_integral_value() else format(r, "f")) + ">>"


def rollout(model, prompts, new, temperature, gen):
    """Completion tokens and sampled tokens of one batch of rows."""
    b = len(prompts)
    min_len = min(len(p) for p in prompts)
    cap = max(len(p) for p in prompts) + 2 * new
    cache = model.new_cache(b, cap)
    left = [len(p) - min_len for p in prompts]
    forced = [collections.deque() for _ in range(b)]
    text = [""] * b
    done = [False] * b
    generated = [0] * b
    tokens = sampled = 0
    logits = model.forward(torch.tensor([p[:min_len] for p in prompts]), cache, 0)[:, -1]  # (B, V)
    pos = min_len
    while pos < cap:
        logp = F.log_softmax(logits.float() / temperature, dim=-1)  # (B, V)
        draws = torch.multinomial(logp.exp(), 1, generator=gen)  # (B, 1)
        lp = logp.gather(1, draws).view(-1).tolist()  # log-probabilities of the draws, as the RL loop keeps them
        draws = draws.view(-1).tolist()
        feed = []
        for r in range(b):
            if done[r]:
                feed.append(PAD)
                continue
            if left[r] > 0:
                nxt = prompts[r][len(prompts[r]) - left[r]]
                left[r] -= 1
            elif forced[r]:
                nxt = forced[r].popleft()
                tokens += 1
                text[r] += decode(nxt)
            else:
                nxt = draws[r]
                tokens += 1
                sampled += 1
                generated[r] += 1
                if nxt == EOS:
                    done[r] = True
                else:
                    text[r] += decode(nxt)
                    if decode(nxt) == "=":
                        c = calculator(text[r])
                        if c is not None:
                            forced[r].extend(encode(c))
                if generated[r] >= new:
                    done[r] = True
            feed.append(nxt)
        if all(done):
            break
        logits = model.forward(torch.tensor(feed).view(b, 1), cache, pos)[:, -1]
        pos += 1
    return tokens, sampled


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--prompts", required=True)
    ap.add_argument("--batches", default="16,64")
    ap.add_argument("--new", type=int, default=150)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--temperature", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    model, cfg = load(a.model)
    with open(a.prompts) as f:
        prompts = json.load(f)["prompts"]
    print(json.dumps({"check_tokens": check_tokens(model, cfg["vocab_size"])}), flush=True)
    gen = torch.Generator().manual_seed(a.seed)
    for b in [int(x) for x in a.batches.split(",")]:
        if b > len(prompts):
            raise SystemExit(f"batch {b} needs {b} prompts, the file has {len(prompts)}")
        runs = []
        with torch.no_grad():
            for r in range(-1, a.repeats):
                t0 = time.perf_counter()
                tokens, sampled = rollout(model, prompts[:b], a.new, a.temperature, gen)
                s = time.perf_counter() - t0
                if r >= 0:
                    runs.append((tokens / s, s, tokens, sampled))
        runs.sort()
        tps, s, tokens, sampled = runs[len(runs) // 2]
        print(json.dumps({"engine": "pytorch-eager " + torch.__version__, "batch": b, "threads": torch.get_num_threads(),
                          "seconds": s, "tokens": tokens, "sampled": sampled}), flush=True)


if __name__ == "__main__":
    main()
