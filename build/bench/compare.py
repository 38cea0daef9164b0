#!/usr/bin/python3
"""Runs the comparisons of issues #5 and #14 and writes one table of medians and same-run ratios to docs/benchmarks.md.

Called by build/bench/compare.sh after the Release build; settings come from the environment (see compare.sh).
Each repetition runs every contender once, in turn, so that all see the same load on this shared machine; a ratio
is taken within a repetition and the table shows the median over repetitions of figures and of ratios.

Where the CPU has AVX-512, everything runs twice: as is, and with AVX2 forced on both sides (ISA_PATHS=native
runs the first only). The table has one pair of columns per path; each child reports the instruction set it ran
with, and a path whose children did not run on the instruction set it asked for stops the run.
"""
import datetime
import os
import platform
import re
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import compare_gemm  # noqa: E402  (reused: our gemm-quick against oneDNN, parsed the same way)
import result_lines  # noqa: E402

BENCHMARKS_DLL = os.path.join(ROOT, "test", "MlNet.Mlp.Benchmarks", "bin", "Release", "net10.0", "MlNet.Mlp.Benchmarks.dll")
PYTHON_PEERS = os.path.join(HERE, "fashion_python.py")
DOC = os.path.join(ROOT, "docs", "benchmarks.md")
BEGIN, END = "<!-- compare.sh results: begin -->", "<!-- compare.sh results: end -->"
GEMM_SHAPES = [("fwd m128 n256 k784", "(128×784)·(784×256)"), ("wgrad m784 n256 k128", "(784×128)·(128×256)"),
               ("square 2048", "2048²")]


def setting(name, default):
    return int(os.environ.get(name, default))


REPETITIONS = setting("REPETITIONS", 3)
OUR_EPOCHS = setting("OUR_EPOCHS", 5)
TORCH_EPOCHS = setting("TORCH_EPOCHS", 1)
SKLEARN_EPOCHS = setting("SKLEARN_EPOCHS", 1)
ACCURACY_EPOCHS = setting("ACCURACY_EPOCHS", 20)
ACCURACY_SEEDS = setting("ACCURACY_SEEDS", 3)  # one seed's test accuracy swings by about ±0.005
PERCEPTRON_FITS = setting("PERCEPTRON_FITS", 5)  # per repetition and trainer: a Fit takes a fraction of a second
PROFILE_EPOCHS = setting("PROFILE_EPOCHS", 3)  # epoch-profile: engine epochs against the same epochs' products alone
# GEMM sessions (ours, then oneDNN), spread over the repetitions. Five, not one per repetition: on the 2-vCPU VMs here
# about one process in six, of either library, runs its two threads at one thread's speed (12 alternating pairs on
# 2026-11-30: 2 of ours, 2 of oneDNN's), and a median of three then falls with two such draws.
GEMM_SESSIONS = setting("GEMM_SESSIONS", 5)

# AVX2 forced on both sides. .NET 10 reads DOTNET_EnableAVX512 (it ignores the older DOTNET_EnableAVX512F); oneDNN
# ONEDNN_MAX_CPU_ISA; PyTorch's own kernels ATEN_CPU_CAPABILITY; OpenBLAS OPENBLAS_CORETYPE; numpy's dispatch
# NPY_DISABLE_CPU_FEATURES.
AVX2_ENVIRONMENT = {
    "DOTNET_EnableAVX512": "0",
    "ONEDNN_MAX_CPU_ISA": "AVX2",
    "ATEN_CPU_CAPABILITY": "avx2",
    "OPENBLAS_CORETYPE": "Haswell",
    "NPY_DISABLE_CPU_FEATURES": "AVX512F AVX512CD AVX512_SKX AVX512_CLX AVX512_CNL AVX512_ICL",
}


def has_avx512():
    with open("/proc/cpuinfo") as f:
        return re.search(r"\bavx512f\b", f.read()) is not None


def isa_paths():
    """[(name, environment)]: the machine as is, then (where it has AVX-512) AVX2 forced on both sides."""
    native = ("AVX-512", {}) if has_avx512() else ("AVX2", {})
    if native[0] == "AVX-512" and os.environ.get("ISA_PATHS", "both") != "native":
        return [native, ("AVX2", AVX2_ENVIRONMENT)]
    return [native]


