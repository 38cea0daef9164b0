#!/usr/bin/python3
"""The Python peers of build/bench/compare.sh on Fashion-MNIST, each printing its figures as "RESULT {json}" lines.

    /usr/bin/python3 build/bench/fashion_python.py torch-mlp stock|onednn [epochs] [seed]
    /usr/bin/python3 build/bench/fashion_python.py sklearn-mlp [epochs]
    /usr/bin/python3 build/bench/fashion_python.py sklearn-perceptron [repetitions]
    /usr/bin/python3 build/bench/fashion_python.py torch-scaling threads batch [epochs]
    /usr/bin/python3 build/bench/fashion_python.py versions

The MLP is ours: 784-256-10, ReLU, softmax cross-entropy, SGD with momentum 0.9 (not Nesterov), η 0.05, L2 1e-4,
batch 128, 2 threads, pixels scaled to [0, 1]. Data from $FASHION_MNIST_DIR, else Debian's dataset-fashion-mnist.
"""
import gzip
import json
import os
import resource
import sys
import time

import numpy as np

DATA = os.environ.get("FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")
THREADS = 2
T_SHIRT, SHIRT = 0, 6


def read_idx(name):
    """An IDX file of unsigned bytes (optionally .gz) as a numpy array of its dimensions."""
    path = os.path.join(DATA, name)
    opener = open if os.path.exists(path) else gzip.open
    with opener(path if os.path.exists(path) else path + ".gz", "rb") as f:
        raw = f.read()
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(raw[3])]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * len(dims)).reshape(dims)


def load(split):
    """(features scaled to [0, 1] as float32 rows of 784, labels as int64)."""
    images = read_idx(f"{split}-images-idx3-ubyte")
    labels = read_idx(f"{split}-labels-idx1-ubyte")
    return (images.reshape(len(images), -1).astype(np.float32) / 255.0), labels.astype(np.int64)


def peak_bytes():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def result(**figures):
    print("RESULT " + json.dumps(figures), flush=True)


def onednn_linear_class():
    """nn.Linear's products through oneDNN: forward X·Wᵀ, and both backward products dX = G·W and dW = Gᵀ·X."""
    import torch

    def onednn_product(a, b_transposed):
        """a · b_transposedᵀ through oneDNN (mkldnn_linear wants its input in oneDNN layout)."""
        return torch._C._nn.mkldnn_linear(a.contiguous().to_mkldnn(), b_transposed.contiguous(), None).to_dense()

    class OneDnnLinearFunction(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, weight, bias):
            ctx.save_for_backward(x, weight)
            return onednn_product(x, weight) + bias

        @staticmethod
        def backward(ctx, grad):
            x, weight = ctx.saved_tensors
            return onednn_product(grad, weight.t()), onednn_product(grad.t(), x.t()), grad.sum(0)

    class OneDnnLinear(torch.nn.Linear):
        def forward(self, x):
            return OneDnnLinearFunction.apply(x, self.weight, self.bias)

    return OneDnnLinear


def torch_mlp(variant, epochs, seed):
    import torch
    torch.set_num_threads(THREADS)
    torch.manual_seed(seed)
    x_train, y_train = (torch.from_numpy(a) for a in load("train"))
    x_test, y_test = (torch.from_numpy(a) for a in load("t10k"))
    linear = torch.nn.Linear if variant == "stock" else onednn_linear_class()
    model = torch.nn.Sequential(linear(784, 256), torch.nn.ReLU(), linear(256, 10))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-4)
    loss_function = torch.nn.CrossEntropyLoss()
    epoch_seconds = []
    start_fit = time.perf_counter()
    for _ in range(epochs):
        start = time.perf_counter()
        permutation = torch.randperm(len(x_train))
        for first in range(0, len(x_train), 128):
            rows = permutation[first:first + 128]
            optimizer.zero_grad()
            loss = loss_function(model(x_train[rows]), y_train[rows])
            loss.backward()
            optimizer.step()
        epoch_seconds.append(time.perf_counter() - start)
    fit_seconds = time.perf_counter() - start_fit
    with torch.no_grad():
        accuracy = (model(x_test).argmax(1) == y_test).float().mean().item()
        # One row at a time, as ML.NET's transformers score: the figure to set against ours.
        start = time.perf_counter()
        correct = sum(int(model(x_test[i:i + 1]).argmax(1).item() == y_test[i].item()) for i in range(len(x_test)))
        score_seconds = time.perf_counter() - start
    assert abs(correct / len(x_test) - accuracy) < 1e-3, "the row-at-a-time predictions disagree with the batch's"
    result(mode="torch-mlp", variant=variant, epochs=epochs, seed=seed, fit_s=fit_seconds, epoch_s=epoch_seconds,
           accuracy=accuracy, score_s=score_seconds, peak_bytes=peak_bytes())


