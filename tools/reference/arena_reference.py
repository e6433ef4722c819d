#!/usr/bin/env python3
"""Independent reference values for papers4j's arena statistics (pure Python, no numpy).

Bradley-Terry is fitted with Hunter's (2004) minorize-maximize iteration, a different algorithm
from the Java Newton solver: with ties counted as half a win for each side,
    pi_i <- W_i / sum_j n_ij / (pi_i + pi_j),
where W_i is model i's (half-)win total and n_ij the number of battles between i and j.
Ratings are 400*log10(pi) centred to mean 1000 (FastChat's scale, no anchor).
Online Elo (K=4, 400, base 10, init 1000) is computed in file order.

Usage: arena_reference.py BATTLES.jsonl > arena-hard-reference.json
"""
import json
import math
import sys


def main(path):
    battles = [json.loads(l) for l in open(path) if l.strip()]
    models = sorted({b["model_a"] for b in battles} | {b["model_b"] for b in battles})
    idx = {m: i for i, m in enumerate(models)}
    m = len(models)
    score = {"model_a": 1.0, "model_b": 0.0, "tie": 0.5, "tie (bothbad)": 0.5}
    wins = [0.0] * m
    n = [[0.0] * m for _ in range(m)]
    for b in battles:
        a, c, s = idx[b["model_a"]], idx[b["model_b"]], score[b["winner"]]
        wins[a] += s
        wins[c] += 1 - s
        n[a][c] += 1
        n[c][a] += 1
    pi = [1.0] * m
    for _ in range(100000):
        new = []
        for i in range(m):
            den = sum(n[i][j] / (pi[i] + pi[j]) for j in range(m) if j != i and n[i][j] > 0)
            new.append(wins[i] / den)
        g = math.exp(sum(math.log(p) for p in new) / m)
        new = [p / g for p in new]
        delta = max(abs(math.log(x) - math.log(y)) for x, y in zip(new, pi))
        pi = new
        if delta < 1e-14:
            break
    xi = [math.log(p) for p in pi]
    mean = sum(xi) / m
    bt = {models[i]: 400 / math.log(10) * (xi[i] - mean) + 1000 for i in range(m)}

    r = {mm: 1000.0 for mm in models}
    for b in battles:
        a, c, s = b["model_a"], b["model_b"], score[b["winner"]]
        ea = 1 / (1 + 10 ** ((r[c] - r[a]) / 400))
        r[a] += 4 * (s - ea)
        r[c] += 4 * ((1 - s) - (1 - ea))
    json.dump({"source": "tools/reference/arena_reference.py (MM algorithm, pure Python)",
               "battles": len(battles), "bt_ratings": bt, "elo_ratings": r}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main(sys.argv[1])
