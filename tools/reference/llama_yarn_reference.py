#!/usr/bin/python3
"""Golden logits of a LLaMA checkpoint saved by transformers with YaRN rope scaling.

The forward pass is tools/reference/llama_reference.py's (independent, float64, explicit loops);
only its RoPE is replaced by the YaRN rotation as transformers computes it for a float32 model:
inv_freq from _compute_yarn_parameters (float32, NTK-by-parts ramp over the pair index from
original_max_position_embeddings, beta_fast/beta_slow), angles position * inv_freq in float32, and
cos/sin multiplied by attention_factor = 0.1 ln(factor) + 1 (which scales q and k, so the logits
by its square). The config.json is what transformers writes for such a model (4.x keys).

Writes lm/src/test/resources/golden/llama_yarn/{config.json, model.safetensors, expected.safetensors}.
Run:  /usr/bin/python3 tools/reference/llama_yarn_reference.py
"""
import json
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import llama_reference as ref  # noqa: E402

CASE = dict(model_type="llama", vocab_size=67, hidden_size=32, intermediate_size=80,
            num_hidden_layers=2, num_attention_heads=2, num_key_value_heads=2,
            rms_norm_eps=1e-5, rope_theta=10000.0, tie_word_embeddings=False,
            sliding_window=None, seq=48, batch=2, seed=2468)
SCALING = {"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 16}
MAX_POS = 64  # = factor * original: every transformers version derives the same factor


def yarn_tables(dim, T):
    """transformers' float32 cos/sin (T, dim/2) for the YaRN block above."""
    base, factor, original = CASE["rope_theta"], SCALING["factor"], SCALING["original_max_position_embeddings"]
    beta_fast, beta_slow = 32, 1

    def corr(rot):
        return (dim * math.log(original / (rot * 2 * math.pi))) / (2 * math.log(base))

    low, high = max(math.floor(corr(beta_fast)), 0), min(math.ceil(corr(beta_slow)), dim - 1)
    if low == high:
        high += 0.001
    ramp = torch.clamp((torch.arange(dim // 2, dtype=torch.float32) - low) / (high - low), 0, 1)
    pos_freqs = base ** (torch.arange(0, dim, 2).float() / dim)
    keep = 1 - ramp
    inv = (1.0 / (factor * pos_freqs)) * (1 - keep) + (1.0 / pos_freqs) * keep
    scale = 0.1 * math.log(factor) + 1.0
    ang = torch.arange(T, dtype=torch.int64).float()[:, None] * inv[None, :]
    return (ang.cos() * scale).double(), (ang.sin() * scale).double()


def yarn_rope(x, theta):
    T, D = x.shape
    cos, sin = yarn_tables(D, T)
    a, b = x[:, :D // 2], x[:, D // 2:]
    return torch.cat([a * cos - b * sin, b * cos + a * sin], dim=-1)


def main():
    ref.rope = yarn_rope  # attention() looks the rotation up at call time
    d = os.path.join(ref.OUT, "llama_yarn")
    os.makedirs(d, exist_ok=True)
    w32, ids = ref.make_weights(CASE)
    w = {k: v.double() for k, v in w32.items()}
    logprobs = ref.forward(w, ids, CASE)
    meta = {"format": "papers4j-golden", "version": ref.FORMAT_VERSION,
            "generator": "tools/reference/llama_yarn_reference.py", "torch": torch.__version__}
    ref.write_config(os.path.join(d, "config.json"), CASE)
    with open(os.path.join(d, "config.json")) as f:
        cfg = json.load(f)
    cfg["rope_scaling"] = SCALING
    cfg["max_position_embeddings"] = MAX_POS
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2, sort_keys=True)
        f.write("\n")
    ref.write_safetensors(os.path.join(d, "model.safetensors"), w32, {"format": "pt"})
    ref.write_safetensors(os.path.join(d, "expected.safetensors"), {"ids": ids, "logprobs": logprobs}, meta)
    print("llama_yarn: ids %s, %d positions (original %d)" % (list(ids.shape), CASE["seq"],
                                                             SCALING["original_max_position_embeddings"]))


if __name__ == "__main__":
    sys.exit(main())