def torch_scaling(threads, batch, epochs):
    """PyTorch+oneDNN's epoch of 784-256-10 (SGD momentum, L2) on 60,000 random rows, as our epoch-profile trains:
    no data files, so it runs on a machine that has only torch (build/bench/thread_scaling.py)."""
    import torch
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    x_train = torch.rand(60_000, 784)
    y_train = torch.randint(0, 10, (60_000,))
    linear = onednn_linear_class()
    model = torch.nn.Sequential(linear(784, 256), torch.nn.ReLU(), linear(256, 10))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-4)
    loss_function = torch.nn.CrossEntropyLoss()
    epoch_seconds = []
    for _ in range(epochs + 1):  # the first epoch warms up and is not reported, as epoch-profile's is not
        start = time.perf_counter()
        permutation = torch.randperm(len(x_train))
        for first in range(0, len(x_train), batch):
            rows = permutation[first:first + batch]
            optimizer.zero_grad()
            loss_function(model(x_train[rows]), y_train[rows]).backward()
            optimizer.step()
        epoch_seconds.append(time.perf_counter() - start)
    epoch_seconds = sorted(epoch_seconds[1:])
    result(mode="torch-scaling", threads=threads, batch=batch, epochs=epochs, epoch_s=epoch_seconds[len(epoch_seconds) // 2])


def sklearn_mlp(epochs):
    import warnings
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    from threadpoolctl import threadpool_limits
    x_train, y_train = load("train")
    x_test, y_test = load("t10k")
    # sklearn's gradient is g + alpha·w / batch_size: alpha = 1e-4 · 128 makes its L2 ours.
    model = MLPClassifier(hidden_layer_sizes=(256,), activation="relu", solver="sgd", momentum=0.9,
                          nesterovs_momentum=False, learning_rate_init=0.05, alpha=1e-4 * 128, batch_size=128,
                          max_iter=epochs, shuffle=True, early_stopping=False, tol=0, n_iter_no_change=epochs + 1,
                          random_state=1)
    with threadpool_limits(THREADS), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        model.fit(x_train, y_train)
        fit_seconds = time.perf_counter() - start
    result(mode="sklearn-mlp", epochs=epochs, fit_s=fit_seconds, accuracy=model.score(x_test, y_test),
           peak_bytes=peak_bytes())


def sklearn_perceptron(repetitions):
    from sklearn.linear_model import Perceptron
    (x_train, y_train), (x_test, y_test) = load("train"), load("t10k")
    train_rows, test_rows = np.isin(y_train, (T_SHIRT, SHIRT)), np.isin(y_test, (T_SHIRT, SHIRT))
    x_train, y_train = x_train[train_rows], y_train[train_rows] == T_SHIRT
    x_test, y_test = x_test[test_rows], y_test[test_rows] == T_SHIRT
    # Repetition 0 warms up and is not reported.
    for repetition in range(repetitions + 1):
        model = Perceptron(max_iter=10, tol=None, random_state=1)
        start = time.perf_counter()
        model.fit(x_train, y_train)
        fit_seconds = time.perf_counter() - start
        if repetition > 0:
            result(mode="perceptron", trainer="sklearn", fit_s=fit_seconds, accuracy=model.score(x_test, y_test))


def loaded_blas_libraries():
    """The BLAS/LAPACK/oneDNN shared objects this process has mapped, resolved through Debian's alternatives."""
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if ".so" in line}
    keywords = ("blas", "lapack", "mkl", "dnnl", "gomp")
    return sorted({os.path.realpath(p) for p in paths if any(k in os.path.basename(p).lower() for k in keywords)})


def versions():
    import sklearn
    import torch
    torch.ones(64, 64) @ torch.ones(64, 64)
    config = torch.__config__.show()
    blas_info = next((part.split("=")[1] for part in config.replace(",", " ").split() if part.startswith("BLAS_INFO=")), "?")
    onednn = next((line.strip(" -") for line in config.splitlines() if "MKL-DNN" in line or "oneDNN" in line), "?")
    result(mode="versions", torch=torch.__version__, sklearn=sklearn.__version__, numpy=np.__version__,
           torch_blas_info=blas_info, onednn=onednn, loaded_libraries=loaded_blas_libraries())


def main():
    mode, rest = sys.argv[1], sys.argv[2:]
    if mode == "torch-mlp":
        torch_mlp(rest[0], int(rest[1]) if len(rest) > 1 else 5, int(rest[2]) if len(rest) > 2 else 1)
    elif mode == "torch-scaling":
        torch_scaling(int(rest[0]), int(rest[1]), int(rest[2]) if len(rest) > 2 else 3)
    elif mode == "sklearn-mlp":
        sklearn_mlp(int(rest[0]) if rest else 2)
    elif mode == "sklearn-perceptron":
        sklearn_perceptron(int(rest[0]) if rest else 3)
    elif mode == "versions":
        versions()
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
