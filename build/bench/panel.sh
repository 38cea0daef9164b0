#!/bin/sh
# The accuracy panel in one command: our MLP and Perceptron with their defaults against ML.NET's LightGbm and FastTree
# and scikit-learn's MLP and HistGradientBoosting, 5-fold CV on the same folds, on ../shared/data/panel, data/ and
# Fashion-MNIST T-shirt vs Shirt, plus the 10-class Fashion-MNIST run. Prints one table and writes it into
# docs/accuracy.md. Settings: see build/bench/panel.py. About 15 minutes on 2 cores.
#
#   build/bench/panel.sh
set -eu
cd "$(dirname "$0")/../.."

# libopenblas0-pthread: scikit-learn's MLP multiplies through libblas.so.3, which is otherwise the reference BLAS,
# several times slower than the peer the notes measured.
missing=""
for package in dataset-fashion-mnist python3-sklearn libopenblas0-pthread; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing="$missing $package"
done
if [ -n "$missing" ]; then
    echo "installing:$missing" >&2
    apt-get update && apt-get install -y $missing
fi

dotnet build -c Release test/MlNet.Mlp.Benchmarks >&2
exec /usr/bin/python3 build/bench/panel.py
