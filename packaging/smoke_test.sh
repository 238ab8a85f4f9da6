#!/usr/bin/env bash
# Smoke test of the frozen Linux app (make smoke): build it unless it is already built, then
#   - `levitor-studio --version` prints the VERSION file's version,
#   - `levitor-studio plugins` lists the weight-free backends as available,
#   - the editor opens the bundled example, saves a --screenshot and exits 0, under Xvfb and with
#     no display; each PNG has the window's size and shows the picture (check_screenshot.py),
#   - started with no project at all (a first run), the editor opens the bundled example.
# Usage: packaging/smoke_test.sh [--rebuild]
# Environment: PY (default .venv/bin/python), FROZEN_DIST (default dist), FROZEN_WORK (default
# build/pyinstaller). Each run of the app gets a throw-away HOME, so no settings or autosaves
# are touched.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-.venv/bin/python}
DIST=${FROZEN_DIST:-dist}
WORK=${FROZEN_WORK:-build/pyinstaller}
APP_DIR="$DIST/levitor-studio"
APP="$APP_DIR/levitor-studio"
WINDOW=1480x920  # MainWindow's default size (a fresh HOME has no saved geometry)
fail() { echo "smoke: FAIL: $*" >&2; exit 1; }

if [ ! -x "$APP" ] || [ "${1:-}" = "--rebuild" ]; then
    start=$(date +%s)
    "$PY" -m PyInstaller --noconfirm --log-level WARN --distpath "$DIST" --workpath "$WORK" \
        packaging/levitor-studio-linux.spec
    echo "smoke: built $APP_DIR in $(( $(date +%s) - start )) s"
fi
echo "smoke: $APP_DIR is $(du -sh "$APP_DIR" | cut -f1)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unset QT_QPA_PLATFORM  # the real xcb platform under Xvfb, as on a desktop
# Each run gets a new, empty HOME: the editor saves its window geometry on close, and a run that
# restored the previous one would not have the default size.
fresh() {
    local home
    home=$(mktemp -d "$tmp/home-XXXX")
    env HOME="$home" XDG_CONFIG_HOME="$home/.config" XDG_DATA_HOME="$home/.local/share" \
        XDG_CACHE_HOME="$home/.cache" XDG_STATE_HOME="$home/.local/state" "$@"
}

want="levitor-studio $(tr -d '[:space:]' < VERSION)"
got=$(fresh "$APP" --version) || fail "--version exited $?"
[ "$got" = "$want" ] || fail "--version printed '$got', expected '$want'"
echo "smoke: ok  --version: $got"

fresh "$APP" plugins > "$tmp/plugins.txt" || fail "plugins exited $?"
for backend in "segmenter  grabcut" "depth      heuristic" "generator  preview"; do
    grep -E "^${backend} .* available$" "$tmp/plugins.txt" > /dev/null \
        || fail "backend '${backend}' is not listed as available: $(cat "$tmp/plugins.txt")"
done
echo "smoke: ok  plugins: grabcut, heuristic, preview available"

example="$APP_DIR/_internal/levitor_studio/resources/examples/coffee/coffee.levitor"
[ -f "$example" ] || fail "the bundled example is missing: $example"
start=$(date +%s)
fresh xvfb-run -a -s "-screen 0 1920x1080x24" "$APP" "$example" --screenshot "$tmp/window.png" \
    || fail "the editor exited $? with --screenshot"
"$PY" packaging/check_screenshot.py "$tmp/window.png" "$WINDOW" || fail "bad screenshot"
cp "$tmp/window.png" "$DIST/smoke-window.png"
echo "smoke: ok  editor opened the example under Xvfb, ${WINDOW} in $(( $(date +%s) - start )) s" \
    "($DIST/smoke-window.png)"

# headless: no display at all, Qt's offscreen platform and VTK through EGL (the system's libEGL)
start=$(date +%s)
fresh env -u DISPLAY -u WAYLAND_DISPLAY "$APP" "$example" --screenshot "$tmp/headless.png" \
    || fail "the editor exited $? with --screenshot and no display"
"$PY" packaging/check_screenshot.py "$tmp/headless.png" "$WINDOW" || fail "bad headless screenshot"
cp "$tmp/headless.png" "$DIST/smoke-headless.png"
echo "smoke: ok  editor opened the example headless, ${WINDOW} in $(( $(date +%s) - start )) s" \
    "($DIST/smoke-headless.png)"
# first run: no project named, so the editor must open the bundled example by itself
start=$(date +%s)
fresh env -u DISPLAY -u WAYLAND_DISPLAY "$APP" open --screenshot "$tmp/first-run.png" \
    || fail "the editor exited $? when started with no project"
"$PY" packaging/check_screenshot.py "$tmp/first-run.png" "$WINDOW" \
    || fail "first run (no project named) did not open the bundled example"
echo "smoke: ok  first run with no project opened the example in $(( $(date +%s) - start )) s"
echo "smoke: PASS"
