#!/usr/bin/python3
"""Our multi-output MLP trainers against scikit-learn's MLPRegressor and MLPClassifier on the same folds (issue #12).

    build/bench/multi_output_peer.sh        # builds Release, then runs this script

Three tasks on data shipped in data/: Linnerud (20 rows, 3 exercise counts -> weight, waist, pulse), Iris petals
(150 rows, sepal length and width -> petal length and width) and a multi-label task made from the digits
(1,797 8x8 images -> is even, is 5 or more, is prime, is 0/6/8/9). Each task gets one seeded 5-fold assignment,
written with the data into a CSV that both sides read; both train with the same architecture, activation, Adam
learning rate, L2 strength, batch size and fixed number of epochs (no early stopping), with features standardised
on the training fold, and regression targets standardised on the training fold (ours does it inside the trainer;
for scikit-learn a StandardScaler on y, inverted on the predictions). Every held-out prediction is pooled and
scored with scikit-learn's metric functions for both sides; our own evaluators' figures on our predictions are
checked against them. Repeated for SEEDS model seeds (same folds); the table shows medians over seeds.
Writes docs/multi-output-peer.md.
"""
import datetime
import gzip
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, f1_score, hamming_loss, r2_score, roc_auc_score
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DATA = os.path.join(ROOT, "data")
BENCHMARKS_DLL = os.path.join(ROOT, "test", "MlNet.Mlp.Benchmarks", "bin", "Release", "net10.0", "MlNet.Mlp.Benchmarks.dll")
DOC = os.path.join(ROOT, "docs", "multi-output-peer.md")
SEEDS = [int(s) for s in os.environ.get("SEEDS", "1,2,3").split(",")]
FOLDS = 5
FOLD_SEED = 20261129


def linnerud():
    def read(name):
        with open(os.path.join(DATA, name)) as f:
            lines = [line.split() for line in f.read().splitlines()[1:] if line.strip()]
        return np.array(lines, dtype=np.float64)
    return read("linnerud_exercise.csv"), read("linnerud_physiological.csv"), ["Weight", "Waist", "Pulse"]


def iris_petals():
    with open(os.path.join(DATA, "iris.csv")) as f:
        rows = np.array([line.split(",") for line in f.read().splitlines()[1:] if line.strip()], dtype=np.float64)
    return rows[:, 0:2], rows[:, 2:4], ["petal length", "petal width"]


def digits_multilabel():
    with gzip.open(os.path.join(DATA, "digits.csv.gz"), "rt") as f:
        rows = np.array([line.split(",") for line in f.read().splitlines() if line.strip()], dtype=np.float64)
    digit = rows[:, 64].astype(int)
    labels = np.stack([digit % 2 == 0, digit >= 5, np.isin(digit, [2, 3, 5, 7]), np.isin(digit, [0, 6, 8, 9])], axis=1)
    return rows[:, :64], labels.astype(np.float64), ["even", "≥ 5", "prime", "0/6/8/9"]


TASKS = [
    # name, loader, kind, hidden, activation, learning rate, L2 λ, batch, epochs
    ("Linnerud", linnerud, "regression", [8], "tanh", 0.01, 0.5, 4, 200),
    ("Iris petals", iris_petals, "regression", [16], "relu", 0.01, 1e-3, 16, 200),
    ("Digits, 4 labels", digits_multilabel, "multilabel", [64], "relu", 0.003, 1e-3, 32, 50),
]


def fold_assignment(rows):
    order = np.random.RandomState(FOLD_SEED).permutation(rows)
    folds = np.empty(rows, dtype=int)
    folds[order] = np.arange(rows) % FOLDS
    return folds


def ours(task, x, y, folds, seed, workdir):
    name, _, kind, hidden, activation, rate, l2, batch, epochs = task
    csv = os.path.join(workdir, "task.csv")
    np.savetxt(csv, np.column_stack([folds, x, y]), delimiter=",", fmt="%.9g",
               header=",".join(["fold"] + [f"x{i}" for i in range(x.shape[1])] + [f"y{j}" for j in range(y.shape[1])]), comments="")
    predictions = os.path.join(workdir, "predictions.csv")
    settings = os.path.join(workdir, "settings.json")
    with open(settings, "w") as f:
        json.dump({"csv": csv, "kind": kind, "targets": y.shape[1], "hidden": hidden, "activation": activation, "learningRate": rate,
                   "l2": l2, "batchSize": batch, "epochs": epochs, "seed": seed, "predictions": predictions}, f)
    output = subprocess.run(["dotnet", BENCHMARKS_DLL, "multi-output-peer", settings], capture_output=True, text=True, check=True).stdout
    [result] = [json.loads(line[len("RESULT "):]) for line in output.splitlines() if line.startswith("RESULT ")]
    return np.loadtxt(predictions, delimiter=",", ndmin=2), sum(result["fit_s"]), result["own_metrics"]


