#!/usr/bin/env bash
# Make sure $LS_VENV_DIR/ls-VERSION holds exactly the Label Studio install of freeze-VERSION.txt: reuse the
# cached venv when its `pip freeze` matches that file, otherwise (re)install it with run-ls.sh (about 35-80 s).
#
#   LS_VENV_DIR=~/.cache/mockserver tools/labelstudio/ensure-venv.sh 0.8.1   (or 0.9.1: label-studio==0.9.1.post2)
#
# run-ls.sh and constraints-*.txt are vendored from shared/tools/labelstudio/ (see README there and
# shared/reference/labelstudio-real.md); freeze-VERSION.txt is what that install gave on 2026-12-03.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
version="${1:?usage: ensure-venv.sh VERSION}"
: "${LS_VENV_DIR:?set LS_VENV_DIR (where the venvs are cached)}"
venv="$LS_VENV_DIR/ls-$version"
expected="$here/freeze-$version.txt"
[ -f "$expected" ] || { echo "ensure-venv.sh: no $expected" >&2; exit 1; }
if [ -x "$venv/bin/pip" ] && diff -q <("$venv/bin/pip" freeze 2>/dev/null) "$expected" >/dev/null; then
  echo "label-studio $version: reusing $venv (its freeze matches)"
  exit 0
fi
start=$SECONDS
"$here/run-ls.sh" install "$version"
if ! diff -u "$expected" "$venv/freeze.txt"; then
  echo "ensure-venv.sh: the new install differs from $expected (diff above)" >&2
  exit 1
fi
echo "label-studio $version installed into $venv in $((SECONDS - start)) s"
