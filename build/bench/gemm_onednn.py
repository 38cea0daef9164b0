#!/usr/bin/python3
"""oneDNN GEMM throughput (via PyTorch's mkldnn_linear) on the shapes of test/MlNet.Mlp.Benchmarks.

Run with the system interpreter that has python3-torch:  /usr/bin/python3 build/bench/gemm_onednn.py [rounds]

What is measured: torch._C._nn.mkldnn_linear(input, weight, None) = input · weightᵀ on tensors already in
oneDNN layout (the dense-CPU route of this PyTorch build goes to a generic BLAS, not oneDNN). Each of our shapes
C = op(A)·op(B) is mapped to input = op(A) and weight = op(B)ᵀ, made contiguous and converted *before* timing:
  forward      X·Wᵀ : input X (128×784),  weight W (256×784)       exactly the nn.Linear forward
  weight grad  Gᵀ·X : input Gᵀ (256×128), weight Xᵀ (784×128)      transposes prepared outside the timing
  weight grad  Xᵀ·G : input Xᵀ (784×128), weight Gᵀ (256×128)      (the brief's (784×128)·(128×256))
  input grad   G·W  : input G (128×256),  weight Wᵀ (784×256)
  output       X·Wᵀ : input X (128×256),  weight W (10×256)
  output dW    Gᵀ·X : input Gᵀ (10×128),  weight Xᵀ (256×128)
  output dX    G·W  : input G (128×10),   weight Wᵀ (256×10)
  square            : input A (n×n),      weight Bᵀ (n×n)
So oneDNN never pays for a transposition, while our Gemm absorbs it in packing: the comparison, if anything,
favours oneDNN. GFLOP/s = 2·m·n·k / time; each round times a batch of ~20 ms, the median over rounds is printed.
"""
import sys
import time

import torch

# (name, m, n, k): names match GemmShape.All in the C# benchmarks.
SHAPES = [
    ("fwd m128 n256 k784", 128, 256, 784),
    ("wgrad m256 n784 k128", 256, 784, 128),
    ("wgrad m784 n256 k128", 784, 256, 128),
    ("igrad m128 n784 k256", 128, 784, 256),
    ("out m128 n10 k256", 128, 10, 256),
    ("out-dW m10 n256 k128", 10, 256, 128),
    ("out-dX m128 n256 k10", 128, 256, 10),
    ("square 1024", 1024, 1024, 1024),
    ("square 2048", 2048, 2048, 2048),
]


def measure(m, n, k, rounds):
    torch.manual_seed(12345)
    # input = op(A) (m×k), weight = op(B)ᵀ (n×k); both contiguous, converted to oneDNN layout up front.
    inp = (torch.rand(m, k) * 2 - 1).contiguous().to_mkldnn()
    weight = (torch.rand(n, k) * 2 - 1).contiguous().to_mkldnn()
    flops = 2.0 * m * n * k
    for _ in range(3):
        torch._C._nn.mkldnn_linear(inp, weight, None)
    # Batch size from a timed call, not an assumed rate: on a busy machine OpenMP's spinning threads can run
    # 100× slower, and a fixed batch would then take minutes.
    start = time.perf_counter()
    torch._C._nn.mkldnn_linear(inp, weight, None)
    batch = max(1, int(0.02 / max(time.perf_counter() - start, 1e-7)))
    for _ in range(batch * 3):
        torch._C._nn.mkldnn_linear(inp, weight, None)
    rates = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(batch):
            torch._C._nn.mkldnn_linear(inp, weight, None)
        rates.append(flops * batch / (time.perf_counter() - start) / 1e9)
    rates.sort()
    return rates[len(rates) // 2], rates[-1]


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    shape_filter = sys.argv[2] if len(sys.argv) > 2 else None
    print(f"oneDNN via torch {torch.__version__} mkldnn_linear")
    print(f"{'shape':<32} {'threads':>7} {'median GFLOP/s':>15} {'best':>8}")
    for name, m, n, k in SHAPES:
        if shape_filter and shape_filter.lower() not in name.lower():
            continue
        for threads in (1, 2):
            torch.set_num_threads(threads)
            median, best = measure(m, n, k, rounds)
            print(f"{name:<32} {threads:>7} {median:>15.1f} {best:>8.1f}", flush=True)


if __name__ == "__main__":
    main()
