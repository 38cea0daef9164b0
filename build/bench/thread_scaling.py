#!/usr/bin/python3
"""Issue #14's many-core measurement in one command: how an epoch and the GEMM scale with threads.

    python3 build/bench/thread_scaling.py [benchmarks app]

The app is a published MlNet.Mlp.Benchmarks (its directory, or the path of its MlNet.Mlp.Benchmarks.dll or apphost);
without one, the Release build of this checkout (test/MlNet.Mlp.Benchmarks/bin/Release/net10.0) is used.
build/bench/thread_scaling.sh publishes a self-contained one that a machine without .NET can run.

Measures, for each thread count in THREADS (default "1 2 4 8 16", those above the machine's cores skipped):
- our engine's epoch (epoch-profile: 784-256-10, SGD momentum, L2, 60,000 random rows; EPOCHS epochs, default 3,
  median) and the same epoch's matrix products alone, at each batch size in BATCHES (default "128 512");
- PyTorch+oneDNN's epoch of the same network on random rows at the same threads and batches, when the python3 running
  this script has torch (build/bench/fashion_python.py torch-scaling);
- our GEMM on every benchmark shape (gemm-quick with GEMM_THREADS).
Prints one markdown table per part, with each epoch's speed-up over 1 thread and ours ÷ PyTorch's; the issue's
target is the epoch at 16 threads at least 5× as fast as at 1 thread, at batch 512.
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import result_lines  # noqa: E402

DEFAULT_APP = os.path.join(ROOT, "test", "MlNet.Mlp.Benchmarks", "bin", "Release", "net10.0")


def app_command(app):
    """How to start the benchmarks app: its apphost when it has one (self-contained), else dotnet and its dll."""
    if os.path.isdir(app):
        host, dll = os.path.join(app, "MlNet.Mlp.Benchmarks"), os.path.join(app, "MlNet.Mlp.Benchmarks.dll")
    else:
        host, dll = (app, None) if not app.endswith(".dll") else (None, app)
    if host and os.access(host, os.X_OK) and os.path.exists(os.path.join(os.path.dirname(host), "libcoreclr.so")):
        return [host]
    if dll and os.path.exists(dll):
        return ["dotnet", dll]
    sys.exit(f"no MlNet.Mlp.Benchmarks app at {app}: build test/MlNet.Mlp.Benchmarks in Release or run thread_scaling.sh")


def results(command, env=None):
    """The RESULT {json} lines of a child's output; the child's other output goes to stderr for the record."""
    print("  $ " + " ".join(command), file=sys.stderr, flush=True)
    run = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **(env or {})})
    sys.stderr.write(run.stdout + run.stderr)
    if run.returncode != 0:
        sys.exit(f"{command[0]} failed with exit code {run.returncode}")
    return result_lines.parse(run.stdout), run.stdout


def have_torch():
    return subprocess.run([sys.executable, "-c", "import torch"], capture_output=True).returncode == 0


def epoch_table(ours, torch, threads, batches):
    lines = ["| threads | " + " | ".join(
        f"batch {b}: ours s/epoch | ours × vs 1 thread | ours ÷ products alone" + (" | PyTorch+oneDNN s/epoch | × vs 1 thread | ours ÷ PyTorch" if torch else "")
        for b in batches) + " |"]
    lines.append("|---" * (1 + len(batches) * (6 if torch else 3)) + "|")
    for t in threads:
        cells = [str(t)]
        for b in batches:
            mine, first = ours[(t, b)], ours[(threads[0], b)]
            cells += [f"{mine['epoch_s']:.3f}", f"{first['epoch_s'] / mine['epoch_s']:.2f}", f"{mine['epoch_over_gemm']:.2f}"]
            if torch:
                theirs, their_first = torch[(t, b)], torch[(threads[0], b)]
                cells += [f"{theirs['epoch_s']:.3f}", f"{their_first['epoch_s'] / theirs['epoch_s']:.2f}",
                          f"{mine['epoch_s'] / theirs['epoch_s']:.2f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main():
    app = app_command(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_APP)
    cores = os.cpu_count() or 1
    threads = [t for t in (int(x) for x in os.environ.get("THREADS", "1 2 4 8 16").split()) if t <= cores]
    batches = [int(x) for x in os.environ.get("BATCHES", "128 512").split()]
    epochs = int(os.environ.get("EPOCHS", "3"))
    with_torch = have_torch()
    ours, torch = {}, {}
    for b in batches:
        for t in threads:
            ours[(t, b)] = results(app + ["epoch-profile", str(t), str(epochs), str(b)])[0][-1]
            if with_torch:
                torch[(t, b)] = results([sys.executable, os.path.join(HERE, "fashion_python.py"), "torch-scaling",
                                         str(t), str(b), str(epochs)])[0][-1]
    _, gemm = results(app + ["gemm-quick", "*", "9"], env={"GEMM_THREADS": ",".join(map(str, threads))})
    isa = ours[(threads[0], batches[0])].get("isa", "?")
    print(f"## Thread scaling: {cores} cores, {isa}, epochs = median of {epochs}\n")
    print(epoch_table(ours, torch, threads, batches))
    if not with_torch:
        print("\n(PyTorch: not measured, this python3 has no torch.)")
    print("\nGEMM (gemm-quick, median GFLOP/s of 9 batches of ~20 ms):\n\n```\n" + gemm.strip() + "\n```")


if __name__ == "__main__":
    main()
