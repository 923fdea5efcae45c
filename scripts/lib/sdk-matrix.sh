#!/usr/bin/env bash
# Runs the provider suite (test/provider: the providers over HTTP against the fake Grafana, and through the real
# dynamic-provider host over gRPC) with the oldest and the newest @pulumi/pulumi of the peerDependency range in place
# of the one this repository develops with. Each version gets a copy of the repository's dependencies with that SDK,
# installed once under $PGD_HOME/sdk/<version> (reinstalled when package.json changes); each run copies the current
# provider/ and test/ there and runs jest, writing test-results/jest-sdk-<version>.json.
#
#   bash scripts/lib/sdk-matrix.sh [version...]      (default: the two below)
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT="$PWD"
# Oldest: 3.216.0, the first whose dynamic provider host passes ReadResult.inputs on (refresh then shows a drifted
# dashboard's changed fields); dynamic providers' `configure` (stack config) came in 3.139.0, and 3.139.0-3.215.x
# also fail to compile provider/results.ts (no ReadResult.inputs in their types). Newest: the newest the registry
# serves when this was written (npm view @pulumi/pulumi version: 3.276.0 on 2026-11-28).
SDK_OLDEST=3.216.0
SDK_NEWEST=3.276.0
PGD_HOME="${PGD_HOME:-$HOME/.cache/pulumi-grafana-dynamic}"
versions=("$@")
[[ ${#versions[@]} -gt 0 ]] || versions=("$SDK_OLDEST" "$SDK_NEWEST")
log() { printf 'sdk-matrix: %s\n' "$*" >&2; }
mkdir -p test-results
rc=0
for v in "${versions[@]}"; do
    dir="$PGD_HOME/sdk/$v"
    stamp="$dir/.installed-$(cat package.json package-lock.json | sha256sum | cut -c1-16)"
    if [[ ! -f "$stamp" ]]; then
        log "@pulumi/pulumi $v: installing the repository's dependencies with it into $dir"
        rm -rf "$dir"
        mkdir -p "$dir"
        cp package-lock.json "$dir/"
        # The repository's manifest without its workspace and build hook, with this SDK version.
        node -e '
            const [src, dst, v] = process.argv.slice(1);
            const p = JSON.parse(require("fs").readFileSync(src, "utf8"));
            delete p.workspaces; delete p.scripts;
            p.devDependencies["@pulumi/pulumi"] = v;
            require("fs").writeFileSync(dst, JSON.stringify(p, null, 2));
        ' package.json "$dir/package.json" "$v"
        if ! (cd "$dir" && npm install --no-audit --no-fund --prefer-offline >&2); then
            log "@pulumi/pulumi $v: npm install failed"
            rc=1
            continue
        fi
        touch "$stamp"
    fi
    installed="$(node -p 'require(process.argv[1]).version' "$dir/node_modules/@pulumi/pulumi/package.json")"
    [[ "$installed" == "$v" ]] || { log "@pulumi/pulumi $v: found $installed in $dir"; rc=1; continue; }
    rm -rf "$dir/provider" "$dir/test" "$dir/emulator" "$dir/test-results" "$dir/scripts"
    # The provider tests run the emulator in-process (test/support/fake-grafana.ts imports emulator/src); the
    # installed-package test builds the per-kind host modules with scripts/lib/host-entries.js.
    cp -r provider test emulator jest.config.js tsconfig.json tsconfig.build.json "$dir/"
    mkdir -p "$dir/scripts/lib" && cp scripts/lib/host-entries.js "$dir/scripts/lib/"
    log "@pulumi/pulumi $v: provider suite"
    (cd "$dir" && npx --no-install jest --ci --runInBand --selectProjects provider --json --outputFile="$ROOT/test-results/jest-sdk-$v.json") || rc=1
done
exit $rc
