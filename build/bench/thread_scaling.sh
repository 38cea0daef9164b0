#!/bin/sh
# Issue #14's many-core measurement (build/bench/thread_scaling.py) with a self-contained benchmarks app, so that it runs
# on a machine without .NET: publishes test/MlNet.Mlp.Benchmarks for linux-x64 with its runtime into
# artifacts/thread-scaling (about 120 MB) and packs it into artifacts/thread-scaling.tar.xz (about 37 MB, within the
# device tool's 64 MiB carry), then measures with it here.
#
#   build/bench/thread_scaling.sh                  # publish, then measure on this machine
#   build/bench/thread_scaling.sh --publish-only   # publish only
#
# On a borrowed many-core machine (the device tool): publish here, carry artifacts/thread-scaling.tar.xz, and run there
#   mkdir -p /tmp/ts && tar xJf artifacts/thread-scaling.tar.xz -C /tmp/ts &&
#   python3 build/bench/thread_scaling.py /tmp/ts/thread-scaling
# Settings (environment): THREADS ("1 2 4 8 16"), BATCHES ("128 512"), EPOCHS (3); see thread_scaling.py.
set -eu
cd "$(dirname "$0")/../.."
out=artifacts/thread-scaling
rm -rf "$out"
dotnet publish test/MlNet.Mlp.Benchmarks -c Release -r linux-x64 --self-contained true -p:DebugType=none -o "$out" >&2
tar cJf "$out.tar.xz" -C artifacts thread-scaling
du -sh "$out" "$out.tar.xz" >&2
if [ "${1:-}" = "--publish-only" ]; then
    exit 0
fi
exec python3 build/bench/thread_scaling.py "$out"
