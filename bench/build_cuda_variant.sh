#!/usr/bin/env bash
# The CUDA binary of ../shared/tools/build-cuda with one benchmark switch added to Burn's CUDA
# backend (burn-cubecl 0.22.1, patched from the crate Cargo already fetched; nothing downloaded):
# a process started with LFDEEP_MATMUL_NO_AUTOTUNE=1 launches burn-cubecl's heuristic matmul
# kernel (`MatmulStrategy::Cube`, one kernel per shape) instead of autotuning each new shape
# over ~15 candidate kernels (issue #7: 91 % of a cold first step's NVRTC time). Without the
# variable the binary behaves as the plain build. Output: .devbin/lfdeep.gz, as build-cuda.
# Usage: bench/build_cuda_variant.sh     (from anywhere)
set -euo pipefail
# Marks the build (read at compile time by lfdeep-nn): `lfdeep bench` JSON then records
# "matmul": "heuristic" for processes given the variable, and other builds warn that they ignore it.
export LFDEEP_MATMUL_SWITCH=1
cd "$(dirname "$0")/.."
# `cargo fetch` unpacks the crate on a machine that has never built the project (under
# pipefail a failing `ls` would end the script before it).
src=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/burn-cubecl-0.22.1 2>/dev/null | head -1 || true)
[ -n "$src" ] || { cargo fetch --locked; src=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/burn-cubecl-0.22.1 | head -1); }
dst="${TMPDIR:-/tmp}/burn-cubecl-0.22.1-lfdeep"
patch_file=bench/patches/burn-cubecl-matmul-env.patch
# Cargo fingerprints a path dependency by its files' times: a fresh copy on every call would
# rebuild burn-cubecl and every Burn crate above it. The copy is remade only when the patch changed.
if ! cmp -s "$patch_file" "$dst/.lfdeep.patch"; then
    rm -rf "$dst"; cp -a "$src" "$dst"
    patch -s -d "$dst" -p1 < "$patch_file"
    cp "$patch_file" "$dst/.lfdeep.patch"
fi
../shared/tools/build-cuda lfdeep --config "patch.crates-io.burn-cubecl.path='$dst'" "$@"
