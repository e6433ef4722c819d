#!/usr/bin/env python3
"""Golden values for core.nn.Conv2d, core.nn.GroupNorm and core.nn.vision.PatchEmbed.unpatchify,
computed with PyTorch (Debian python3-torch 1.13, run with /usr/bin/python3) in float64:
torch.nn.functional.conv2d, torch.nn.functional.group_norm, and diffusers' DiT/SD3 unpatchify
written as its einsum ("nhwpqc->nchpwq").

Inputs and weights are drawn here from a seeded torch.Generator and stored next to the outputs, so
the Java test loads exactly these tensors. Writes core/src/test/resources/nn/conv_groupnorm_golden.json.
"""
import json
import os

import torch
import torch.nn.functional as F


def rnd(g, *shape):
    return torch.randn(*shape, generator=g, dtype=torch.float64)


def main():
    g = torch.Generator().manual_seed(20240314)
    conv = []
    # (in, out, kh, kw, stride, padding, bias, input shape)
    for cin, cout, kh, kw, s, p, bias, shape in [
        (3, 4, 3, 3, 1, 1, True, (2, 3, 5, 6)),
        (2, 3, 3, 2, 2, 1, True, (1, 2, 7, 5)),
        (4, 2, 1, 1, 1, 0, False, (2, 4, 3, 3)),
        (2, 2, 4, 4, 4, 0, True, (1, 2, 8, 8)),
    ]:
        x = rnd(g, *shape)
        w = rnd(g, cout, cin, kh, kw) * 0.5
        b = rnd(g, cout) if bias else None
        y = F.conv2d(x, w, b, stride=s, padding=p)
        conv.append({"in": cin, "out": cout, "kernel_h": kh, "kernel_w": kw, "stride": s, "padding": p,
                     "x": x.tolist(), "weight": w.tolist(), "bias": None if b is None else b.tolist(),
                     "y": y.tolist()})
    gn = []
    # (groups, channels, eps, affine, input shape)
    for groups, c, eps, affine, shape in [
        (2, 6, 1e-5, True, (2, 6, 3, 4)),
        (3, 6, 1e-6, False, (2, 6, 5)),
        (1, 4, 1e-5, True, (1, 4, 2, 2)),
        (4, 4, 1e-6, True, (3, 4, 2, 3)),
    ]:
        x = rnd(g, *shape) * 2 + 0.5
        w = 1 + 0.3 * rnd(g, c) if affine else None
        b = 0.3 * rnd(g, c) if affine else None
        y = F.group_norm(x, groups, w, b, eps)
        gn.append({"groups": groups, "channels": c, "eps": eps, "affine": affine, "x": x.tolist(),
                   "weight": None if w is None else w.tolist(), "bias": None if b is None else b.tolist(),
                   "y": y.tolist()})
    unp = []
    for h, w_, p, c in [(2, 3, 2, 3), (1, 2, 4, 1)]:
        tokens = rnd(g, 2, h * w_, p * p * c)
        x = tokens.reshape(-1, h, w_, p, p, c)
        x = torch.einsum("nhwpqc->nchpwq", x)
        img = x.reshape(-1, c, h * p, w_ * p)
        unp.append({"grid_h": h, "grid_w": w_, "patch": p, "channels": c, "tokens": tokens.tolist(),
                    "images": img.tolist()})
    out = {"torch_version": torch.__version__, "conv2d": conv, "group_norm": gn, "unpatchify": unp}
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    path = os.path.join(root, "core/src/test/resources/nn/conv_groupnorm_golden.json")
    with open(path, "w") as f:
        json.dump(out, f)
    print("wrote", path)


if __name__ == "__main__":
    main()
