#!/bin/bash
# Hot reload through the real binary and the console plugin:
#  - a broken knowledge file + SIGHUP: the old knowledge keeps answering,
#    the log says why; the fixed file + SIGHUP is picked up (new answer);
#  - a broken config + SIGHUP is refused with its JSON path; a good one
#    changes the emergency number live; a plugin change is logged as
#    needing a restart;
#  - `faqbot reload` and `faqbot stats` over the control socket;
#  - no message is lost while reloads run (every question answered).
set -u
. "$(dirname "$0")/../lib.sh" || exit 1
FAQBOT=${FAQBOT:-$PWD/build/faqbot}
SRC=${FAQBOT_SOURCE_DIR:-$PWD}
tmp=$(mktemp -d /tmp/faqbot-reload-XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
cd "$tmp" || exit 1
# wait_for FILE PATTERN: until PATTERN appears in FILE, bounded generously
# (60 s: a sanitizer build on a loaded machine; a passing run never waits
# the bound out)
wait_for() { for _ in $(seq 600); do grep -q -- "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done; return 1; }
count() { grep -c -- "$2" "$1" 2>/dev/null || true; }
# wait_count FILE PATTERN N: until PATTERN is in FILE at least N times
wait_count() { for _ in $(seq 600); do [ "$(count "$1" "$2")" -ge "$3" ] && return 0; sleep 0.1; done; return 1; }

cp -r "$SRC/knowledge" kb
write_cfg() { # write_cfg EMERGENCY [extra plugin json]
  local extra=${2:-}
  cat >cfg.json <<JSON
{"knowledge_dir": "kb", "state_dir": "state", "control_socket": "$tmp/ctl.sock",
 "emergency_number": "$1", "log": {"level": "info", "json": false},
 "limits": {"per_user_per_minute": 0},
 "plugins": {"console": {}$extra}}
JSON
}
write_cfg "call 112"
mkfifo in
"$FAQBOT" run --config cfg.json <in >out.txt 2>err.txt &
pid=$!
exec 3>in
check "control socket up" wait_for err.txt "control socket at"

ask() { echo "$1" >&3; }
# 1. baseline: the sleep entry answers
ask "does massage help my baby sleep"
check "baseline answer" wait_for err.txt "entry=sleep"

# 2. a broken knowledge file + SIGHUP: refused, old knowledge still answers
cp kb/entries/sleep.json sleep.good
printf '{"id": "sleep", "title": ' >kb/entries/sleep.json
kill -HUP "$pid"
check "broken kb refused" wait_for err.txt "reload refused; still serving"
check "log names the broken file and line" grep -q 'error \[reload\] kb/entries/sleep.json:1:' err.txt
ask "does massage help my baby sleep"
check "old knowledge still answers after a refused reload" wait_count err.txt 'entry=sleep ' 2

# 3. the fixed file, with a changed answer, is picked up without a restart
python3 - sleep.good kb/entries/sleep.json <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))
e["answer"] = "RELOADED-ANSWER: " + e["answer"]
json.dump(e, open(sys.argv[2], "w"))
PY
kill -HUP "$pid"
check "fixed kb reloaded" wait_for err.txt "reloaded config and knowledge"
ask "does massage help my baby sleep"
check "new answer served" wait_for out.txt "RELOADED-ANSWER"

# 4. config: a broken one is refused with its JSON path; the old emergency number stays
echo '{"knowledge_dir": "kb", "limits": {"per_user_per_minute": "many"}}' >cfg.json
kill -HUP "$pid"
check "broken config refused with its path" wait_for err.txt 'config: \$.limits.per_user_per_minute: expected an integer'
ask "my baby is not breathing and has blue lips"
check "urgent reply keeps the old number" wait_for out.txt "call 112"

# 5. a good config changes the emergency number live; a plugin change is noted
write_cfg "dial 999" ', "old": {"enabled": false}'
kill -HUP "$pid"
# "restart: old" is logged before the swap; the "reloaded" line after it:
# only then does the next question see the new number
check "config reloaded" wait_count err.txt "reloaded config and knowledge" 2
check "plugin change noted" grep -q "restart: old" err.txt
ask "my newborn is turning blue and struggling to breathe"
check "urgent reply has the new number" wait_for out.txt "dial 999"

# 6. faqbot reload over the socket: refused (exit 1) then accepted (exit 0)
printf 'not json' >kb/synonyms.json
"$FAQBOT" reload --socket "$tmp/ctl.sock" >reload1.txt 2>&1; rc=$?
check "faqbot reload refused -> exit 1 (got $rc)" test "$rc" = 1
check "faqbot reload says refused" grep -q 'reload refused' reload1.txt
cp "$SRC/knowledge/synonyms.json" kb/synonyms.json
"$FAQBOT" reload --config cfg.json >reload2.txt 2>&1; rc=$?
check "faqbot reload accepted -> exit 0 (got $rc)" test "$rc" = 0

# 7. no message lost: 60 questions while 5 reloads run
before=$(count err.txt 'answered status=')
( for i in $(seq 60); do echo "does massage help with colic $i"; sleep 0.02; done ) >&3 &
feeder=$!
for _ in 1 2 3 4 5; do kill -HUP "$pid"; sleep 0.2; done
wait "$feeder"
wait_count err.txt 'answered status=' $((before + 60))
after=$(count err.txt 'answered status=')
check "every question answered during reloads ($((after - before))/60)" test $((after - before)) = 60

# 8. stats from the running bot and from the log agree
"$FAQBOT" stats --socket "$tmp/ctl.sock" --json >stats.json; rc=$?
check "stats over the socket (rc $rc)" test "$rc" = 0
"$FAQBOT" stats --log err.txt --json >stats-log.json
check "stats counts" python3 - stats.json stats-log.json <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); l = json.load(open(sys.argv[2]))
assert s["status"]["urgent"] == 2, s
assert s["entries"]["sleep"] == 3, s
assert s["entries"]["gas-colic"] == 60, s
assert s["total"] == 65, s
assert s == l, (s, l)
PY

exec 3>&-
wait "$pid"; rc=$?; pid=
check "bot exits 0 at end of input (rc $rc)" test "$rc" = 0
check "control socket removed" test ! -e ctl.sock
check_done
