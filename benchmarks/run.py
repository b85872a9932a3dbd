"""Run the workloads in glassnet, Keras 3 (TensorFlow and JAX) and PyTorch, side by side, and
write benchmarks/RESULTS.md. Installs nothing: make the comparison environments first with
benchmarks/setup_envs.sh. A framework whose environment is missing is reported as such.

    GLASSNET_DATA=../shared/data python benchmarks/run.py [--epochs 3] [--rounds 2] [--workloads W1,W3]
        [--frameworks glassnet,keras-tensorflow,keras-jax,pytorch] [--limit N]
    python benchmarks/run.py --report-from benchmarks/RESULTS.json     (the report again, from raw results)

With --rounds R every framework runs R times per workload, the frameworks alternating, and
each keeps its best round (lowest median epoch time): on a shared machine a neighbour's burst
then costs a round, not the comparison.
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


def run_one(framework, workload, epochs, limit, seed=0):
    """One framework on one workload in a process of its own; ``seed`` picks the initial
    weights (the same in every framework) and the shuffling."""
    python, arguments, extra_env = FRAMEWORKS[framework]
    if not os.path.exists(python):
        return {"framework": framework, "workload": workload, "error": "not installed"}
    command = [python] + arguments + [workload, str(epochs), str(seed)]
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


def best_round(rounds):
    """The round with the lowest median epoch time (or the last error if none finished), with
    every round's time, and the test accuracy averaged over the rounds: each round starts from
    other initial weights, and one run's accuracy varies by a few tenths of a point."""
    finished = [r for r in rounds if "error" not in r]
    if not finished:
        return rounds[-1]
    best = min(finished, key=epoch_time)
    accuracies = [r["test_accuracy"] for r in finished]
    return {**best, "rounds": [epoch_time(r) for r in finished], "accuracies": accuracies,
            "test_accuracy": statistics.mean(accuracies)}


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


def _ratio(result, floor) -> str:
    return "-" if not result or "error" in result else f"{epoch_time(result) / floor:.2f}x"


