"""How long loading Fashion-MNIST (60k + 10k) takes, from a folder or the cache.

    GLASSNET_DATA=../shared/data python benchmarks/bench_datasets.py

Prints the median of 5 loads. Target (issue 3): under 0.5 s on a 2-core machine.
"""

import os
import statistics
import time

from glassnet import datasets


def main(repeats: int = 5) -> None:
    folder = os.environ.get("GLASSNET_DATA")
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        datasets.fashion_mnist.load_data(path=folder)
        times.append(time.perf_counter() - started)
    print(f"fashion_mnist.load_data (60k + 10k) from {folder or 'the cache'}: median {statistics.median(times):.3f} s, "
          f"min {min(times):.3f} s over {repeats} loads")


if __name__ == "__main__":
    main()
