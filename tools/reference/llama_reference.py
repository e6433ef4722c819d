#!/usr/bin/python3
"""Independent LLaMA / Mistral forward pass for papers4j's golden tests.

Written from the equations (not from the Java code), in float64 with plain PyTorch ops and
explicit per-head loops:

    h0 = E[ids]
    for each layer:  h = h + Attn(RMSNorm(h)) ;  h = h + W_down(silu(W_gate x) * W_up x), x = RMSNorm(h)
    logits = RMSNorm(h) W_out^T          (W_out = E when tie_word_embeddings)
    RMSNorm(x) = g * x / sqrt(mean(x^2) + eps)
    Attn: q, k, v projections; RoPE with rotate-half pairing (dim j with j + D/2, angle m * theta^(-2j/D));
          query head h uses key/value head h // (H / H_kv); scores q.k / sqrt(D);
          query i may attend key j iff j <= i and (no window or i - j < W)   (Hugging Face convention)

For each case it writes, under lm/src/test/resources/golden/<case>/:
    config.json          Hugging Face config keys
    model.safetensors    the float32 weights with Hugging Face tensor names (hand-rolled writer;
                         the reference itself computes with these float32 values widened to float64)
    expected.safetensors ids (B, T) int64 and logprobs (B, T, V) float64 = log_softmax(logits)
                         metadata: format "papers4j-golden", version "1", generator, torch version

Run:  /usr/bin/python3 tools/reference/llama_reference.py   (Debian python3-torch, PyTorch 1.13)
"""
import json
import math
import os
import struct
import sys

import torch

FORMAT_VERSION = "1"
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
OUT = os.path.join(ROOT, "lm", "src", "test", "resources", "golden")

CASES = {
    # LLaMA: multi-head attention, untied output matrix, 12 tokens, 2 sequences.
    "llama": dict(model_type="llama", vocab_size=67, hidden_size=32, intermediate_size=80,
                  num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=4,
                  rms_norm_eps=1e-5, rope_theta=10000.0, tie_word_embeddings=False,
                  sliding_window=None, seq=12, batch=2, seed=1234),
    # Mistral: GQA 6/2 (3 query heads per kv head), tied embeddings, window 5 < 16 tokens.
    "mistral": dict(model_type="mistral", vocab_size=67, hidden_size=48, intermediate_size=96,
                    num_hidden_layers=2, num_attention_heads=6, num_key_value_heads=2,
                    rms_norm_eps=1e-6, rope_theta=1000000.0, tie_word_embeddings=True,
                    sliding_window=5, seq=16, batch=2, seed=4321),
}


# ------------------------------------------------------------------ weights

def make_weights(c):
    """Deterministic float32 weights; large enough that attention is far from uniform."""
    g = torch.Generator().manual_seed(c["seed"])
    C, F, V = c["hidden_size"], c["intermediate_size"], c["vocab_size"]
    H, Hkv = c["num_attention_heads"], c["num_key_value_heads"]
    D = C // H

    def normal(*shape, std):
        return (torch.randn(*shape, generator=g, dtype=torch.float64) * std).float()

    def gain(n):  # norm gains around 1, not all ones, so a missing gain would show
        return (1.0 + 0.2 * torch.randn(n, generator=g, dtype=torch.float64)).float()

    w = {"model.embed_tokens.weight": normal(V, C, std=2.0 / math.sqrt(C))}
    for i in range(c["num_hidden_layers"]):
        p = "model.layers.%d." % i
        w[p + "input_layernorm.weight"] = gain(C)
        w[p + "self_attn.q_proj.weight"] = normal(H * D, C, std=0.5 / math.sqrt(C) * 3)
        w[p + "self_attn.k_proj.weight"] = normal(Hkv * D, C, std=0.5 / math.sqrt(C) * 3)
        w[p + "self_attn.v_proj.weight"] = normal(Hkv * D, C, std=1.0 / math.sqrt(C))
        w[p + "self_attn.o_proj.weight"] = normal(C, H * D, std=1.0 / math.sqrt(H * D))
        w[p + "post_attention_layernorm.weight"] = gain(C)
        w[p + "mlp.gate_proj.weight"] = normal(F, C, std=1.0 / math.sqrt(C))
        w[p + "mlp.up_proj.weight"] = normal(F, C, std=1.0 / math.sqrt(C))
        w[p + "mlp.down_proj.weight"] = normal(C, F, std=1.0 / math.sqrt(F))
    w["model.norm.weight"] = gain(C)
    if not c["tie_word_embeddings"]:
        w["lm_head.weight"] = normal(V, C, std=2.0 / math.sqrt(C))
    ids = torch.randint(0, V, (c["batch"], c["seq"]), generator=g, dtype=torch.int64)
    return w, ids


# ------------------------------------------------------------------ the model, from the math

def rms_norm(x, g, eps):
    return g * (x / torch.sqrt((x * x).mean(dim=-1, keepdim=True) + eps))


def rope(x, theta):
    """x (T, D): rotate pair (j, j + D/2) by angle m * theta^(-2j/D) at position m."""
    T, D = x.shape
    half = D // 2
    j = torch.arange(half, dtype=torch.float64)
    freq = theta ** (-2.0 * j / D)
    m = torch.arange(T, dtype=torch.float64)
    ang = m[:, None] * freq[None, :]
    cos, sin = torch.cos(ang), torch.sin(ang)
    a, b = x[:, :half], x[:, half:]
    return torch.cat([a * cos - b * sin, b * cos + a * sin], dim=-1)


