#!/bin/bash
# "knowledge_text": "disk" (answers and questions read back from the
# files, KB_LOAD_LAZY_TEXT) prints what "memory" does: `faqbot ask
# --batch` byte for byte, with and without the reply cache, on the bundled
# knowledge base (dev questions) and on a generated streamed
# {"entries": [...]} kb (JSON escapes, UTF-8, {emergency_number}, a
# 4,096-byte answer).  Then a file changed under a running batch: the
# next answer from it is the "not covered" text and a logged error, and
# the process goes on.  `kb gaps` and `eval` print the same in both
# modes.  check-config accepts both values, refuses others.
set -u
. "$(dirname "$0")/../lib.sh" || exit 1
FAQBOT=${FAQBOT:-$PWD/build/faqbot}
SRC=${FAQBOT_SOURCE_DIR:-$PWD}
tmp=$(mktemp -d /tmp/faqbot-lazy-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

for m in memory disk; do
  printf '{"emergency_number": "112", "knowledge_text": "%s"}\n' "$m" >"$tmp/$m.json"
done

same_both_ways() { # same_both_ways NAME QUESTIONS [ask options...]
  local name=$1 q=$2; shift 2
  "$FAQBOT" ask --batch --jobs 1 --no-cache --config "$tmp/memory.json" "$@" \
    <"$q" >"$tmp/ref.jsonl" 2>"$tmp/ref.err"
  check "$name: memory run exits 0" test $? = 0
  check "$name: one line per question" test "$(wc -l <"$tmp/ref.jsonl")" = "$(wc -l <"$q")"
  for opts in "--jobs 1 --no-cache" "--jobs 2"; do
    # shellcheck disable=SC2086
    "$FAQBOT" ask --batch $opts --config "$tmp/disk.json" "$@" \
      <"$q" >"$tmp/out.jsonl" 2>"$tmp/out.err"
    check "$name: disk $opts exits 0" test $? = 0
    check "$name: disk $opts == memory" cmp -s "$tmp/out.jsonl" "$tmp/ref.jsonl"
    check "$name: disk $opts logs nothing" test ! -s "$tmp/out.err"
  done
}

cut -f1 "$SRC/tests/eval/dev.tsv" | grep -v '^#' >"$tmp/dev.txt"
same_both_ways "bundled kb, dev set" "$tmp/dev.txt"
check "dev set has urgent replies" grep -q '"status":"urgent"' "$tmp/ref.jsonl"

# a generated kb: 300 entries in one streamed file, and their questions
python3 - "$tmp/gen" "$tmp/gen.txt" <<'PY' || { echo "FAIL: generator"; exit 1; }
import json, os, random, sys
out, qfile = sys.argv[1], sys.argv[2]
os.makedirs(out + "/sources"); os.makedirs(out + "/entries")
rnd = random.Random(6)
syl = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
words = sorted({rnd.choice(syl) + rnd.choice(syl) + rnd.choice(syl)
                for _ in range(1200)})[:900] + ["café", "naïve", "bébé"]
json.dump({"id": "gen", "title": "Généré \"src\"", "sections": ["S1", "S2"]},
          open(out + "/sources/gen.json", "w"))
entries, qs = [], []
for i in range(300):
    topic = rnd.sample(words, 12)
    alts = [" ".join(rnd.sample(topic, rnd.randint(4, 8))) for _ in range(6)]
    answer = "Answer %d: %s.\n\t\"quoted\" \\ é {emergency_number} end" % (
        i, " ".join(rnd.choices(topic, k=40)))
    if i == 7:
        extra = len(answer.encode()) - len(answer)   # bytes, not chars
        answer = (answer + " " + "x" * 4096)[:4096 - extra]
    entries.append({"id": "e%d" % i, "title": "Entry %d é" % i,
                    "questions": alts, "answer": answer,
                    "citations": [{"source": "gen", "section": "S%d" % (1 + i % 2)}]})
    qs += alts + [" ".join(rnd.sample(topic, 3) + rnd.sample(words, 2))]
with open(out + "/entries/all.json", "w") as f:
    f.write('{"entries": [\n')
    f.write(",\n".join(json.dumps(e, ensure_ascii=i % 2 == 0)
                       for i, e in enumerate(entries)))
    f.write("\n]}\n")
qs += ["unrelated words only", words[1], "/help"]
open(qfile, "w").write("\n".join(qs) + "\n")
PY
same_both_ways "generated 300-entry kb" "$tmp/gen.txt" --knowledge "$tmp/gen"
check "generated kb: answers" test "$(grep -c '"status":"answered"' "$tmp/ref.jsonl")" -gt 1000
check "generated kb: the 4,096-byte answer" grep -q '"entry":"e7".*xxxxxxxxxx' "$tmp/ref.jsonl"

# the file changes under a running batch: one byte inserted before the
# entries moves every span; the next answer read from it falls back, and
# its JSON line says "no_answer" (the reply is rendered before the status)
check "changed file: fallback and a log line" python3 - "$FAQBOT" "$tmp" <<'PY'
import select, subprocess, sys
faqbot, tmp = sys.argv[1], sys.argv[2]
err = open(tmp + "/changed.err", "w")
p = subprocess.Popen([faqbot, "ask", "--batch", "--jobs", "1", "--config",
                      tmp + "/disk.json", "--knowledge", tmp + "/gen"],
                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err)
def ask(q):
    p.stdin.write(q.encode() + b"\n"); p.stdin.flush()
    r, _, _ = select.select([p.stdout], [], [], 120)   # bound, not a timing
    return p.stdout.readline().decode() if r else ""
first = open(tmp + "/gen.txt").read().split("\n")
before = ask(first[0])                    # e0, read while the file is intact
path = tmp + "/gen/entries/all.json"
text = open(path).read()
open(path, "w").write(" " + text)
after = ask(first[7])                     # e1, a reply not rendered yet
p.stdin.close()
rc = p.wait(120)
err.close()
log = open(tmp + "/changed.err").read()
ok = ('"entry":"e0"' in before and "Answer 0:" in before and
      "Sorry, I don't know that one" in after and "Answer 1:" not in after and
      # the line's status and entry say what the reply says
      after.startswith('{"status":"no_answer","entry":null,') and
      "entry 'e1': answer cannot be read from" in log and rc == 0)
if not ok:
    print(before, after, log, rc, sep="\n")
sys.exit(0 if ok else 1)
PY

# the other readers of entry text: kb gaps (closest entry from each
# entry's questions) and eval, the same in both modes
python3 - "$tmp/dev.txt" >"$tmp/gaps.jsonl" <<'PY'
import json, sys
for q in open(sys.argv[1]).read().split("\n")[:150]:
    print(json.dumps({"ts": "t", "status": "no_answer", "q": q, "suggestions": []}))
PY
for m in memory disk; do
  "$FAQBOT" kb gaps "$tmp/gaps.jsonl" --json --config "$tmp/$m.json" >"$tmp/gaps-$m.json"
  check "kb gaps $m exits 0" test $? = 0
  "$FAQBOT" eval "$SRC/tests/eval/dev.tsv" --config "$tmp/$m.json" >"$tmp/eval-$m.txt" 2>&1
  check "eval $m runs" grep -q . "$tmp/eval-$m.txt"
done
check "kb gaps: closest entries found" grep -q '"closest": *"' "$tmp/gaps-memory.json"
check "kb gaps: disk == memory" cmp -s "$tmp/gaps-disk.json" "$tmp/gaps-memory.json"
check "eval: disk == memory" cmp -s "$tmp/eval-disk.txt" "$tmp/eval-memory.txt"

check "check-config: disk OK" "$FAQBOT" check-config "$tmp/disk.json"
printf '{"knowledge_text": "ram"}\n' >"$tmp/bad.json"
"$FAQBOT" check-config "$tmp/bad.json" >"$tmp/bad.out"
check "check-config: other values refused" test $? = 1
check "check-config: with the JSON path" grep -qx '$.knowledge_text: expected "memory" or "disk"' "$tmp/bad.out"

check_done
