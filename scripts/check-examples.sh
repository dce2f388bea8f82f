#!/usr/bin/env bash
# Checks every example: `terraform fmt -check`, then `terraform validate`
# against the local build through a dev_overrides CLI config (no registry,
# no init). Examples without a terraform block get one in their temp copy.
# POLAR_BUILD_DIR: a directory holding this tree's terraform-provider-polar
# (make test builds it once for all its steps); otherwise it is built here.
set -euo pipefail
cd "$(dirname "$0")/.."

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ -n "${POLAR_BUILD_DIR:-}" ]; then
  bin=$(cd "$POLAR_BUILD_DIR" && pwd)
  [ -x "$bin/terraform-provider-polar" ] || { echo "POLAR_BUILD_DIR=$POLAR_BUILD_DIR holds no terraform-provider-polar" >&2; exit 1; }
else
  bin=$tmp/bin
  go build -o "$bin/terraform-provider-polar" .
fi
cat > "$tmp/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "polarsource/polar" = "$bin"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$tmp/terraformrc"

terraform fmt -check -recursive -diff examples

# Actions need Terraform 1.14: an older one refuses the action block. The
# protocol-level test TestCustomerSeatResendInvitation_action_examples checks their
# configuration against the provider's schema on every version.
tf_version=$(terraform version -json | sed -n 's/.*"terraform_version": *"\([0-9][^"]*\)".*/\1/p')
has_actions=$([ "$(printf '%s\n' 1.14.0 "$tf_version" | sort -V | head -n1)" = 1.14.0 ] && echo yes || echo no)

count=0
while IFS= read -r dir; do
  if [ "$has_actions" = no ] && [[ $dir == examples/actions/* ]]; then
    echo "skip $dir (Terraform $tf_version has no actions; checked by TestCustomerSeatResendInvitation_action_examples)"
    continue
  fi
  work="$tmp/example"
  rm -rf "$work" && mkdir -p "$work"
  cp "$dir"/*.tf "$work/"
  if ! grep -q 'required_providers' "$work"/*.tf; then
    printf 'terraform {\n  required_providers {\n    polar = { source = "polarsource/polar" }\n  }\n}\n' > "$work/_providers.tf"
  fi
  if ! out=$(cd "$work" && terraform validate -no-color 2>&1); then
    echo "terraform validate failed in $dir:" >&2
    echo "$out" >&2
    exit 1
  fi
  echo "ok  $dir"
  count=$((count + 1))
done < <(find examples -name '*.tf' -exec dirname {} \; | sort -u)
echo "examples: $count validated"
