#!/usr/bin/python3
"""Golden RoPE tables for papers4j's lm.rope tests, computed with PyTorch (Debian python3-torch).

Independent of the Java code: it re-states, in torch float32, the formulas of transformers'
modeling_rope_utils.py (_compute_default/linear/dynamic_ntk/yarn_parameters, with the rope
block read the way transformers reads config.json) and of the Resonance RoPE repo
(round(2*pi/inv_freq), angles tiled over one integer period). The cos/sin rows are what
LlamaRotaryEmbedding returns for one half (cos = cos(pos * inv_freq) * attention_scaling).

Usage: /usr/bin/python3 tools/reference/rope_tables.py > lm/src/test/resources/rope/reference.json
"""
import json
import math

import torch


def rope_block(config):
    block = config.get("rope_parameters") or config.get("rope_scaling") or {}
    return block


def head_dim(config):
    return config.get("head_dim") or config["hidden_size"] // config["num_attention_heads"]


def default_inv_freq(base, dim):
    return 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.int64).float() / dim))


def inv_freq_and_scaling(config, seq_len=None):
    block = rope_block(config)
    rope_type = block.get("rope_type", block.get("type", "default"))
    base = block.get("rope_theta", config.get("rope_theta", 10000.0))
    dim = int(head_dim(config) * config.get("partial_rotary_factor", 1.0))
    max_pos = config["max_position_embeddings"]
    if rope_type == "default":
        return default_inv_freq(base, dim), 1.0
    if rope_type == "linear":
        inv = default_inv_freq(base, dim)
        inv /= block["factor"]
        return inv, 1.0
    if rope_type == "dynamic":
        factor = block["factor"]
        seq_len = max(seq_len or max_pos, max_pos)
        base = base * ((factor * seq_len / max_pos) - (factor - 1)) ** (dim / (dim - 2))
        return default_inv_freq(base, dim), 1.0
    if rope_type == "yarn":
        factor = block.get("factor")
        original = block.get("original_max_position_embeddings") or max_pos
        if factor is None:
            factor = max_pos / original
        attention_factor = block.get("attention_factor")
        mscale, mscale_all_dim = block.get("mscale"), block.get("mscale_all_dim")

        def get_mscale(scale, m=1):
            return 1.0 if scale <= 1 else 0.1 * m * math.log(scale) + 1.0

        if attention_factor is None:
            if mscale and mscale_all_dim:
                attention_factor = float(get_mscale(factor, mscale) / get_mscale(factor, mscale_all_dim))
            else:
                attention_factor = get_mscale(factor)
        beta_fast = block.get("beta_fast") or 32
        beta_slow = block.get("beta_slow") or 1

        def correction_dim(rot):
            return (dim * math.log(original / (rot * 2 * math.pi))) / (2 * math.log(base))

        low, high = correction_dim(beta_fast), correction_dim(beta_slow)
        if block.get("truncate", True):
            low, high = math.floor(low), math.ceil(high)
        low, high = max(low, 0), min(high, dim - 1)
        if low == high:
            high += 0.001
        ramp = torch.clamp((torch.arange(dim // 2, dtype=torch.float32) - low) / (high - low), 0, 1)
        pos_freqs = base ** (torch.arange(0, dim, 2).float() / dim)
        extrapolation = 1.0 / pos_freqs
        interpolation = 1.0 / (factor * pos_freqs)
        keep = 1 - ramp
        inv = interpolation * (1 - keep) + extrapolation * keep
        return inv, attention_factor
    raise ValueError(rope_type)


def resonance(inv):
    """The Resonance repo: integer wavelengths, angles over one tiled period."""
    wavelengths = torch.round(2 * math.pi / inv)
    return wavelengths, 2 * math.pi / wavelengths


def tables(inv, scaling, positions, wavelengths=None):
    pos = torch.tensor(positions, dtype=torch.int64)
    if wavelengths is None:
        freqs = pos.float()[:, None] * inv[None, :]
    else:
        rem = torch.remainder(pos[:, None], wavelengths.long()[None, :])
        freqs = rem.float() * inv[None, :]
    return (freqs.cos() * scaling), (freqs.sin() * scaling)


def llama(hd, heads, max_pos, theta, block):
    cfg = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": hd * heads,
           "num_attention_heads": heads, "max_position_embeddings": max_pos, "rope_theta": theta}
    if block is not None:
        cfg["rope_scaling"] = block
    return cfg


CASES = [
    ("rope_d64", llama(64, 2, 64, 10000.0, None), None, False),
    ("linear_d64_s4", llama(64, 2, 256, 10000.0, {"rope_type": "linear", "factor": 4.0}), None, False),
    ("dynamic_d64_s2_at512", llama(64, 2, 128, 10000.0, {"rope_type": "dynamic", "factor": 2.0}), 512, False),
    # a transformers checkpoint saved with YaRN (LLaMA-2 7B geometry, 4K -> 16K)
    ("yarn_llama2_s4", llama(128, 32, 16384, 10000.0,
                             {"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 4096}), None, False),
    ("yarn_llama2_s8_4x", llama(128, 32, 32768, 10000.0,
                                {"type": "yarn", "factor": 8.0, "original_max_position_embeddings": 4096,
                                 "beta_fast": 32, "beta_slow": 1}), None, False),
    # PosGen, the official code's eval-time YaRN: max length 257, s = 257/65, beta_fast 2
    ("yarn_posgen_code", llama(64, 8, 257, 10000.0,
                               {"rope_type": "yarn", "factor": 257 / 65, "original_max_position_embeddings": 257,
                                "beta_fast": 2, "beta_slow": 1}), None, False),
    ("yarn_explicit_attention", llama(64, 2, 256, 500000.0,
                                      {"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 64,
                                       "attention_factor": 1.25, "truncate": False}), None, False),
    ("yarn_deepseek_mscale", llama(64, 2, 1024, 10000.0,
                                   {"rope_type": "yarn", "factor": 16.0, "original_max_position_embeddings": 64,
                                    "mscale": 1.0, "mscale_all_dim": 0.707}), None, False),
    # transformers 5.x block
    ("yarn_v5_parameters", {"model_type": "llama", "hidden_size": 256, "num_attention_heads": 4,
                            "max_position_embeddings": 512,
                            "rope_parameters": {"rope_type": "yarn", "rope_theta": 10000.0, "factor": 4.0,
                                                "original_max_position_embeddings": 128}}, None, False),
    ("resonance_d64", llama(64, 2, 64, 10000.0, {"rope_type": "default", "papers4j_resonance": True}), None, True),
    ("resonance_yarn_posgen_code", llama(64, 8, 257, 10000.0,
                                         {"rope_type": "yarn", "factor": 257 / 65,
                                          "original_max_position_embeddings": 257, "beta_fast": 2, "beta_slow": 1,
                                          "papers4j_resonance": True}), None, True),
]

POSITIONS = [0, 1, 2, 3, 5, 17, 63, 64, 65, 100, 255, 256, 1000, 4095, 4096, 10000, 16383]


def main():
    torch.set_default_dtype(torch.float32)
    out = {"generator": "tools/reference/rope_tables.py", "torch": torch.__version__, "positions": POSITIONS,
           "cases": []}
    for name, cfg, seq_len, res in CASES:
        inv, scaling = inv_freq_and_scaling(cfg, seq_len)
        wavelengths = None
        if res:
            wavelengths, inv = resonance(inv)
        cos, sin = tables(inv, scaling, POSITIONS, wavelengths)
        case = {"name": name, "config": cfg, "seq_len": seq_len, "inv_freq": inv.tolist(),
                "attention_factor": scaling, "cos": cos.tolist(), "sin": sin.tolist()}
        if wavelengths is not None:
            case["wavelengths"] = [int(w) for w in wavelengths.tolist()]
        out["cases"].append(case)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