def targets(results, floors, import_seconds, workloads=None) -> str:
    """Each target of the performance issue with glassnet's measured ratio and whether it holds
    (``import_seconds``: every glassnet run's import time; the median is checked, since the
    first run after a while reads its files from disk)."""
    rows = ["| target | measured | met |", "|---|---|---|"]

    def check(label, value, limit, at_most=True):
        if workloads is not None and label[:1] == "W" and label.split()[0] not in workloads:
            return  # a run of some workloads only reports their targets
        if value is None:
            rows.append(f"| {label} | not measured | - |")
            return
        rows.append(f"| {label} | {value:.2f} | {'yes' if (value <= limit if at_most else value >= limit) else 'NO'} |")

    def ratio(workload, other, key=epoch_time):
        mine, theirs = results.get(("glassnet", workload)), results.get((other, workload))
        if not mine or not theirs or "error" in mine or "error" in theirs:
            return None
        return key(mine) / key(theirs)

    for w in ("W1", "W2", "W4"):
        check(f"{w} epoch / Keras-JAX's <= 1.0", ratio(w, "keras-jax"), 1.0)
        check(f"{w} epoch / PyTorch's <= 0.6", ratio(w, "pytorch"), 0.6)
    if ("glassnet", "W4") in results and "error" not in results[("glassnet", "W4")]:
        check("W4 epoch / FLOP floor <= 1.15", epoch_time(results[("glassnet", "W4")]) / floors["W4"], 1.15)
    for w in ("W3", "W5"):
        check(f"{w} epoch / PyTorch's <= 0.6", ratio(w, "pytorch"), 0.6)
        check(f"{w} epoch / Keras-TF's <= 0.5", ratio(w, "keras-tensorflow"), 0.5)
    for w in ("W1", "W2", "W3", "W4", "W5"):
        for batch in ("32", "1000"):
            check(f"{w} predict@{batch} / PyTorch's >= 1.0", ratio(w, "pytorch", lambda r: r[f"predict_{batch}"]), 1.0,
                  at_most=False)
    for w in ("W3", "W5"):
        for batch in ("32", "1000"):
            check(f"{w} predict@{batch} / Keras-JAX's >= 0.5", ratio(w, "keras-jax", lambda r: r[f"predict_{batch}"]),
                  0.5, at_most=False)
    check("W6 (LSTM) epoch / PyTorch's < 1.0", ratio("W6", "pytorch"), 1.0)
    check("W6 (LSTM) epoch / Keras-TF's < 1.0", ratio("W6", "keras-tensorflow"), 1.0)
    check("W1 peak memory / Keras-TF's <= 0.5", ratio("W1", "keras-tensorflow", lambda r: r["peak_rss_mb"]), 0.5)
    check("import glassnet (s), median of the runs, < 0.25",
          statistics.median(import_seconds) if import_seconds else None, 0.25)
    for w in ("W1", "W2", "W3", "W4", "W5", "W6"):
        accuracies = [r["test_accuracy"] for (f, ww), r in results.items() if ww == w and "error" not in r]
        mine = results.get(("glassnet", w))
        if mine and "error" not in mine and accuracies:
            check(f"{w} accuracy: points below the best framework <= 0.5",
                  100 * (max(accuracies) - mine["test_accuracy"]), 0.5)
    return "\n".join(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=1, help="runs per framework and workload; the best is kept")
    parser.add_argument("--workloads", default=",".join(WORKLOADS))
    parser.add_argument("--frameworks", default=",".join(FRAMEWORKS))
    parser.add_argument("--limit", type=int, default=None, help="train on the first N samples only (smoke runs)")
    parser.add_argument("--out", default=os.path.join(HERE, "RESULTS.md"))
    parser.add_argument("--report-from", metavar="RESULTS.json",
                        help="write the report from the raw results of an earlier run instead of running")
    args = parser.parse_args()
    if args.report_from:
        with open(args.report_from) as stream:
            saved = json.load(stream)
        peak, made = saved["peak_gflops"], saved["made"]
        args.epochs, args.rounds, args.limit = saved["epochs"], saved["rounds"], saved["limit"]
        workloads, frameworks = saved["workloads"], saved["frameworks"]
        runs = {(r[0]["framework"], r[0]["workload"]): r for r in saved["runs"]}
    else:
        workloads, frameworks = args.workloads.split(","), args.frameworks.split(",")
        peak, made = matmul_peak_gflops(), f"{datetime.datetime.now():%Y-%m-%d %H:%M}"
        runs = {}
        for workload in workloads:
            for seed in range(args.rounds):
                for framework in frameworks:
                    result = run_one(framework, workload, args.epochs, args.limit, seed)
                    runs.setdefault((framework, workload), []).append(result)
                    print(json.dumps(result), flush=True)
        raw = {"made": made, "peak_gflops": peak, "epochs": args.epochs, "rounds": args.rounds, "limit": args.limit,
               "workloads": workloads, "frameworks": frameworks, "runs": list(runs.values())}
        with open(os.path.splitext(args.out)[0] + ".json", "w") as stream:
            json.dump(raw, stream, indent=1)
    results = {key: best_round(rounds) for key, rounds in runs.items()}
    # Training samples per epoch (W5 holds 10% out for validation, whose forward passes are left out).
    samples = {w: (args.limit or WORKLOADS[w].get("train_samples", 60000)) * (1 - WORKLOADS[w].get("validation_split", 0.0))
               for w in workloads}
    floors = {w: flops_per_sample(WORKLOADS[w]) * samples[w] / (peak * 1e9) for w in workloads}
    report = [
        "# Benchmark results",
        "",
        f"Made {made} by `python benchmarks/run.py --epochs {args.epochs} "
        f"--rounds {args.rounds}"
        f"{' --limit ' + str(args.limit) if args.limit else ''}` on {platform.machine()}, {os.cpu_count()} cores; "
        f"float32 matrix-product peak measured {peak:.0f} GFLOP/s. Each framework ran in its own process, one after "
        "another, on the same data. Times are seconds per epoch, the median of epochs 2..n; in brackets, the ratio to "
        "glassnet's (above 1 means glassnet is faster). With several rounds, each framework's best round is "
        "shown; every round's time is listed at the end. Round r starts every framework from the same initial "
        "weights (drawn by NumPy with seed r) and seeds its shuffling with r; test accuracy is the mean over the "
        "rounds.",
        "",
        "## Seconds per epoch",
        table(results, frameworks, workloads, epoch_time, "{:.2f}", True),
        "",
        "FLOP lower bound per epoch at the measured peak (glassnet's time / bound): " +
        ", ".join(f"{w} {floors[w]:.2f} s ({_ratio(results.get(('glassnet', w)), floors[w])})" for w in workloads) + ".",
        "",
        "## Targets of the performance issue",
        targets(results, floors, [r["import_seconds"] for (f, _), rounds in runs.items() if f == "glassnet"
                                  for r in rounds if "error" not in r], workloads),
        "",
        "## Test accuracy after the last epoch (mean over the rounds)",
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
        "## Every round's median epoch time (s) and test accuracy",
        "\n".join(f"- {w} {f}: " + ", ".join(f"{t:.2f}" for t in results[(f, w)].get("rounds", [])) +
                  (" (" + ", ".join(f"{a:.4f}" for a in results[(f, w)]["accuracies"]) + ")"
                   if results[(f, w)].get("accuracies") else "")
                  for w in workloads for f in frameworks),
        "",
    ]
    with open(args.out, "w") as stream:
        stream.write("\n".join(report))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
