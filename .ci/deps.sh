#!/bin/sh
# Install the named Debian packages that are missing.  As root: apt-get
# installs them.  Otherwise: print the one command to run, and fail.
missing=""
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "installing:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null || exit 1
  apt-get install -y -qq --no-install-recommends $missing >/dev/null || exit 1
else
  echo "missing Debian packages; run: sudo apt-get install -y$missing" >&2
  exit 1
fi
