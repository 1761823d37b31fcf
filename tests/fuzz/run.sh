#!/bin/bash
# run.sh BUILD_DIR SECONDS [HARNESS...] - run each libFuzzer harness for
# SECONDS (one after the other), starting from the committed seed corpus
# (copied into BUILD_DIR/fuzz/work/<name>, so new inputs stay out of git).
# Fails on the first crash, leak, timeout or OOM; prints one summary line
# per harness: executions, coverage, corpus size.  Crash inputs are left
# in BUILD_DIR/fuzz/artifacts/.
set -u
build=${1:?usage: run.sh BUILD_DIR SECONDS [HARNESS...]}
secs=${2:?usage: run.sh BUILD_DIR SECONDS [HARNESS...]}
shift 2
here=$(cd "$(dirname "$0")" && pwd)
all="fuzz_kb_answer fuzz_kb_load fuzz_tg_update fuzz_mx_sync fuzz_config"
list=${*:-$all}
mkdir -p "$build/fuzz/artifacts" "$build/fuzz/logs"
status=0
for h in $list; do
  name=${h#fuzz_}
  bin="$build/fuzz/$h"
  [ -x "$bin" ] || { echo "$h: not built ($bin)"; status=1; continue; }
  work="$build/fuzz/work/$name"
  mkdir -p "$work"
  cp -n "$here/corpus/$name/"* "$work/" 2>/dev/null
  log="$build/fuzz/logs/$h.log"
  dict=""
  [ "$name" != kb_answer ] && dict="-dict=$here/json.dict"
  # -timeout: one input may take 10 s at most; -rss_limit_mb bounds memory;
  # leaks are detected (ASan LeakSanitizer) at exit and per input.
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
         -max_len=65536 -print_final_stats=1 $dict \
         -artifact_prefix="$build/fuzz/artifacts/$name-" "$work" >"$log" 2>&1
  rc=$?
  execs=$(grep -o "stat::number_of_executed_units: *[0-9]*" "$log" | head -1 | grep -o "[0-9]*$")
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1)
  n=$(ls "$work" | wc -l)
  if [ $rc -ne 0 ]; then
    echo "$h: FAILED (rc $rc) after ${execs:-?} executions; see $log"
    grep -E 'ERROR|SUMMARY|==[0-9]+==' "$log" | head -5
    status=1
  else
    echo "$h: ok, $secs s, ${execs:-?} executions, ${cov:-cov: ?}, ${ft:-ft: ?}, corpus $n"
  fi
done
exit $status
