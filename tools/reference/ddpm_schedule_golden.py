#!/usr/bin/env python3
"""Golden values for core.diffusion.VariancePreserving and DdimSampler, written from the formulas
as they stand in diffusers (schedulers/scheduling_ddim.py and scheduling_ddpm.py: betas for
"scaled_linear" and "squaredcos_cap_v2", rescale_zero_terminal_snr, DDIMScheduler.set_timesteps for
the three timestep spacings, and DDIMScheduler.step with eta = 0), in numpy float64 (diffusers itself
is not installable here; it computes the betas in float32, which differs by ~1e-7).

Writes core/src/test/resources/diffusion/ddpm_golden.json.
"""
import json
import math
import os

import numpy as np


def scaled_linear_betas(n, beta_start=0.00085, beta_end=0.012):
    return np.linspace(beta_start ** 0.5, beta_end ** 0.5, n, dtype=np.float64) ** 2


def betas_for_alpha_bar(n, max_beta=0.999):
    def alpha_bar_fn(t):
        return math.cos((t + 0.008) / 1.008 * math.pi / 2) ** 2
    betas = []
    for i in range(n):
        t1 = i / n
        t2 = (i + 1) / n
        betas.append(min(1 - alpha_bar_fn(t2) / alpha_bar_fn(t1), max_beta))
    return np.array(betas, dtype=np.float64)


def rescale_zero_terminal_snr(betas):
    # diffusers: through alphas_bar_sqrt and back to betas
    alphas = 1.0 - betas
    alphas_cumprod = np.cumprod(alphas)
    alphas_bar_sqrt = np.sqrt(alphas_cumprod)
    a0 = alphas_bar_sqrt[0].copy()
    aT = alphas_bar_sqrt[-1].copy()
    alphas_bar_sqrt = alphas_bar_sqrt - aT
    alphas_bar_sqrt = alphas_bar_sqrt * (a0 / (a0 - aT))
    alphas_bar = alphas_bar_sqrt ** 2
    alphas = alphas_bar[1:] / alphas_bar[:-1]
    alphas = np.concatenate([alphas_bar[0:1], alphas])
    return 1 - alphas


def ddim_timesteps(n, steps, spacing, steps_offset):
    if spacing == "linspace":
        ts = np.linspace(0, n - 1, steps).round()[::-1].copy().astype(np.int64)
    elif spacing == "leading":
        step_ratio = n // steps
        ts = (np.arange(0, steps) * step_ratio).round()[::-1].copy().astype(np.int64)
        ts += steps_offset
    elif spacing == "trailing":
        step_ratio = n / steps
        ts = np.round(np.arange(n, 0, -step_ratio)).astype(np.int64)
        ts -= 1
    else:
        raise ValueError(spacing)
    return [int(t) for t in ts]


def ddim_step(alphas_cumprod, final_alpha_cumprod, n, steps, model_output, timestep, sample, prediction_type):
    prev_timestep = timestep - n // steps
    alpha_prod_t = alphas_cumprod[timestep]
    alpha_prod_t_prev = alphas_cumprod[prev_timestep] if prev_timestep >= 0 else final_alpha_cumprod
    beta_prod_t = 1 - alpha_prod_t
    if prediction_type == "epsilon":
        pred_original_sample = (sample - beta_prod_t ** 0.5 * model_output) / alpha_prod_t ** 0.5
        pred_epsilon = model_output
    elif prediction_type == "v_prediction":
        pred_original_sample = (alpha_prod_t ** 0.5) * sample - (beta_prod_t ** 0.5) * model_output
        pred_epsilon = (alpha_prod_t ** 0.5) * model_output + (beta_prod_t ** 0.5) * sample
    else:
        raise ValueError(prediction_type)
    std_dev_t = 0.0  # eta = 0
    pred_sample_direction = (1 - alpha_prod_t_prev - std_dev_t ** 2) ** 0.5 * pred_epsilon
    return alpha_prod_t_prev ** 0.5 * pred_original_sample + pred_sample_direction


def main():
    n = 1000
    schedules = {}
    for name, betas in [("scaled_linear", scaled_linear_betas(n)), ("squaredcos_cap_v2", betas_for_alpha_bar(n))]:
        schedules[name] = np.cumprod(1.0 - betas).tolist()
        schedules[name + "+zsnr"] = np.cumprod(1.0 - rescale_zero_terminal_snr(betas)).tolist()
    timesteps = []
    for steps, spacing, offset in [(10, "leading", 1), (50, "leading", 0), (7, "leading", 1), (7, "trailing", 0),
                                   (25, "trailing", 0), (3, "trailing", 0), (7, "linspace", 0), (50, "linspace", 0),
                                   (1, "leading", 0), (1000, "leading", 0)]:
        timesteps.append({"train": n, "steps": steps, "spacing": spacing, "steps_offset": offset,
                          "timesteps": ddim_timesteps(n, steps, spacing, offset)})
    rng = np.random.default_rng(7)
    steps_cases = []
    ac = np.array(schedules["scaled_linear"])
    acz = np.array(schedules["squaredcos_cap_v2+zsnr"])
    for sched, table, pred, steps, timestep, set_one in [
        ("scaled_linear", ac, "epsilon", 10, 901, False),
        ("scaled_linear", ac, "v_prediction", 10, 501, False),
        ("scaled_linear", ac, "epsilon", 10, 1, False),
        ("scaled_linear", ac, "epsilon", 10, 1, True),
        ("squaredcos_cap_v2+zsnr", acz, "v_prediction", 4, 999, True),
    ]:
        sample = rng.standard_normal(6)
        out = rng.standard_normal(6)
        final = 1.0 if set_one else table[0]
        prev = ddim_step(table, final, n, steps, out, timestep, sample, pred)
        steps_cases.append({"schedule": sched, "prediction": pred, "steps": steps, "timestep": timestep,
                            "set_alpha_to_one": set_one, "sample": sample.tolist(), "model_output": out.tolist(),
                            "prev_sample": prev.tolist()})
    out = {"alphas_cumprod": schedules, "ddim_timesteps": timesteps, "ddim_step": steps_cases}
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    path = os.path.join(root, "core/src/test/resources/diffusion/ddpm_golden.json")
    with open(path, "w") as f:
        json.dump(out, f)
    print("wrote", path)


if __name__ == "__main__":
    main()
