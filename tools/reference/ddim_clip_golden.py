#!/usr/bin/env python3
"""Golden values for core.diffusion.DdimSampler.clippedStep: diffusers' DDIMScheduler.step (eta = 0)
with clip_sample=True (x0-hat clamped to [-r, r]) and use_clipped_model_output=True (epsilon
re-derived from the clipped x0-hat), which is also guided-diffusion's ddim_sample with
clip_denoised=True. Written from the formulas in numpy float64; diffusers is not installable here.

Schedule: DDPM's linear betas = linspace(1e-4, 0.02, 1000) (Ho et al. 2020), the schedule on which
sqrt(alphas_cumprod[999]) ~ 0.0064 makes an unclipped first DDIM step amplify epsilon errors ~157x.

Writes core/src/test/resources/diffusion/ddim_clip_golden.json.
"""
import json
import os

import numpy as np


def ddim_step_clipped(ac, final_ac, n, steps, model_output, timestep, sample, prediction_type, clip_range):
    prev_timestep = timestep - n // steps
    alpha_prod_t = ac[timestep]
    alpha_prod_t_prev = ac[prev_timestep] if prev_timestep >= 0 else final_ac
    beta_prod_t = 1 - alpha_prod_t
    if prediction_type == "epsilon":
        pred_original_sample = (sample - beta_prod_t ** 0.5 * model_output) / alpha_prod_t ** 0.5
    elif prediction_type == "v_prediction":
        pred_original_sample = (alpha_prod_t ** 0.5) * sample - (beta_prod_t ** 0.5) * model_output
    else:
        raise ValueError(prediction_type)
    pred_original_sample = np.clip(pred_original_sample, -clip_range, clip_range)
    pred_epsilon = (sample - alpha_prod_t ** 0.5 * pred_original_sample) / beta_prod_t ** 0.5
    return alpha_prod_t_prev ** 0.5 * pred_original_sample + (1 - alpha_prod_t_prev) ** 0.5 * pred_epsilon


def main():
    n = 1000
    ac = np.cumprod(1.0 - np.linspace(1e-4, 0.02, n, dtype=np.float64))
    rng = np.random.default_rng(11)
    cases = []
    for pred, steps, timestep, set_one, clip_range, noise_scale in [
        ("epsilon", 10, 999, True, 1.0, 1.0),   # first trailing step: x0-hat far outside [-1, 1]
        ("epsilon", 10, 499, True, 1.0, 1.0),
        ("epsilon", 10, 99, True, 1.0, 1.0),    # last step, to alpha = 1
        ("epsilon", 10, 99, False, 1.0, 1.0),   # last step, to alphas_cumprod[0]
        ("epsilon", 20, 949, True, 0.5, 1.0),
        ("v_prediction", 10, 999, True, 1.0, 3.0),
    ]:
        sample = rng.standard_normal(8) * noise_scale
        out = rng.standard_normal(8)
        final = 1.0 if set_one else ac[0]
        prev = ddim_step_clipped(ac, final, n, steps, out, timestep, sample, pred, clip_range)
        cases.append({"prediction": pred, "steps": steps, "timestep": timestep, "set_alpha_to_one": set_one,
                      "clip_range": clip_range, "sample": sample.tolist(), "model_output": out.tolist(),
                      "prev_sample": prev.tolist()})
    data = {"schedule": "ddpm linear 1e-4..0.02", "alphas_cumprod": ac.tolist(), "ddim_step_clipped": cases}
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    path = os.path.join(root, "core/src/test/resources/diffusion/ddim_clip_golden.json")
    with open(path, "w") as f:
        json.dump(data, f)
    print("wrote", path)


if __name__ == "__main__":
    main()
