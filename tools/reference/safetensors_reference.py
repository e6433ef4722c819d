#!/usr/bin/env python3
"""Writes a safetensors file with the official `safetensors` package (numpy API) as an
independent reference for papers4j's reader and writer.

Output (committed as test resources under core/src/test/resources/io/safetensors/):
  reference.safetensors  - written by safetensors.numpy.save_file with metadata {"format": "pt"}
  reference.json         - every tensor's dtype, shape and values (flattened) as plain JSON

Usage: python3 tools/reference/safetensors_reference.py OUT_DIR
Needs: pip install safetensors numpy (bf16 is absent: numpy has no bfloat16).
"""
import json
import sys

import numpy as np
from safetensors.numpy import save_file

out = sys.argv[1]
tensors = {
    "model.embed_tokens.weight": (np.arange(12, dtype=np.float32).reshape(3, 4) * 0.25 - 1.0),
    "model.norm.weight": np.array([1.0, -2.5, 3.14159, 65504.0], dtype=np.float16),
    "lm_head.weight": np.array([[1e-3, -7.0], [0.5, 1e30]], dtype=np.float32),
    "counts.i64": np.array([0, -1, 2**40, -(2**62)], dtype=np.int64),
    "ids.i32": np.arange(-3, 3, dtype=np.int32).reshape(2, 3),
    "q.i8": np.array([-128, -1, 0, 1, 127], dtype=np.int8),
    "bytes.u8": np.array([0, 255, 7], dtype=np.uint8),
    "mask.bool": np.array([True, False, True], dtype=np.bool_),
    "scalar.f64": np.array(2.718281828459045, dtype=np.float64),
    "empty.f32": np.zeros((0, 3), dtype=np.float32),
}
save_file(tensors, f"{out}/reference.safetensors", metadata={"format": "pt"})
names = {np.dtype("float32"): "F32", np.dtype("float16"): "F16", np.dtype("int64"): "I64",
         np.dtype("int32"): "I32", np.dtype("int8"): "I8", np.dtype("uint8"): "U8",
         np.dtype("bool"): "BOOL", np.dtype("float64"): "F64"}
desc = {k: {"dtype": names[v.dtype], "shape": list(v.shape),
            "values": [float(x) if v.dtype.kind == "f" else int(x) for x in v.reshape(-1)]}
        for k, v in tensors.items()}
with open(f"{out}/reference.json", "w") as f:
    json.dump(desc, f, indent=1)