class Path:
    """One instruction-set path: runs children with its environment and checks what they ran on."""

    def __init__(self, name, environment):
        self.name = name
        self.environment = environment

    def results(self, command):
        """The "RESULT {json}" lines a child prints, as dicts."""
        shown = " ".join(f"{k}={v!r}" for k, v in self.environment.items())
        print(f"  [{self.name}] $ {shown} " + " ".join(command), file=sys.stderr, flush=True)
        output = subprocess.run(command, capture_output=True, text=True, check=True,
                                env={**os.environ, **self.environment}).stdout
        return result_lines.parse(output)

    def ours(self, *arguments):
        lines = self.results(["dotnet", BENCHMARKS_DLL, *map(str, arguments)])
        for line in lines:
            if line["isa"] != self.name:
                sys.exit(f"asked for the {self.name} path, but our process ran {line['isa']}: check the environment")
        return lines

    def python_peer(self, *arguments):
        return self.results(["/usr/bin/python3", PYTHON_PEERS, *map(str, arguments)])

    def onednn_isa(self):
        """The instruction set oneDNN reports (ONEDNN_VERBOSE) under this path's environment."""
        snippet = ("import torch; a = torch.rand(64, 64).to_mkldnn(); "
                   "torch._C._nn.mkldnn_linear(a, torch.rand(64, 64).to_mkldnn(), None)")
        output = subprocess.run(["/usr/bin/python3", "-c", snippet], capture_output=True, text=True, check=True,
                                env={**os.environ, **self.environment, "ONEDNN_VERBOSE": "1", "DNNL_VERBOSE": "1"}).stdout
        found = re.search(r"isa:([^\n,]+)", output)
        return found.group(1).strip() if found else "?"


def mlp_repetition(path):
    """One Fit of each MLP contender: {name: seconds per epoch, accuracy, peak bytes, ...}."""
    [mine] = path.ours("mlp-fashion", OUR_EPOCHS, 2)
    [stock] = path.python_peer("torch-mlp", "stock", TORCH_EPOCHS)
    [onednn] = path.python_peer("torch-mlp", "onednn", TORCH_EPOCHS)
    [sklearn] = path.python_peer("sklearn-mlp", SKLEARN_EPOCHS)
    return {"ours": mine, "torch": stock, "torch+oneDNN": onednn, "sklearn": sklearn}


def per_epoch(run):
    return run["fit_s"] / run["epochs"]


def median_epoch(run):
    return statistics.median(run["epoch_s"]) if "epoch_s" in run else None


class Table:
    """Rows of figures, one (median, ratio) pair of columns per instruction-set path, in the order first added."""

    def __init__(self):
        self.paths = []
        self.order = []
        self.cells = {}
        self.path = None

    def begin(self, path):
        self.path = path
        self.paths.append(path)

    def add(self, what, value, unit, ratios=None, peer=None, fmt="{:.3f}"):
        """ratios: the same-run ratios of every repetition; the cell shows their median and, on a noisy shared
        machine as telling, their range."""
        if what not in self.cells:
            self.order.append(what)
            self.cells[what] = {}
        self.cells[what][self.path] = (fmt.format(value) + (" " + unit if unit else ""),
                                       "" if ratios is None else f"{statistics.median(ratios):.2f}× {peer}{spread(ratios)}")

    def markdown(self):
        header = "| figure | " + " | ".join(f"{p}: median | {p}: ratio (median of same-run ratios [lowest–highest])" for p in self.paths) + " |"
        lines = [header, "|---|" + "---|---|" * len(self.paths)]
        for what in self.order:
            cells = [self.cells[what].get(p, ("", "")) for p in self.paths]
            lines.append(f"| {what} | " + " | ".join(f"{value} | {ratio}" for value, ratio in cells) + " |")
        return "\n".join(lines)


def spread(values):
    """" [lowest–highest]" of more than one value, else nothing."""
    values = list(values)
    return f" [{min(values):.2f}–{max(values):.2f}]" if len(values) > 1 else ""


def median_of(runs, figure):
    return statistics.median(figure(run) for run in runs)


