#!/usr/bin/env bash
# Add LeviTor Studio to the desktop's application menu for the current user (Linux, XDG).
# Usage: packaging/install_desktop_entry.sh [PATH/TO/levitor-studio]
#   default: dist/levitor-studio/levitor-studio (the frozen app) if built, else the
#   levitor-studio found on PATH (a pip install).
# Puts a link to the program in ~/.local/bin, the desktop entry in ~/.local/share/applications and
# the icons in ~/.local/share/icons/hicolor. Run it again after moving the app; remove those
# three things to uninstall.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
app=${1:-}
if [ -z "$app" ]; then
    if [ -x "$here/dist/levitor-studio/levitor-studio" ]; then
        app="$here/dist/levitor-studio/levitor-studio"
    else
        app=$(command -v levitor-studio) || { echo "install: no levitor-studio found" >&2; exit 2; }
    fi
fi
[ -x "$app" ] || { echo "install: $app: not an executable" >&2; exit 2; }
app=$(cd "$(dirname "$app")" && pwd)/$(basename "$app")

data=${XDG_DATA_HOME:-$HOME/.local/share}
mkdir -p "$HOME/.local/bin" "$data/applications" "$data/icons/hicolor/scalable/apps" \
    "$data/icons/hicolor/256x256/apps"
ln -sfn "$app" "$HOME/.local/bin/levitor-studio"
# Exec names the program by its full path, so the menu works even without ~/.local/bin on PATH
sed -e "s|^Exec=levitor-studio|Exec=\"$app\"|" -e "s|^TryExec=levitor-studio|TryExec=$app|" \
    "$here/resources/levitor-studio.desktop" > "$data/applications/levitor-studio.desktop"
cp "$here/resources/icons/levitor-studio.svg" "$data/icons/hicolor/scalable/apps/"
cp "$here/resources/icons/levitor-studio.png" "$data/icons/hicolor/256x256/apps/"
command -v update-desktop-database > /dev/null && update-desktop-database "$data/applications" || true
echo "install: LeviTor Studio ($app) is in the application menu; 'levitor-studio' is in ~/.local/bin"
