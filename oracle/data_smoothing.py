"""Oracle for the input generator's rate smoothing, written the way the published NeuronIO
code does it: expand block rates to 1 ms bins (np.kron, cropped), then
scipy.signal.convolve(rates, gaussian(1 + 7σ, σ)/sum, mode='same').

Usage: data_smoothing.py INPUT.json   (keys: duration_ms, block_ms, sigma_ms, rows = list of
per-block values). Prints JSON {"smoothed": [[...], ...]}."""
import json
import sys

import numpy as np
from scipy import signal

cfg = json.load(open(sys.argv[1]))
T, tc, sigma = cfg["duration_ms"], cfg["block_ms"], cfg["sigma_ms"]
blocks = np.array(cfg["rows"], dtype=np.float64)
rates = np.kron(blocks, np.ones((1, tc)))[:, :T]
win = signal.windows.gaussian(1 + 7 * sigma, std=sigma)[np.newaxis, :]
win /= win.sum()
smoothed = signal.convolve(rates, win, mode="same")
print(json.dumps({"smoothed": smoothed.tolist()}))
