"""scikit-learn's learners on the accuracy panel, on the same folds as ours: MLPClassifier/MLPRegressor with their
defaults (early stopping off, and on) and HistGradientBoosting, each after StandardScaler (what NormalizeMeanVariance
does for ours). Prints one "RESULT {json}" line per set and learner, as the C# panel command does.

    /usr/bin/python3 build/bench/panel_sklearn.py MANIFEST [set,set,...]
"""
import json
import sys
import time
import warnings

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, r2_score
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import panel_data

LEARNERS = {
    "sk_mlp": lambda task, seed: (MLPRegressor if task == "regression" else MLPClassifier)(random_state=seed),
    "sk_mlp_es": lambda task, seed: (MLPRegressor if task == "regression" else MLPClassifier)(early_stopping=True, random_state=seed),
    "sk_hgb": lambda task, seed: (HistGradientBoostingRegressor if task == "regression" else HistGradientBoostingClassifier)(random_state=seed),
}


def run(entry, seed=0):
    features, labels, folds = panel_data.load(entry)
    task = entry["task"]
    evaluated = [0] if entry["fixed_split"] else sorted(set(folds))
    for name, make in LEARNERS.items():
        scores, seconds = [], []
        for fold in evaluated:
            train, test = folds != fold, folds == fold
            model = make_pipeline(StandardScaler(), make(task, seed))
            start = time.perf_counter()
            model.fit(features[train], labels[train])
            seconds.append(time.perf_counter() - start)
            predicted = model.predict(features[test])
            scores.append(r2_score(labels[test], predicted) if task == "regression" else accuracy_score(labels[test], predicted))
        print("RESULT " + json.dumps({"set": entry["name"], "task": task, "learner": name, "seed": seed, "scores": scores,
                                      "mean": float(np.mean(scores)), "fit_s": seconds, "fit_total_s": float(np.sum(seconds))}), flush=True)


def main():
    with open(sys.argv[1]) as f:
        entries = json.load(f)
    only = sys.argv[2].split(",") if len(sys.argv) > 2 else None
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    for entry in entries:
        if only is None or entry["name"] in only:
            run(entry)


if __name__ == "__main__":
    main()
