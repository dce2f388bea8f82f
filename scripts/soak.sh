#!/usr/bin/env bash
# make soak: the model test (TestModel) over SOAK_CHECKS random sequences.
#
# SOAK_JOBS processes run at once (the model waits on its emulator and its
# held requests more than it computes, so two keep two cores busy), each in
# batches of SOAK_BATCH sequences from a seed of its own, drawn from
# SOAK_SEED (random unless given) and printed, so that any batch can be
# replayed: go test -run '^TestModel$' ./internal/provider -args
# -rapid.seed=<seed> -rapid.checks=<batch>. A batch that fails stops (rapid
# shrinks its failure and prints it in the batch's log); the others go on.
# Every failing sequence's story is also written to its batch's faillog,
# even one rapid cannot replay. SOAK_FLAGS=-race adds the race detector;
# SOAK_ARGS narrows the model (e.g. -model.skip=hold).
set -euo pipefail
cd "$(dirname "$0")/.."
checks=${SOAK_CHECKS:-10000} jobs=${SOAK_JOBS:-2} batch=${SOAK_BATCH:-100}
seed=${SOAK_SEED:-$(od -An -N8 -tu8 /dev/urandom | tr -d ' ')}
out=${SOAK_OUT:-bin/soak}
rm -rf "$out" && mkdir -p "$out"
# shellcheck disable=SC2086 # the flags are words
go test ${SOAK_FLAGS:-} -c -o "$out/model.test" ./internal/provider
batches=$(( (checks + batch - 1) / batch ))
echo "make soak: $checks sequences in $batches batches of $batch, $jobs at a time, seeds from $seed (logs in $out)"

run_batch() { # run_batch N: batch N, seed seed+N, in a directory of its own (rapid replays the fail files it finds there)
  local n=$1 s=$(( (seed + $1) & 0x7fffffffffffffff )) dir="$out/batch-$1"
  mkdir -p "$dir"
  # shellcheck disable=SC2086
  if (cd "$dir" && ../model.test -test.run '^TestModel$' -test.count=1 -test.v -rapid.checks="$batch" -rapid.seed="$s" \
      -model.faillog=faillog.txt ${SOAK_ARGS:-} >log.txt 2>&1); then
    echo "batch $n seed $s: $batch sequences passed"
  else
    echo "batch $n seed $s: FAILED: $(grep -m1 -o 'failed after [0-9]* tests: .*\|flaky test.*' "$dir/log.txt" || echo 'see log') ($dir/log.txt)"
  fi
}
export -f run_batch
export seed batch out SOAK_ARGS
seq 0 $((batches - 1)) | xargs -P "$jobs" -I{} bash -c 'run_batch {}' | tee "$out/summary.txt"
failed=$(grep -c FAILED "$out/summary.txt" || true)
echo "make soak: $((batches - failed)) of $batches batches passed ($(( (batches - failed) * batch )) sequences without a failure); seeds from $seed"
[ "$failed" -eq 0 ]
