#!/usr/bin/env bash
# Make this checkout ready to run and test; quick when everything is already in place.
#
#   1. Debian packages (CJK font and HarfBuzz for WeasyPrint PDFs, Chromium for browser tests,
#      gettext for translations, poppler-utils to look at PDFs, redis-server for `make run`'s
#      Celery broker): installed with apt-get only when
#      `dpkg -s` says one is missing. As root apt-get runs directly; otherwise through `sudo -n`
#      if that works; otherwise the script stops and names the packages. SKIP_APT=1 skips it.
#   2. A virtualenv in .venv (VENV=… to change) with Python 3.11 (PYTHON=… to choose).
#   3. pip install -r requirements.txt, skipped while .venv/.requirements.sha256 matches.
#   4. compilemessages, when gettext is there and locale/ holds .po files.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="${VENV:-$ROOT/.venv}"
APT_PACKAGES=(fonts-noto-cjk libharfbuzz-subset0 chromium gettext poppler-utils redis-server)

log() { printf '==> %s\n' "$*"; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

pick_python() {
    local candidate
    for candidate in "${PYTHON:-}" python3.11 python3; do
        [ -n "$candidate" ] || continue
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] < (3, 11))' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

venv_ok() { [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; }

is_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

# --- 1. system packages ---------------------------------------------------------------------------
PY="$(pick_python)" || die "Python 3.11 is needed (python3.11 or python3 >= 3.11 on PATH, or PYTHON=/path/to/python)."
missing=()
if command -v dpkg-query >/dev/null 2>&1; then
    for pkg in "${APT_PACKAGES[@]}"; do
        is_installed "$pkg" || missing+=("$pkg")
    done
    # Debian's python3 has no venv/ensurepip without python3-venv (only needed to create .venv).
    if ! venv_ok && ! "$PY" -c 'import ensurepip, venv' >/dev/null 2>&1; then
        pyver="$("$PY" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
        missing+=("python${pyver}-venv")
    fi
else
    warn "dpkg-query not found (not Debian?): not checking system packages ${APT_PACKAGES[*]}."
fi

if [ "${#missing[@]}" -gt 0 ]; then
    if [ "${SKIP_APT:-0}" = "1" ]; then
        warn "SKIP_APT=1: not installing missing packages: ${missing[*]}"
    else
        if [ "$(id -u)" -eq 0 ]; then
            SUDO=()
        elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
            SUDO=(sudo -n)
        else
            die "These Debian packages are missing: ${missing[*]}
       Install them as root:  apt-get update && apt-get install -y ${missing[*]}
       (or run this again as root, or with SKIP_APT=1 to go on without them)."
        fi
        log "Installing Debian packages: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        "${SUDO[@]}" apt-get update -qq
        "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
    fi
else
    log "Debian packages present: ${APT_PACKAGES[*]}"
fi

# --- 2. virtualenv -------------------------------------------------------------------------------
if ! venv_ok; then
    log "Creating virtualenv $VENV with $("$PY" --version)"
    rm -rf "$VENV"
    "$PY" -m venv "$VENV"
fi

# --- 3. requirements -----------------------------------------------------------------------------
stamp="$VENV/.requirements.sha256"
want="$( (cat requirements.txt; "$VENV/bin/python" --version) | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
    log "Installing Python requirements (requirements.txt changed or first run)"
    "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input -q -r requirements.txt
    echo "$want" >"$stamp"
else
    log "Python requirements up to date ($VENV)"
fi

# --- 4. translations -----------------------------------------------------------------------------
if command -v msgfmt >/dev/null 2>&1 && compgen -G "locale/*/LC_MESSAGES/*.po" >/dev/null; then
    log "Compiling translations (locale/)"
    DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.local}" \
        "$VENV/bin/python" manage.py compilemessages -v0 --ignore=.venv --ignore=var --ignore='node_modules'
elif compgen -G "locale/*/LC_MESSAGES/*.po" >/dev/null; then
    warn "gettext (msgfmt) not found: using the committed .mo files as they are."
fi
