#!/bin/sh
# Issue #12's peer comparison: our multi-output regression and multi-label MLPs against scikit-learn's MLPRegressor
# and MLPClassifier on the same folds. Writes docs/multi-output-peer.md. SEEDS (default 1,2,3) sets the model seeds.
# Installs python3-sklearn and libopenblas0-pthread (scikit-learn's MLP multiplies through libblas.so.3, otherwise
# the reference BLAS) from Debian when missing (needs root). A few minutes on 2 cores.
set -eu
cd "$(dirname "$0")/../.."
missing=""
for package in python3-sklearn libopenblas0-pthread; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing="$missing $package"
done
if [ -n "$missing" ]; then
    apt-get update && apt-get install -y $missing
fi
dotnet build -c Release test/MlNet.Mlp.Benchmarks >&2
exec /usr/bin/python3 build/bench/multi_output_peer.py
