#!/usr/bin/env python3
"""Golden forward pass of a tiny diffusers UNet2DConditionModel for core.nn.unet, in PyTorch
(Debian python3-torch 1.13, run with /usr/bin/python3) float64, written from the structure of
diffusers' unet_2d_condition.py / unet_2d_blocks.py / resnet.py / attention.py / transformer_2d.py
with torch.nn.functional ops (diffusers itself is not installable here):

  conv_in -> time_proj (flip_sin_to_cos, shift 0) -> time_embedding (linear_1, SiLU, linear_2)
  DownBlock2D / CrossAttnDownBlock2D (ResnetBlock2D, Transformer2DModel, Downsample2D conv stride 2)
  UNetMidBlock2DCrossAttn (resnet, transformer, resnet)
  UpBlock2D / CrossAttnUpBlock2D (cat skip, ResnetBlock2D, transformer, nearest x2 + conv)
  conv_norm_out (GroupNorm) -> SiLU -> conv_out

Seeded weights (all tensors, biases and norm gains included, drawn from N(0, 0.3^2) or 1 + N(0, 0.1^2)
for norm gains, rounded to float32) go to model.safetensors (F32) with the diffusers names, config.json holds the diffusers
config keys, and expected.safetensors holds x, t, context and the output. Writes
core/src/test/resources/nn/unet_golden/.
"""
import json
import math
import os
import struct

import torch
import torch.nn.functional as F

CONFIG = {
    "_class_name": "UNet2DConditionModel",
    "sample_size": 8,
    "in_channels": 2,
    "out_channels": 3,
    "block_out_channels": [4, 8],
    "down_block_types": ["DownBlock2D", "CrossAttnDownBlock2D"],
    "up_block_types": ["CrossAttnUpBlock2D", "UpBlock2D"],
    "mid_block_type": "UNetMidBlock2DCrossAttn",
    "layers_per_block": 1,
    "attention_head_dim": 2,  # diffusers' name; it is used as the number of heads
    "cross_attention_dim": 3,
    "norm_num_groups": 2,
    "norm_eps": 1e-5,
    "use_linear_projection": False,
    "flip_sin_to_cos": True,
    "freq_shift": 0,
}


class Weights:
    """Draws each tensor on first use, in the order the forward pass asks for it."""

    def __init__(self, seed):
        self.g = torch.Generator().manual_seed(seed)
        self.w = {}

    def get(self, name, *shape, gain=False):
        if name not in self.w:
            t = torch.randn(*shape, generator=self.g, dtype=torch.float64)
            t = 1 + 0.1 * t if gain else 0.3 * t
            self.w[name] = t.float().double()  # exactly representable in the F32 file
        assert tuple(self.w[name].shape) == shape, name
        return self.w[name]


def group_norm(W, p, x, groups, eps):
    c = x.shape[1]
    return F.group_norm(x, groups, W.get(p + ".weight", c, gain=True), W.get(p + ".bias", c), eps)


def conv(W, p, x, cout, k, stride=1, padding=None):
    cin = x.shape[1]
    return F.conv2d(x, W.get(p + ".weight", cout, cin, k, k), W.get(p + ".bias", cout), stride=stride,
                    padding=k // 2 if padding is None else padding)


def linear(W, p, x, out, bias=True):
    return F.linear(x, W.get(p + ".weight", out, x.shape[-1]), W.get(p + ".bias", out) if bias else None)


def layer_norm(W, p, x):
    c = x.shape[-1]
    return F.layer_norm(x, (c,), W.get(p + ".weight", c, gain=True), W.get(p + ".bias", c), 1e-5)


def resnet(W, p, x, temb, cout, groups, eps):
    h = conv(W, p + ".conv1", F.silu(group_norm(W, p + ".norm1", x, groups, eps)), cout, 3)
    h = h + linear(W, p + ".time_emb_proj", F.silu(temb), cout)[:, :, None, None]
    h = conv(W, p + ".conv2", F.silu(group_norm(W, p + ".norm2", h, groups, eps)), cout, 3)
    if x.shape[1] != cout:
        x = conv(W, p + ".conv_shortcut", x, cout, 1, padding=0)
    return x + h


def attention(W, p, x, context, heads):
    b, n, c = x.shape
    ctx = x if context is None else context
    q = linear(W, p + ".to_q", x, c, bias=False)
    k = linear(W, p + ".to_k", ctx, c, bias=False)
    v = linear(W, p + ".to_v", ctx, c, bias=False)
    d = c // heads
    q = q.view(b, n, heads, d).transpose(1, 2)
    k = k.view(b, -1, heads, d).transpose(1, 2)
    v = v.view(b, -1, heads, d).transpose(1, 2)
    scores = q @ k.transpose(-1, -2) / math.sqrt(d)
    o = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, n, c)
    return linear(W, p + ".to_out.0", o, c)


