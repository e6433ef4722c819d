#!/usr/bin/python3
"""Golden values for IWM's random-resized-crop step, computed by torchvision itself.

Writes vision/src/test/resources/iwm/crop_golden.json: one float32 RGB image and, per crop box
(top, left, height, width, flip), torchvision.transforms.functional.resized_crop back to the image
size (bilinear, tensor path), then hflip where asked. Needs Debian's python3-torchvision (0.14);
run from the repository root: /usr/bin/python3 tools/reference/iwm_crop_golden.py
"""
import json
import os

import torch
import torchvision
import torchvision.transforms.functional as F

torch.manual_seed(2403)
C, H, W = 3, 9, 11
img = torch.rand(C, H, W, dtype=torch.float32)
boxes = [
    [0, 0, H, W, False],   # the whole image: identity
    [0, 0, H, W, True],    # the whole image mirrored
    [2, 3, 5, 6, False],   # an interior box, upsampled
    [4, 1, 5, 10, True],   # touching the bottom edge, mirrored
    [0, 7, 3, 4, False],   # a small corner box
]
cases = []
for top, left, h, w, flip in boxes:
    out = F.resized_crop(img, top, left, h, w, [H, W], interpolation=F.InterpolationMode.BILINEAR, antialias=False)
    if flip:
        out = F.hflip(out)
    cases.append({"box": [top, left, h, w], "flip": flip, "expected": out.flatten().tolist()})

path = "vision/src/test/resources/iwm/crop_golden.json"
os.makedirs(os.path.dirname(path), exist_ok=True)
with open(path, "w") as f:
    json.dump({"shape": [C, H, W], "image": img.flatten().tolist(), "torchvision": torchvision.__version__, "cases": cases}, f)
print("wrote", path)
