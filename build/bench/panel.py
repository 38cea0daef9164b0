#!/usr/bin/python3
"""The accuracy panel of the accuracy issue in one command (build/bench/panel.sh calls it after the Release build).

Runs 5-fold cross-validation on every set of ../shared/data/panel, on the four sets of data/ and on Fashion-MNIST
T-shirt/top vs Shirt (its own train/test split; our MLP there with one hidden layer of 256 and 20 epochs, as the
issue states that run): our MLP with its defaults, our Perceptron (binary sets), ML.NET's
LightGbm and FastTree with theirs (all after NormalizeMeanVariance), and scikit-learn's MLP (early stopping off and on)
and HistGradientBoosting (after StandardScaler), all on the same folds; then the issue's two Fashion-MNIST runs for 3
seeds each, on pixels scaled to [0, 1]: 10 classes (784-256-10, SGD η 0.05, momentum 0.9, batch 128, L2 1e-4, 20
epochs, everything else default) and T-shirt/top vs Shirt (binary MLP[256], 20 epochs, everything else default). Prints one
table (accuracy or R², Fit time per learner, the targets) and writes it into docs/accuracy.md.

Settings (environment): PANEL_SETS (comma-separated names; default all), PANEL_MLP ("Name=Value;…" overrides of our
MLP's options, for trying settings), PANEL_SKLEARN (1; 0 skips scikit-learn), FASHION10_SEEDS (3; seeds of each Fashion-MNIST run, 0 skips them),
PANEL_WRITE (1; 0 leaves docs/accuracy.md alone), PANEL_CACHE (where the prepared CSVs go; /tmp/mlnet-mlp-panel).
"""
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import panel_data  # noqa: E402
import result_lines  # noqa: E402

BENCHMARKS_DLL = os.path.join(ROOT, "test", "MlNet.Mlp.Benchmarks", "bin", "Release", "net10.0", "MlNet.Mlp.Benchmarks.dll")
DOC = os.path.join(ROOT, "docs", "accuracy.md")
BEGIN, END = "<!-- panel.sh results: begin -->", "<!-- panel.sh results: end -->"
OURS, TREES, SKLEARN = ["mlp", "perceptron"], ["lightgbm", "fasttree"], ["sk_mlp", "sk_mlp_es", "sk_hgb"]
HEADINGS = {"mlp": "ours MLP", "perceptron": "ours Perceptron", "lightgbm": "LightGbm", "fasttree": "FastTree",
            "sk_mlp": "sk MLP", "sk_mlp_es": "sk MLP (ES)", "sk_hgb": "sk HGB"}


def results(command):
    print("  $ " + " ".join(command), file=sys.stderr, flush=True)
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return result_lines.parse(output)


# The Fashion-MNIST T-shirt/top vs Shirt run: the binary MLP with one hidden layer of 256 and 20 epochs, every
# other option at its default.
FASHION_BINARY = "fashion_tshirt_shirt"
FASHION_BINARY_MLP = "HiddenLayerSizes=256;NumberOfIterations=20"


def ours_and_trees(manifest, sets, mlp_options):
    command = ["dotnet", BENCHMARKS_DLL, "panel", "--manifest", manifest, "--learners", ",".join(OURS + TREES), "--tag", "defaults",
               "--sets", ",".join(sets)]
    overrides = ";".join(o for o in (mlp_options, os.environ.get("PANEL_MLP")) if o)
    return results(command + (["--mlp", overrides] if overrides else []))


def run_all(manifest, entries, sets):
    names = [e["name"] for e in entries]
    tables = [n for n in names if n != FASHION_BINARY]
    found = ours_and_trees(manifest, tables, "") if tables else []
    if FASHION_BINARY in names:
        found += ours_and_trees(manifest, [FASHION_BINARY], FASHION_BINARY_MLP)
    if os.environ.get("PANEL_SKLEARN", "1") != "0":
        found += results(["/usr/bin/python3", os.path.join(HERE, "panel_sklearn.py"), manifest] + ([",".join(sets)] if sets else []))
    return {(r["set"], r["learner"]): r for r in found}


