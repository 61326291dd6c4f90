#!/usr/bin/env bash
# Print the path of a Python interpreter of the Lambda runtime's version, which `sam build` needs.
# The version comes from template.yaml (Globals Runtime) unless given as the first argument.
# Looks on PATH first, then in pyenv's versions; exits 1 with a clear message when none is found.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
version="${1:-$(grep -m1 -oE 'Runtime: python3\.[0-9]+' "$root/template.yaml" | sed 's/Runtime: python//')}"
if [[ -z "$version" ]]; then
  echo "find-python: no 'Runtime: python3.N' in template.yaml" >&2
  exit 1
fi

works() { # a pyenv shim is on PATH for every version but runs only the active ones
  "$1" -c "import sys; sys.exit(0 if sys.version_info[:2] == tuple(map(int, '$version'.split('.'))) else 1)" \
    >/dev/null 2>&1
}

candidates=()
if command -v "python$version" >/dev/null 2>&1; then
  candidates+=("$(command -v "python$version")")
fi
pyenv_root="${PYENV_ROOT:-}"
if [[ -z "$pyenv_root" ]] && command -v pyenv >/dev/null 2>&1; then
  pyenv_root="$(pyenv root)"
fi
pyenv_root="${pyenv_root:-$HOME/.pyenv}"
# Newest patch release first.
while IFS= read -r dir; do
  candidates+=("$dir/bin/python$version")
done < <(ls -d "$pyenv_root/versions/$version".* 2>/dev/null | sort -t. -k3,3nr)
candidates+=("/usr/local/bin/python$version" "/usr/bin/python$version")

for candidate in "${candidates[@]}"; do
  if [[ -x "$candidate" ]] && works "$candidate"; then
    echo "$candidate"
    exit 0
  fi
done

cat >&2 <<MSG
sam build needs Python $version, the Lambda runtime in template.yaml, and none was found
(looked on PATH and in $pyenv_root/versions). Install it, for example with
'pyenv install $version' or your system's python$version package, then run this again.
MSG
exit 1
