#!/usr/bin/env python3
"""Write a synthetic knowledge directory for speed and memory figures:
N entries of 6 questions (6-14 words) and a 60-word answer, words drawn
from a Zipf distribution over a pseudo-English vocabulary.  Also writes
queries.txt (one question per line: paraphrases of random alternates
with a dropped word, a swapped word and some typos, plus unrelated ones).

usage: gen-synthetic.py OUTDIR [N] [SEED]"""
import json, os, random, sys

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
rnd = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
syl = ["ba", "be", "bo", "ca", "co", "da", "de", "di", "fa", "fe", "ga", "go",
       "ha", "he", "ka", "ko", "la", "le", "li", "lo", "ma", "me", "mi", "mo",
       "na", "ne", "no", "pa", "pe", "po", "ra", "re", "ri", "ro", "sa", "se",
       "si", "so", "ta", "te", "ti", "to", "va", "ve", "wa", "we", "ya", "zo"]
vocab = set()
while len(vocab) < 30000:
    vocab.add("".join(rnd.choice(syl) for _ in range(rnd.randint(2, 4))) +
              rnd.choice(["", "n", "r", "s", "t", "l"]))
vocab = sorted(vocab)
rnd.shuffle(vocab)
weights = [1.0 / (i + 1) ** 1.05 for i in range(len(vocab))]
cum, acc = [], 0.0
for w in weights:
    acc += w
    cum.append(acc)

def words(k):
    import bisect
    return [vocab[bisect.bisect_left(cum, rnd.random() * acc)] for _ in range(k)]

os.makedirs(out + "/sources", exist_ok=True)
os.makedirs(out + "/entries", exist_ok=True)
json.dump({"id": "synthetic", "title": "Synthetic", "sections": ["S"]},
          open(out + "/sources/synthetic.json", "w"))
entries, queries = [], []
for i in range(n):
    qs = [" ".join(words(rnd.randint(6, 14))) + "?" for _ in range(6)]
    entries.append({"id": "e%d" % i, "title": " ".join(words(4)),
                    "questions": qs, "keywords": words(4),
                    "answer": " ".join(words(60)) + ".",
                    "citations": [{"source": "synthetic", "section": "S"}]})
    if rnd.random() < 2000.0 / n:
        q = qs[rnd.randrange(6)].rstrip("?").split()
        if len(q) > 3:
            q.pop(rnd.randrange(len(q)))
        j = rnd.randrange(len(q))
        if len(q[j]) >= 5:
            q[j] = q[j][:2] + q[j][3:]      # a typo
        queries.append(" ".join(q))
for _ in range(len(queries) // 4):
    queries.append(" ".join(words(rnd.randint(3, 10))))
with open(out + "/entries/all.json", "w") as f:
    json.dump({"entries": entries}, f)
with open(out + "/queries.txt", "w") as f:
    f.write("\n".join(queries) + "\n")
