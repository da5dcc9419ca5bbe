#!/bin/sh
# Runs a command inside a private D-Bus session with a freshly created, unlocked
# gnome-keyring, so keychain code can be exercised headless (CI, servers, tests).
# The keyring lives in throwaway directories and never touches the user's real one.
# An empty keyring password does not unlock headless, hence the fixed throwaway one.
#
# Usage: scripts/with-keyring.sh CMD [ARGS...]   (exit status is CMD's)
set -eu

if [ "$#" -eq 0 ]; then
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 64
fi
for tool in dbus-run-session gnome-keyring-daemon; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "$0: '$tool' not found (install dbus and gnome-keyring)" >&2
    exit 127
  fi
done

scratch=$(mktemp -d "${TMPDIR:-/tmp}/switchyard-keyring.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -m 700 "$scratch/data" "$scratch/runtime"

# A private runtime dir keeps --unlock from reaching a desktop session's daemon.
export XDG_DATA_HOME="$scratch/data"
export XDG_RUNTIME_DIR="$scratch/runtime"

status=0
dbus-run-session -- sh -c '
  printf %s "ci-pass" | gnome-keyring-daemon --unlock --components=secrets >/dev/null || {
    echo "with-keyring: gnome-keyring-daemon failed to start" >&2
    exit 125
  }
  exec "$@"
' sh "$@" || status=$?
exit "$status"
