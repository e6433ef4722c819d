#!/usr/bin/python3
"""Golden values for the generative evaluation metrics (Fréchet distance and KID), computed with
numpy and scipy, independently of the Java code.

FD follows pytorch-fid's calculate_frechet_distance: np.cov(rowvar=False) and
scipy.linalg.sqrtm(sigma1 @ sigma2) (real part). KID is the unbiased MMD^2 with the cubic
polynomial kernel (x.y/d + 1)^3 written out with explicit double loops over the kernel sums, on the
whole sets and on given index subsets.

Writes vision/src/test/resources/gen/metrics_golden.json; run from the repository root:
/usr/bin/python3 tools/reference/gen_metrics_golden.py
"""
import json
import os

import numpy as np
import scipy
import scipy.linalg

rng = np.random.default_rng(20240305)
D = 12


def features(n, shift, scale):
    mix = rng.normal(size=(D, D)) * scale
    return rng.normal(size=(n, D)) @ mix + shift


def frechet(x, y):
    mu1, mu2 = x.mean(axis=0), y.mean(axis=0)
    s1, s2 = np.cov(x, rowvar=False), np.cov(y, rowvar=False)
    covmean, _ = scipy.linalg.sqrtm(s1.dot(s2), disp=False)
    covmean = np.real(covmean)
    diff = mu1 - mu2
    return float(diff.dot(diff) + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean))


def k(a, b):
    return (a @ b / D + 1.0) ** 3


def mmd2(x, y):
    m, n = len(x), len(y)
    xx = sum(k(x[i], x[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    yy = sum(k(y[i], y[j]) for i in range(n) for j in range(n) if i != j) / (n * (n - 1))
    xy = sum(k(x[i], y[j]) for i in range(m) for j in range(n)) / (m * n)
    return float(xx + yy - 2 * xy)


x = features(200, 0.0, 0.5)
y = features(150, 0.3, 0.4)
small = features(8, -0.2, 0.6)  # 8 < D: singular covariance
out = {
    "scipy": scipy.__version__,
    "numpy": np.__version__,
    "dim": D,
    "x": x.tolist(),
    "y": y.tolist(),
    "small": small.tolist(),
    "fd_x_y": frechet(x, y),
    "fd_x_small": frechet(x, small),
    "fd_x_x": frechet(x, x),
    "mmd2_x_y": mmd2(x[:60], y[:50]),
    "subsets": [],
}
for s in range(4):
    ix = rng.choice(len(x), 30, replace=False)
    iy = rng.choice(len(y), 30, replace=False)
    out["subsets"].append({"x": ix.tolist(), "y": iy.tolist(), "mmd2": mmd2(x[ix], y[iy])})
vals = [c["mmd2"] for c in out["subsets"]]
out["subset_mean"] = float(np.mean(vals))
out["subset_std"] = float(np.std(vals, ddof=1))

path = "vision/src/test/resources/gen/metrics_golden.json"
os.makedirs(os.path.dirname(path), exist_ok=True)
with open(path, "w") as f:
    json.dump(out, f)
print(path, "fd_x_y", out["fd_x_y"], "fd_x_small", out["fd_x_small"], "mmd2", out["mmd2_x_y"])