def attention(x, w, p, c):
    """x (T, C) for one sequence."""
    T, C = x.shape
    H, Hkv = c["num_attention_heads"], c["num_key_value_heads"]
    D = C // H
    W = c["sliding_window"]
    q = x @ w[p + "q_proj.weight"].T
    k = x @ w[p + "k_proj.weight"].T
    v = x @ w[p + "v_proj.weight"].T
    heads = []
    for h in range(H):
        g = h // (H // Hkv)
        qh = rope(q[:, h * D:(h + 1) * D], c["rope_theta"])
        kh = rope(k[:, g * D:(g + 1) * D], c["rope_theta"])
        vh = v[:, g * D:(g + 1) * D]
        out = torch.zeros(T, D, dtype=torch.float64)
        for i in range(T):
            allowed = [j for j in range(T) if j <= i and (W is None or i - j < W)]
            s = torch.stack([qh[i] @ kh[j] for j in allowed]) / math.sqrt(D)
            a = torch.exp(s - s.max())
            a = a / a.sum()
            out[i] = sum(a[n] * vh[j] for n, j in enumerate(allowed))
        heads.append(out)
    return torch.cat(heads, dim=-1) @ w[p + "o_proj.weight"].T


def forward(w, ids, c):
    eps = c["rms_norm_eps"]
    out = []
    for b in range(ids.shape[0]):
        h = w["model.embed_tokens.weight"][ids[b]]
        for i in range(c["num_hidden_layers"]):
            p = "model.layers.%d." % i
            h = h + attention(rms_norm(h, w[p + "input_layernorm.weight"], eps), w, p + "self_attn.", c)
            x = rms_norm(h, w[p + "post_attention_layernorm.weight"], eps)
            gate = x @ w[p + "mlp.gate_proj.weight"].T
            silu = gate / (1.0 + torch.exp(-gate))
            h = h + (silu * (x @ w[p + "mlp.up_proj.weight"].T)) @ w[p + "mlp.down_proj.weight"].T
        h = rms_norm(h, w["model.norm.weight"], eps)
        head = w["model.embed_tokens.weight"] if c["tie_word_embeddings"] else w["lm_head.weight"]
        logits = h @ head.T
        out.append(logits - torch.logsumexp(logits, dim=-1, keepdim=True))
    return torch.stack(out)


# ------------------------------------------------------------------ files

DTYPES = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64"}


def write_safetensors(path, tensors, metadata):
    """Minimal safetensors writer: 8-byte little-endian header size, JSON header, raw data."""
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, t in tensors.items():
        data = t.contiguous().numpy().tobytes()  # little-endian on x86-64
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for blob in blobs:
            f.write(blob)
    os.replace(tmp, path)


def write_config(path, c):
    cfg = {
        "architectures": ["MistralForCausalLM" if c["model_type"] == "mistral" else "LlamaForCausalLM"],
        "model_type": c["model_type"],
        "vocab_size": c["vocab_size"],
        "hidden_size": c["hidden_size"],
        "intermediate_size": c["intermediate_size"],
        "num_hidden_layers": c["num_hidden_layers"],
        "num_attention_heads": c["num_attention_heads"],
        "num_key_value_heads": c["num_key_value_heads"],
        "hidden_act": "silu",
        "max_position_embeddings": 64,
        "rms_norm_eps": c["rms_norm_eps"],
        "rope_theta": c["rope_theta"],
        "rope_scaling": None,
        "tie_word_embeddings": c["tie_word_embeddings"],
        "attention_bias": False,
        "bos_token_id": 1,
        "eos_token_id": 2,
        "torch_dtype": "float32",
    }
    if c["model_type"] == "mistral":
        cfg["sliding_window"] = c["sliding_window"]
    with open(path + ".tmp", "w") as f:
        json.dump(cfg, f, indent=2, sort_keys=True)
        f.write("\n")
    os.replace(path + ".tmp", path)


def main():
    for name, c in CASES.items():
        d = os.path.join(OUT, name)
        os.makedirs(d, exist_ok=True)
        w32, ids = make_weights(c)
        w = {k: v.double() for k, v in w32.items()}
        logprobs = forward(w, ids, c)
        meta = {"format": "papers4j-golden", "version": FORMAT_VERSION,
                "generator": "tools/reference/llama_reference.py", "torch": torch.__version__}
        write_config(os.path.join(d, "config.json"), c)
        write_safetensors(os.path.join(d, "model.safetensors"), w32, {"format": "pt"})
        write_safetensors(os.path.join(d, "expected.safetensors"),
                          {"ids": ids, "logprobs": logprobs}, meta)
        nxt = logprobs[:, :-1].gather(-1, ids[:, 1:, None]).squeeze(-1)
        print("%s: ids %s, mean next-token log-prob %.4f (uniform would be %.4f)"
              % (name, list(ids.shape), nxt.mean().item(), -math.log(c["vocab_size"])))


if __name__ == "__main__":
    sys.exit(main())
