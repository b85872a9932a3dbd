"""Data-parallel training on Ray against one process: W1 (MLP-512) and W3 (seed CNN), batch 32.

    pip install "glassnet[ray]"
    GLASSNET_DATA=../shared/data python benchmarks/distributed.py --epochs 3 --json /tmp/distributed.json
    # Ray's collective all-reduce needs torch.distributed (gloo); a torch installed elsewhere is
    # appended to the collective actors' sys.path with:
    GLASSNET_TORCH_SITE=/path/to/site-packages python benchmarks/distributed.py ...

For each workload: steps/s, the driver's time per step computing and communicating, and the
test accuracy after ``--epochs`` epochs, for
  - one process (BLAS on 2 threads, and on 1),
  - RayDataParallel(num_workers=1) (the driver alone: the strategy's own cost),
  - RayDataParallel(num_workers=2) with sync_every=1 (the gradient all-reduced through Ray's
    object store every step: exact) and sync_every=4 (local SGD),
  - 2 actors all-reducing with ray.util.collective (gloo) every step, the driver only handing out
    the rows (where the gloo backend is available).
Then, over 16,384 images, one process against 2 workers at global batches of 128, 512 and 2048,
and the cost of the pieces the projection in docs/scaling.md is made of: one empty actor call,
moving a gradient of W1's and W3's size through the object store and through gloo, and one
process's step time as the batch grows. Every Ray run uses one Ray instance of 2 CPUs; every
process of a 2-worker run uses 1 BLAS thread (the machine has 2 cores).
"""

import argparse
import json
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)
import glassnet as keras  # noqa: E402
from glassnet.distribution import RayDataParallel, set_distribution  # noqa: E402
from workloads import WORKLOADS, initial_weights, load_fashion  # noqa: E402


