#!/usr/bin/env python3
"""Golden forward pass of a tiny plain VisionLLaMA classifier (VisionLLaMA Eq. 1 and 4) in PyTorch
(Debian python3-torch 1.13, run with /usr/bin/python3), float64, written from the paper's
equations and the official code's conventions, not from the Java code:

  patch conv (stride = patch) -> prepend cls token -> depth x LAMABlock -> LayerNorm -> head(cls)
  LAMABlock: h = x + g1 * MHSA_RoPE(LN(x)); x' = h + g2 * SwiGLU(LN(h))
  MHSA: q/k/v/o with biases, 2D RoPE on q and k of every head, one table shared by all heads.

2D RoPE is applied as the official code does: ADJACENT channel pairs (2p, 2p+1) read as one complex
number and multiplied by exp(i*angle), with K = d/4 frequencies w_k = theta^(-4k/d) shared by both
axes, pair 2k rotated by column * w_k and pair 2k+1 by row * w_k. The project stores q/k projections
in the rotate-half layout (pair p = channels p and p + d/2); this script maps those rows into the
adjacent layout with an explicit per-head permutation before rotating, so the test also checks that
the two layouts are the same rotation. The cls token gets angle 0 (the project's documented choice).

AS2DRoPE (Eq. 4): at a test grid of G tokens per side and a training grid of B, token (i, j) is
rotated as if it sat at (i * B / G, j * B / G).

Writes vision/src/test/resources/visionllama/golden/ (config.json in the project's VisionLLaMA format,
model.safetensors with the project's names, papers4j.json, expected.safetensors with the images, the
logits at the training resolution (2D RoPE) and at 1.5x resolution (AS2DRoPE), and the tokens entering
and leaving the first block at both resolutions).
"""
import json
import os
import struct

import torch
import torch.nn.functional as F

CONFIG = {
    "model_type": "visionllama",
    "arch": "plain",
    "imageSize": 16,
    "channels": 3,
    "patchSize": 4,
    "hiddenSize": 24,
    "depth": 2,
    "numHeads": 2,
    "intermediateSize": 64,
    "rope": "2d",
    "ropeTheta": 100.0,
    "norm": "layernorm",
    "layerScale": 0.5,
    "numClasses": 5,
    "labelSmoothing": 0.0,
}
EPS = 1e-6


class Weights:
    def __init__(self, seed):
        self.g = torch.Generator().manual_seed(seed)
        self.w = {}

    def get(self, name, *shape, gain=False, scale=0.3):
        if name not in self.w:
            t = torch.randn(*shape, generator=self.g, dtype=torch.float64)
            t = 1 + 0.1 * t if gain else scale * t
            self.w[name] = t.float().double()  # exactly representable in the F32 file
        assert tuple(self.w[name].shape) == shape, name
        return self.w[name]


