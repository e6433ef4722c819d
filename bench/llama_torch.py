"""LLaMA in plain torch 1.13 for the PyTorch eager peers of papers4j's benchmarks (`bench generate`,
`bench reasoning`).

Loads config.json + model.safetensors written by papers4j (Hugging Face LLaMA names, float32; the file is
read with numpy, Debian has no safetensors package) into the Hugging Face LLaMA architecture: embedding, per
layer RMSNorm -> q/k/v/o with rotate-half RoPE at absolute positions -> attention over a preallocated
(B, H, capacity, D) cache (explicit softmax(QK^T/sqrt(D) + causal mask)V: 1.13 has no
scaled_dot_product_attention) -> residual, RMSNorm -> SwiGLU -> residual; final RMSNorm and lm_head (or the
tied embedding).
"""
import json
import math
import struct

import numpy as np
import torch
import torch.nn.functional as F


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    data = raw[8 + n:]
    out = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        if t["dtype"] != "F32":
            raise SystemExit(f"{name}: {t['dtype']} (this peer reads float32 checkpoints)")
        a, b = t["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(data[a:b], dtype="<f4").copy().reshape(t["shape"]))
    return out


def rms_norm(x, w, eps):
    return w * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


class Llama:
    def __init__(self, cfg, w):
        self.c, self.w = cfg, w
        self.h = cfg["num_attention_heads"]
        self.kvh = cfg.get("num_key_value_heads", self.h)
        self.d = cfg["hidden_size"] // self.h
        self.eps = cfg["rms_norm_eps"]
        self.layers = cfg["num_hidden_layers"]
        self.inv_freq = 1.0 / (cfg.get("rope_theta", 10000.0) ** (torch.arange(0, self.d, 2).float() / self.d))
        self.head = w.get("lm_head.weight", w["model.embed_tokens.weight"])

    def new_cache(self, b, cap):
        return [(torch.zeros(b, self.kvh, cap, self.d), torch.zeros(b, self.kvh, cap, self.d)) for _ in range(self.layers)]

    def attention(self, p, hn, b, t, start, end, cos, sin, mask, layer_cache):
        """Layer p's self-attention of the normed hidden states hn (B, T, C), writing keys and values for
        positions start..end into layer_cache and attending over all cached positions up to end."""
        q = F.linear(hn, self.w[p + "self_attn.q_proj.weight"]).view(b, t, self.h, self.d).transpose(1, 2)
        k = F.linear(hn, self.w[p + "self_attn.k_proj.weight"]).view(b, t, self.kvh, self.d).transpose(1, 2)
        v = F.linear(hn, self.w[p + "self_attn.v_proj.weight"]).view(b, t, self.kvh, self.d).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        kc, vc = layer_cache
        kc[:, :, start:end] = k
        vc[:, :, start:end] = v
        keys, vals = kc[:, :, :end], vc[:, :, :end]
        if self.kvh != self.h:
            keys = keys.repeat_interleave(self.h // self.kvh, dim=1)
            vals = vals.repeat_interleave(self.h // self.kvh, dim=1)
        att = (q @ keys.transpose(-2, -1)) / math.sqrt(self.d) + mask  # (B, H, T, end)
        y = (F.softmax(att, dim=-1) @ vals).transpose(1, 2).reshape(b, t, -1)
        return F.linear(y, self.w[p + "self_attn.o_proj.weight"])

    def forward(self, ids, cache, start):
        b, t = ids.shape
        pos = torch.arange(start, start + t).float()
        freqs = torch.outer(pos, self.inv_freq)
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos(), emb.sin()  # (T, D)
        end = start + t
        # query i (absolute start + i) sees keys j <= start + i
        mask = torch.full((t, end), float("-inf")).triu(start + 1)
        x = F.embedding(ids, self.w["model.embed_tokens.weight"])
        for i in range(self.layers):
            p = f"model.layers.{i}."
            hn = rms_norm(x, self.w[p + "input_layernorm.weight"], self.eps)
            x = x + self.attention(p, hn, b, t, start, end, cos, sin, mask, cache[i])
            hn = rms_norm(x, self.w[p + "post_attention_layernorm.weight"], self.eps)
            m = F.silu(F.linear(hn, self.w[p + "mlp.gate_proj.weight"])) * F.linear(hn, self.w[p + "mlp.up_proj.weight"])
            x = x + F.linear(m, self.w[p + "mlp.down_proj.weight"])
        x = rms_norm(x, self.w["model.norm.weight"], self.eps)
        return F.linear(x, self.head)  # (B, T, V)


def load(model_dir):
    """The model of a papers4j checkpoint directory, and its config. Weights are parameters (leaf tensors
    that require grad), as in an nn.Module: autocast caches their bf16 copies."""
    with open(f"{model_dir}/config.json") as f:
        cfg = json.load(f)
    weights = {k: torch.nn.Parameter(v) for k, v in read_safetensors(f"{model_dir}/model.safetensors").items()}
    return Llama(cfg, weights), cfg


def check_tokens(model, vocab):
    """Greedy float32 tokens from the fixed prompt 0, 1, ..., 15 (papers4j checks them against its own)."""
    with torch.no_grad():
        cache = model.new_cache(1, 16 + 8)
        nxt = model.forward(torch.arange(16).view(1, 16) % vocab, cache, 0)[:, -1].argmax(-1, keepdim=True)
        tokens = [int(nxt)]
        for i in range(7):
            nxt = model.forward(nxt, cache, 16 + i)[:, -1].argmax(-1, keepdim=True)
            tokens.append(int(nxt))
    return tokens