def fashion10(seeds):
    return [results(["dotnet", BENCHMARKS_DLL, "mlp-fashion-defaults", "20", str(seed)])[0] for seed in range(1, seeds + 1)]


def fashion_binary(seeds):
    """The issue's T-shirt/top vs Shirt run as it states it: pixels scaled to [0, 1], MLP[256], 20 epochs, defaults."""
    return [results(["dotnet", BENCHMARKS_DLL, "mlp-fashion-binary", "20", str(seed)])[0] for seed in range(1, seeds + 1)]


def cell(figures, key):
    return f"{figures[key]['mean']:.4f}" if key in figures else "–"


def table(entries, figures, fashion_runs, binary_runs):
    lines = []
    names = OURS + TREES + SKLEARN
    lines.append("| set | task | rows | features | " + " | ".join(HEADINGS[n] for n in names) + " | ours − best sk MLP | ours − best trees |")
    lines.append("|---|---|---|---|" + "---|" * len(names) + "---|---|")
    checks = []
    for entry in entries:
        name = entry["name"]
        mine = figures.get((name, "mlp"))
        if mine is None:
            continue
        row = [name, entry["task"], str(mine["rows"]), str(mine["features"])] + [cell(figures, (name, n)) for n in names]
        sk = [figures[(name, n)]["mean"] for n in ("sk_mlp", "sk_mlp_es") if (name, n) in figures]
        trees = [figures[(name, n)]["mean"] for n in ("lightgbm", "sk_hgb") if (name, n) in figures]
        versus_sk = mine["mean"] - max(sk) if sk else None
        versus_trees = mine["mean"] - max(trees) if trees else None
        row += [f"{versus_sk:+.4f}" if versus_sk is not None else "–", f"{versus_trees:+.4f}" if versus_trees is not None else "–"]
        lines.append("| " + " | ".join(row) + " |")
        checks.append((entry, versus_sk, versus_trees))

    lines.append("")
    lines.append("Fit time, seconds summed over the evaluated folds (same run; a Fit includes NormalizeMeanVariance):")
    lines.append("")
    lines.append("| set | " + " | ".join(HEADINGS[n] for n in names) + " | ours ÷ LightGbm |")
    lines.append("|---|" + "---|" * len(names) + "---|")
    totals = {n: 0.0 for n in names}
    panel_totals = {n: 0.0 for n in names}
    for entry, _, _ in checks:
        name = entry["name"]
        row = [name]
        for n in names:
            f = figures.get((name, n))
            row.append(f"{f['fit_total_s']:.2f}" if f else "–")
            if f:
                totals[n] += f["fit_total_s"]
                if entry["source"] == "panel":
                    panel_totals[n] += f["fit_total_s"]
        lgb = figures.get((name, "lightgbm"))
        row.append(f"{figures[(name, 'mlp')]['fit_total_s'] / lgb['fit_total_s']:.2f}" if lgb else "–")
        lines.append("| " + " | ".join(row) + " |")
    for label, sums in (("total, panel sets", panel_totals), ("total, all sets", totals)):
        ratio = sums["mlp"] / sums["lightgbm"] if sums["lightgbm"] else float("nan")
        lines.append(f"| **{label}** | " + " | ".join(f"{sums[n]:.2f}" for n in names) + f" | **{ratio:.2f}** |")

    lines.append("")
    lines.append("Targets:")
    lines.append("")
    panel_checks = [c for c in checks if c[0]["source"] == "panel"]
    sk_ok = [c[0]["name"] for c in panel_checks if c[1] is not None and c[1] >= -0.005]
    sk_miss = [f"{c[0]['name']} ({c[1]:+.4f})" for c in panel_checks if c[1] is not None and c[1] < -0.005]
    trees_ok = [c for c in panel_checks if c[2] is not None and c[2] >= -0.01]
    trees_win = [c for c in panel_checks if c[2] is not None and c[2] > 0]
    trees_miss = [f"{c[0]['name']} ({c[2]:+.4f})" for c in panel_checks if c[2] is not None and c[2] < -0.01]
    lines.append(f"- against scikit-learn's better MLP − 0.005, every panel set: {len(sk_ok)} of {len(panel_checks)}"
                 + (f"; below: {', '.join(sk_miss)}" if sk_miss else ""))
    lines.append(f"- within 0.01 of the better of LightGbm and HistGradientBoosting on at least 3 of 4 panel sets: {len(trees_ok)} of "
                 f"{len(panel_checks)}, ahead on {len(trees_win)}" + (f"; behind: {', '.join(trees_miss)}" if trees_miss else ""))
    if panel_totals["lightgbm"]:
        lines.append(f"- total Fit time over the panel sets at most 2× LightGbm's: {panel_totals['mlp'] / panel_totals['lightgbm']:.2f}×")
    if binary_runs:
        accuracies = [r["accuracy"] for r in binary_runs]
        lines.append(f"- Fashion-MNIST T-shirt/top vs Shirt, binary MLP[256] with defaults and 20 epochs on pixels in [0, 1]: median "
                     f"{statistics.median(accuracies):.4f} of {len(accuracies)} seeds ({', '.join(f'{a:.4f}' for a in accuracies)}; "
                     f"Fit {statistics.median(r['fit_s'] for r in binary_runs):.1f} s) (target ≥ 0.87)")
    if fashion_runs:
        accuracies = [r["accuracy"] for r in fashion_runs]
        lines.append(f"- Fashion-MNIST 10 classes, the issue's SGD settings, early stopping at its default: median "
                     f"{statistics.median(accuracies):.4f} of {len(accuracies)} seeds ({', '.join(f'{a:.4f}' for a in accuracies)}; "
                     f"epochs run {', '.join(str(r['epochs_run']) for r in fashion_runs)}, best {', '.join(str(r['best_epoch']) for r in fashion_runs)}; "
                     f"Fit {statistics.median(r['fit_s'] for r in fashion_runs):.1f} s) (target ≥ 0.88)")
    return "\n".join(lines)


