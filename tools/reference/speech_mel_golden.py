#!/usr/bin/env python3
"""Golden values for io.papers4j.speech.audio.Spectrogram (STFT, Slaney mel filterbank, mel power).

Independent numpy/scipy implementation of the librosa/torchaudio conventions (librosa itself is not
installable here, so its formulas are re-implemented from its documentation):
  - window: scipy.signal.get_window('hann', win_length, fftbins=True) (periodic Hann), centred in n_fft
  - center=True: np.pad by n_fft//2 with mode 'reflect' (torchaudio) or 'constant' (librosa >= 0.10)
  - frames: 1 + len(x)//hop; spectrum np.fft.rfft; power |X|^2
  - mel: Slaney scale (librosa hz_to_mel htk=False), triangles from Hz distances, norm='slaney'
Writes speech/src/test/resources/speech/mel_golden.json.
Run: python3 tools/reference/speech_mel_golden.py
"""
import json
import os

import numpy as np
from scipy.signal import get_window


def hz_to_mel(f):
    f = np.asarray(f, dtype=np.float64)
    f_sp = 200.0 / 3
    mels = f / f_sp
    min_log_hz = 1000.0
    min_log_mel = min_log_hz / f_sp
    logstep = np.log(6.4) / 27.0
    return np.where(f >= min_log_hz, min_log_mel + np.log(np.maximum(f, 1e-10) / min_log_hz) / logstep, mels)


def mel_to_hz(m):
    m = np.asarray(m, dtype=np.float64)
    f_sp = 200.0 / 3
    freqs = f_sp * m
    min_log_hz = 1000.0
    min_log_mel = min_log_hz / f_sp
    logstep = np.log(6.4) / 27.0
    return np.where(m >= min_log_mel, min_log_hz * np.exp(logstep * (m - min_log_mel)), freqs)


def mel_filters(sr, n_fft, n_mels, fmin, fmax):
    fftfreqs = np.fft.rfftfreq(n_fft, 1.0 / sr)
    edges = mel_to_hz(np.linspace(hz_to_mel(fmin), hz_to_mel(fmax), n_mels + 2))
    fdiff = np.diff(edges)
    ramps = edges[:, None] - fftfreqs[None, :]
    w = np.zeros((n_mels, len(fftfreqs)))
    for i in range(n_mels):
        lower = -ramps[i] / fdiff[i]
        upper = ramps[i + 2] / fdiff[i + 1]
        w[i] = np.maximum(0, np.minimum(lower, upper))
    enorm = 2.0 / (edges[2:n_mels + 2] - edges[:n_mels])
    return w * enorm[:, None]


def power_stft(x, n_fft, hop, win, mode):
    w = get_window("hann", win, fftbins=True)
    lp = (n_fft - win) // 2
    window = np.zeros(n_fft)
    window[lp:lp + win] = w
    xp = np.pad(x, n_fft // 2, mode=mode)
    frames = 1 + len(x) // hop
    out = np.empty((frames, n_fft // 2 + 1))
    for t in range(frames):
        seg = xp[t * hop:t * hop + n_fft] * window
        out[t] = np.abs(np.fft.rfft(seg)) ** 2
    return out


def case(name, sr, n, n_fft, hop, win, n_mels, fmin, fmax, mode, seed):
    rng = np.random.default_rng(seed)
    t = np.arange(n) / sr
    x = 0.5 * np.sin(2 * np.pi * 220 * t) + 0.3 * np.sin(2 * np.pi * 1330 * t + 0.4)
    x += 0.2 * np.sin(2 * np.pi * (300 * t + 900 * t * t))  # chirp
    x += 0.05 * rng.standard_normal(n)
    x = x.astype(np.float32)  # the Java side reads float samples
    xd = x.astype(np.float64)
    p = power_stft(xd, n_fft, hop, win, mode)
    fb = mel_filters(sr, n_fft, n_mels, fmin, fmax)
    mel = p @ fb.T
    rows = [0, n_mels // 3, n_mels - 1]
    return {
        "name": name, "sample_rate": sr, "n_fft": n_fft, "hop": hop, "win_length": win, "n_mels": n_mels,
        "f_min": fmin, "f_max": fmax, "reflect": mode == "reflect",
        "signal": x.tolist(),
        "power_frames": [0, 1, len(p) // 2, len(p) - 1],
        "power": [p[i].tolist() for i in [0, 1, len(p) // 2, len(p) - 1]],
        "filter_rows": rows,
        "filters": [fb[r].tolist() for r in rows],
        "mel_power": mel.tolist(),
        "log_mel": np.log(np.maximum(mel, 1e-5)).tolist(),
    }


def main():
    cases = [
        case("codec16k_reflect", 16000, 3000, 1024, 200, 800, 80, 0.0, 8000.0, "reflect", 1),
        case("librosa22k_constant", 22050, 2500, 512, 128, 512, 40, 50.0, 8000.0, "constant", 2),
    ]
    out = os.path.join(os.path.dirname(__file__), "..", "..", "speech", "src", "test", "resources", "speech",
                       "mel_golden.json")
    with open(out, "w") as f:
        json.dump({"generator": "tools/reference/speech_mel_golden.py", "numpy": np.__version__, "cases": cases}, f)
    print("wrote", os.path.normpath(out))


if __name__ == "__main__":
    main()
