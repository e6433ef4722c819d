#!/usr/bin/python3
"""Golden values for IWM's photometric transforms, computed by torchvision itself.

Writes vision/src/test/resources/iwm/photometric_golden.json: two small float32 RGB images in
[0, 1] (with grey and saturated pixels, so the HSV edge cases are hit) and, per transform, one
parameter per image and torchvision.transforms.functional's output. Needs Debian's
python3-torchvision (0.14); run from the repository root: /usr/bin/python3 tools/reference/iwm_photometric_golden.py
"""
import json
import os

import torch
import torchvision.transforms.functional as F

torch.manual_seed(18)
B, H, W = 2, 7, 9
img = torch.rand(B, 3, H, W, dtype=torch.float32)
img[:, :, 0, 0] = 0.5            # grey pixel (max == min)
img[:, :, 0, 1] = torch.tensor([1.0, 0.0, 0.0])  # pure red
img[:, :, 0, 2] = torch.tensor([0.2, 0.9, 0.9])  # max shared by g and b
img[:, :, 0, 3] = torch.tensor([0.0, 0.0, 1.0])  # pure blue

params = {
    "brightness": [0.65, 1.35],
    "contrast": [0.6, 1.4],
    "saturation": [0.0, 1.8],
    "hue": [-0.3, 0.45],
    "blur": [0.6, 1.7],
}
KERNEL = 5
SOLARIZE = 0.5


def per_image(fn, values):
    return torch.stack([fn(img[i], values[i]) for i in range(B)])


out = {
    "shape": [B, 3, H, W],
    "image": img.flatten().tolist(),
    "blur_kernel": KERNEL,
    "solarize_threshold": SOLARIZE,
    "torchvision": __import__("torchvision").__version__,
    "cases": {},
}
ops = {
    "brightness": F.adjust_brightness,
    "contrast": F.adjust_contrast,
    "saturation": F.adjust_saturation,
    "hue": F.adjust_hue,
    "blur": lambda x, s: F.gaussian_blur(x, [KERNEL, KERNEL], [s, s]),
}
for name, fn in ops.items():
    vals = params[name]
    out["cases"][name] = {"params": vals, "expected": per_image(fn, vals).flatten().tolist()}
out["cases"]["grayscale"] = {"params": [1, 1],
                             "expected": F.rgb_to_grayscale(img, num_output_channels=3).flatten().tolist()}
out["cases"]["solarize"] = {"params": [SOLARIZE, SOLARIZE], "expected": F.solarize(img, SOLARIZE).flatten().tolist()}

path = "vision/src/test/resources/iwm/photometric_golden.json"
os.makedirs(os.path.dirname(path), exist_ok=True)
with open(path, "w") as f:
    json.dump(out, f)
print("wrote", path)