def sklearn_peer(task, x, y, folds, seed):
    name, _, kind, hidden, activation, rate, l2, batch, epochs = task
    predictions = np.zeros_like(y)
    fit_seconds = 0.0
    for fold in range(FOLDS):
        train, test = folds != fold, folds == fold
        scaler = StandardScaler().fit(x[train])
        # scikit-learn's alpha multiplies w/batch in the gradient: alpha = λ·batch gives our g + λw.
        common = dict(hidden_layer_sizes=tuple(hidden), activation=activation, solver="adam", alpha=l2 * batch, batch_size=batch,
                      learning_rate_init=rate, max_iter=epochs, shuffle=True, random_state=seed, early_stopping=False,
                      tol=0.0, n_iter_no_change=epochs + 1)
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            if kind == "regression":
                y_scaler = StandardScaler().fit(y[train])
                model = MLPRegressor(**common).fit(scaler.transform(x[train]), y_scaler.transform(y[train]))
                fit_seconds += time.perf_counter() - start
                predictions[test] = y_scaler.inverse_transform(model.predict(scaler.transform(x[test])).reshape(-1, y.shape[1]))
            else:
                model = MLPClassifier(**common).fit(scaler.transform(x[train]), y[train].astype(int))
                fit_seconds += time.perf_counter() - start
                predictions[test] = model.predict_proba(scaler.transform(x[test]))
    return predictions, fit_seconds


def regression_metrics(y, predictions):
    r2 = [r2_score(y[:, j], predictions[:, j]) for j in range(y.shape[1])]
    return {"r2": r2, "mean_r2": float(np.mean(r2))}


def multilabel_metrics(y, probabilities):
    truth, predicted = y > 0.5, probabilities > 0.5
    k = y.shape[1]
    return {
        "accuracy": [accuracy_score(truth[:, j], predicted[:, j]) for j in range(k)],
        "auc": [roc_auc_score(truth[:, j], probabilities[:, j]) for j in range(k)],
        "f1": [f1_score(truth[:, j], predicted[:, j], zero_division=0) for j in range(k)],
        "hamming": hamming_loss(truth, predicted), "subset": accuracy_score(truth, predicted),
        "micro_f1": f1_score(truth, predicted, average="micro", zero_division=0),
        "macro_f1": f1_score(truth, predicted, average="macro", zero_division=0),
    }


def median_over_seeds(runs):
    """Element-wise median of a list of dicts of floats and lists of floats."""
    result = {}
    for key in runs[0]:
        values = [run[key] for run in runs]
        result[key] = [statistics.median(v) for v in zip(*values)] if isinstance(values[0], list) else statistics.median(values)
    return result


def check_own(own, reference, kind):
    """Our evaluators against scikit-learn's functions on the same predictions: they must agree."""
    keys = ["r2"] if kind == "regression" else ["accuracy", "auc", "f1", "hamming", "subset", "micro_f1", "macro_f1"]
    for key in keys:
        mine, theirs = np.ravel(own[key]), np.ravel(reference[key])
        if not np.allclose(mine, theirs, atol=2e-6):
            raise SystemExit(f"our evaluator's {key} {mine} differs from scikit-learn's {theirs}")


def main():
    rows = []
    with tempfile.TemporaryDirectory() as workdir:
        for task in TASKS:
            name, load, kind, hidden, activation, rate, l2, batch, epochs = task
            x, y, outputs = load()
            folds = fold_assignment(len(x))
            metric = regression_metrics if kind == "regression" else multilabel_metrics
            our_runs, peer_runs, our_seconds, peer_seconds = [], [], [], []
            for seed in SEEDS:
                print(f"{name}, seed {seed}", file=sys.stderr, flush=True)
                mine, seconds, own = ours(task, x, y, folds, seed, workdir)
                our_runs.append(metric(y, mine))
                check_own(own, our_runs[-1], kind)
                our_seconds.append(seconds)
                theirs, seconds = sklearn_peer(task, x, y, folds, seed)
                peer_runs.append(metric(y, theirs))
                peer_seconds.append(seconds)
            rows.append((task, x.shape, outputs, median_over_seeds(our_runs), median_over_seeds(peer_runs),
                         statistics.median(our_seconds), statistics.median(peer_seconds)))
    write(rows)


