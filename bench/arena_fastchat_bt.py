#!/usr/bin/python3
"""FastChat-method peer of `papers4j bench arena`: Bradley-Terry ratings by logistic regression.

FastChat's `compute_mle_elo` (fastchat/serve/monitor/elo_analysis.py) fits the Bradley-Terry
model as a logistic regression without intercept and without penalty: for every ordered pair of
models (a, b) two rows x = ln(10) * (e_a - e_b), one labelled 1 and weighted by
W[a, b] = 2 * #(a beat b) + #ties(a, b), one labelled 0 and weighted by W[b, a]. Ratings are
400 * coef + 1000 (L-BFGS started at zero keeps sum(coef) = 0, so their mean is 1000). Its
bootstrap (`get_bootstrap_result`) refits on `battles.sample(frac=1, replace=True)` for each
round; `--bootstrap multinomial` instead draws the counts of the unique (a, b, outcome) triples
from a multinomial, as FastChat's 2024-09 rating_systems.py does.

This script is an independent re-implementation of that method with numpy and Debian's
python3-sklearn (no pandas: the pivot tables are np.bincount over pair codes). It reads a CSV
written by the Java benchmark (header `model_a,model_b,winner`, winner one of model_a, model_b,
tie, tie (bothbad)), times the point fit and the bootstrap, and prints one JSON object.

Usage: /usr/bin/python3 bench/arena_fastchat_bt.py --battles FILE.csv --rounds 100 --seed 0 \
           [--bootstrap rows|multinomial]
"""
import argparse
import csv
import json
import math
import os
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

SCALE, BASE, INIT_RATING = 400.0, 10.0, 1000.0
# outcome codes per battle: 0 = model_a won, 1 = tie, 2 = model_b won
OUTCOME = {"model_a": 0, "tie": 1, "tie (bothbad)": 1, "model_b": 2}


def read_battles(path):
    """Model names (sorted, as FastChat sorts them) and per-battle index arrays."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = csv.reader(f)
        header = next(rows)
        if header[:3] != ["model_a", "model_b", "winner"]:
            sys.exit(f"{path}: header must be model_a,model_b,winner, got {header}")
        a_names, b_names, outcome = [], [], []
        for line, row in enumerate(rows, start=2):
            if row[2] not in OUTCOME:
                sys.exit(f"{path}:{line}: unknown winner {row[2]!r}")
            a_names.append(row[0])
            b_names.append(row[1])
            outcome.append(OUTCOME[row[2]])
    models, codes = np.unique(np.array(a_names + b_names), return_inverse=True)
    n = len(a_names)
    return list(models), codes[:n], codes[n:], np.array(outcome, dtype=np.int64)


def triple_counts(a, b, outcome, m):
    """Counts of every (a, b, outcome) cell: shape (m, m, 3); the aggregation FastChat's pivots do."""
    code = (a * m + b) * 3 + outcome
    return np.bincount(code, minlength=m * m * 3).reshape(m, m, 3).astype(np.float64)


def fit_mle(counts):
    """FastChat's compute_mle_elo on aggregated counts: ratings with mean 1000 (400 * log10 odds)."""
    m = counts.shape[0]
    a_won, tie, b_won = counts[:, :, 0], counts[:, :, 1], counts[:, :, 2]
    # W[i, j]: weight of "i beat j"; a tie counts once in each direction, a win twice
    w = 2.0 * a_won + 2.0 * b_won.T + tie + tie.T
    ii, jj = np.where(~np.eye(m, dtype=bool))  # every ordered pair, as FastChat's double loop
    x = np.zeros((2 * len(ii), m))
    rows = np.arange(len(ii))
    for base in (0, len(ii)):
        x[base + rows, ii] = math.log(BASE)
        x[base + rows, jj] = -math.log(BASE)
    y = np.concatenate([np.ones(len(ii)), np.zeros(len(ii))])
    weight = np.concatenate([w[ii, jj], w[jj, ii]])
    lr = LogisticRegression(fit_intercept=False, penalty=None, tol=1e-6)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        lr.fit(x, y, sample_weight=weight)
    converged = not any(issubclass(c.category, ConvergenceWarning) for c in caught)
    return SCALE * lr.coef_[0] + INIT_RATING, int(lr.n_iter_[0]), converged


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--battles", required=True)
    ap.add_argument("--rounds", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--bootstrap", choices=["rows", "multinomial"], default="rows")
    args = ap.parse_args()

    models, a, b, outcome = read_battles(args.battles)
    m, n = len(models), len(a)

    t0 = time.perf_counter()
    ratings, iters, converged = fit_mle(triple_counts(a, b, outcome, m))
    t1 = time.perf_counter()

    rng = np.random.default_rng(args.seed)
    boot = np.empty((args.rounds, m))
    all_converged = converged
    if args.bootstrap == "rows":
        for r in range(args.rounds):
            pick = rng.integers(0, n, size=n)  # battles.sample(frac=1, replace=True)
            boot[r], _, ok = fit_mle(triple_counts(a[pick], b[pick], outcome[pick], m))
            all_converged &= ok
    else:
        counts = triple_counts(a, b, outcome, m)
        flat = counts.ravel()
        nonzero = np.flatnonzero(flat)
        for r in range(args.rounds):
            drawn = np.zeros_like(flat)
            drawn[nonzero] = rng.multinomial(n, flat[nonzero] / n)
            boot[r], _, ok = fit_mle(drawn.reshape(counts.shape))
            all_converged &= ok
    t2 = time.perf_counter()

    print(json.dumps({
        "method": "FastChat compute_mle_elo (sklearn LogisticRegression, lbfgs, tol 1e-6) + "
                  + ("row bootstrap" if args.bootstrap == "rows" else "multinomial bootstrap"),
        "battles": n,
        "models": models,
        "ratings": ratings.tolist(),
        "lower": np.quantile(boot, 0.025, axis=0).tolist(),
        "upper": np.quantile(boot, 0.975, axis=0).tolist(),
        "fit_seconds": t1 - t0,
        "bootstrap_seconds": t2 - t1,
        "rounds": args.rounds,
        "lbfgs_iterations": iters,
        "all_fits_converged": bool(all_converged),
        "threads": os.environ.get("OMP_NUM_THREADS", "default"),
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
    }))


if __name__ == "__main__":
    main()
