#!/usr/bin/env python3
"""Golden values for core.diffusion / core.nn.TimestepEmbedding, written from the formulas as they
stand in diffusers (FlowMatchEulerDiscreteScheduler.__init__/set_timesteps without dynamic shifting,
and embeddings.get_timestep_embedding), using numpy only (diffusers itself is not installable here).

Writes core/src/test/resources/diffusion/flow_golden.json.
"""
import json
import math
import os

import numpy as np


def flow_match_euler_sigmas(num_inference_steps, shift, num_train_timesteps=1000):
    # __init__: training sigmas, shifted once; sigma_min / sigma_max taken from them.
    t = np.linspace(1, num_train_timesteps, num_train_timesteps, dtype=np.float32)[::-1].copy()
    s = t / num_train_timesteps
    s = shift * s / (1 + (shift - 1) * s)
    sigma_min, sigma_max = float(s[-1]), float(s[0])
    # set_timesteps: linspace in timestep units between the (shifted) ends, then shifted again.
    ts = np.linspace(sigma_max * num_train_timesteps, sigma_min * num_train_timesteps, num_inference_steps)
    sig = ts / num_train_timesteps
    sig = shift * sig / (1 + (shift - 1) * sig)
    timesteps = sig * num_train_timesteps
    return [float(x) for x in sig] + [0.0], [float(x) for x in timesteps]


def timestep_embedding(timesteps, dim, flip_sin_to_cos, downscale_freq_shift, scale=1.0, max_period=10000):
    half = dim // 2
    exponent = -math.log(max_period) * np.arange(half, dtype=np.float64) / (half - downscale_freq_shift)
    emb = np.asarray(timesteps, dtype=np.float64)[:, None] * np.exp(exponent)[None, :] * scale
    emb = np.concatenate([np.sin(emb), np.cos(emb)], axis=-1)
    if flip_sin_to_cos:
        emb = np.concatenate([emb[:, half:], emb[:, :half]], axis=-1)
    if dim % 2 == 1:
        emb = np.pad(emb, ((0, 0), (0, 1)))
    return emb


def main():
    cases = []
    for steps, shift in [(5, 1.0), (10, 3.0), (25, 3.0), (28, 3.0), (7, 0.5)]:
        sig, ts = flow_match_euler_sigmas(steps, shift)
        cases.append({"steps": steps, "shift": shift, "sigmas": sig, "timesteps": ts})
    t = [0.0, 1.0, 17.5, 500.0, 999.0]
    emb = []
    for dim, flip, dshift in [(8, True, 0.0), (9, False, 1.0), (16, True, 1.0)]:
        emb.append({"dim": dim, "flip_sin_to_cos": flip, "downscale_freq_shift": dshift,
                    "timesteps": t, "embedding": timestep_embedding(t, dim, flip, dshift).tolist()})
    out = {"flow_match_euler": cases, "timestep_embedding": emb}
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    path = os.path.join(root, "core/src/test/resources/diffusion/flow_golden.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
    print("wrote", path)


if __name__ == "__main__":
    main()