def mlp_rows(table, repetitions, accuracy_runs, peer_accuracy_runs):
    names = ["ours", "torch", "torch+oneDNN", "sklearn"]
    runs = {name: [rep[name] for rep in repetitions] for name in names}
    table.add("MLP s/epoch, ours (Fit / epochs)", median_of(runs["ours"], per_epoch), "s")
    for peer in names[1:]:
        ratios = [per_epoch(rep["ours"]) / per_epoch(rep[peer]) for rep in repetitions]
        target = " (target ≤ 0.4)" if peer == "torch+oneDNN" else ""
        table.add(f"MLP s/epoch, {peer} (Fit / epochs)", median_of(runs[peer], per_epoch), "s", ratios, f"ours/{peer}{target}")
    table.add("MLP s/epoch, ours (median of report's per-epoch times)", median_of(runs["ours"], median_epoch), "s")
    ratios = [median_epoch(rep["ours"]) / median_epoch(rep["torch+oneDNN"]) for rep in repetitions]
    table.add("MLP s/epoch, torch+oneDNN (median per-epoch)", median_of(runs["torch+oneDNN"], median_epoch), "s",
              ratios, "ours/torch+oneDNN")
    for name, epochs in (("ours", OUR_EPOCHS), ("torch", TORCH_EPOCHS), ("torch+oneDNN", TORCH_EPOCHS), ("sklearn", SKLEARN_EPOCHS)):
        table.add(f"MLP test accuracy after {epochs} epoch(s), {name}", median_of(runs[name], lambda r: r["accuracy"]), "")
    if all("score_s" in rep[name] for rep in repetitions for name in ("ours", "torch", "torch+oneDNN")):
        table.add("MLP scoring of the 10,000 test rows one at a time, first pass after Fit, ours (ML.NET Transform)",
                  median_of(runs["ours"], lambda r: r["score_s"]), "s")
        for peer in ("torch", "torch+oneDNN"):
            ratios = [rep["ours"]["score_s"] / rep[peer]["score_s"] for rep in repetitions]
            table.add(f"MLP scoring of the 10,000 test rows one at a time, {peer} (model(row) under no_grad)",
                      median_of(runs[peer], lambda r: r["score_s"]), "s", ratios, f"ours/{peer}")
    # The seeds' own accuracies go in the value cell, so that each path's figures share one row.
    if accuracy_runs:
        accuracies = [run["accuracy"] for run in accuracy_runs]
        table.add(f"MLP test accuracy after {ACCURACY_EPOCHS} epochs, ours, median of seeds 1–{len(accuracies)} (each in brackets; target ≥ 0.88)",
                  statistics.median(accuracies), f"({', '.join(f'{a:.4f}' for a in accuracies)})", fmt="{:.4f}")
    if peer_accuracy_runs:
        accuracies = [run["accuracy"] for run in peer_accuracy_runs]
        table.add(f"MLP test accuracy after {ACCURACY_EPOCHS} epochs, torch+oneDNN (same settings), median of seeds 1–{len(accuracies)} (each in brackets)",
                  statistics.median(accuracies), f"({', '.join(f'{a:.4f}' for a in accuracies)})", fmt="{:.4f}")
    mine = runs["ours"]
    copy = mine[0]["feature_copy_bytes"]
    table.add("MLP peak working set, ours (VmHWM)", median_of(mine, lambda r: r["peak_bytes"]) / 2**20, "MiB", fmt="{:.0f}")
    table.add("runtime baseline, ours (VmRSS before reading data)", median_of(mine, lambda r: r["baseline_bytes"]) / 2**20, "MiB", fmt="{:.0f}")
    table.add("one float32 copy of the features (60000×784×4)", copy / 2**20, "MiB", fmt="{:.0f}")
    table.add("(peak − baseline) / float copy, ours (target ≤ 1.5; includes the harness's 0.25× of IDX bytes)",
              median_of(mine, lambda r: (r["peak_bytes"] - r["baseline_bytes"]) / copy), "", fmt="{:.2f}")
    for peer in names[1:]:
        ratios = [rep["ours"]["peak_bytes"] / rep[peer]["peak_bytes"] for rep in repetitions]
        table.add(f"MLP peak working set, {peer} (ru_maxrss)", median_of(runs[peer], lambda r: r["peak_bytes"]) / 2**20,
                  "MiB", ratios, f"ours/{peer}", fmt="{:.0f}")