def build(spec, seed=0):
    L = keras.layers
    keras.utils.set_random_seed(seed)
    if spec["model"] == "mlp":
        model = keras.Sequential([keras.Input((28, 28)), L.Flatten(), L.Dense(spec["hidden"], activation="relu"),
                                  L.Dense(10, activation="softmax")])
    else:
        model = keras.Sequential([keras.Input((28, 28, 1)), L.Conv2D(64, 3, activation="relu"), L.MaxPooling2D(2),
                                  L.Flatten(), L.Dense(10, activation="softmax")])
    model.set_weights(initial_weights(spec, seed))
    model.compile(optimizer=keras.optimizers.Adam(epsilon=1e-7), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def data(spec, limit):
    (x, y), (x_test, y_test) = load_fashion(limit)
    x, x_test = (x / 255.0).astype("float32"), (x_test / 255.0).astype("float32")
    if spec["model"] != "mlp":
        x, x_test = x[..., None], x_test[..., None]
    return x, y, x_test, y_test


def run_fit(spec, arrays, epochs, distribution=None, threads=2):
    """Train ``epochs`` epochs; returns steps/s, accuracy and the strategy's timings."""
    x, y, x_test, y_test = arrays
    keras.config.set_num_threads(threads)
    set_distribution(distribution)
    try:
        # Numba's kernels compiled or loaded, in every worker too, the actors started and warm.
        build(spec).fit(x[:512], y[:512], batch_size=spec["batch_size"], verbose=0)
        model = build(spec)
        started = time.perf_counter()
        model.fit(x, y, batch_size=spec["batch_size"], epochs=epochs, verbose=0)
        seconds = time.perf_counter() - started
    finally:
        set_distribution(None)
    steps = epochs * -(-len(x) // spec["batch_size"])
    accuracy = float(model.evaluate(x_test, y_test, batch_size=1000, verbose=0)[1])
    timings = distribution.last_timings if distribution is not None else None
    return {"seconds": seconds, "steps_per_s": steps / seconds, "accuracy": accuracy, "timings": timings}


class CollectiveReplica:
    """A replica that all-reduces its gradient with the other actors through ray.util.collective
    (gloo), then applies it: every rank is an actor, the driver only hands out the rows."""

    def __init__(self, rank, world):
        torch_site = os.environ.get("GLASSNET_TORCH_SITE")
        if torch_site and torch_site not in sys.path:
            sys.path.append(torch_site)
        from glassnet.distribution.worker import ReplicaWorker
        self.replica, self.rank, self.world = ReplicaWorker(rank), rank, world

    def setup(self, model_bytes, arrays):
        from ray.util import collective
        self.replica.load(model_bytes, arrays)
        if not collective.is_group_initialized("glassnet"):
            collective.init_collective_group(self.world, self.rank, backend="gloo", group_name="glassnet")
        return True

    def step(self, rows, share):
        from ray.util import collective
        from glassnet.distribution.sharding import take_rows
        replica = self.replica
        x, y, w = take_rows(replica.arrays, rows)
        started = time.perf_counter()
        loss, y_pred = replica.model._gradients(x, y, w, replica.flat, replica.fused)
        computed = time.perf_counter()
        replica.flat.grads *= np.float32(share)
        collective.allreduce(replica.flat.grads, group_name="glassnet")
        reduced = time.perf_counter()
        replica.model.optimizer.apply(replica.flat)
        return float(loss) * share, computed - started, reduced - computed

    def values(self):
        return self.replica.flat.values


def run_collective(ray, spec, arrays, epochs, world=2):
    """Steps/s and accuracy of the all-actors, gloo all-reduce design; None where gloo is absent."""
    from glassnet.distribution.sharding import shard_bounds
    from glassnet.distribution.worker import model_to_bytes
    x, y, x_test, y_test = arrays
    keras.config.set_num_threads(1)
    model = build(spec)
    model._flat_parameters()
    model.optimizer.build(model._flat)
    actor_class = ray.remote(num_cpus=1)(CollectiveReplica)
    actors = [actor_class.remote(rank, world) for rank in range(world)]
    reference = ray.put((x, y, None))
    try:
        ray.get([a.setup.remote(model_to_bytes(model), reference) for a in actors])
    except Exception as error:  # noqa: BLE001  (gloo missing in the actors: say so, measure the rest)
        for actor in actors:
            ray.kill(actor)
        return {"unavailable": f"{type(error).__name__}: {str(error).splitlines()[0][:200]}"}
    batch = spec["batch_size"]
    rng = np.random.default_rng(0)

    def train(epochs_to_run, rows_per_epoch):
        compute = reduce = 0.0
        steps = 0
        for _ in range(epochs_to_run):
            order = rng.permutation(rows_per_epoch)
            for start in range(0, rows_per_epoch, batch):
                rows = order[start:start + batch]
                bounds = shard_bounds(len(rows), world)
                results = ray.get([a.step.remote(rows[b0:b1], (b1 - b0) / len(rows))
                                   for a, (b0, b1) in zip(actors, bounds)])
                compute += results[0][1]
                reduce += results[0][2]
                steps += 1
        return steps, compute, reduce

    train(1, 512)  # kernels compiled in the actors (this moves the weights a little: 16 steps more)
    ray.get([a.setup.remote(model_to_bytes(model), reference) for a in actors])  # back to the start
    started = time.perf_counter()
    steps, compute, reduce = train(epochs, len(x))
    seconds = time.perf_counter() - started
    model._flat.values[...] = ray.get(actors[0].values.remote())
    accuracy = float(model.evaluate(x_test, y_test, batch_size=1000, verbose=0)[1])
    for actor in actors:
        ray.kill(actor)
    return {"seconds": seconds, "steps_per_s": steps / seconds, "accuracy": accuracy,
            "timings": {"compute_per_step_ms": 1e3 * compute / steps, "communicate_per_step_ms": 1e3 * reduce / steps,
                        "note": "rank 0's own compute and gloo all-reduce, per step"}}


class Echo:
    def echo(self, value):
        return value

    def nothing(self):
        return None


def transfer_costs(ray, sizes, repeats=30):
    """Milliseconds: an empty actor call; a vector of each size there and back through the object
    store (put, actor reads it, returns it); gloo all-reduce of it between 2 actors (if available)."""
    actor = ray.remote(num_cpus=1)(Echo).remote()
    ray.get(actor.nothing.remote())
    result = {}
    started = time.perf_counter()
    for _ in range(repeats):
        ray.get(actor.nothing.remote())
    result["empty_call_ms"] = 1e3 * (time.perf_counter() - started) / repeats
    for size in sizes:
        vector = np.ones(size, np.float32)
        ray.get(actor.echo.remote(ray.put(vector)))
        started = time.perf_counter()
        for _ in range(repeats):
            ray.get(actor.echo.remote(ray.put(vector)))
        result[f"object_store_round_trip_ms[{size}]"] = 1e3 * (time.perf_counter() - started) / repeats
    ray.kill(actor)
    return result


class GlooPeer:
    def __init__(self, rank):
        torch_site = os.environ.get("GLASSNET_TORCH_SITE")
        if torch_site and torch_site not in sys.path:
            sys.path.append(torch_site)
        self.rank = rank

    def setup(self):
        from ray.util import collective
        collective.init_collective_group(2, self.rank, backend="gloo", group_name="measure")
        return True

    def allreduce(self, size, repeats):
        from ray.util import collective
        vector = np.ones(size, np.float32)
        collective.allreduce(vector, group_name="measure")
        collective.barrier(group_name="measure")
        started = time.perf_counter()
        for _ in range(repeats):
            collective.allreduce(vector, group_name="measure")
        return 1e3 * (time.perf_counter() - started) / repeats


def gloo_costs(ray, sizes, repeats=30):
    peers = [ray.remote(num_cpus=1)(GlooPeer).remote(rank) for rank in range(2)]
    try:
        ray.get([p.setup.remote() for p in peers])
        return {f"gloo_allreduce_ms[{size}]": max(ray.get([p.allreduce.remote(size, repeats) for p in peers]))
                for size in sizes}
    except Exception as error:  # noqa: BLE001
        return {"gloo": f"unavailable: {type(error).__name__}: {str(error).splitlines()[0][:200]}"}
    finally:
        for peer in peers:
            ray.kill(peer)


def step_times(spec, arrays, batches=(16, 32, 64, 128, 256, 512, 1024), threads=1, seconds=1.5):
    """Milliseconds per training step of one process as the batch grows (1 BLAS thread)."""
    x, y = arrays[0], arrays[1]
    keras.config.set_num_threads(threads)
    result = {}
    for batch in batches:
        model = build(spec)
        model.fit(x[:batch * 4], y[:batch * 4], batch_size=batch, verbose=0)
        rows = min(len(x), batch * 16)
        steps = 0
        started = time.perf_counter()
        while time.perf_counter() - started < seconds:
            model.fit(x[:rows], y[:rows], batch_size=batch, shuffle=False, verbose=0)
            steps += -(-rows // batch)
        result[batch] = 1e3 * (time.perf_counter() - started) / steps
    return result


def batch_scan(spec, arrays, batches=(128, 512, 2048), rows=16384):
    """One epoch over ``rows`` images at larger global batches: one process (1 and 2 threads)
    against 2 workers (sync_every=1); milliseconds per step and the 2-worker split."""
    x, y, x_test, y_test = arrays
    part = (x[:rows], y[:rows], x_test, y_test)
    result = {}
    for batch in batches:
        wide = {**spec, "batch_size": batch}
        one = run_fit(wide, part, 1, threads=1)
        two_threads = run_fit(wide, part, 1, threads=2)
        strategy = RayDataParallel(num_workers=2)
        two = run_fit(wide, part, 1, strategy, threads=1)
        strategy.shutdown()
        result[batch] = {"1 process, 1 thread ms/step": 1e3 / one["steps_per_s"],
                         "1 process, 2 threads ms/step": 1e3 / two_threads["steps_per_s"],
                         "2 workers ms/step": 1e3 / two["steps_per_s"], "2 workers timings": two["timings"]}
        print(spec["model"], batch, json.dumps(result[batch]), flush=True)
    return result


def compute_model(table: dict) -> tuple[float, float]:
    """(t0, per-row ms): the straight line through one process's measured step times {batch: ms}
    (least squares). A line, not the points themselves, so that cache effects and the machine's
    noise at one size do not turn into speed-ups of more than N."""
    sizes = np.array([float(b) for b in table])
    times = np.array(list(table.values()), dtype=float)
    per_row, t0 = np.polyfit(sizes, times, 1)
    return max(t0, 0.0), per_row


def projection(results, workers=(2, 8, 32), batches=(32, 256, 1024, 4096, 16384)) -> str:
    """Speed-ups on paper from the measured pieces (docs/scaling.md explains the model):

    T(N, B) = t0 + per_row * B / N + apply + comm(N), against T(1, B) = t0 + per_row * B + apply
    object store, through the driver (RayDataParallel): comm = N * r / 2, r = the measured round
        trip of one gradient (N - 1 gradients in, one average out, each about half a round trip);
    ring all-reduce (ray.util.collective): comm = 2 (N - 1) / N * bytes / bw + 2 (N - 1) * alpha,
        bw and alpha fitted to the two measured gloo all-reduces of 2 ranks.
    """
    transfer = results["transfer"]
    sizes = sorted(int(k.split("[")[1].rstrip("]")) for k in transfer if k.startswith("object_store"))
    ring = None
    if all(f"gloo_allreduce_ms[{n}]" in transfer for n in sizes) and len(sizes) == 2:
        (small, large) = sizes
        t_small, t_large = transfer[f"gloo_allreduce_ms[{small}]"], transfer[f"gloo_allreduce_ms[{large}]"]
        ms_per_byte = (t_large - t_small) / (4 * (large - small))   # at N = 2 the ring moves each byte once
        alpha = max((t_small - 4 * small * ms_per_byte) / 2, 0.0)
        ring = (ms_per_byte, alpha)
    lines = []
    if ring:
        lines.append(f"ring fit: {1e-6 / ring[0]:.2f} GB/s, alpha {ring[1]:.3f} ms")
    for name, workload in results["workloads"].items():
        parameters = workload["parameters"]
        t0, per_row = compute_model(workload["step_ms_by_batch"])
        round_trip = transfer[f"object_store_round_trip_ms[{parameters}]"]
        apply_ms = 1e3 * workload["runs"]["Ray, 1 worker"]["timings"]["apply_s"] / workload["runs"]["Ray, 1 worker"][
            "timings"]["steps"]
        lines.append(f"{name} ({parameters:,} parameters; gradient round trip {round_trip:.1f} ms; "
                     f"update {apply_ms:.2f} ms; one process's step {t0:.2f} ms + {1e3 * per_row:.1f} us a row)")
        lines.append("| N | comm | " + " | ".join(f"B={b}" for b in batches) + " | B for S=1 | B for S=0.8 N |")
        lines.append("|---" * (len(batches) + 4) + "|")
        for n in workers:
            comms = {"object store": n * round_trip / 2}
            if ring:
                comms["ring (gloo)"] = 2 * (n - 1) / n * 4 * parameters * ring[0] + 2 * (n - 1) * ring[1]
            for label, comm in comms.items():
                def speedup(b):
                    return (t0 + per_row * b + apply_ms) / (t0 + per_row * b / n + apply_ms + comm)
                cells = [f"{speedup(b):.2f}" for b in batches]
                grid = [int(16 * 2 ** (i / 4)) for i in range(80)]
                even = next((b for b in grid if speedup(b) >= 1), None)
                good = next((b for b in grid if speedup(b) >= 0.8 * n), None)
                lines.append(f"| {n} | {label} {comm:.1f} ms | " + " | ".join(cells) +
                             f" | {even or '-'} | {good or '-'} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workloads", nargs="+", default=["W1", "W3"])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--limit", type=int, default=None, help="training images (default: all 60,000)")
    parser.add_argument("--sync-every", type=int, default=4, help="local SGD's k")
    parser.add_argument("--json", default=None, help="write the results here too")
    parser.add_argument("--project", default=None, metavar="JSON",
                        help="print the projection from results written earlier with --json, measure nothing")
    args = parser.parse_args()
    if args.project:
        with open(args.project) as file:
            print(projection(json.load(file)))
        return
    import ray
    ray.init(num_cpus=2, include_dashboard=False, logging_level="ERROR")
    results = {"uptime_before": open("/proc/loadavg").read().split()[:3], "epochs": args.epochs,
               "limit": args.limit, "workloads": {}}
    try:
        for name in args.workloads:
            spec = WORKLOADS[name]
            arrays = data(spec, args.limit)
            runs = {}
            runs["1 process, 2 threads"] = run_fit(spec, arrays, args.epochs, threads=2)
            runs["1 process, 1 thread"] = run_fit(spec, arrays, args.epochs, threads=1)
            for label, strategy in [("Ray, 1 worker", RayDataParallel(num_workers=1)),
                                    ("Ray, 2 workers, sync_every=1", RayDataParallel(num_workers=2)),
                                    (f"Ray, 2 workers, sync_every={args.sync_every}",
                                     RayDataParallel(num_workers=2, sync_every=args.sync_every))]:
                runs[label] = run_fit(spec, arrays, args.epochs, strategy, threads=1)
                strategy.shutdown()
            runs["Ray, 2 actors, collective (gloo)"] = run_collective(ray, spec, arrays, args.epochs)
            parameters = build(spec).count_params()
            results["workloads"][name] = {"parameters": parameters, "runs": runs,
                                          "step_ms_by_batch": step_times(spec, arrays),
                                          "batch_scan": batch_scan(spec, arrays)}
            for label, run in runs.items():
                print(name, label, json.dumps(run), flush=True)
        sizes = sorted({v["parameters"] for v in results["workloads"].values()})
        results["transfer"] = {**transfer_costs(ray, sizes), **gloo_costs(ray, sizes)}
        print(json.dumps(results["transfer"]), flush=True)
    finally:
        ray.shutdown()
    results["uptime_after"] = open("/proc/loadavg").read().split()[:3]
    print(json.dumps(results, indent=1))
    print(projection(results))
    if args.json:
        with open(args.json, "w") as file:
            json.dump(results, file, indent=1)


if __name__ == "__main__":
    main()
