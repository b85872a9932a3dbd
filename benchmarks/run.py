"""Run the workloads in glassnet, Keras 3 (TensorFlow and JAX) and PyTorch, side by side, and
write benchmarks/RESULTS.md. Installs nothing: make the comparison environments first with
benchmarks/setup_envs.sh. A framework whose environment is missing is reported as such.

    GLASSNET_DATA=../shared/data python benchmarks/run.py [--epochs 3] [--workloads W1,W3]
        [--frameworks glassnet,keras-tensorflow,keras-jax,pytorch] [--limit N]
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from workloads import WORKLOADS, flops_per_sample  # noqa: E402

VENVS = os.environ.get("GLASSNET_BENCH_VENVS", "/work/venvs")
FRAMEWORKS = {
    "glassnet": (sys.executable, ["run_keras_api.py", "glassnet"], {}),
    "keras-tensorflow": (os.path.join(VENVS, "keras", "bin", "python"), ["run_keras_api.py", "keras"],
                         {"KERAS_BACKEND": "tensorflow"}),
    "keras-jax": (os.path.join(VENVS, "jax", "bin", "python"), ["run_keras_api.py", "keras"], {"KERAS_BACKEND": "jax"}),
    "pytorch": (os.path.join(VENVS, "torch", "bin", "python"), ["run_torch.py"], {}),
}


def matmul_peak_gflops(size: int = 2048, repeats: int = 5) -> float:
    a = np.random.rand(size, size).astype(np.float32)
    a @ a
    best = min(_timed(lambda: a @ a) for _ in range(repeats))
    return 2 * size ** 3 / best / 1e9


def _timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def run_one(framework, workload, epochs, limit):
    python, arguments, extra_env = FRAMEWORKS[framework]
    if not os.path.exists(python):
        return {"framework": framework, "workload": workload, "error": "not installed"}
    command = [python] + arguments[:1] + arguments[1:] + ([workload, str(epochs)] if arguments[0] == "run_torch.py"
                                                          else [workload, str(epochs)])
    if limit:
        command.append(str(limit))
    env = {**os.environ, **extra_env, "PYTHONPATH": ROOT, "OMP_NUM_THREADS": str(os.cpu_count())}
    done = subprocess.run(command, cwd=HERE, env=env, capture_output=True, text=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode or not lines:
        return {"framework": framework, "workload": workload, "error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
    result = json.loads(lines[-1])
    result["framework"] = framework
    return result


def epoch_time(result) -> float:
    seconds = result["epoch_seconds"]
    return statistics.median(seconds[1:] if len(seconds) > 1 else seconds)


def table(results, frameworks, workloads, key, fmt, ratio: bool, lower_is_better=True):
    header = "| workload | " + " | ".join(frameworks) + " |"
    lines = [header, "|" + "---|" * (len(frameworks) + 1)]
    for workload in workloads:
        base = results.get(("glassnet", workload))
        cells = []
        for framework in frameworks:
            result = results.get((framework, workload))
            if result is None or "error" in result:
                cells.append(result["error"] if result else "-")
                continue
            value = key(result)
            cell = fmt.format(value)
            if ratio and base and "error" not in base and framework != "glassnet":
                cell += f" ({value / key(base):.2f}x)"
            cells.append(cell)
        lines.append(f"| {workload} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--workloads", default=",".join(WORKLOADS))
    parser.add_argument("--frameworks", default=",".join(FRAMEWORKS))
    parser.add_argument("--limit", type=int, default=None, help="train on the first N samples only (smoke runs)")
    parser.add_argument("--out", default=os.path.join(HERE, "RESULTS.md"))
    args = parser.parse_args()
    workloads, frameworks = args.workloads.split(","), args.frameworks.split(",")
    peak = matmul_peak_gflops()
    results = {}
    for workload in workloads:
        for framework in frameworks:
            result = run_one(framework, workload, args.epochs, args.limit)
            results[(framework, workload)] = result
            print(json.dumps(result), flush=True)
    samples = args.limit or 60000
    floors = {w: flops_per_sample(WORKLOADS[w]) * samples / (peak * 1e9) for w in workloads}
    report = [
        "# Benchmark results",
        "",
        f"Made {datetime.datetime.now():%Y-%m-%d %H:%M} by `python benchmarks/run.py --epochs {args.epochs}"
        f"{' --limit ' + str(args.limit) if args.limit else ''}` on {platform.machine()}, {os.cpu_count()} cores; "
        f"float32 matrix-product peak measured {peak:.0f} GFLOP/s. Each framework ran in its own process, one after "
        "another, on the same data. Times are seconds per epoch, the median of epochs 2..n; in brackets, the ratio to "
        "glassnet's (above 1 means glassnet is faster).",
        "",
        "## Seconds per epoch",
        table(results, frameworks, workloads, epoch_time, "{:.2f}", True),
        "",
        "FLOP lower bound per epoch at the measured peak: " +
        ", ".join(f"{w} {floors[w]:.2f} s" for w in workloads) + ".",
        "",
        "## Test accuracy after the last epoch",
        table(results, frameworks, workloads, lambda r: r["test_accuracy"], "{:.4f}", False),
        "",
        "## predict() throughput, samples/s (batch 32 / batch 1000)",
        table(results, frameworks, workloads, lambda r: r["predict_32"], "{:,.0f}", True),
        "",
        table(results, frameworks, workloads, lambda r: r["predict_1000"], "{:,.0f}", True),
        "",
        "## Peak resident memory (MB) and import time (s)",
        table(results, frameworks, workloads, lambda r: r["peak_rss_mb"], "{:,.0f}", True),
        "",
        table(results, frameworks, workloads[:1], lambda r: r["import_seconds"], "{:.2f}", True),
        "",
    ]
    with open(args.out, "w") as stream:
        stream.write("\n".join(report))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
