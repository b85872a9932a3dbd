"""glassnet at two commits, side by side: the workloads W1-W5 alternating between the two
trees round by round (so a busy neighbour slows both alike), median epoch time per round.

    GLASSNET_DATA=../shared/data python benchmarks/compare_commits.py BASE [--rounds 3 --epochs 2]

BASE is checked out in a temporary git worktree; the other side is this working tree. The
ratio printed is this tree's best round over BASE's best round (below 1: this tree is faster).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def epoch_median(tree, workload, epochs, seed):
    env = {**os.environ, "PYTHONPATH": tree, "OMP_NUM_THREADS": str(os.cpu_count())}
    done = subprocess.run([sys.executable, "run_keras_api.py", "glassnet", workload, str(epochs), str(seed)],
                          cwd=os.path.join(tree, "benchmarks"), env=env, capture_output=True, text=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode or not lines:
        raise RuntimeError(f"{workload} in {tree}: {done.stderr.strip()[-500:]}")
    result = json.loads(lines[-1])
    seconds = result["epoch_seconds"]
    return statistics.median(seconds[1:] if len(seconds) > 1 else seconds), result["test_accuracy"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--workloads", default="W1,W2,W3,W4,W5")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        base = os.path.join(scratch, "base")
        subprocess.run(["git", "worktree", "add", "--detach", base, args.base], cwd=ROOT, check=True,
                       capture_output=True)
        try:
            times = {}
            for workload in args.workloads.split(","):
                for round_index in range(args.rounds):
                    for side, tree in (("base", base), ("this", ROOT)):
                        seconds, accuracy = epoch_median(tree, workload, args.epochs, round_index)
                        times.setdefault((workload, side), []).append((seconds, accuracy))
                        print(f"{workload} round {round_index} {side}: {seconds:.3f} s/epoch, accuracy {accuracy:.4f}",
                              flush=True)
            print(f"\n| workload | {args.base} (s/epoch) | this tree | ratio | rounds (base / this) |")
            print("|---|---|---|---|---|")
            for workload in args.workloads.split(","):
                b = [s for s, _ in times[(workload, "base")]]
                t = [s for s, _ in times[(workload, "this")]]
                print(f"| {workload} | {min(b):.3f} | {min(t):.3f} | {min(t) / min(b):.3f} | "
                      f"{' '.join(f'{x:.2f}' for x in b)} / {' '.join(f'{x:.2f}' for x in t)} |")
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", base], cwd=ROOT, capture_output=True)


if __name__ == "__main__":
    main()
