#!/usr/bin/python3
"""Golden bf16 safetensors bytes for papers4j's `--save-dtype bf16`, from torch's own conversion.

Writes OUT_DIR/bf16_golden.safetensors (hand-rolled safetensors writer, metadata
format=papers4j-golden, version=1) with two tensors:
  input     F32  (80,)  float32 values: rounding ties (to even, both directions), values just
                        above a tie, signed zeros, a float32 subnormal, the float32 maximum
                        (rounds to +inf), infinities, NaN and 64 seeded N(0, 3^2) values
  expected  BF16 (80,)  torch 1.13's input.to(torch.bfloat16), its raw 16-bit patterns (any NaN
                        encoding is a NaN; torch 1.13 writes 0xFFFF, so tests compare NaN as NaN)

Then it reads the file back with an independent numpy-only reader (header JSON, data offsets,
little-endian uint16 bit patterns) and checks (1) the decoded bf16 values equal torch's
float(bfloat16(x)) and (2) the bit patterns of every non-NaN value equal round-to-nearest-even
computed by hand on the float32 bits, so the committed bytes are right by two derivations.

`--read FILE` instead prints every tensor of a safetensors file as JSON (dtype, shape, the sum
and the first 8 values decoded with numpy; BF16 as bits << 16), so a file written by papers4j can
be checked by this reader.

Usage: /usr/bin/python3 tools/reference/bf16_safetensors_golden.py core/src/test/resources/io/bf16
       /usr/bin/python3 tools/reference/bf16_safetensors_golden.py --read DIR/model.safetensors
"""
import json
import struct
import sys

import numpy as np


def write_safetensors(path, tensors, metadata):
    """tensors: name -> (dtype string, shape, little-endian bytes), written in the given order."""
    header, offset, blobs = {"__metadata__": metadata}, 0, []
    for name, (dtype, shape, data) in tensors.items():
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def read_safetensors(path):
    """name -> (dtype, shape, numpy array of float32 values) using numpy only."""
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    data = raw[8 + n:]
    out = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        a, b = t["data_offsets"]
        buf = data[a:b]
        if t["dtype"] == "BF16":
            bits = np.frombuffer(buf, dtype="<u2").astype(np.uint32) << 16
            vals = bits.view(np.float32)
        elif t["dtype"] == "F32":
            vals = np.frombuffer(buf, dtype="<f4")
        elif t["dtype"] == "I64":
            vals = np.frombuffer(buf, dtype="<i8").astype(np.float64)
        else:
            raise SystemExit(f"{name}: dtype {t['dtype']} not handled by this reader")
        out[name] = (t["dtype"], t["shape"], vals.reshape(t["shape"]) if t["shape"] else vals)
    return out


def rne_bits(x32):
    """float32 -> bfloat16 bit patterns, round to nearest even (meaningless for NaN inputs)."""
    u = x32.view(np.uint32).astype(np.uint64)
    return ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype(np.uint16)


def main():
    if sys.argv[1] == "--read":
        desc = {}
        for name, (dtype, shape, v) in read_safetensors(sys.argv[2]).items():
            flat = np.asarray(v, dtype=np.float64).reshape(-1)
            desc[name] = {"dtype": dtype, "shape": shape, "sum": float(flat.sum()),
                          "first": [float(x) for x in flat[:8]]}
        print(json.dumps(desc))
        return
    import torch

    out = sys.argv[1]
    one = 1.0
    edge = np.array([
        0.0, -0.0, one, -one,
        1 + 2**-8,             # exactly halfway between 1 and 1+2^-7: ties to even -> 1
        1 + 3 * 2**-8,         # halfway between 1+2^-7 and 1+2^-6: ties to even -> up
        1 + 2**-8 + 2**-20,    # just above a tie -> up
        -(1 + 2**-8),          # negative tie -> -1
        3.0 + 2**-7,           # tie at exponent 1 -> 3 (even)
        1e-40,                 # float32 subnormal
        np.finfo(np.float32).max,  # rounds up to +inf in bfloat16
        3.3895313892515355e38,     # largest finite bfloat16
        np.inf, -np.inf, np.nan, 65504.0,
    ], dtype=np.float32)
    g = torch.Generator().manual_seed(26)
    rnd = (torch.randn(64, generator=g) * 3).numpy().astype(np.float32)
    x = np.concatenate([edge, rnd]).astype(np.float32)
    xb = torch.from_numpy(x).to(torch.bfloat16)
    bits = xb.view(torch.int16).numpy().view(np.uint16)
    write_safetensors(f"{out}/bf16_golden.safetensors", {
        "input": ("F32", x.shape, x.astype("<f4").tobytes()),
        "expected": ("BF16", x.shape, bits.astype("<u2").tobytes()),
    }, {"format": "papers4j-golden", "version": "1"})

    back = read_safetensors(f"{out}/bf16_golden.safetensors")
    assert back["expected"][0] == "BF16" and back["expected"][1] == [80], back["expected"][:2]
    dec = back["expected"][2]
    ref = xb.float().numpy()
    same = (dec == ref) | (np.isnan(dec) & np.isnan(ref))
    assert same.all(), np.nonzero(~same)
    # NaN has many encodings (torch 1.13 writes 0xFFFF here): it only has to stay a NaN
    ok = np.isnan(x) | (rne_bits(x) == bits)
    assert ok.all(), np.nonzero(~ok)
    assert np.isnan(dec[np.isnan(x)]).all()
    assert np.array_equal(back["input"][2], x, equal_nan=True)
    print(f"wrote {out}/bf16_golden.safetensors: {len(x)} values; numpy reader and hand RNE agree with torch "
          f"(ties to even: {dec[4]}, {dec[5]}; f32 max -> {dec[10]}; NaN bits {bits[14]:#06x})")


if __name__ == "__main__":
    main()
