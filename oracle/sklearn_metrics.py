"""Oracle: scikit-learn's metrics on arrays given as JSON on stdin.

Input: {"target": [0/1...], "score": [...], "truth": [...], "pred": [...], "fprs": [...]}
Output: roc_auc, tpr at each fpr (np.interp on roc_curve(drop_intermediate=False)),
explained_variance, rmse, mae, pearson.
"""
import json
import sys

import numpy as np
from sklearn.metrics import (
    explained_variance_score,
    mean_absolute_error,
    mean_squared_error,
    roc_auc_score,
    roc_curve,
)

d = json.load(sys.stdin)
target = np.array(d["target"], dtype=bool)
score = np.array(d["score"], dtype=float)
truth = np.array(d["truth"], dtype=float)
pred = np.array(d["pred"], dtype=float)
fpr, tpr, _ = roc_curve(target, score, drop_intermediate=False)
out = {
    "roc_auc": roc_auc_score(target, score),
    "tpr_at": [float(np.interp(f, fpr, tpr)) for f in d["fprs"]],
    "explained_variance": explained_variance_score(truth, pred),
    "rmse": float(np.sqrt(mean_squared_error(truth, pred))),
    "mae": mean_absolute_error(truth, pred),
    "pearson": float(np.corrcoef(truth, pred)[0, 1]),
}
json.dump(out, sys.stdout)
