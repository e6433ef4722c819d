"""Golden values for vision.tryon's TryOnMetrics (SSIM on a mask, texture fidelity), from an independent
numpy/scipy implementation. Run: python3 tools/reference/tryon_metrics_golden.py > vision/src/test/resources/tryon/metrics_golden.json

SSIM (Wang et al. 2004): 11x11 Gaussian window (sigma 1.5, normalised), zero padding (scipy.ndimage.correlate,
mode='constant'), C1 = 0.01^2, C2 = 0.03^2, per channel, mean over channels, then the mean over the masked pixels.
Texture fidelity: normalised cross-correlation of the pixels in the region, each channel centred on its own mean.
"""
import json

import numpy as np
from scipy import ndimage

S = 32


def images():
    yy, xx = np.meshgrid(np.arange(S), np.arange(S), indexing="ij")
    a = np.zeros((2, 3, S, S))
    b = np.zeros((2, 3, S, S))
    for n in range(2):
        for c in range(3):
            a[n, c] = 0.5 + 0.4 * np.sin(0.37 * xx + 0.23 * yy + c + n)
            b[n, c] = 0.5 + 0.35 * np.cos(0.29 * xx - 0.41 * yy + 2 * c + n) * np.sin(0.11 * xx + 0.5 * n)
    mask = np.zeros((2, 1, S, S))
    mask[0, 0, 8:24, 4:28] = 1
    mask[1, 0, :, :] = 1
    mask[1, 0, 0:3, :] = 0
    return a, b, mask


def window():
    d = np.arange(11) - 5.0
    g = np.exp(-d * d / (2 * 1.5 ** 2))
    g /= g.sum()
    return np.outer(g, g)


def ssim(a, b, mask):
    w = window()
    blur = lambda x: ndimage.correlate(x, w, mode="constant", cval=0.0)
    c1, c2 = 0.01 ** 2, 0.03 ** 2
    out = []
    for n in range(a.shape[0]):
        maps = []
        for c in range(a.shape[1]):
            x, y = a[n, c], b[n, c]
            mx, my = blur(x), blur(y)
            sxx, syy, sxy = blur(x * x) - mx * mx, blur(y * y) - my * my, blur(x * y) - mx * my
            maps.append((2 * mx * my + c1) * (2 * sxy + c2) / ((mx * mx + my * my + c1) * (sxx + syy + c2)))
        m = np.mean(maps, axis=0)
        out.append(float((m * mask[n, 0]).sum() / mask[n, 0].sum()))
    return out


def ncc(a, b, region):
    out = []
    for n in range(a.shape[0]):
        r = region[n, 0] > 0.5
        x = np.stack([a[n, c][r] - a[n, c][r].mean() for c in range(3)])
        y = np.stack([b[n, c][r] - b[n, c][r].mean() for c in range(3)])
        out.append(float((x * y).sum() / np.sqrt((x * x).sum() * (y * y).sum())))
    return out


a, b, mask = images()
print(json.dumps({"ssim": ssim(a, b, mask), "ssim_self": ssim(a, a, mask), "texture_fidelity": ncc(a, b, mask)}, indent=1))
