#!/bin/bash
# `faqbot ask --batch`: the fast path prints what the straightforward one
# does.  Reference: --jobs 1 --no-cache (one thread, every reply rendered
# afresh).  Compared byte for byte with the default (cache, the online
# CPUs), --jobs 1, --jobs 2 and --jobs 3, on the dev set repeated past
# several 64 KiB read chunks, plus odd lines: CRLF, empty, invalid UTF-8,
# control bytes, a command, one line longer than a chunk, and a last line
# without "\n"; the reference's first lines also against one `ask --json`
# per question.  Then a pipe kept open: each answer arrives before the
# next question is written (the wait is bounded, never timed).
set -u
. "$(dirname "$0")/../lib.sh" || exit 1
FAQBOT=${FAQBOT:-$PWD/build/faqbot}
SRC=${FAQBOT_SOURCE_DIR:-$PWD}
tmp=$(mktemp -d /tmp/faqbot-batch-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

cut -f1 "$SRC/tests/eval/dev.tsv" | grep -v '^#' >"$tmp/dev1.txt"
for i in $(seq 25); do cat "$tmp/dev1.txt"; done >"$tmp/q.txt"
{
  printf 'colic\r\n\n/help\n!faq how long should a massage last\n'
  printf 'bad \xff\xfe bytes \x01 and\ttab\n'
  printf 'massage %.0s' $(seq 30000); printf '\n'
  printf 'my baby has blue lips\nno newline at the end'
} >>"$tmp/q.txt"
lines=$(( $(wc -l <"$tmp/q.txt") + 1 ))
check "input spans several chunks" test "$(stat -c %s "$tmp/q.txt")" -gt 300000

"$FAQBOT" ask --batch --jobs 1 --no-cache <"$tmp/q.txt" >"$tmp/ref.jsonl"; rc=$?
check "reference run exits 0" test "$rc" = 0
check "one line per question" test "$(wc -l <"$tmp/ref.jsonl")" = "$lines"
for opts in "" "--jobs 1" "--jobs 2" "--jobs 3" "--jobs 2 --no-cache"; do
  # shellcheck disable=SC2086
  "$FAQBOT" ask --batch $opts <"$tmp/q.txt" >"$tmp/out.jsonl"; rc=$?
  check "ask --batch $opts exits 0" test "$rc" = 0
  check "ask --batch $opts == reference" cmp -s "$tmp/out.jsonl" "$tmp/ref.jsonl"
done

# the first pass of the dev set, one `ask --json` process per question
# (no batch reader, no threads, no cache): the reference's first lines
while IFS= read -r q; do "$FAQBOT" ask --json "$q"; done <"$tmp/dev1.txt" >"$tmp/one.jsonl"
head -n "$(wc -l <"$tmp/dev1.txt")" "$tmp/ref.jsonl" >"$tmp/ref-head.jsonl"
check "ask --json per question == --batch lines" cmp -s "$tmp/one.jsonl" "$tmp/ref-head.jsonl"

check "--jobs 0 refused" bash -c '! "$0" ask --batch --jobs 0 </dev/null 2>/dev/null' "$FAQBOT"

# an open pipe: one question, its answer, the next
check "answers before end of input" python3 - "$FAQBOT" <<'PY'
import select, subprocess, sys
p = subprocess.Popen([sys.argv[1], "ask", "--batch", "--jobs", "2"],
                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)
ok = True
for q in (b"colic\n", b"how long should a massage last\n"):
    p.stdin.write(q); p.stdin.flush()
    r, _, _ = select.select([p.stdout], [], [], 120)   # bound, not a timing
    ok = ok and bool(r) and p.stdout.readline().startswith(b'{"status":')
p.stdin.close()
ok = ok and p.wait(120) == 0
sys.exit(0 if ok else 1)
PY

check_done
