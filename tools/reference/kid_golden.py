#!/usr/bin/python3
"""Golden values for KID (Binkowski et al. 2018) written the way clean-fid's kernel_distance
computes it, with numpy only, independently of the Java code:

    k(x, y) = (x.y / d + 1)^3
    MMD2_u  = (sum_{i!=j} k(x_i, x_j) + sum_{i!=j} k(y_i, y_j)) / (m (m - 1)) - 2 sum_{i,j} k(x_i, y_j) / m^2

(vectorised, for equal subset sizes m, as clean-fid; the unequal-size whole-set form divides the
two within-set sums by m(m-1) and n(n-1) and the cross sum by mn).

The features imitate the evaluation classifier's: post-ReLU activations whose mean squared entry
|x|^2/d is about 40 (measured on Fashion-MNIST test images: 38.1), so the raw cubic kernel sits at
~1e4 rather than the O(1) of unit-scale features. Cases:
  * raw:        the whole-set unbiased MMD2 of two samples of one distribution ("real" a, "real" b)
                and of a shifted one ("fake"), on the raw features;
  * normalised: the same after dividing every feature by the real set's RMS entry
                s = sqrt(mean_i |a_i|^2 / d) (one scalar for both sets);
  * overlap:    a set against itself: the cross sum then includes the diagonal k(a_i, a_i), so
                MMD2_u(a, a) = 2 (S_off/(m(m-1)) - (S_off + S_diag)/m^2) < 0, a bias of the
                comparison, not noise;
  * subsets:    clean-fid's loop over given index subsets (mean over subsets) on the normalised
                features.

Writes vision/src/test/resources/gen/kid_golden.json; run from the repository root:
/usr/bin/python3 tools/reference/kid_golden.py
"""
import json
import os

import numpy as np

rng = np.random.default_rng(20241204)
D = 16


def relu_features(n, mix, bias):
    return np.maximum(rng.normal(size=(n, D)) @ mix + bias, 0.0)


def kernel(x, y):
    return (x @ y.T / x.shape[1] + 1.0) ** 3


def mmd2_whole(x, y):
    m, n = len(x), len(y)
    kxx, kyy, kxy = kernel(x, x), kernel(y, y), kernel(x, y)
    return float((kxx.sum() - np.trace(kxx)) / (m * (m - 1)) + (kyy.sum() - np.trace(kyy)) / (n * (n - 1)) - 2 * kxy.sum() / (m * n))


def clean_fid_subsets(f1, f2, idx1, idx2):
    """clean-fid's kernel_distance body with the random choices replaced by given indices."""
    n = f1.shape[1]
    t = 0.0
    for i1, i2 in zip(idx1, idx2):
        x = f2[i2]
        y = f1[i1]
        m = len(i1)
        a = (x @ x.T / n + 1) ** 3 + (y @ y.T / n + 1) ** 3
        b = (x @ y.T / n + 1) ** 3
        t += ((a.sum() - np.diag(a).sum()) / (m - 1) - b.sum() * 2 / m) / m
    return float(t / len(idx1))


mix = rng.normal(size=(D, D)) * 2.2
bias = rng.normal(size=D) * 1.0
a = relu_features(150, mix, bias)  # "real" set
b = relu_features(120, mix, bias)  # a second sample of the same distribution
fake = relu_features(120, mix * 1.3, bias + 3.0)  # another distribution
s = float(np.sqrt((a ** 2).sum(axis=1).mean() / D))
an, bn, fn = a / s, b / s, fake / s

ka = kernel(a, a)
m = len(a)
s_off, s_diag = ka.sum() - np.trace(ka), np.trace(ka)
overlap_closed = float(2 * (s_off / (m * (m - 1)) - (s_off + s_diag) / m ** 2))

idx_a = [rng.choice(len(a), 40, replace=False) for _ in range(5)]
idx_f = [rng.choice(len(fake), 40, replace=False) for _ in range(5)]

out = {
    "numpy": np.__version__,
    "dim": D,
    "a": a.tolist(),
    "b": b.tolist(),
    "fake": fake.tolist(),
    "mean_sq_entry_a": float((a ** 2).sum(axis=1).mean() / D),
    "scale": s,
    "raw_a_b": mmd2_whole(a, b),
    "raw_a_fake": mmd2_whole(a, fake),
    "raw_kernel_mean_a": float(ka.mean()),
    "norm_a_b": mmd2_whole(an, bn),
    "norm_a_fake": mmd2_whole(an, fn),
    "raw_a_a": mmd2_whole(a, a),
    "raw_a_a_closed_form": overlap_closed,
    "subsets_a": [i.tolist() for i in idx_a],
    "subsets_fake": [i.tolist() for i in idx_f],
    "norm_subsets_a_fake": clean_fid_subsets(an, fn, idx_a, idx_f),
}
path = "vision/src/test/resources/gen/kid_golden.json"
os.makedirs(os.path.dirname(path), exist_ok=True)
with open(path, "w") as f:
    json.dump(out, f)
for k in ("mean_sq_entry_a", "scale", "raw_kernel_mean_a", "raw_a_b", "raw_a_fake", "norm_a_b", "norm_a_fake", "raw_a_a",
          "raw_a_a_closed_form", "norm_subsets_a_fake"):
    print(k, out[k])
