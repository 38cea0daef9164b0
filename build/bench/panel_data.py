"""The accuracy panel's data sets, in one form for every learner: a CSV (header, features, the label last; classes as
0-based integers), a folds file (one fold number per row) and a manifest listing them with their task.

Sources: the ten sets of ../shared/data/panel (with their own 5 folds), the four small sets in data/ (5 folds made
here: stratified for classification, shuffled with seed 0, as scikit-learn's StratifiedKFold/KFold make them), and
Fashion-MNIST T-shirt/top vs Shirt (its own train/test split: fold 1 trains, fold 0 tests).
"""
import csv
import json
import os

import numpy as np

from fashion_python import DATA as FASHION, read_idx

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PANEL = os.environ.get("PANEL_DIR", os.path.join(ROOT, "..", "shared", "data", "panel"))
DATA = os.path.join(ROOT, "data")

# The panel README's tasks; a set added there without an entry here has its task inferred from its labels.
PANEL_TASKS = {
    "penguins": "multiclass", "attrition": "binary", "credit": "binary", "hpc": "multiclass", "two_class": "binary",
    "stackoverflow_remote": "binary", "pd_speech": "binary", "car_prices": "regression",
    "sacramento_log_price": "regression", "biomass_hhv": "regression",
}


def infer_task(labels):
    whole = np.all(labels == np.round(labels))
    classes = len(np.unique(labels))
    if not whole or classes > 50:
        return "regression"
    return "binary" if classes == 2 else "multiclass"


def read_panel_csv(path):
    with open(path) as f:
        rows = list(csv.reader(f))
    values = np.array(rows[1:], dtype=np.float64)
    return values[:, :-1], values[:, -1]


def make_folds(labels, task, seed=0, k=5):
    from sklearn.model_selection import KFold, StratifiedKFold
    splitter = KFold(k, shuffle=True, random_state=seed) if task == "regression" else StratifiedKFold(k, shuffle=True, random_state=seed)
    folds = np.zeros(len(labels), dtype=int)
    for fold, (_, test) in enumerate(splitter.split(np.zeros(len(labels)), labels)):
        folds[test] = fold
    return folds


def repo_sets():
    """The small sets in data/ as (name, task, features, labels)."""
    cancer = np.loadtxt(os.path.join(DATA, "breast_cancer.csv"), delimiter=",", skiprows=1)
    iris = np.loadtxt(os.path.join(DATA, "iris.csv"), delimiter=",", skiprows=1)
    digits = np.loadtxt(os.path.join(DATA, "digits.csv.gz"), delimiter=",")
    diabetes_x = np.loadtxt(os.path.join(DATA, "diabetes_data_raw.csv.gz"))
    diabetes_y = np.loadtxt(os.path.join(DATA, "diabetes_target.csv.gz"))
    return [
        ("breast_cancer", "binary", cancer[:, :-1], cancer[:, -1]),
        ("digits", "multiclass", digits[:, :-1], digits[:, -1]),
        ("iris", "multiclass", iris[:, :-1], iris[:, -1]),
        ("diabetes", "regression", diabetes_x, diabetes_y),
    ]


def fashion_tshirt_shirt():
    """T-shirt/top (true) vs Shirt, raw grey levels 0–255: (features, labels, folds) with fold 0 the test split."""
    parts = []
    for fold, split in ((1, "train"), (0, "t10k")):
        images, labels = read_idx(f"{split}-images-idx3-ubyte"), read_idx(f"{split}-labels-idx1-ubyte")
        keep = (labels == 0) | (labels == 6)
        parts.append((images[keep].reshape(keep.sum(), -1).astype(np.float64), (labels[keep] == 0).astype(np.float64),
                      np.full(keep.sum(), fold)))
    return tuple(np.concatenate(p) for p in zip(*parts))


def write(directory, name, task, features, labels, folds, fixed_split=False):
    csv_path, folds_path = os.path.join(directory, name + ".csv"), os.path.join(directory, name + ".folds")
    with open(csv_path, "w") as f:
        f.write(",".join([f"x{i}" for i in range(features.shape[1])] + ["Label"]) + "\n")
        for row, label in zip(features, labels):
            f.write(",".join(f"{v:.9g}" for v in row) + f",{label:.9g}\n")
    np.savetxt(folds_path, folds, fmt="%d")
    return {"name": name, "task": task, "csv": csv_path, "folds": folds_path, "fixed_split": fixed_split}


def prepare(directory, with_fashion=True):
    """Writes every set into <directory> and returns the manifest entries (also written to manifest.json)."""
    os.makedirs(directory, exist_ok=True)
    entries = []
    for file in sorted(os.listdir(PANEL)):
        if not file.endswith(".csv"):
            continue
        name = file[:-4]
        # The learners read the panel's own files; only a set the table does not know is read here, for its task.
        task = PANEL_TASKS.get(name) or infer_task(read_panel_csv(os.path.join(PANEL, file))[1])
        entries.append({"name": name, "task": task, "csv": os.path.join(PANEL, file),
                        "folds": os.path.join(PANEL, name + ".folds"), "fixed_split": False, "source": "panel"})
    for name, task, features, labels in repo_sets():
        entries.append(dict(write(directory, name, task, features, labels, make_folds(labels, task)), source="data"))
    if with_fashion and os.path.exists(FASHION):
        features, labels, folds = fashion_tshirt_shirt()
        entries.append(dict(write(directory, "fashion_tshirt_shirt", "binary", features, labels, folds, fixed_split=True), source="fashion"))
    with open(os.path.join(directory, "manifest.json"), "w") as f:
        json.dump(entries, f, indent=1)
    return entries


def load(entry):
    """(features, labels, folds) of a manifest entry."""
    features, labels = read_panel_csv(entry["csv"])
    return features, labels, np.loadtxt(entry["folds"], dtype=int)
