#!/usr/bin/python3
"""Our Gemm against oneDNN, measured in the same session, alternating, on the shared (noisy) machine.

    /usr/bin/python3 build/bench/compare_gemm.py [sessions] [rounds-per-session]

Each session runs the C# quick benchmark (`gemm-quick`, median GFLOP/s per shape and thread count) and then
gemm_onednn.py; the table reports, per shape and thread count, the median over sessions of each side's median
and their ratio. Build first: dotnet build -c Release test/MlNet.Mlp.Benchmarks.
"""
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def parse(output):
    """Rows 'shape  threads  median  best' -> {(shape, threads): median}."""
    results = {}
    for line in output.splitlines():
        parts = line.rsplit(None, 3)
        if len(parts) == 4 and parts[1].isdigit():
            try:
                results[(parts[0].strip(), int(parts[1]))] = float(parts[2])
            except ValueError:
                pass
    return results


def run_ours(rounds, environment=None, expected_isa=None):
    """Our gemm-quick; environment (a dict added to os.environ) selects the instruction-set path, which the
    process reports on its first line and which must then be expected_isa (when given)."""
    command = ["dotnet", "run", "-c", "Release", "--no-build", "--project",
               os.path.join(ROOT, "test", "MlNet.Mlp.Benchmarks"), "--", "gemm-quick", "*", str(rounds)]
    output = subprocess.run(command, capture_output=True, text=True, check=True, env=with_environment(environment)).stdout
    isa = next((line.split(":", 1)[1].strip() for line in output.splitlines() if line.startswith("instruction set:")), "?")
    if expected_isa is not None and isa != expected_isa:
        sys.exit(f"asked for the {expected_isa} path, but gemm-quick ran {isa}: check the environment")
    return parse(output)


def run_onednn(rounds, environment=None):
    command = ["/usr/bin/python3", os.path.join(HERE, "gemm_onednn.py"), str(rounds)]
    return parse(subprocess.run(command, capture_output=True, text=True, check=True, env=with_environment(environment)).stdout)


def with_environment(extra):
    return {**os.environ, **(extra or {})}


def main():
    sessions = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    rounds = sys.argv[2] if len(sys.argv) > 2 else "9"
    ours, onednn, loads = [], [], []
    for session in range(sessions):
        loads.append(os.getloadavg()[0])
        ours.append(run_ours(rounds))
        onednn.append(run_onednn(rounds))
        print(f"session {session + 1}/{sessions} done", file=sys.stderr, flush=True)
    loads.append(os.getloadavg()[0])
    # Other processes on this shared 2-core machine skew the 2-thread figures (oneDNN's most: its OpenMP
    # threads spin at barriers), so the 1-minute load averages seen between sessions are part of the result.
    print("load averages between sessions: " + ", ".join(f"{load:.1f}" for load in loads))
    print(f"{'shape':<32} {'threads':>7} {'ours':>8} {'oneDNN':>8} {'ratio':>6}   (median GFLOP/s over {sessions} sessions)")
    for key in ours[0]:
        if key not in onednn[0]:
            continue
        mine = statistics.median(result[key] for result in ours)
        theirs = statistics.median(result[key] for result in onednn)
        print(f"{key[0]:<32} {key[1]:>7} {mine:>8.1f} {theirs:>8.1f} {mine / theirs:>6.2f}")


if __name__ == "__main__":
    main()
