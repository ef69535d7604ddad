#!/usr/bin/env bash
# The README's notebook lines, tried from a fresh venv (run by .ci/run after the tests):
# install the [notebooks] extra, check Jupyter Lab starts from the venv's own kernel (nothing
# registered globally), and render the offline notebooks to HTML the way `make notebooks-html`
# does. Notebook 05 reads real data over the network, so it is executed by the test suite
# against a loopback mirror instead (tests/e2e/test_notebooks.py).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q -e ".[notebooks]"
"$work/venv/bin/jupyter" lab --version
# The kernel Jupyter finds is the venv's own python (ipykernel's built-in spec), none registered.
"$work/venv/bin/jupyter" kernelspec list --json | "$work/venv/bin/python" -c '
import json, sys
specs = json.load(sys.stdin)["kernelspecs"]
assert list(specs) == ["python3"], specs
print("kernel:", specs["python3"]["resource_dir"])
'
for nb in notebooks/0[1-4]_*.ipynb; do
  PATH="$work/venv/bin:$PATH" "$work/venv/bin/jupyter" nbconvert --to html --execute \
    --ExecutePreprocessor.timeout=600 --output-dir "$work/html" "$nb" >/dev/null 2>"$work/log" \
    || { cat "$work/log" >&2; exit 1; }
  test -s "$work/html/$(basename "${nb%.ipynb}").html"
  echo "rendered $nb"
done
