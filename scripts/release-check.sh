#!/usr/bin/env bash
# Verifies a goreleaser snapshot release in DIST (default dist/), as
# `make release-check` builds it:
# - every platform goreleaser built the provider for has its zip, and no other
#   zip is there;
# - every zip holds the provider (terraform-provider-polar_vVERSION),
#   polar-emulator, LICENSE, README.md and CHANGELOG.md, and nothing else;
#   both programs are built for the zip's platform (their Go build
#   information says so) and the provider carries VERSION (main.version);
# - the zip for this machine's platform runs: both programs print their usage;
# - SHA256SUMS lists every zip and the registry manifest, and every sum
#   matches; the manifest is terraform-registry-manifest.json (the file the
#   release uploads under that name) and declares protocol 6.0, the one
#   main.go serves.
# Uses bash, unzip, sha256sum and go only.
set -euo pipefail
cd "$(dirname "$0")/.."
dist=${1:-dist}
project=terraform-provider-polar
module=github.com/polarsource/$project

fail() {
  echo "release-check: $*" >&2
  exit 1
}

# build_setting BINARY KEY: a `build KEY=VALUE` line of the Go build
# information of BINARY (empty when there is none).
build_setting() {
  go version -m "$1" | sed -n "s/^[[:space:]]*build[[:space:]]*$2=//p"
}

# main_package BINARY: the import path of the main package of BINARY.
main_package() {
  go version -m "$1" | sed -n 's/^[[:space:]]*path[[:space:]]*//p'
}

# platform BINARY: GOOS_GOARCH that BINARY was built for.
platform() {
  echo "$(build_setting "$1" GOOS)_$(build_setting "$1" GOARCH)"
}

shopt -s nullglob
sums_files=("$dist"/*_SHA256SUMS)
[ ${#sums_files[@]} -eq 1 ] || fail "expected one *_SHA256SUMS in $dist/, found ${#sums_files[@]} (run make release-check)"
sums=${sums_files[0]}
name=$(basename "$sums" _SHA256SUMS) # terraform-provider-polar_VERSION
version=${name#"${project}_"}
[ "$version" != "$name" ] && [ -n "$version" ] || fail "$sums is not named ${project}_VERSION_SHA256SUMS"
echo "release-check: $dist/, version $version"

# The platforms goreleaser built each program for.
built_platforms() {
  local bin
  for bin in "$dist"/"$1"_*/"$2"*; do platform "$bin"; done | sort
}
provider_platforms=$(built_platforms provider "${project}_v$version")
emulator_platforms=$(built_platforms emulator polar-emulator)
[ -n "$provider_platforms" ] || fail "no provider builds in $dist/"
[ "$provider_platforms" = "$emulator_platforms" ] ||
  fail "the provider and the emulator were built for different platforms: $(echo "$provider_platforms" | tr '\n' ' ') vs $(echo "$emulator_platforms" | tr '\n' ' ')"

zips=("$dist"/"${project}_${version}"_*.zip)
zip_platforms=$(for z in "${zips[@]}"; do
  z=$(basename "$z" .zip)
  echo "${z#"${project}_${version}_"}"
done | sort)
[ "$zip_platforms" = "$provider_platforms" ] ||
  fail "the zips ($(echo "$zip_platforms" | tr '\n' ' ')) are not one per platform built ($(echo "$provider_platforms" | tr '\n' ' '))"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
host=$(go env GOOS)_$(go env GOARCH)
ran_host=false
for zip in "${zips[@]}"; do
  plat=$(basename "$zip" .zip)
  plat=${plat#"${project}_${version}_"}
  exe=
  [[ $plat == windows_* ]] && exe=.exe
  provider=${project}_v${version}$exe
  emulator=polar-emulator$exe
  want=$(printf '%s\n' CHANGELOG.md LICENSE README.md "$emulator" "$provider" | sort)
  got=$(unzip -Z1 "$zip" | sort)
  [ "$got" = "$want" ] || fail "$zip holds $(echo "$got" | tr '\n' ' ')instead of $(echo "$want" | tr '\n' ' ')"

  dir=$tmp/$plat
  unzip -q "$zip" -d "$dir"
  cmp -s "$dir/LICENSE" LICENSE || fail "$zip: LICENSE is not the repository's"
  for bin in "$provider" "$emulator"; do
    [ "$(platform "$dir/$bin")" = "$plat" ] || fail "$zip: $bin is built for $(platform "$dir/$bin"), not $plat"
  done
  [ "$(main_package "$dir/$provider")" = "$module" ] || fail "$zip: $provider is $(main_package "$dir/$provider"), not $module"
  [ "$(main_package "$dir/$emulator")" = "$module/internal/emulator/cmd/polar-emulator" ] ||
    fail "$zip: $emulator is $(main_package "$dir/$emulator"), not the emulator"
  # -trimpath leaves -ldflags out of the build information: look for the
  # string main.version was set to.
  grep -q -a -F -- "$version" "$dir/$provider" || fail "$zip: $provider does not carry version $version"

  if [ "$plat" = "$host" ]; then
    # -h prints the usage and exits 0: the program starts on this platform.
    usage=$("$dir/$provider" -h 2>&1) && [[ $usage == *-debug* ]] || fail "$zip: $provider -h: $usage"
    usage=$("$dir/$emulator" -h 2>&1) && [[ $usage == *-listen* ]] || fail "$zip: $emulator -h: $usage"
    ran_host=true
  fi
  rm -rf "$dir"
done
$ran_host || fail "no zip for this machine's platform ($host): nothing was run"

# SHA256SUMS: every zip and the manifest, each sum right. The manifest is
# uploaded by the release (not written to dist/) from the repository's file.
manifest_name=${project}_${version}_manifest.json
want=$(printf '%s\n' "${zips[@]##*/}" "$manifest_name" | sort)
got=$(awk '{print $2}' "$sums" | sort)
[ "$got" = "$want" ] || fail "$sums lists $(echo "$got" | tr '\n' ' ')instead of $(echo "$want" | tr '\n' ' ')"
while read -r sum file; do
  path=$dist/$file
  [ "$file" = "$manifest_name" ] && path=terraform-registry-manifest.json
  [ "$(sha256sum "$path" | awk '{print $1}')" = "$sum" ] || fail "$sums: the sum of $file does not match $path"
done <"$sums"
grep -Eq '"protocol_versions": *\[ *"6\.0" *\]' terraform-registry-manifest.json ||
  fail "terraform-registry-manifest.json does not declare protocol_versions [\"6.0\"]"
grep -q 'ProtocolVersion: *6,' main.go || fail "main.go no longer serves protocol 6: update terraform-registry-manifest.json"

echo "release-check: ${#zips[@]} platforms ($(echo "$provider_platforms" | tr '\n' ' ' | sed 's/ $//')), each zip with the provider and polar-emulator; SHA256SUMS and the manifest match"
