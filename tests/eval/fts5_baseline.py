#!/usr/bin/env python3
"""fts5_baseline.py - a plain SQLite FTS5 baseline for faqbot's eval sets.

Usage: python3 tests/eval/fts5_baseline.py KNOWLEDGE_DIR EVAL.tsv [--threshold T] [-v]

Loads every entry under KNOWLEDGE_DIR/entries into an FTS5 table
(columns questions, keywords, title, answer; tokenize='porter'), queries
each eval question as an OR of its quoted words, ranks by bm25() and
answers with the top entry when its score (-bm25, higher is better)
reaches the threshold.  No synonyms, no stopwords, no typo repair and no
triage: urgent lines count as in-scope lines expecting `urgent-care`.

Prints the same summary lines as `faqbot eval`.  Exit status: 0 when it
ran (whatever the score), 2 on bad usage or unreadable input.
Standard library only (sqlite3, json).
"""
import glob
import json
import os
import re
import sqlite3
import sys

# Picked once (on dev.tsv, first version of the knowledge) as the point
# where in-scope answers and out-of-scope abstentions were roughly
# balanced; scores of this small table sit in 0..25.  Never re-tuned per
# file; --threshold overrides it for experiments.
DEFAULT_THRESHOLD = 4.0
URGENT_ID = "urgent-care"
WORD_RE = re.compile(r"\w+", re.UNICODE)


def die(msg):
    print("fts5_baseline: " + msg, file=sys.stderr)
    sys.exit(2)


def load_entries(kdir):
    """Every entry object under kdir/entries/*.json (one per file, or a
    file holding {"entries": [...]})."""
    files = sorted(glob.glob(os.path.join(kdir, "entries", "*.json")))
    if not files:
        die("no entries under %s/entries" % kdir)
    entries = []
    for path in files:
        try:
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
        except (OSError, ValueError) as e:
            die("%s: %s" % (path, e))
        items = doc.get("entries") if isinstance(doc, dict) and "entries" in doc else [doc]
        for e in items:
            if not isinstance(e, dict) or not isinstance(e.get("id"), str):
                die("%s: entry without an id" % path)
            entries.append(e)
    return entries


def build_index(entries):
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE kb USING fts5("
               "questions, keywords, title, answer, tokenize='porter')")
    for i, e in enumerate(entries):
        db.execute("INSERT INTO kb(rowid, questions, keywords, title, answer) "
                   "VALUES (?, ?, ?, ?, ?)",
                   (i, "\n".join(e.get("questions", [])),
                    "\n".join(e.get("keywords", [])),
                    e.get("title", ""), e.get("answer", "")))
    return db


def fts_query(question):
    """OR of the question's words, each quoted so that FTS5 syntax in the
    text (AND, NEAR, *, ", :) is read as plain words."""
    words = WORD_RE.findall(question.lower())
    if not words:
        return None
    return " OR ".join('"%s"' % w.replace('"', '""') for w in words)


def best_match(db, entries, question):
    """(entry id, score) of the top hit, or (None, 0.0)."""
    q = fts_query(question)
    if q is None:
        return None, 0.0
    row = db.execute("SELECT rowid, bm25(kb) FROM kb WHERE kb MATCH ? "
                     "ORDER BY bm25(kb) LIMIT 1", (q,)).fetchone()
    if row is None:
        return None, 0.0
    return entries[row[0]]["id"], -row[1]


def read_eval(path):
    lines = []
    try:
        with open(path, encoding="utf-8") as f:
            for n, raw in enumerate(f, 1):
                line = raw.rstrip("\n").rstrip("\r")
                if not line.strip() or line.lstrip().startswith("#"):
                    continue
                parts = line.split("\t")
                if len(parts) != 2 or not parts[1].strip():
                    die("%s:%d: expected question<TAB>expected" % (path, n))
                lines.append((n, parts[0], parts[1].strip().split("|")))
    except OSError as e:
        die("%s: %s" % (path, e))
    return lines


def pct(a, b):
    return 100.0 * a / b if b else 0.0


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("-")]
    verbose = "-v" in argv
    threshold = DEFAULT_THRESHOLD
    if "--threshold" in argv:
        i = argv.index("--threshold")
        try:
            threshold = float(argv[i + 1])
            args.remove(argv[i + 1])
        except (IndexError, ValueError):
            die("--threshold needs a number")
    if len(args) != 2:
        die("usage: fts5_baseline.py KNOWLEDGE_DIR EVAL.tsv [--threshold T] [-v]")
    entries = load_entries(args[0])
    db = build_index(entries)
    cases = read_eval(args[1])
    print("fts5 baseline: %d entries, bm25 threshold %.2f (score = -bm25)"
          % (len(entries), threshold))

    ins = ins_ok = oos = oos_ok = urg = urg_ok = 0
    for n, question, expected in cases:
        top, score = best_match(db, entries, question)
        answered = top if top is not None and score >= threshold else None
        if expected == ["-"]:
            oos += 1
            ok = answered is None
            oos_ok += ok
        else:
            ins += 1
            ok = answered in expected
            ins_ok += ok
            if URGENT_ID in expected:
                urg += 1
                urg_ok += ok
        if verbose or not ok:
            print("%s line %d: %s -> %s (%.2f), expected %s"
                      % ("ok  " if ok else "FAIL", n, question,
                         answered or "-", score, "|".join(expected)))
    passed = ins_ok + oos_ok
    # Same lines as `faqbot eval` (here in-scope includes the urgent lines).
    print("in-scope answered correctly: %d/%d = %.1f%%" % (ins_ok, ins, pct(ins_ok, ins)))
    print("out-of-scope abstained:      %d/%d = %.1f%%" % (oos_ok, oos, pct(oos_ok, oos)))
    print("urgent recall:               %d/%d = %.1f%%" % (urg_ok, urg, pct(urg_ok, urg)))
    print("%d passed, %d failed" % (passed, len(cases) - passed))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
