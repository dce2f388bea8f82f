#!/usr/bin/env bash
# make bench: see scripts/bench/main.go. Writes BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
exec go run ./scripts/bench -out BENCHMARKS.md "$@"
