# Shared set-up for scripts/demo and scripts/test: make sure uv exists and the locked environment is synced.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}"
# uv's own installer and `pip install --user` both put it in ~/.local/bin, which a fresh shell often
# does not have on PATH: look there before installing it again.
export PATH="$HOME/.local/bin:$PATH"
if ! command -v uv >/dev/null 2>&1; then
  PY=$(command -v python3.12 || command -v python3)
  echo "installing uv (once) into ~/.local/bin with $PY -m pip" >&2
  PIP_ROOT_USER_ACTION=ignore "$PY" -m pip install --quiet --user uv \
    || PIP_ROOT_USER_ACTION=ignore "$PY" -m pip install --quiet uv
fi
uv sync --frozen --quiet
