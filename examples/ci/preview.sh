#!/usr/bin/env bash
# What the pull-request workflow runs (github-workflow.yml), and what test/e2e/ci-preview.test.ts runs locally:
# select the stack and print `pulumi preview --diff`. Connection and backend come from the environment (CI secrets):
#   PULUMI_BACKEND_URL, PULUMI_CONFIG_PASSPHRASE (or PULUMI_ACCESS_TOKEN), GRAFANA_URL, GRAFANA_AUTH, STACK.
# Exit code: pulumi's (a failing preview fails the check). The preview is also written to preview.txt and, on GitHub,
# to the job summary.
set -euo pipefail
program_dir="${PROGRAM_DIR:-$(dirname "$0")/program}"
cd "$program_dir"
: "${STACK:?set STACK to the stack to preview}"
pulumi stack select "$STACK" --non-interactive
set +e
pulumi preview --diff --non-interactive --color never --stack "$STACK" 2>&1 | tee preview.txt
rc=${PIPESTATUS[0]}
set -e
if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
    { echo '```diff'; cat preview.txt; echo '```'; } >> "$GITHUB_STEP_SUMMARY"
fi
exit "$rc"