def table(rows):
    lines = ["| task | metric | ours | scikit-learn |", "|---|---|---|---|"]
    for task, shape, outputs, mine, theirs, my_seconds, their_seconds in rows:
        name, _, kind, hidden, activation, rate, l2, batch, epochs = task
        label = f"{name} ({shape[0]} × {shape[1]})"
        if kind == "regression":
            for j, output in enumerate(outputs):
                lines.append(f"| {label} | R² {output} | {mine['r2'][j]:.3f} | {theirs['r2'][j]:.3f} |")
            lines.append(f"| {label} | mean R² | {mine['mean_r2']:.3f} | {theirs['mean_r2']:.3f} |")
        else:
            for j, output in enumerate(outputs):
                lines.append(f"| {label} | {output}: accuracy / AUC / F1 | {mine['accuracy'][j]:.3f} / {mine['auc'][j]:.3f} / {mine['f1'][j]:.3f} "
                             f"| {theirs['accuracy'][j]:.3f} / {theirs['auc'][j]:.3f} / {theirs['f1'][j]:.3f} |")
            for key, title in [("hamming", "Hamming loss"), ("subset", "subset accuracy"), ("micro_f1", "micro-F1"), ("macro_f1", "macro-F1")]:
                lines.append(f"| {label} | {title} | {mine[key]:.3f} | {theirs[key]:.3f} |")
        lines.append(f"| {label} | 5 Fits, seconds | {my_seconds:.2f} | {their_seconds:.2f} |")
    return "\n".join(lines)


def settings(rows):
    lines = ["| task | network | activation | Adam η | L2 λ (scikit-learn alpha = λ·batch) | batch | epochs |", "|---|---|---|---|---|---|---|"]
    for task, shape, outputs, *_ in rows:
        name, _, kind, hidden, activation, rate, l2, batch, epochs = task
        network = "-".join(str(n) for n in [shape[1], *hidden, len(outputs)])
        output = "identity outputs, squared error" if kind == "regression" else "sigmoid outputs, cross-entropy"
        lines.append(f"| {name} | {network}, {output} | {activation} | {rate} | {l2} ({l2 * batch:g}) | {batch} | {epochs} |")
    return "\n".join(lines)


def write(rows):
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    dotnet = subprocess.run(["dotnet", "--version"], capture_output=True, text=True).stdout.strip()
    text = f"""# Multi-output regression and multi-label: ours against scikit-learn

Written by `build/bench/multi_output_peer.sh` (see the docstring of `build/bench/multi_output_peer.py`); rerun it
rather than editing by hand.

- Date: {now}; machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, {platform.platform()}
- .NET SDK {dotnet}, ML.NET 5.0.1; scikit-learn {sklearn.__version__}, numpy {np.__version__} (Debian python3-sklearn)
- Folds: one seeded 5-fold assignment per task, the same rows for both sides. Model seeds {", ".join(map(str, SEEDS))}: each
  figure is the median over seeds of the metric on all held-out predictions pooled (every row predicted once, by
  the model that did not see it). Metrics: scikit-learn's r2_score, accuracy_score, roc_auc_score, f1_score,
  hamming_loss for both sides; our `EvaluateMultiOutput` / `EvaluateMultiLabel` on our predictions agree with them
  (checked by the script to 2e-6).
- Both sides: Adam, fixed epochs (no early stopping), features standardised on the training fold, regression
  targets standardised on the training fold and mapped back. Differences that remain: weight initialisation, and
  scikit-learn's squared loss is averaged over the outputs where ours sums them (with Adam this mostly rescales
  the L2 term's weight by the output count).

{settings(rows)}

{table(rows)}

Fit times are the sum of the 5 Fits, median over seeds, on a shared 2-core machine (scikit-learn on Debian's
reference BLAS): a rough guide only. Linnerud has 20 rows: held-out R² stays near or below 0 for both
sides, so its rows say little beyond "no worse than the peer".
"""
    with open(DOC, "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
