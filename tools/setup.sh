# Shared by tools/run-app and tools/run-tests: install what is missing, then use .venv.
# Debian/Ubuntu: system libraries Qt needs (and poppler for the PDF tests) come from apt;
# Python packages go into .venv beside the checkout.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"

QT_DEBS=(libegl1 libgl1 libopengl0 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libfreetype6 libdbus-1-3
         libglib2.0-0 libx11-xcb1 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0
         libxcb-randr0 libxcb-render-util0 libxcb-image0 libxcb-xkb1 libxrender1 libxi6 fonts-wqy-microhei
         fonts-hanazono)  # hanazono: rare characters (CJK Ext-B) on Linux; Windows has SimSun-ExtB

apt_install() {
  command -v dpkg-query >/dev/null 2>&1 || return 0   # not Debian: install the equivalents by hand
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "Installing system packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

pick_python() {
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "Python 3.11 or newer is needed (apt-get install python3)." >&2
  return 1
}

ensure_venv() {  # $1: the pip extras spec, e.g. ".[test]"
  local python; python="$(pick_python)"
  if [ ! -x "$VENV/bin/python" ]; then
    if ! "$python" -m venv "$VENV" 2>/dev/null; then
      apt_install python3-venv
      "$python" -m venv "$VENV"
    fi
  fi
  # reinstall only when the dependencies changed
  local stamp="$VENV/.installed-$1"
  local want; want="$(sha256sum "$ROOT/pyproject.toml" | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q -e "$ROOT$1"
    echo "$want" > "$stamp"
  fi
}

# A throwaway PostgreSQL server for the tests: its own cluster in a temporary folder, reached only through a
# Unix socket there (no TCP port), removed when the calling script exits.
start_postgres() {
  apt_install postgresql
  local bindir
  bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  if [ -z "$bindir" ]; then
    echo "PostgreSQL server binaries not found (apt-get install postgresql)." >&2
    return 1
  fi
  PG_DIR="$(mktemp -d /tmp/weiquan-pg.XXXXXX)"
  chmod 755 "$PG_DIR"
  PG_AS=()
  if [ "$(id -u)" -eq 0 ]; then  # initdb refuses to run as root
    chown postgres "$PG_DIR"
    PG_AS=(runuser -u postgres --)
  fi
  PG_BIN="$bindir"
  "${PG_AS[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" --auth=trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
  "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
    -o "-k $PG_DIR -p 55432 -c listen_addresses=''" start >/dev/null
  trap stop_postgres EXIT
  export WEIQUAN_TEST_PG="postgresql://postgres@/postgres?host=$PG_DIR&port=55432"
}

stop_postgres() {
  [ -n "${PG_DIR:-}" ] || return 0
  "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
  PG_DIR=""
}
