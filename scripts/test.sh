#!/usr/bin/env bash
# `make test`: everything that proves the project, offline. One line per
# step; each step's full output goes to bin/test-logs/; every step runs even
# when an earlier one failed, and what failed is printed at the end.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
export GOTOOLCHAIN=local
# Two runs of the Go tests, one after the other. The unit, protocol-level
# and model tests run with the race detector (GO_TEST_FLAGS; empty: without
# it): they drive the provider's code concurrently, as Terraform does, in
# seconds. The acceptance tests (TestAcc*, TF_ACC=1) spend their time in
# Terraform CLI processes, which the race detector does not see, so they run
# without it, six at a time: while some wait on Terraform, others run; alone
# they keep both cores busy. Run at the same time, the two runs cost some 30 s
# more CPU (250 s against 218 s, measured) and finished later than one after
# the other. ACC_TEST_FLAGS are the flags of the acceptance tests' test
# binary (test.-prefixed).
GO_TEST_FLAGS=${GO_TEST_FLAGS--race -parallel 4}
ACC_TEST_FLAGS=${ACC_TEST_FLAGS--test.parallel=6}
# No Terraform version check over the network (there is none offline).
export CHECKPOINT_DISABLE=1

tools=bin/tools
logs=bin/test-logs
rm -rf "$logs" && mkdir -p "$logs"
failed=()
start_all=$SECONDS

# step NAME LOG COMMAND...: runs COMMAND with its output in LOG.
step() {
  local name=$1 log=$logs/$2 t0=$SECONDS
  shift 2
  printf '%-58s' "$name"
  if "$@" >"$log" 2>&1; then
    printf 'ok    %3ds\n' $((SECONDS - t0))
    return 0
  fi
  printf 'FAIL  %3ds\n' $((SECONDS - t0))
  failed+=("$name|$log")
  return 1
}

