#!/usr/bin/env bash
# Builds and installs the Pulumi toolchain this project needs into
# "${PGD_HOME:-$HOME/.cache/pulumi-grafana-dynamic}/bin":
#
#   pulumi                         the real Pulumi CLI, built from the Go module
#                                  github.com/pulumi/pulumi/pkg/v3 (cmd/pulumi)
#   pulumi-language-nodejs         the real Node.js language host, built from the
#                                  Go module github.com/pulumi/pulumi/sdk/v3
#   pulumi-resource-pulumi-nodejs  the dynamic-provider launcher shipped in the
#                                  npm package @pulumi/pulumi (copied from node_modules)
#
# Only the Go module proxy is used (no prebuilt downloads). Each Go component is
# built in a throw-away wrapper module under $PGD_HOME/src/<name> (never in the
# repository), because `go install mod@version` refuses modules whose go.mod has
# replace directives.
#
# Why the language host comes from sdk/v3 v3.68.0: since sdk/v3 v3.69.0 the host
# lives in its own, never-tagged module
# github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3, and the
# module proxy available here refuses every version of that module (403 "This
# module version is not available"). v3.68.0 is the last sdk/v3 release that
# still contains sdk/nodejs/cmd/pulumi-language-nodejs; it drives @pulumi/pulumi
# 3.259.0 programs (including dynamic providers) under CLI v3.259.0 correctly.
# Checked again on 2026-11-23 (issue 8): `go list -m -versions` and `go mod download -json` of
# .../sdk/nodejs/cmd/pulumi-language-nodejs/v3 (v3.69.0, v3.70.0, v3.100.0, v3.200.0, v3.259.0, latest, master and
# the pseudo-version of pkg/v3.259.0's commit), of .../sdk/nodejs/cmd/pulumi-language-nodejs (no /v3), of
# github.com/pulumi/pulumi, .../v3, .../sdk/nodejs and .../sdk/nodejs/v3: all 403 "This module version is not
# available" (GOPROXY=direct: github.com unreachable). sdk/v3 is served (v3.68.0, then v3.153.1 ... v3.274.1) but
# from v3.69.0 on its zip leaves out nodejs/cmd/pulumi-language-nodejs (a nested module); pkg/v3 has no host.
#
# Idempotent: one stamp per component and version in $PGD_HOME/stamps
# (e.g. stamps/pulumi@v3.259.0); a second
# run only checks the stamps. Progress goes to stderr; the bin directory is
# printed on stdout, so callers can do: PATH="$(scripts/lib/build-pulumi.sh):$PATH"
#
# Environment:
#   PGD_HOME   cache root (default: $HOME/.cache/pulumi-grafana-dynamic)
#   GO         go binary to use (default: `go` on PATH, else /usr/local/go/bin/go)
set -euo pipefail

PULUMI_VERSION=v3.259.0
PULUMI_CLI_MODULE=github.com/pulumi/pulumi/pkg/v3
PULUMI_CLI_PKG=github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
# Same replace as pkg/v3's own go.mod (its local ../sdk replace is not wanted).
PULUMI_CLI_REPLACE='github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e'

LANGHOST_SDK_VERSION=v3.68.0
LANGHOST_MODULE=github.com/pulumi/pulumi/sdk/v3
LANGHOST_PKG=github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs

VERSION_VAR=github.com/pulumi/pulumi/sdk/v3/go/common/version.Version

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
PGD_HOME="${PGD_HOME:-$HOME/.cache/pulumi-grafana-dynamic}"
BIN_DIR="$PGD_HOME/bin"
STAMP_DIR="$PGD_HOME/stamps"
SRC_DIR="$PGD_HOME/src"