def write_doc(text):
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    with open("/proc/cpuinfo") as f:
        isa = "AVX-512" if "avx512f" in f.read() else "AVX2"
    block = f"{BEGIN}\nMeasured {stamp} by `build/bench/panel.sh` on {os.cpu_count()} cores ({isa}), {platform.node()}.\n\n{text}\n{END}"
    current = open(DOC).read() if os.path.exists(DOC) else f"# Accuracy panel\n\n{BEGIN}\n{END}\n"
    start, end = current.find(BEGIN), current.find(END)
    updated = current[:start] + block + current[end + len(END):] if start >= 0 and end >= 0 else current + "\n" + block + "\n"
    with open(DOC, "w") as f:
        f.write(updated)


def main():
    cache = os.environ.get("PANEL_CACHE", "/tmp/mlnet-mlp-panel")
    sets = [s for s in os.environ.get("PANEL_SETS", "").split(",") if s]
    entries = panel_data.prepare(cache, with_fashion=not sets or FASHION_BINARY in sets)
    if sets:
        entries = [e for e in entries if e["name"] in sets]
    figures = run_all(os.path.join(cache, "manifest.json"), entries, sets)
    seeds = int(os.environ.get("FASHION10_SEEDS", "3"))
    have_fashion = seeds > 0 and os.path.exists(panel_data.FASHION)
    fashion_runs = fashion10(seeds) if have_fashion else []
    binary_runs = fashion_binary(seeds) if have_fashion else []
    text = table(entries, figures, fashion_runs, binary_runs)
    print(text)
    with open(os.path.join(cache, "results.json"), "w") as f:
        json.dump({"figures": [v for v in figures.values()], "fashion10": fashion_runs, "fashion_binary": binary_runs}, f)
    if os.environ.get("PANEL_WRITE", "1") != "0":
        write_doc(text)


if __name__ == "__main__":
    main()
