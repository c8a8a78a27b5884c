#!/bin/sh
# Idempotent set-up for a Debian 12 machine with Python >= 3.11.
# Installs the Debian packages Qt and Chinese text need (when root), creates the
# virtualenv and installs the pinned dependencies from the two locks (with hashes).
set -eu
PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}

# A CJK font, the runtime libraries Qt loads, and python3-venv (Debian splits venv out).
# The xcb line is what Qt's xcb platform plugin (the window on X11) links against, found
# with ldd on PySide6's libqxcb.so and its GL integrations; photocheck.gui.display maps
# each library to its package, and tests keep that map and this list together.
DEB_PKGS="fonts-wqy-microhei libegl1 libgl1 libxkbcommon0 libfontconfig1 libfreetype6 libdbus-1-3 libglib2.0-0
 libx11-6 libx11-xcb1 libxkbcommon-x11-0 libxcb1 libxcb-cursor0 libxcb-glx0 libxcb-icccm4 libxcb-image0
 libxcb-keysyms1 libxcb-randr0 libxcb-render0 libxcb-render-util0 libxcb-shape0 libxcb-shm0 libxcb-sync1
 libxcb-util1 libxcb-xfixes0 libxcb-xkb1"

if ! command -v "$PYTHON" >/dev/null 2>&1; then
    echo "photocheck: $PYTHON not found. Install Python 3.11+ (Debian: apt-get install python3 python3-venv)." >&2
    exit 1
fi
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "photocheck: Python 3.11 or newer is required; $PYTHON is $("$PYTHON" -V 2>&1)." >&2
    exit 1
fi

missing=""
if command -v dpkg-query >/dev/null 2>&1; then
    for p in $DEB_PKGS; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
    done
    # ensurepip is missing from Debian's python3 unless python3-venv (or python3.X-venv) is installed.
    if ! "$PYTHON" -c 'import ensurepip' >/dev/null 2>&1; then
        missing="$missing python3-venv"
    fi
fi
if [ -n "$missing" ]; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
        echo "photocheck: installing Debian packages:$missing"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        # shellcheck disable=SC2086
        apt-get install -y -qq --no-install-recommends $missing >/dev/null
    else
        echo "photocheck: please install these Debian packages first (as root):" >&2
        echo "    apt-get install$missing" >&2
        case "$missing" in *python3-venv*) exit 1 ;; esac
        echo "photocheck: continuing; the GUI may not open a window or may show boxes instead of Chinese." >&2
    fi
fi

if [ ! -x "$VENV/bin/python" ]; then
    echo "photocheck: creating $VENV"
    "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --upgrade "pip>=24" >/dev/null
echo "photocheck: installing pinned dependencies (requirements.lock, requirements-dev.lock; hashes checked)"
"$VENV/bin/python" -m pip install -q --require-hashes -r requirements.lock -r requirements-dev.lock
# the project itself, editable, with nothing more: everything it needs came from the locks
"$VENV/bin/python" -m pip install -q --no-deps --no-build-isolation -e .
echo "photocheck: environment ready ($VENV)"
