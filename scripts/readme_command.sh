#!/usr/bin/env bash
# Print a Quick start command of README.md: `readme_command.sh demo` or `readme_command.sh test`.
# The command is the first line inside the code fence that follows `<!-- quickstart:NAME -->`.
set -euo pipefail
name=${1:?usage: readme_command.sh demo|test}
readme="$(dirname "$0")/../README.md"
awk -v m="<!-- quickstart:${name} -->" '
  $0 == m { found = 1; next }
  found && /^```/ { if (infence) exit; infence = 1; next }
  found && infence { print; exit }
' "$readme" | grep . || { echo "no quickstart:${name} command in README.md" >&2; exit 1; }