# tool NAME MODULE@VERSION: builds a pinned tool into bin/tools once.
tool() {
  local name=$1 pkg=$2 version=${2##*@}
  if [ -x "$tools/$name" ] && [ -f "$tools/.$name.$version" ]; then return 0; fi
  step "build $name $version (first run only)" "build-$name.log" \
    env GOBIN="$PWD/$tools" GOFLAGS= go install "$pkg" && touch "$tools/.$name.$version"
}

tool gotestsum gotest.tools/gotestsum@v1.13.0
# tfplugindocs is pinned in GNUmakefile (docs-check runs it): make builds it.
make --no-print-directory -q tfplugindocs-tool ||
  step "build tfplugindocs (first run only)" build-tfplugindocs.log make --no-print-directory tfplugindocs-tool

# background NAME LOG COMMAND...: runs COMMAND alongside the Go tests, with
# its output in LOG; `report` prints its line when it has finished.
bg_names=() bg_logs=() bg_pids=() bg_starts=()
background() {
  local name=$1 log=$logs/$2
  shift 2
  ("$@" >"$log" 2>&1; echo "$? $SECONDS" >"$log.status") &
  bg_names+=("$name") bg_logs+=("$log") bg_pids+=($!) bg_starts+=("$SECONDS")
}
report() {
  local i rc end
  for i in "${!bg_pids[@]}"; do
    wait "${bg_pids[$i]}"
    rc=1 end=$SECONDS
    read -r rc end <"${bg_logs[$i]}.status"
    printf '%-58s' "${bg_names[$i]}"
    if [ "$rc" = 0 ]; then
      printf 'ok    %3ds\n' $((end - bg_starts[i]))
    else
      printf 'FAIL  %3ds\n' $((end - bg_starts[i]))
      failed+=("${bg_names[$i]}|${bg_logs[$i]}")
    fi
  done
}

step "download Go modules (quiet when cached)" modules.log go mod download
# Every binary of the tree, and the acceptance tests' test binary, built once
# here and used by the steps below (POLAR_BUILD_DIR): the acceptance tests,
# the examples check and the sandbox lane would otherwise each link their own.
export POLAR_BUILD_DIR=$PWD/bin/test-build
rm -rf "$POLAR_BUILD_DIR"
# shellcheck disable=SC2317 # called through step
build_all() {
  go build -o "$POLAR_BUILD_DIR/" ./... && go test -c -o "$POLAR_BUILD_DIR/provider.test" ./internal/provider &&
    terraform_shim
}
# terraform-plugin-testing runs `terraform version -json` twice per test case
# (its helper, then the working directory), each a Terraform process of about
# 0.2 s of CPU: some 80 a run, the answer the same every time. The acceptance
# tests and the sandbox lane run Terraform through this shim
# (TF_ACC_TERRAFORM_PATH), which answers that one command with what the real
# Terraform answered here and runs the real one for everything else, with
# GOMAXPROCS=1: those commands mostly wait on the provider, and a second P
# only spins and runs idle GC workers on a busy machine (about 10% more CPU,
# measured; no slower). The CLI tests run it too (terraformPath); most serve
# the provider from the test process, and the provider processes of those
# that run the built binary inherit GOMAXPROCS=1: their requests still run
# concurrently, interleaving where they wait on the API (the acceptance
# tests have no race detector to see more; the unit, protocol and model
# tests drive the provider concurrently under -race).
# shellcheck disable=SC2317 # called through build_all
terraform_shim() {
  local real=${TF_ACC_TERRAFORM_PATH:-$(command -v terraform)}
  "$real" version -json >"$POLAR_BUILD_DIR/terraform-version.json" || return
  cat >"$POLAR_BUILD_DIR/terraform" <<EOF
#!/bin/sh
# Written by scripts/test.sh: $real on one P, with \`version -json\` answered from
# what it said when make test started.
if [ "\$*" = "version -json" ]; then exec cat "$POLAR_BUILD_DIR/terraform-version.json"; fi
GOMAXPROCS=1 exec "$real" "\$@"
EOF
  chmod +x "$POLAR_BUILD_DIR/terraform"
}
step "build the provider, the emulator, the acceptance tests" build.log build_all
export TF_ACC_TERRAFORM_PATH=$POLAR_BUILD_DIR/terraform

# The examples, docs and sandbox-lane checks run alongside the Go tests (the
# acceptance tests spend much of their time waiting on Terraform processes);
# their lines follow the tests' own.
background "examples: terraform fmt -check and validate" examples.log ./scripts/check-examples.sh
background "docs: generated docs up to date, tfplugindocs validate" docs.log make --no-print-directory docs-check
# The acceptance tests' sandbox lane, against a polar-emulator process
# standing in for the sandbox (scripts/sandbox-lane.sh).
background "sandbox lane: acceptance tests, emulator as the sandbox" sandbox-lane.log ./scripts/sandbox-lane.sh
# The test binary built above, run as go test runs it: in its package's
# directory (a subshell: background writes its status file from here), its
# output turned into go test -json by test2json. The lane's tests are left
# to the lane: they assert the same there, configured as against the real
# sandbox; every other acceptance test configures the provider block.
# shellcheck disable=SC2317 # called through background
acceptance() (
  root=$PWD
  pkg=$(go list ./internal/provider) || exit
  lane=$(./scripts/sandbox-lane.sh --tests | paste -sd '|') || exit
  cd internal/provider || exit
  # shellcheck disable=SC2086 # the flags are words
  TF_ACC=1 "$root/$tools/gotestsum" --format pkgname --jsonfile "$root/$logs/acceptance.json" --raw-command \
    -- go tool test2json -t -p "$pkg" "$POLAR_BUILD_DIR/provider.test" -test.v=test2json \
    $ACC_TEST_FLAGS -test.count=1 -test.timeout=20m -test.run='^TestAcc' -test.skip="^($lane)\$"
)

echo "go test $GO_TEST_FLAGS: unit, protocol, model, emulator, fuzz seeds (TestAcc* below)"
echo "(the examples, docs and the sandbox lane run at the same time, the acceptance tests after; their lines follow)"
t0=$SECONDS
# shellcheck disable=SC2086 # the flags are words
if ! "$tools/gotestsum" --format pkgname --format-hide-empty-pkg --jsonfile "$logs/go-test.json" \
  -- $GO_TEST_FLAGS -count=1 -timeout 20m -skip '^TestAcc' ./...; then
  failed+=("go test|$logs/go-test.json")
fi
echo "go test: $((SECONDS - t0))s"
background "acceptance tests (TF_ACC=1, Terraform CLI)" acceptance.log acceptance
report

echo
if [ ${#failed[@]} -eq 0 ]; then
  echo "make test: all steps passed in $((SECONDS - start_all))s"
  exit 0
fi
for f in "${failed[@]}"; do
  name=${f%%|*} log=${f#*|}
  [ "$name" = "go test" ] && continue # gotestsum printed its failures above
  echo "=== FAILED: $name (full log: $log)"
  tail -n 40 "$log"
  echo
done
echo "make test: FAILED: $(printf '%s; ' "${failed[@]%%|*}")after $((SECONDS - start_all))s"
exit 1
