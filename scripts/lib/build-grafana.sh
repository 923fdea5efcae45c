#!/usr/bin/env bash
# Build a real Grafana server from its Go module, for end-to-end tests.
#
#   scripts/lib/build-grafana.sh <flavor>
#
# Installs into ${PGD_HOME:-$HOME/.cache/pulumi-grafana-dynamic}/grafana/<flavor>/:
#   bin/grafana          the server binary (run as: grafana server --homepath <dir> --config <ini>)
#   conf/defaults.ini    (the whole conf/ dir of the module)
#   public/views, public/emails, public/app/plugins, public/build/assets-manifest.json (stub)
#   VERSION              the real Grafana version (package.json of the module)
# Idempotent: a stamp file keyed on the module version and this recipe's revision
# makes a re-run a no-op.
#
# Flavors:
#   legacy   Grafana 10.0 (June 2023 main), still issues legacy API keys (POST /api/auth/keys)
#   current  Grafana >= 11.3 (legacy API keys gone / 410) -- only if the module proxy serves it
set -euo pipefail

flavor="${1:-}"
RECIPE_REV=1

case "$flavor" in
  legacy)
    MOD_VERSION="v1.9.2-0.20230609164553-81d85ce8028d"
    ;;
  current)
    MOD_VERSION="${GRAFANA_CURRENT_MODULE_VERSION:-v1.9.2-0.20260916100748-f58512f20b4d}"
    ;;
  *)
    echo "usage: $0 legacy|current" >&2
    exit 2
    ;;
esac

PGD_HOME="${PGD_HOME:-$HOME/.cache/pulumi-grafana-dynamic}"
DEST="$PGD_HOME/grafana/$flavor"
SRC="$PGD_HOME/src/grafana-$flavor"
TOOLS="$PGD_HOME/tools/bin"
STAMP_VALUE="$MOD_VERSION recipe=$RECIPE_REV"

if [[ -x "$DEST/bin/grafana" && -f "$DEST/.stamp" && "$(cat "$DEST/.stamp")" == "$STAMP_VALUE" ]]; then
  echo "grafana[$flavor] $(cat "$DEST/VERSION") already built ($MOD_VERSION)" >&2
  exit 0
fi

command -v go >/dev/null || export PATH="/usr/local/go/bin:$PATH"

export GOWORK=off
export GOTOOLCHAIN=local
export GOFLAGS="-mod=mod -buildvcs=false"
export GOSUMDB=off
export GONOSUMDB='*'
export CGO_ENABLED=1

log() { echo "grafana[$flavor]: $*" >&2; }

# 1. Fetch the module (read-only in the module cache) and take a writable copy.
log "downloading github.com/grafana/grafana@$MOD_VERSION"
dl_json="$(go mod download -json "github.com/grafana/grafana@$MOD_VERSION" || true)"
mod_dir="$(printf '%s\n' "$dl_json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' | head -n1)"
if [[ -z "$mod_dir" || ! -d "$mod_dir" ]]; then
  echo "$dl_json" >&2
  log "cannot download github.com/grafana/grafana@$MOD_VERSION"
  exit 1
fi
commit="${MOD_VERSION##*-}"

if [[ ! -f "$SRC/.src-stamp" || "$(cat "$SRC/.src-stamp")" != "$STAMP_VALUE" ]]; then
  log "preparing sources in $SRC"
  rm -rf "$SRC"
  mkdir -p "$(dirname "$SRC")"
  cp -r "$mod_dir" "$SRC.tmp"
  chmod -R u+w "$SRC.tmp"
  mv "$SRC.tmp" "$SRC"

  # No source fix-ups are needed for legacy with Go 1.26: its pinned dependencies compile as they
  # are once the linker's linkname check is off (-checklinkname=0 below).

  # 2. Dependencies.
  (cd "$SRC" && go mod download)

  # 3. wire: generate pkg/server/wire_gen.go when the module does not ship it.
  if [[ ! -f "$SRC/pkg/server/wire_gen.go" ]]; then
    if [[ ! -x "$TOOLS/wire" ]]; then
      log "installing wire"
      # wire v0.6.0 pins golang.org/x/tools v0.17.0 which no longer compiles with Go >= 1.23;
      # v0.7.0 generates the same code.
      GOBIN="$TOOLS" GOFLAGS= go install github.com/google/wire/cmd/wire@v0.7.0
    fi
    log "generating pkg/server/wire_gen.go"
    (cd "$SRC" && "$TOOLS/wire" gen -tags oss ./pkg/server)
  fi
  echo "$STAMP_VALUE" > "$SRC/.src-stamp"
fi

real_version="$(sed -n 's/^[[:space:]]*"version": "\([^"]*\)".*/\1/p' "$SRC/package.json" | head -n1)"
[[ -n "$real_version" ]] || { log "no version in package.json"; exit 1; }

# 4. Build.
NEW="$DEST.new"
rm -rf "$NEW"
mkdir -p "$NEW/bin"
log "building grafana $real_version (this takes a while)"
(cd "$SRC" && go build -tags oss \
  -ldflags "-checklinkname=0 -X main.version=$real_version -X main.commit=$commit -X main.buildBranch=main" \
  -o "$NEW/bin/grafana" ./pkg/cmd/grafana)

# 5. Runtime files (homepath).
cp -r "$SRC/conf" "$NEW/conf"
mkdir -p "$NEW/public/app" "$NEW/public/build"
cp -r "$SRC/public/views" "$NEW/public/views"
cp -r "$SRC/public/emails" "$NEW/public/emails"
cp -r "$SRC/public/app/plugins" "$NEW/public/app/plugins"
# Grafana renders index.html / error.html (built by the frontend build) -- use the templates.
[[ -f "$NEW/public/views/index.html" ]] || cp "$NEW/public/views/index-template.html" "$NEW/public/views/index.html"
[[ -f "$NEW/public/views/error.html" ]] || cp "$NEW/public/views/error-template.html" "$NEW/public/views/error.html"
# Stub frontend manifest, as Grafana's own integration tests do (pkg/tests/testinfra).
cat > "$NEW/public/build/assets-manifest.json" <<'JSON'
{
  "entrypoints": {
    "app": { "assets": { "js": ["public/build/runtime.XYZ.js"] } },
    "swagger": { "assets": { "js": ["public/build/runtime.XYZ.js"] } },
    "dark": { "assets": { "css": ["public/build/dark.css"] } },
    "light": { "assets": { "css": ["public/build/light.css"] } }
  },
  "runtime.50398398ecdeaf58968c.js": {
    "src": "public/build/runtime.XYZ.js",
    "integrity": "sha256-k1g7TksMHFQhhQGE"
  }
}
JSON
echo "$real_version" > "$NEW/VERSION"
echo "$MOD_VERSION" > "$NEW/MODULE_VERSION"
echo "$STAMP_VALUE" > "$NEW/.stamp"

rm -rf "$DEST"
mv "$NEW" "$DEST"
log "installed $DEST (grafana $real_version)"
