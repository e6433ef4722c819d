"""Golden Pearson and Spearman correlations (scipy.stats) for the MLM-Filter tests.

Writes multimodal/src/test/resources/mlmfilter/correlations.json: vectors with ties, and their
pearsonr / spearmanr (average ranks for ties), as MLM-Filter's human-alignment table reports.
Run: python3 tools/reference/mlmfilter_correlation_golden.py
"""
import json
import numpy as np
from scipy import stats

rng = np.random.default_rng(20240305)
cases = []
for n in (7, 40):
    x = rng.integers(0, 101, size=n).astype(float)
    y = np.round(0.6 * x + rng.normal(0, 20, size=n)).clip(0, 100)
    y[:3] = y[0]  # ties
    cases.append({"x": x.tolist(), "y": y.tolist(),
                  "pearson": float(stats.pearsonr(x, y)[0]), "spearman": float(stats.spearmanr(x, y)[0])})
with open("multimodal/src/test/resources/mlmfilter/correlations.json", "w") as f:
    json.dump(cases, f, indent=1)
print(json.dumps(cases)[:300])
