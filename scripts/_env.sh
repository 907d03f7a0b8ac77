# Shared set-up for scripts/demo and scripts/test: make sure uv exists and the locked environment is synced.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}"
if ! command -v uv >/dev/null 2>&1; then
  PY=$(command -v python3.12 || command -v python3)
  "$PY" -m pip install --quiet --user uv || "$PY" -m pip install --quiet uv
  export PATH="$HOME/.local/bin:$PATH"
fi
uv sync --frozen --quiet
