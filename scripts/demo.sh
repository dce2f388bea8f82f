#!/usr/bin/env bash
# make demo: the whole story against the offline emulator, narrated.
# Needs only Go, Terraform and bash. Ends by itself; cleans up; exits
# non-zero if any step fails.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

bold=$'\033[1m'; dim=$'\033[2m'; reset=$'\033[0m'
[ -t 1 ] || { bold=; dim=; reset=; }
step=0
heading() { step=$((step + 1)); printf '\n%s== %d. %s ==%s\n' "$bold" "$step" "$*" "$reset"; }
note() { printf '%s%s%s\n' "$dim" "$*" "$reset"; }

work=$(mktemp -d)
emulator_pid=
cleanup() {
  status=$?
  [ -n "$emulator_pid" ] && kill "$emulator_pid" 2>/dev/null && wait "$emulator_pid" 2>/dev/null || true
  rm -rf "$work"
  if [ $status -ne 0 ]; then echo "demo FAILED (exit $status)" >&2; fi
  exit $status
}
trap cleanup EXIT INT TERM

heading "Build the provider and the emulator"
go build -o "$work/bin/terraform-provider-polar" .
go build -o "$work/polar-emulator" ./internal/emulator/cmd/polar-emulator
note "built into a temporary directory"

heading "Start the Polar emulator (built-in demo fixture)"
"$work/polar-emulator" -listen 127.0.0.1:0 >"$work/emulator.out" 2>&1 &
emulator_pid=$!
for _ in $(seq 1 100); do
  grep -q 'listening on' "$work/emulator.out" 2>/dev/null && break
  sleep 0.1
done
url=$(sed -n 's/^polar-emulator listening on //p' "$work/emulator.out")
token=$(sed -n 's/^demo token: //p' "$work/emulator.out")
subscription=$(sed -n 's/^demo subscription (5 seats): //p' "$work/emulator.out")
order=$(sed -n 's/^demo order (3 seats, paid): //p' "$work/emulator.out")
[ -n "$url" ] && [ -n "$token" ] && [ -n "$subscription" ] || { cat "$work/emulator.out" >&2; exit 1; }
echo "emulator at $url, subscription $subscription (5 seats)"

# A plain HTTP call to the emulator through bash's /dev/tcp (no curl needed).
http() { # method path -> prints the response body
  local hostport=${url#http://} body
  exec 3<>"/dev/tcp/${hostport%:*}/${hostport##*:}"
  printf '%s %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n' "$1" "$2" "$hostport" "$token" >&3
  body=$(cat <&3)
  exec 3>&-
  printf '%s\n' "${body#*$'\r\n\r\n'}"
}

# Terraform: a dev override to the local build, the example configuration.
cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "polarsource/polar" = "$work/bin"
  }
  direct {}
}
RC
mkdir "$work/tf"
cp "$root/examples/demo/main.tf" "$work/tf/"
cd "$work/tf"
export TF_CLI_CONFIG_FILE="$work/terraformrc" TF_IN_AUTOMATION=1 TF_INPUT=0
export POLAR_SERVER_URL="$url" POLAR_ACCESS_TOKEN="$token" TF_VAR_subscription_id="$subscription" TF_VAR_order_id="$order"
# Terraform, minus the dev-override warning every command prints.
tf() {
  terraform "$@" -no-color 2>&1 | awk '
    /Warning: Provider development overrides|The following provider development overrides/ { skip = 1 }
    skip && /releases\./ { skip = 0; next }
    skip || /^[│╷╵]/ { next }
    { print }'
  return "${PIPESTATUS[0]}"
}
# Only the progress lines and summaries.
brief() { tf "$@" | grep -E ': (Creating|Creation|Destroying|Destruction|Refreshing)|complete!|^Plan:|No changes'; return "${PIPESTATUS[0]}"; }

heading "Apply examples/demo: one seat per email (for_each), read back by the data source"
note "configuration: examples/demo/main.tf; team = alice, bob, carol @acme.io"
tf apply -auto-approve

heading "Someone revokes bob's seat in the Polar dashboard (outside Terraform)"
bob=$(terraform output -json seat_ids | sed -n 's/.*"bob@acme.io":"\([^"]*\)".*/\1/p')
[ -n "$bob" ] || { echo "no seat id for bob" >&2; exit 1; }
http DELETE "/v1/customer-seats/$bob" | grep -q '"status":"revoked"'
echo "DELETE /v1/customer-seats/$bob -> revoked"

heading "terraform plan detects the drift"
set +e
tf plan -detailed-exitcode
code=$?
set -e
[ $code -eq 2 ] || { echo "expected plan to show changes (exit 2), got $code" >&2; exit 1; }
note "exit code 2: the revoked seat is planned for re-creation"

heading "Apply converges; a second plan is empty"
brief apply -auto-approve
tf plan -detailed-exitcode >/dev/null
echo "plan: no changes"
note "Polar reuses revoked rows: bob's new seat may carry the old id; the provider tells seats apart by occupant, not id"

heading "Seat counts"
echo "total_seats     = $(terraform output -raw total_seats)"
echo "available_seats = $(terraform output -raw available_seats)"
terraform output seat_status

heading "Destroy: every seat Terraform assigned is revoked"
brief destroy -auto-approve
http GET "/v1/customer-seats?subscription_id=$subscription" | grep -q '"available_seats":5' || { echo "seats not freed" >&2; exit 1; }
echo "the subscription has 5 available seats again"

heading "A whole team in one resource: polar_customer_seat_assignments on the 3-seat order"
note "configuration: examples/demo/team/main.tf; team = dana, erik @acme.io"
mkdir "$work/team"
cp "$root/examples/demo/team/main.tf" "$work/team/"
cd "$work/team"
brief apply -auto-approve
before=$(terraform output -json seats)

heading "Add frida: one in-place update, one new seat, nobody else touched"
tf plan -var 'team=["dana@acme.io","erik@acme.io","frida@acme.io"]' | grep -E '^\s+[+~-] |^Plan:'
brief apply -auto-approve -var 'team=["dana@acme.io","erik@acme.io","frida@acme.io"]'
after=$(terraform output -json seats)
for who in dana erik; do
  [ "$(printf '%s' "$before" | sed -n "s/.*\"$who@acme.io\":\"\([^\"]*\)\".*/\1/p")" = \
    "$(printf '%s' "$after" | sed -n "s/.*\"$who@acme.io\":\"\([^\"]*\)\".*/\1/p")" ] || { echo "$who's seat changed" >&2; exit 1; }
done
echo "dana's and erik's seat ids are unchanged"

heading "Destroy the team: its three seats are revoked"
brief destroy -auto-approve -var 'team=["dana@acme.io","erik@acme.io","frida@acme.io"]'
http GET "/v1/customer-seats?order_id=$order" | grep -q '"available_seats":3' || { echo "order seats not freed" >&2; exit 1; }
echo "the order has 3 available seats again"

heading "Done"
note "emulator stopped, temporary files removed"