def rope_angles(grid, train_grid, head_dim, theta):
    """(1 + grid^2, head_dim / 2) angles per ADJACENT pair; row 0 is the cls token (angle 0)."""
    k = torch.arange(head_dim // 4, dtype=torch.float64)
    omega = theta ** (-4.0 * k / head_dim)  # (d/4)
    s = train_grid / grid  # AS2DRoPE; 1 at the training grid
    rows = []
    for n in range(grid * grid):
        y, x = divmod(n, grid)
        a = torch.empty(head_dim // 2, dtype=torch.float64)
        a[0::2] = (x * s) * omega  # pair 2k: column
        a[1::2] = (y * s) * omega  # pair 2k+1: row
        rows.append(a)
    return torch.cat([torch.zeros(1, head_dim // 2, dtype=torch.float64), torch.stack(rows)])


def half_to_adjacent(head_dim):
    """Index list: adjacent channel c takes rotate-half channel perm[c] (2p <- p, 2p+1 <- p + d/2)."""
    perm = []
    for p in range(head_dim // 2):
        perm += [p, p + head_dim // 2]
    return torch.tensor(perm)


def rotate_adjacent(t, angles):
    """t (B, H, T, d) in the adjacent layout; complex multiply each pair by exp(i * angle)."""
    c = torch.view_as_complex(t.reshape(*t.shape[:-1], -1, 2).contiguous())
    rot = torch.polar(torch.ones_like(angles), angles)  # (T, d/2)
    return torch.view_as_real(c * rot).flatten(-2)


def block(w, i, x, angles, cfg):
    c, heads = cfg["hiddenSize"], cfg["numHeads"]
    d = c // heads
    pre = f"blocks.{i}."
    ln = lambda z, n: F.layer_norm(z, (c,), w.get(pre + n + ".weight", c, gain=True), w.get(pre + n + ".bias", c), EPS)
    lin = lambda z, n, o, i_, bias=True: F.linear(z, w.get(pre + n + ".weight", o, i_), w.get(pre + n + ".bias", o) if bias else None)
    b, t, _ = x.shape
    h = ln(x, "norm1")
    q = lin(h, "attn.q_proj", c, c).view(b, t, heads, d).transpose(1, 2)
    k = lin(h, "attn.k_proj", c, c).view(b, t, heads, d).transpose(1, 2)
    v = lin(h, "attn.v_proj", c, c).view(b, t, heads, d).transpose(1, 2)
    perm = half_to_adjacent(d)
    q = rotate_adjacent(q[..., perm], angles)
    k = rotate_adjacent(k[..., perm], angles)
    att = torch.softmax(q @ k.transpose(-1, -2) / d ** 0.5, dim=-1)
    a = (att @ v).transpose(1, 2).reshape(b, t, c)
    a = lin(a, "attn.o_proj", c, c)
    x = x + w.get(pre + "gamma_1", c, gain=True) * a
    h = ln(x, "norm2")
    m = cfg["intermediateSize"]
    gate = lin(h, "mlp.gate_proj", m, c, bias=False)
    up = lin(h, "mlp.up_proj", m, c, bias=False)
    y = F.linear(F.silu(gate) * up, w.get(pre + "mlp.down_proj.weight", c, m))
    return x + w.get(pre + "gamma_2", c, gain=True) * y


def forward(w, images, cfg):
    c, p = cfg["hiddenSize"], cfg["patchSize"]
    x = F.conv2d(images, w.get("patch_embed.proj.weight", c, cfg["channels"], p, p),
                 w.get("patch_embed.proj.bias", c), stride=p)  # (B, C, G, G)
    grid = x.shape[-1]
    x = x.flatten(2).transpose(1, 2)  # (B, G*G, C), row-major tokens
    cls = w.get("cls_token", 1, 1, c).expand(x.shape[0], 1, c)
    x = torch.cat([cls, x], 1)
    angles = rope_angles(grid, cfg["imageSize"] // p, c // cfg["numHeads"], cfg["ropeTheta"])
    first = None
    tokens = x
    for i in range(cfg["depth"]):
        x = block(w, i, x, angles, cfg)
        if i == 0:
            first = x
    x = F.layer_norm(x, (c,), w.get("norm.weight", c, gain=True), w.get("norm.bias", c), EPS)
    logits = F.linear(x[:, 0], w.get("head.weight", cfg["numClasses"], c), w.get("head.bias", cfg["numClasses"]))
    return logits, tokens, first


def write_safetensors(path, tensors, dtype="F32"):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        t = t.contiguous()
        data = (t.float() if dtype == "F32" else t.double()).numpy().tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * ((8 - len(raw) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for b in blobs:
            f.write(b)


def main():
    out = os.path.join(os.path.dirname(__file__), "..", "..", "vision", "src", "test", "resources", "visionllama", "golden")
    os.makedirs(out, exist_ok=True)
    w = Weights(20240304)
    g = torch.Generator().manual_seed(7)
    train = torch.rand(2, 3, 16, 16, generator=g, dtype=torch.float64).float().double()
    large = torch.rand(2, 3, 24, 24, generator=g, dtype=torch.float64).float().double()
    logits_train, tokens_train, first_train = forward(w, train, CONFIG)
    logits_large, tokens_large, first_large = forward(w, large, CONFIG)
    write_safetensors(os.path.join(out, "model.safetensors"), w.w)
    write_safetensors(os.path.join(out, "expected.safetensors"), {
        "images_16": train, "logits_16": logits_train, "tokens_16": tokens_train, "block0_16": first_train,
        "images_24": large, "logits_24_as2d": logits_large, "tokens_24": tokens_large,
        "block0_24_as2d": first_large,
    }, dtype="F64")
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(CONFIG, f, indent=2)
        f.write("\n")
    with open(os.path.join(out, "papers4j.json"), "w") as f:
        json.dump({"source": "tools/reference/visionllama_reference.py"}, f, indent=2)
        f.write("\n")
    print("wrote", out, "logits_16", logits_train.tolist())


if __name__ == "__main__":
    main()
