#!/usr/bin/env bash
# The main job on the built-in default cell: build lfdeep (release), then run the pipeline on
# builtin:l5pc and leave its outputs under out/quickstart/.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/lfdeep-target}"
echo "== building lfdeep (release)"
cargo build --release -p lfdeep
bin="$CARGO_TARGET_DIR/release/lfdeep"
out="$root/out/quickstart"
mkdir -p "$out"
echo "== morphology: builtin:l5pc"
"$bin" morphology builtin:l5pc --segments "$out/segments.csv" --plot "$out/morphology.png"
echo "== outputs in $out"
