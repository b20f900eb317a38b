#!/usr/bin/env bash
# Creates the Python virtual environment with compliance-trestle (PyPI) that test/oscal-files.test.ts
# loads the exported OSCAL documents with; does nothing when it is there already.
#   bash test/oscal/trestle-venv.sh        # into $TRESTLE_VENV, default .tools/trestle-venv
# compliance-trestle 5 reads OSCAL 1.2.x, the version Attest exports (src/modules/oscal/oscal.common.ts).
set -euo pipefail
cd "$(dirname "$0")/../.."
venv="${TRESTLE_VENV:-$(pwd)/.tools/trestle-venv}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import trestle.oscal.catalog' >/dev/null 2>&1; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'compliance-trestle>=5.2,<6'
fi
"$venv/bin/python" -c 'import importlib.metadata as m, trestle.oscal as o; print("compliance-trestle", m.version("compliance-trestle"), "reads OSCAL", o.OSCAL_VERSION)'
