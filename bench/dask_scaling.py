#!/usr/bin/env python3
"""shannon.dask on a distributed.LocalCluster: the scaling from 1 to 2 worker processes and the overhead
against the in-process call, with Dask's and NumPy's naive KL on the same data in the same run.

Usage: PYTHONPATH=BUILD/python python3 bench/dask_scaling.py [N=10000000] [CHUNK=1000000] [REPEATS=5]
The inputs are made on the workers from their indices (p_i = f(i) / S) and persisted there, as a
user's data already in the cluster would be; the times are the reductions'. Prints the minimum over
the repeats.
"""
import sys
import time

import numpy as np


def best(f, repeats):
    times = []
    out = None
    for _ in range(repeats):
        t = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t)
    return min(times), out


def weights(i, a):
    return (i * a) % 1.0 + 1e-3


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10**7
    chunk = int(sys.argv[2]) if len(sys.argv) > 2 else 10**6
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    import dask.array as da
    import distributed

    import shannon
    import shannon.dask as sd

    a, b = 0.6180339887498949, 0.7548776662466927
    i = np.arange(n, dtype=np.float64)
    sp, sq = float(np.sum(weights(i, a))), float(np.sum(weights(i, b)))
    p, q = weights(i, a) / sp, weights(i, b) / sq
    rows = []
    t, exact = best(lambda: shannon.kl_divergence(p, q), repeats)
    rows.append(("in process: shannon.kl_divergence (correctly rounded)", t, exact))
    t, acc = best(lambda: shannon.Accumulator(shannon.kl_divergence).update(p, q).result(), repeats)
    rows.append(("in process: shannon.Accumulator, one part", t, acc))
    t, naive = best(lambda: float(np.sum(p * np.log(p / q))), repeats)
    rows.append(("in process: numpy sum(p * log(p / q))", t, naive))
    for workers in (1, 2):
        with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                      dashboard_address=None) as cluster, distributed.Client(cluster) as client:
            ii = da.arange(n, chunks=chunk, dtype=np.float64)
            dp, dq = client.persist([weights(ii, a) / sp, weights(ii, b) / sq])  # the data, in the workers' memory
            distributed.wait([dp, dq])
            runs = iter(range(1, 10**6))

            def inputs():
                # The persisted blocks under new names each run (np.asarray returns the block itself):
                # the scheduler would otherwise hand back the previous run's result still in memory.
                k = next(runs)
                return dp.map_blocks(np.asarray, name=f"p-{k}"), dq.map_blocks(np.asarray, name=f"q-{k}")

            client.compute(sd.kl_divergence(*inputs()), sync=True)  # warm the workers (imports, tables)
            t, v = best(lambda: client.compute(sd.kl_divergence(*inputs()), sync=True), repeats)
            rows.append((f"LocalCluster, {workers} worker(s): shannon.dask.kl_divergence", t, float(v)))

            def naive():
                x, y = inputs()
                return client.compute((x * np.log(x / y)).sum(), sync=True)

            t, v = best(naive, repeats)
            rows.append((f"LocalCluster, {workers} worker(s): dask (p * log(p / q)).sum()", t, float(v)))

            def plain():
                x, y = inputs()
                return client.compute(x.sum(), sync=True)

            t, v = best(plain, repeats)
            rows.append((f"LocalCluster, {workers} worker(s): dask p.sum()", t, float(v)))
    print(f"KL of {n:,} float64 terms, chunks of {chunk:,}, best of {repeats}:")
    width = max(len(r[0]) for r in rows)
    for name, t, v in rows:
        print(f"  {name:<{width}}  {t * 1e3:9.1f} ms   {v!r}")


if __name__ == "__main__":
    main()