def perceptron_rows(table, ours_runs, sklearn_runs):
    sources = (("stream", "byte-streaming view"), ("objects", "LoadFromEnumerable of row objects"))
    for source, source_title in sources:
        runs_of_source = [r for r in ours_runs if r.get("source", "stream") == source]
        by_trainer = {name: [r for r in runs_of_source if r["trainer"] == name] for name in ("ours", "averaged", "averaged-cached")}
        mine = by_trainer["ours"]
        if not mine:
            continue
        for figure, label in (("fit_s", "wall"), ("cpu_s", "CPU")):
            table.add(f"Perceptron Fit {label} time, ours (10 iterations, T-shirt vs Shirt, {source_title})",
                      median_of(mine, lambda r: r[figure]), "s")
            for peer, title in (("averaged", "AveragedPerceptron"), ("averaged-cached", "AveragedPerceptron over Data.Cache")):
                # The trainers alternate within one process: pair them by position.
                ratios = [m[figure] / a[figure] for m, a in zip(mine, by_trainer[peer])]
                table.add(f"Perceptron Fit {label} time, ML.NET {title} ({source_title})",
                          median_of(by_trainer[peer], lambda r: r[figure]), "s", ratios, f"ours/{peer} (target ≤ 0.5)")
        if source == "stream":
            sklearn_seconds = median_of(sklearn_runs, lambda r: r["fit_s"])
            table.add("Perceptron Fit wall time, sklearn Perceptron", sklearn_seconds, "s",
                      [median_of(mine, lambda r: r["fit_s"]) / sklearn_seconds], "ours/sklearn (medians of separate processes)")
            for name, runs in (("ours", mine), ("ML.NET AveragedPerceptron", by_trainer["averaged"]),
                               ("ML.NET AveragedPerceptron over Data.Cache", by_trainer["averaged-cached"]), ("sklearn", sklearn_runs)):
                table.add(f"Perceptron test accuracy, {name}", median_of(runs, lambda r: r["accuracy"]), "")


def gemm_rows(table, sessions):
    for threads in (2, 1):
        for shape, label in GEMM_SHAPES:
            key = (shape, threads)
            mine = statistics.median(s[0][key] for s in sessions)
            theirs = statistics.median(s[1][key] for s in sessions)
            ratios = [s[0][key] / s[1][key] for s in sessions]
            table.add(f"GEMM {label}, {threads} thread(s), ours", mine, "GFLOP/s", fmt="{:.1f}")
            table.add(f"GEMM {label}, {threads} thread(s), oneDNN", theirs, "GFLOP/s", ratios, "ours/oneDNN (target ≥ 0.9)", fmt="{:.1f}")
    for shape, label in GEMM_SHAPES:
        for side, name in ((0, "ours"), (1, "oneDNN")):
            speedups = [s[side][(shape, 2)] / s[side][(shape, 1)] for s in sessions]
            target = " (target ≥ 1.7 on the batch-128 shapes)" if side == 0 and "2048" not in label else ""
            table.add(f"GEMM {label}, 2 threads ÷ 1 thread, {name}{target}", statistics.median(speedups), "×" + spread(speedups), fmt="{:.2f}")


def profile_rows(table, profiles):
    """epoch-profile: the engine's epoch against the same epoch's matrix products timed alone (target ≤ 1.5)."""
    for threads in (1, 2):
        runs = [p for p in profiles if p["threads"] == threads]
        table.add(f"engine epoch, 784-256-10 batch 128, {threads} thread(s) (epoch-profile)",
                  median_of(runs, lambda r: r["epoch_s"]), "s")
        table.add(f"its matrix products alone, {threads} thread(s)", median_of(runs, lambda r: r["gemm_s"]), "s",
                  [r["epoch_over_gemm"] for r in runs], "epoch/products (target ≤ 1.5)")


