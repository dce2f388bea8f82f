#!/usr/bin/env bash
# The sandbox lane of the acceptance tests (README: "Acceptance tests against
# the real Polar sandbox"), run against a separately started polar-emulator
# that stands in for the sandbox: its demo token and containers, reached only
# through the API and the environment variables a real sandbox run sets
# (POLAR_SERVER=sandbox, POLAR_ACCESS_TOKEN, POLAR_TEST_*), plus
# POLAR_SERVER_URL for its address. No control API: the tests that need it
# skip in this lane, so they are not selected here. `make test` runs this, so
# the code a real sandbox run takes works on every change.
#
# LANE_TESTS: the tests that run whole in the lane. Every one must pass; a
# skip fails the lane (a skip here would mean the lane went dead again).
# -parallel 1: the tests share the subscription, and an exclusive resource
# revokes every seat it does not declare.
#
# POLAR_BUILD_DIR: a directory holding this tree's polar-emulator and the
# provider package's test binary, provider.test (make test builds them once
# for all its steps); otherwise they are built here.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local CHECKPOINT_DISABLE=1

# make test runs three (a resource's lifecycle, the data source, an error
# naming the token source): the lane's code paths, within make test's time
# on two cores. SANDBOX_LANE_TESTS (space-separated) chooses others, e.g.
# TestAccCustomerSeat_import_idForms TestAccCustomerSeatAssignments_lifecycle_exclusive,
# which also run whole here.
read -r -a LANE_TESTS <<<"${SANDBOX_LANE_TESTS:-TestAccCustomerSeat_lifecycle_basic TestAccCustomerSeatsDataSource_read_seatAssignedOutside TestAccCustomerSeatsDataSource_errors_containerNotFoundNamesTokenSource}"
# --tests: print them, one a line, and stop (make test's main acceptance run
# leaves them to the lane).
if [ "${1:-}" = --tests ]; then
  printf '%s\n' "${LANE_TESTS[@]}"
  exit 0
fi

tmp=$(mktemp -d)
pid='' test_pid=''
cleanup() {
  local p
  for p in $test_pid $pid; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
# The emulator dies with the lane however it ends (an interrupt too).
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -n "${POLAR_BUILD_DIR:-}" ]; then
  bin=$(cd "$POLAR_BUILD_DIR" && pwd)
else
  bin=$tmp
  go build -o "$bin/polar-emulator" ./internal/emulator/cmd/polar-emulator
  go test -c -o "$bin/provider.test" ./internal/provider
fi
# Port 0: the emulator picks a free port and prints it on its first line.
"$bin/polar-emulator" -listen 127.0.0.1:0 -sandbox >"$tmp/emulator.out" 2>&1 &
pid=$!

# The demo fixture's banner: the URL first, then the token and the ids.
field() { sed -n "s/^$1 *//p" "$tmp/emulator.out"; }
for _ in $(seq 300); do
  [ -n "$(field 'demo order (3 seats, paid):')" ] && break
  kill -0 "$pid" 2>/dev/null || { echo "polar-emulator exited:"; cat "$tmp/emulator.out"; exit 1; }
  sleep 0.1
done
url=$(field 'polar-emulator listening on')
token=$(field 'demo token:')
sub=$(field 'demo subscription (5 seats):')
order=$(field 'demo order (3 seats, paid):')
if [ -z "$url" ] || [ -z "$token" ] || [ -z "$sub" ] || [ -z "$order" ]; then
  echo "polar-emulator did not print its demo banner in 30s:"; cat "$tmp/emulator.out"; exit 1
fi
echo "sandbox lane: polar-emulator at $url (pid $pid) stands in for the sandbox"

pattern="^($(IFS='|'; echo "${LANE_TESTS[*]}"))\$"
set +e
# The test binary runs in its package's directory, as go test runs it.
(cd internal/provider && TF_ACC=1 POLAR_SERVER=sandbox POLAR_SERVER_URL="$url" POLAR_ACCESS_TOKEN="$token" \
  POLAR_TEST_SUBSCRIPTION_ID="$sub" POLAR_TEST_ORDER_ID="$order" \
  exec "$bin/provider.test" -test.count=1 -test.v -test.parallel 1 -test.timeout 10m -test.run "$pattern") >"$tmp/go-test.out" 2>&1 &
# In the background and waited for, so that a signal runs the trap at once.
test_pid=$!
wait "$test_pid"
rc=$?
test_pid=
set -e
cat "$tmp/go-test.out"

passed=$(grep -c '^--- PASS: ' "$tmp/go-test.out" || true)
if grep -q -- '--- SKIP: ' "$tmp/go-test.out"; then
  echo "sandbox lane: a lane test skipped; every test in LANE_TESTS must run whole against the stand-in sandbox"
  exit 1
fi
if [ "$rc" -ne 0 ] || [ "$passed" -ne "${#LANE_TESTS[@]}" ]; then
  echo "sandbox lane: FAILED ($passed of ${#LANE_TESTS[@]} tests passed, go test exit $rc)"
  exit 1
fi
echo "sandbox lane: all ${#LANE_TESTS[@]} tests passed"
