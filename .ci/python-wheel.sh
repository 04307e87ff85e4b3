#!/usr/bin/env bash
# `npx projen package:python-wheel`: builds the Python package that jsii-pacmak generated
# (dist/code-only/python, from `npx projen package:code-only`) into dist/python/*.whl with the
# interpreter's setuptools and wheel, without pip (PyPI is not reachable here), then byte-compiles
# every module of the wheel. Importing it needs jsii's Python runtime, which only PyPI has.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
src=dist/code-only/python
[ -f "$src/setup.py" ] || { echo "python-wheel: no $src/setup.py: run npx projen package:code-only first" >&2; exit 1; }
"$python" -c 'import setuptools, wheel' || { echo "python-wheel: $python has no setuptools or wheel (Debian: apt-get install python3-setuptools python3-wheel)" >&2; exit 1; }
rm -rf dist/python
(cd "$src" && "$python" setup.py -q bdist_wheel -d ../../python >/dev/null)
whl=$(ls dist/python/*.whl)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$python" -m zipfile -e "$whl" "$tmp"
"$python" -m compileall -q "$tmp"
echo "python-wheel: $whl ($(du -k "$whl" | cut -f1) KB), $(find "$tmp" -name '*.py' | wc -l) modules byte-compiled"