def command_output(command):
    try:
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def environment_section(versions, loads, onednn_isas):
    cpu = re.search(r"Model name:\s*(.+)", command_output(["lscpu"]))
    libraries = ", ".join(os.path.basename(p) for p in versions["loaded_libraries"] if "dist-packages" not in p)
    return "\n".join([
        f"- Date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {cpu.group(1) if cpu else '?'}, {os.cpu_count()} cores{' (AVX-512)' if has_avx512() else ''}, "
        f"{platform.platform()}; shared: 1-minute load averages between repetitions {', '.join(f'{l:.1f}' for l in loads)}",
        "- Instruction-set paths: " + "; ".join(
            f"{name}: {' '.join(f'{k}={v!r}' for k, v in environment.items()) or 'as is'} (oneDNN reports {onednn_isas[name]})"
            for name, environment in isa_paths()),
        f"- .NET SDK {command_output(['dotnet', '--version'])}, ML.NET 5.0.1",
        f"- PyTorch {versions['torch']} (Debian python3-torch), BLAS_INFO={versions['torch_blas_info']}, {versions['onednn']}; "
        f"scikit-learn {versions['sklearn']}, numpy {versions['numpy']}",
        f"- Libraries loaded by the Python side: {libraries} (Debian's libblas.so.3 alternative: "
        f"{os.path.realpath('/usr/lib/x86_64-linux-gnu/libblas.so.3')})",
        f"- Settings: {REPETITIONS} repetitions; ours {OUR_EPOCHS} epochs per Fit, PyTorch {TORCH_EPOCHS}, "
        f"scikit-learn {SKLEARN_EPOCHS}; accuracy runs {ACCURACY_EPOCHS} epochs × {ACCURACY_SEEDS} seeds (ours and torch+oneDNN); "
        f"{PERCEPTRON_FITS} perceptron Fits per trainer and repetition; epoch-profile {PROFILE_EPOCHS} epochs at 1 and 2 threads; "
        f"{GEMM_SESSIONS} GEMM sessions (ours then oneDNN, 9 rounds each)",
    ])


def write_doc(section):
    block = f"{BEGIN}\n{section}\n{END}"
    if os.path.exists(DOC):
        with open(DOC) as f:
            text = f.read()
        text = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: block, text, flags=re.S) if BEGIN in text else text + "\n" + block + "\n"
    else:
        text = "# Benchmarks\n\nRun `build/bench/compare.sh` (see the comment at its top for settings).\n\n" + block + "\n"
    os.makedirs(os.path.dirname(DOC), exist_ok=True)
    with open(DOC, "w") as f:
        f.write(text)


def sessions_in_repetition(total, repetition):
    """How many of total sessions run in this repetition: as even a share as can be, the earlier ones taking the rest."""
    return total // REPETITIONS + (1 if repetition < total % REPETITIONS else 0)


def run_path(path, table, loads):
    """Every measurement on one instruction-set path, into the table's columns for it."""
    table.begin(path.name)
    mlp_repetitions, perceptron_ours, perceptron_sklearn, gemm_sessions, profiles = [], [], [], [], []
    for repetition in range(REPETITIONS):
        loads.append(os.getloadavg()[0])
        print(f"[{path.name}] repetition {repetition + 1}/{REPETITIONS}", file=sys.stderr, flush=True)
        mlp_repetitions.append(mlp_repetition(path))
        perceptron_ours += path.ours("perceptron-fashion", PERCEPTRON_FITS)
        perceptron_sklearn += path.python_peer("sklearn-perceptron", PERCEPTRON_FITS)
        for _ in range(sessions_in_repetition(GEMM_SESSIONS, repetition)):
            gemm_sessions.append((compare_gemm.run_ours("9", path.environment, path.name), compare_gemm.run_onednn("9", path.environment)))
        for threads in (1, 2):
            profiles += path.ours("epoch-profile", threads, PROFILE_EPOCHS)
    loads.append(os.getloadavg()[0])
    seeds = range(1, ACCURACY_SEEDS + 1) if ACCURACY_EPOCHS > 0 else []
    accuracy_runs = [path.ours("mlp-fashion", ACCURACY_EPOCHS, 2, seed)[0] for seed in seeds]
    # The peer on the same settings and epochs: what the 0.88 aim means for this network, not only for our engine.
    peer_accuracy_runs = [path.python_peer("torch-mlp", "onednn", ACCURACY_EPOCHS, seed)[0] for seed in seeds]

    mlp_rows(table, mlp_repetitions, accuracy_runs, peer_accuracy_runs)
    profile_rows(table, profiles)
    perceptron_rows(table, perceptron_ours, perceptron_sklearn)
    gemm_rows(table, gemm_sessions)


def main():
    paths = [Path(name, environment) for name, environment in isa_paths()]
    [versions] = paths[0].python_peer("versions")
    onednn_isas = {path.name: path.onednn_isa() for path in paths}
    table, loads = Table(), []
    for path in paths:
        run_path(path, table, loads)
    section = "## Results\n\n" + environment_section(versions, loads, onednn_isas) + "\n\n" + table.markdown()
    print(table.markdown())
    write_doc(section)
    print(f"written to {DOC}", file=sys.stderr)


if __name__ == "__main__":
    main()
