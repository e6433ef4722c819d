#!/usr/bin/env python3
"""Golden values for PixArt-Sigma key/value token compression (vision/.../pixart/KvCompressionTest).

Written from the equations with explicit float64 loops in numpy (no torch): the token grid is
padded on the bottom/right by replicating its last row/column up to a multiple of R, then
  conv:    depthwise R x R stride-R convolution (weight (C,1,R,R), bias (C)), then LayerNorm(C, eps 1e-5)
  pool:    mean of each R x R window of the padded grid
  discard: the top-left token of each window
and attention softmax(Q f(K)^T / sqrt(d)) f(V) per head (heads split as contiguous channel blocks).
Inputs are closed-form so the Java test rebuilds them:
  q[n, c] = sin(0.37 * (n * C + c) + 0.1), k[n, c] = cos(0.23 * (n * C + c) - 0.2),
  v[n, c] = sin(0.11 * (n * C + c) + 0.5) * 2
  w[c, u, v] = 0.3 * cos(0.5 * (c * R * R + u * R + v)), bias[c] = 0.05 * c,
  ln_w[c] = 1 + 0.1 * c, ln_b[c] = -0.02 * c
Run: /usr/bin/python3 tools/reference/pixart_kv_golden.py > vision/src/test/resources/pixart/kv_golden.json
"""
import json
import math

import numpy as np

H = W = 5
C = 4
HEADS = 2
R = 2
N = H * W


def inputs():
    idx = np.arange(N * C, dtype=np.float64).reshape(N, C)
    q = np.sin(0.37 * idx + 0.1)
    k = np.cos(0.23 * idx - 0.2)
    v = np.sin(0.11 * idx + 0.5) * 2
    return q, k, v


def padded_grid(x):
    g = x.reshape(H, W, C)
    ph = (R - H % R) % R
    pw = (R - W % R) % R
    out = np.zeros((H + ph, W + pw, C))
    for i in range(H + ph):
        for j in range(W + pw):
            out[i, j] = g[min(i, H - 1), min(j, W - 1)]
    return out


def compress(x, mode):
    g = padded_grid(x)
    hh, ww = g.shape[0] // R, g.shape[1] // R
    out = np.zeros((hh * ww, C))
    for i in range(hh):
        for j in range(ww):
            for c in range(C):
                if mode == "discard":
                    out[i * ww + j, c] = x.reshape(H, W, C)[i * R, j * R, c]
                elif mode == "pool":
                    out[i * ww + j, c] = g[i * R:(i + 1) * R, j * R:(j + 1) * R, c].mean()
                else:
                    s = 0.05 * c
                    for u in range(R):
                        for vv in range(R):
                            s += 0.3 * math.cos(0.5 * (c * R * R + u * R + vv)) * g[i * R + u, j * R + vv, c]
                    out[i * ww + j, c] = s
    if mode == "conv":
        mu = out.mean(axis=1, keepdims=True)
        var = ((out - mu) ** 2).mean(axis=1, keepdims=True)
        lw = 1 + 0.1 * np.arange(C)
        lb = -0.02 * np.arange(C)
        out = (out - mu) / np.sqrt(var + 1e-5) * lw + lb
    return out


def attention(q, k, v):
    d = C // HEADS
    out = np.zeros((q.shape[0], C))
    for h in range(HEADS):
        qs, ks, vs = q[:, h * d:(h + 1) * d], k[:, h * d:(h + 1) * d], v[:, h * d:(h + 1) * d]
        for i in range(q.shape[0]):
            logits = np.array([qs[i] @ ks[j] / math.sqrt(d) for j in range(ks.shape[0])])
            p = np.exp(logits - logits.max())
            p /= p.sum()
            out[i, h * d:(h + 1) * d] = sum(p[j] * vs[j] for j in range(ks.shape[0]))
    return out


def main():
    q, k, v = inputs()
    cases = {}
    for mode in ["conv", "pool", "discard"]:
        fk, fv = compress(k, mode), compress(v, mode)
        cases[mode] = {"k": fk.flatten().tolist(), "attention": attention(q, fk, fv).flatten().tolist()}
    cases["none"] = {"attention": attention(q, k, v).flatten().tolist()}
    print(json.dumps({"grid": [H, W], "channels": C, "heads": HEADS, "ratio": R, "cases": cases}, indent=1))


if __name__ == "__main__":
    main()
