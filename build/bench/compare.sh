#!/bin/sh
# Issues #5 and #14's comparison in one command: our MLP and Perceptron through ML.NET against PyTorch (stock and with every
# Linear product through oneDNN), scikit-learn and ML.NET's AveragedPerceptron on Fashion-MNIST, and our GEMM
# against oneDNN. Prints one table (medians and same-run ratios) and writes it into docs/benchmarks.md.
#
#   build/bench/compare.sh
#
# Settings (environment): REPETITIONS (3), OUR_EPOCHS per Fit (5), PERCEPTRON_FITS per repetition (5),
# TORCH_EPOCHS (1) and SKLEARN_EPOCHS (1) — both are slow with Debian's reference BLAS — and ACCURACY_EPOCHS
# (20; 0 skips the accuracy runs, ours and PyTorch+oneDNN's) with ACCURACY_SEEDS (3), and PROFILE_EPOCHS (3) for
# epoch-profile, and GEMM_SESSIONS (5, spread over the repetitions). FASHION_MNIST_DIR points at other IDX files.
# ISA_PATHS=native skips the second pass with AVX2 forced on both sides (made only where the CPU has AVX-512).
# Installing the Debian packages needs root; they are skipped when present. About 13 minutes per pass on 2 cores.
set -eu
cd "$(dirname "$0")/../.."

# libopenblas0-pthread: without it Debian's libblas.so.3 is the reference BLAS, and the stock PyTorch and
# scikit-learn rows run several times slower than the peers the notes measured (numpy and PyTorch's dense products
# go through libblas.so.3).
missing=""
for package in dataset-fashion-mnist python3-torch python3-sklearn libopenblas0-pthread; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing="$missing $package"
done
if [ -n "$missing" ]; then
    echo "installing:$missing" >&2
    apt-get update && apt-get install -y $missing
fi

dotnet build -c Release test/MlNet.Mlp.Benchmarks >&2
exec /usr/bin/python3 build/bench/compare.py