def transformer(W, p, x, context, heads, groups):
    b, c, hh, ww = x.shape
    res = x
    h = group_norm(W, p + ".norm", x, groups, 1e-6)
    h = conv(W, p + ".proj_in", h, c, 1, padding=0)  # use_linear_projection = False
    h = h.permute(0, 2, 3, 1).reshape(b, hh * ww, c)
    q = p + ".transformer_blocks.0"
    h = h + attention(W, q + ".attn1", layer_norm(W, q + ".norm1", h), None, heads)
    h = h + attention(W, q + ".attn2", layer_norm(W, q + ".norm2", h), context, heads)
    proj = linear(W, q + ".ff.net.0.proj", layer_norm(W, q + ".norm3", h), 2 * 4 * c)
    hidden, gate = proj.chunk(2, dim=-1)
    h = h + linear(W, q + ".ff.net.2", hidden * F.gelu(gate), c)
    h = h.reshape(b, hh, ww, c).permute(0, 3, 1, 2)
    h = conv(W, p + ".proj_out", h, c, 1, padding=0)
    return h + res


def timestep_embedding(t, dim):
    half = dim // 2
    exponent = -math.log(10000) * torch.arange(half, dtype=torch.float64) / half
    emb = t[:, None].double() * torch.exp(exponent)[None, :]
    return torch.cat([torch.cos(emb), torch.sin(emb)], dim=-1)  # flip_sin_to_cos


def unet(W, x, t, context, cfg):
    ch = cfg["block_out_channels"]
    groups, eps, heads = cfg["norm_num_groups"], cfg["norm_eps"], cfg["attention_head_dim"]
    temb_dim = 4 * ch[0]
    temb = timestep_embedding(t, ch[0])
    temb = linear(W, "time_embedding.linear_2", F.silu(linear(W, "time_embedding.linear_1", temb, temb_dim)), temb_dim)
    h = conv(W, "conv_in", x, ch[0], 3)
    skips = [h]
    for i, kind in enumerate(cfg["down_block_types"]):
        for j in range(cfg["layers_per_block"]):
            h = resnet(W, f"down_blocks.{i}.resnets.{j}", h, temb, ch[i], groups, eps)
            if kind.startswith("CrossAttn"):
                h = transformer(W, f"down_blocks.{i}.attentions.{j}", h, context, heads, groups)
            skips.append(h)
        if i < len(ch) - 1:
            h = conv(W, f"down_blocks.{i}.downsamplers.0.conv", h, ch[i], 3, stride=2, padding=1)
            skips.append(h)
    h = resnet(W, "mid_block.resnets.0", h, temb, ch[-1], groups, eps)
    h = transformer(W, "mid_block.attentions.0", h, context, heads, groups)
    h = resnet(W, "mid_block.resnets.1", h, temb, ch[-1], groups, eps)
    rev = list(reversed(ch))
    for i, kind in enumerate(cfg["up_block_types"]):
        for j in range(cfg["layers_per_block"] + 1):
            h = torch.cat([h, skips.pop()], dim=1)
            h = resnet(W, f"up_blocks.{i}.resnets.{j}", h, temb, rev[i], groups, eps)
            if kind.startswith("CrossAttn"):
                h = transformer(W, f"up_blocks.{i}.attentions.{j}", h, context, heads, groups)
        if i < len(ch) - 1:
            h = F.interpolate(h, scale_factor=2.0, mode="nearest")
            h = conv(W, f"up_blocks.{i}.upsamplers.0.conv", h, rev[i], 3)
    h = F.silu(group_norm(W, "conv_norm_out", h, groups, eps))
    return conv(W, "conv_out", h, cfg["out_channels"], 3)


DTYPES = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64"}


def write_safetensors(path, tensors, metadata):
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, t in tensors.items():
        data = t.contiguous().numpy().tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for blob in blobs:
            f.write(blob)


def main():
    g = torch.Generator().manual_seed(11)
    x = torch.randn(2, CONFIG["in_channels"], 8, 8, generator=g, dtype=torch.float64)
    t = torch.tensor([17.0, 640.0], dtype=torch.float64)
    context = torch.randn(2, 5, CONFIG["cross_attention_dim"], generator=g, dtype=torch.float64)
    W = Weights(2024)
    y = unet(W, x, t, context, CONFIG)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out = os.path.join(root, "core/src/test/resources/nn/unet_golden")
    os.makedirs(out, exist_ok=True)
    meta = {"format": "papers4j-golden", "version": "1", "torch": torch.__version__}
    write_safetensors(os.path.join(out, "model.safetensors"), {k: v.float() for k, v in W.w.items()}, meta)
    write_safetensors(os.path.join(out, "expected.safetensors"), {"x": x, "t": t, "context": context, "y": y}, meta)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(CONFIG, f, indent=2)
    print("wrote", out, "with", len(W.w), "tensors,", sum(v.numel() for v in W.w.values()), "values; |y| max",
          float(y.abs().max()))


if __name__ == "__main__":
    main()
