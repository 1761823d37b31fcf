#!/bin/bash
# calm.sh FILE...: no question of the files (question<TAB>- lines, '#'
# comments) gets the urgent reply.  Prints the false alarms of each file;
# exit 1 on any, or when faqbot does not answer every line.
set -u
. "$(dirname "$0")/../lib.sh" || exit 1
FAQBOT=${FAQBOT:-$PWD/build/faqbot}
tmp=$(mktemp -d /tmp/faqbot-calm-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
for f in "$@"; do
  grep -v '^#' "$f" | cut -f1 > "$tmp/q" || exit 1
  "$FAQBOT" ask --batch --json < "$tmp/q" > "$tmp/a"
  check "$f: one reply a question" test "$(wc -l < "$tmp/q")" = "$(wc -l < "$tmp/a")"
  alarms=$(paste "$tmp/a" "$tmp/q" | grep '"status":"urgent"' | cut -f2)
  [ -n "$alarms" ] && printf 'false alarm: %s\n' "$alarms"
  check "$f: no urgent reply" test -z "$alarms"
done
check_done
