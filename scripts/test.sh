#!/usr/bin/env bash
# Run every test of lfdeep. Creates (or reuses) the Python venv with the oracle packages
# (NEURON, LFPykit, scikit-learn, zarr: scripts/requirements-oracle.txt), then runs the whole
# Rust test suite with it. Oracle tests fail rather than skip when CI is set.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/lfdeep-target}"
venv="${LFDEEP_VENV:-$root/.venv}"
if [ ! -x "$venv/bin/python" ]; then
  echo "== creating Python venv $venv"
  python3 -m venv "$venv"
fi
stamp="$venv/.lfdeep-requirements"
if ! cmp -s scripts/requirements-oracle.txt "$stamp"; then
  echo "== installing oracle packages into $venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r scripts/requirements-oracle.txt
  cp scripts/requirements-oracle.txt "$stamp"
fi
export LFDEEP_PYTHON="$venv/bin/python"
export PATH="$venv/bin:$PATH"   # nrnivmodl for the NMODL oracle
echo "== cargo test (target dir $CARGO_TARGET_DIR)"
cargo test --workspace "$@"
