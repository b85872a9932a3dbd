#!/usr/bin/env bash
# Create the comparison environments used by benchmarks/run.py (idempotent). The benchmark
# itself installs nothing. torch==2.13.0 is pinned: it is a CPU wheel; an unpinned torch pulls
# a multi-gigabyte CUDA build.
set -euo pipefail
VENVS="${GLASSNET_BENCH_VENVS:-/work/venvs}"
mkdir -p "$VENVS"
make_env() {
    local name=$1; shift
    if [ ! -x "$VENVS/$name/bin/python" ]; then
        python3 -m venv "$VENVS/$name"
    fi
    "$VENVS/$name/bin/pip" install --quiet "$@"
}
make_env keras tensorflow-cpu numpy
make_env jax "jax[cpu]" keras numpy
make_env torch torch==2.13.0 numpy
echo "environments ready in $VENVS"
