#!/usr/bin/env bash
# Time from `git clone` to the demo's first page: clone this repository into a fresh folder,
# run `make demo`, and wait until the login page answers. Prints the seconds of each step.
#   scripts/first_run.sh [PORT]      (default 8102; the clone goes under /tmp and is removed)
# A warm package cache (~/.cache/uv) is what a second clone on the same machine has; set
# UV_CACHE_DIR to an empty folder to measure a machine that never installed Alliance.
set -euo pipefail
port="${1:-8102}"
source_repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d /tmp/alliance-first-run.XXXXXX)"
log="$work/demo.log"
cleanup() {
  if [ -n "${demo_pid:-}" ] && kill -0 "$demo_pid" 2>/dev/null; then
    kill -TERM -- "-$demo_pid" 2>/dev/null || true
    wait "$demo_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

start=$(date +%s.%N)
git clone --quiet "$source_repo" "$work/alliance"
cloned=$(date +%s.%N)
cd "$work/alliance"
# Its own process group, so the server and its task worker stop together at the end.
# Each line of its output is stamped with the seconds since the clone finished.
setsid bash -c "PYTHONUNBUFFERED=1 make demo PORT=$port 2>&1 | while IFS= read -r line; do
  printf '%6.1f  %s\n' \"\$(echo \"\$(date +%s.%N) - $cloned\" | bc)\" \"\$line\"; done" >"$log" &
demo_pid=$!
until curl -fsS -o /dev/null "http://127.0.0.1:$port/login/" 2>/dev/null; do
  if ! kill -0 "$demo_pid" 2>/dev/null; then
    echo "make demo stopped before serving:" >&2; tail -30 "$log" >&2; exit 1
  fi
  sleep 0.5
done
served=$(date +%s.%N)
installed=$(grep -q "Installing Alliance" "$log" && echo yes || echo no)
printf 'clone %.1f s, make demo to first page %.1f s, total %.1f s (installed: %s)\n' \
  "$(echo "$cloned - $start" | bc)" "$(echo "$served - $cloned" | bc)" \
  "$(echo "$served - $start" | bc)" "$installed"
grep -E "^ *[0-9.]+  (Creating|Installing|Installed|Preparing|Loading|  …|Demo scenario loaded|Insights computed|Starting|Alliance is running)" "$log" || true