log() { printf 'build-pulumi: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

mkdir -p "$BIN_DIR" "$STAMP_DIR" "$SRC_DIR"

# Serialize concurrent runs (e.g. two test jobs) on the same PGD_HOME.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$PGD_HOME/.build-pulumi.lock"
  flock 9
fi

find_go() {
  if [[ -n "${GO:-}" ]]; then
    printf '%s\n' "$GO"
  elif command -v go >/dev/null 2>&1; then
    command -v go
  elif [[ -x /usr/local/go/bin/go ]]; then
    printf '%s\n' /usr/local/go/bin/go
  else
    die "no Go toolchain found (set GO=/path/to/go)"
  fi
}

# is_current STAMP BINARY: true when the stamp exists and the binary is executable.
is_current() { [[ -f "$1" && -x "$2" ]]; }

# build_go_tool NAME VERSION MODULE MODULE_VERSION PKG GO_DIRECTIVE REPLACE [CHECK]
# Builds PKG (a main package of MODULE@MODULE_VERSION) in a wrapper module at
# $SRC_DIR/NAME and installs it as $BIN_DIR/NAME, stamped by VERSION. When CHECK
# is given, "<new binary> CHECK" must print VERSION before it is installed.
build_go_tool() {
  local name=$1 version=$2 module=$3 module_version=$4 pkg=$5 go_directive=$6 replace=$7
  local check=${8:-}
  local stamp="$STAMP_DIR/$name@$version"
  local bin="$BIN_DIR/$name"
  if is_current "$stamp" "$bin"; then
    log "$name $version: up to date"
    return 0
  fi

  local go_bin wrapper start
  go_bin="$(find_go)"
  wrapper="$SRC_DIR/$name"
  start=$SECONDS
  log "$name $version: building from $module@$module_version with $("$go_bin" env GOVERSION) (first build takes minutes)"
  mkdir -p "$wrapper"
  {
    printf 'module pgd.local/wrapper/%s\n\ngo %s\n\nrequire %s %s\n' \
      "$name" "$go_directive" "$module" "$module_version"
    if [[ -n "$replace" ]]; then
      printf '\nreplace %s\n' "$replace"
    fi
  } >"$wrapper/go.mod"
  printf '//go:build tools\n\npackage tools\n\nimport (\n\t_ "%s"\n)\n' "$pkg" >"$wrapper/tools.go"

  # `go get` resolves exactly the dependencies needed to build $pkg (and fills
  # go.sum); chained with && because errexit does not apply left of ||.
  if ! (
    cd "$wrapper" &&
      export CGO_ENABLED=0 &&
      "$go_bin" get "$pkg@$module_version" &&
      "$go_bin" build -o "$bin.tmp" -ldflags "-X $VERSION_VAR=$version" "$pkg"
  ); then
    rm -f "$bin.tmp"
    die "$name $version: build failed (see the go output above)"
  fi

  if [[ -n "$check" ]]; then
    local reported
    reported="$(PULUMI_SKIP_UPDATE_CHECK=true "$bin.tmp" "$check" 2>/dev/null || true)"
    [[ "$reported" == "$version" ]] ||
      die "$name: built binary reports '$reported', expected '$version'"
  fi
  mv -f "$bin.tmp" "$bin"
  rm -f "$STAMP_DIR/$name@"*
  printf '%s %s@%s\n' "$version" "$module" "$module_version" >"$stamp"
  log "$name $version: installed in $((SECONDS - start))s"
}

# 1. Pulumi CLI
build_go_tool pulumi "$PULUMI_VERSION" "$PULUMI_CLI_MODULE" "$PULUMI_VERSION" \
  "$PULUMI_CLI_PKG" 1.25.11 "$PULUMI_CLI_REPLACE" version

# 2. Node.js language host
build_go_tool pulumi-language-nodejs "$LANGHOST_SDK_VERSION" "$LANGHOST_MODULE" \
  "$LANGHOST_SDK_VERSION" "$LANGHOST_PKG" 1.21 ""

# 3. Dynamic-provider launcher from the npm package @pulumi/pulumi
launcher_src="$REPO_ROOT/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
[[ -f "$launcher_src" ]] || die "$launcher_src not found: run 'npm ci' in $REPO_ROOT first"
npm_version="$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' \
  "$REPO_ROOT/node_modules/@pulumi/pulumi/package.json" | head -n 1)"
launcher_bin="$BIN_DIR/pulumi-resource-pulumi-nodejs"
launcher_stamp="$STAMP_DIR/pulumi-resource-pulumi-nodejs@v${npm_version:-unknown}"
if is_current "$launcher_stamp" "$launcher_bin" && cmp -s "$launcher_src" "$launcher_bin"; then
  log "pulumi-resource-pulumi-nodejs v$npm_version: up to date"
else
  install -m 0755 "$launcher_src" "$launcher_bin"
  rm -f "$STAMP_DIR"/pulumi-resource-pulumi-nodejs@*
  printf 'v%s @pulumi/pulumi\n' "$npm_version" >"$launcher_stamp"
  log "pulumi-resource-pulumi-nodejs v$npm_version: installed from node_modules/@pulumi/pulumi"
fi

printf '%s\n' "$BIN_DIR"
