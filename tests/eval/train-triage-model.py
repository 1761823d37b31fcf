#!/usr/bin/env python3
"""Train knowledge/triage-model.tsv, the learnt second net of the triage.

The rules of knowledge/triage.json name danger signs; each new writer's
wording brings words they do not list.  This trains a logistic regression
on the danger (urgent-care) and ordinary lines of the tracked eval sets,
tests/eval/triage-cases.tsv and the entries' alternate questions, over the
features faqbot reads at run time (bot/kb-tmodel.c): the stems of the
triage reading (`faqbot kb terms`) and each pair of adjacent stems.
Deterministic: the same files give the same model.

  tests/eval/train-triage-model.py [--faqbot build/faqbot] [--out FILE]
  tests/eval/train-triage-model.py --cv   # leave one blind pair out
  tests/eval/train-triage-model.py --check # faqbot scores as trained
"""
import argparse, glob, json, math, os, shutil, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
KNOW = os.path.join(ROOT, 'knowledge')


def eval_lines(path):
    """(question, is_urgent) of an eval or triage-cases file."""
    out = []
    with open(path, encoding='utf-8') as f:
        for line in f:
            if line.startswith('#') or '\t' not in line:
                continue
            a, b = line.rstrip('\n').split('\t')[:2]
            if os.path.basename(path) == 'triage-cases.tsv':
                out.append((b, a == '+'))
            else:
                out.append((a, b == 'urgent-care'))
    return out


def alternates():
    out = []
    for p in sorted(glob.glob(os.path.join(KNOW, 'entries', '*.json'))):
        e = json.load(open(p, encoding='utf-8'))
        for x in (e if isinstance(e, list) else e.get('entries', [e])):
            out += [(q, x.get('id') == 'urgent-care')
                    for q in x.get('questions', [])]
    return out


def readings(faqbot, qs):
    r = subprocess.run([faqbot, 'kb', 'terms', '--knowledge', KNOW],
                       input='\n'.join(q.replace('\n', ' ') for q in qs) + '\n',
                       capture_output=True, text=True, check=True)
    lines = r.stdout.split('\n')[:len(qs)]
    assert len(lines) == len(qs), 'faqbot kb terms: one line per question'
    return lines


def features(reading):
    """What kb-tmodel.c adds up: each stem and each adjacent pair, as
    often as they occur."""
    t = reading.split()
    f = [w for w in t if w != '?']
    f += [a + ' ' + b for a, b in zip(t, t[1:]) if '?' not in (a, b)]
    return f


def train(data, epochs=30, rate=0.5, l2=1e-4):
    """Class-weighted logistic regression by plain SGD, fixed order."""
    w, b = {}, 0.0
    npos = sum(y for _, y in data) or 1
    pos_weight = (len(data) - npos) / npos
    for ep in range(epochs):
        step = rate / (1 + ep * 0.1)
        for f, y in data:
            z = b + sum(w.get(k, 0.0) for k in f)
            p = 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))
            g = (p - y) * (pos_weight if y else 1.0) * step
            b -= g * 0.1
            for k in f:
                w[k] = w.get(k, 0.0) - g - l2 * w.get(k, 0.0)
    return w, b


def score(w, b, f):
    z = b + sum(w.get(k, 0.0) for k in f)
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


def eval_files():
    """The eval sets git tracks (a writer's new, uncommitted blind set is
    not trained on); every tests/eval/*.tsv outside a git checkout."""
    r = subprocess.run(['git', '-C', ROOT, 'ls-files', 'tests/eval/*.tsv'],
                       capture_output=True, text=True)
    if r.returncode == 0 and r.stdout.split():
        return [os.path.join(ROOT, p) for p in r.stdout.split()]
    return sorted(glob.glob(os.path.join(HERE, '*.tsv')))


def load_all(faqbot):
    """{name: [(features, is_urgent)]} per eval file, plus alternates."""
    sets = {os.path.basename(p): eval_lines(p) for p in eval_files()}
    sets['alternates'] = alternates()
    out = {}
    for name, rows in sorted(sets.items()):
        rd = readings(faqbot, [q for q, _ in rows])
        out[name] = [(features(r), y) for r, (_, y) in zip(rd, rows)]
    return out


def cross_validate(sets, threshold):
    """Hold out each blind urgent/calm pair in turn: the model alone."""
    pairs = sorted(n for n in sets if n.startswith('blind-urgent'))
    tot = [0, 0, 0, 0]
    for u in pairs:
        c = u.replace('urgent', 'calm')
        data = [x for n, rows in sorted(sets.items()) if n not in (u, c)
                for x in rows]
        w, b = train(data)
        hit = sum(score(w, b, f) >= threshold for f, _ in sets[u])
        fa = sum(score(w, b, f) >= threshold for f, _ in sets.get(c, []))
        print(f'{u}: model alone catches {hit}/{len(sets[u])}, '
              f'fires on {fa}/{len(sets.get(c, []))} of {c}')
        tot = [tot[0] + hit, tot[1] + len(sets[u]),
               tot[2] + fa, tot[3] + len(sets.get(c, []))]
    print(f'all held-out pairs: {tot[0]}/{tot[1]} caught, '
          f'{tot[2]}/{tot[3]} calm lines fired')


def read_model(path):
    w, th, b = {}, None, None
    for line in open(path, encoding='utf-8'):
        if line.startswith('#') or not line.strip():
            continue
        if line.startswith('threshold '):
            th = float(line.split()[1])
        elif line.startswith('bias '):
            b = float(line.split()[1])
        else:
            v, f = line.rstrip('\n').split('\t')
            w[f] = float(v)
    return w, b, th


def check(faqbot, model):
    """faqbot (bot/kb-tmodel.c) fires the model exactly where this
    script's score reaches the threshold, on every tracked line: run with
    rules that cannot fire (a group of a word nobody writes added to
    each), so that the model is asked every time."""
    w, b, th = read_model(model)
    qs = [q for p in eval_files() for q, _ in eval_lines(p)]
    with tempfile.TemporaryDirectory() as tmp:
        kdir = os.path.join(tmp, 'knowledge')
        shutil.copytree(KNOW, kdir)
        shutil.copy(model, os.path.join(kdir, 'triage-model.tsv'))
        tri = json.load(open(os.path.join(kdir, 'triage.json')))
        for rule in tri['rules']:   # never fire, same vocabulary
            rule.setdefault('all', rule.pop('any', None))
            rule.pop('at_least', None)
            rule['all'].append(['zzqxjv'])
        json.dump(tri, open(os.path.join(kdir, 'triage.json'), 'w'))
        r = subprocess.run([faqbot, 'ask', '--knowledge', kdir, '--batch',
                            '--json', '--jobs', '1'],
                           input='\n'.join(qs) + '\n', capture_output=True,
                           text=True, check=True).stdout.splitlines()
    rd = readings(faqbot, qs)
    bad = 0
    for q, line, reading in zip(qs, r, rd):
        c = json.loads(line).get('triage_rule') == 'model'
        py = score(w, b, features(reading)) >= th
        if c != py:
            bad += 1
            print(f'mismatch (faqbot {c}, trainer {py}): {q}')
    fired = sum(json.loads(x).get('triage_rule') == 'model' for x in r)
    print(f'{len(qs)} lines, {len(r)} replies, the model fired on {fired}, '
          f'{bad} mismatches')
    return 1 if bad or len(r) != len(qs) else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--faqbot', default=os.path.join(ROOT, 'build', 'faqbot'))
    ap.add_argument('--out', default=os.path.join(KNOW, 'triage-model.tsv'))
    ap.add_argument('--threshold', type=float, default=0.8)
    ap.add_argument('--cv', action='store_true')
    ap.add_argument('--check', action='store_true')
    a = ap.parse_args()
    if a.check:
        return check(a.faqbot, a.out)
    sets = load_all(a.faqbot)
    if a.cv:
        cross_validate(sets, a.threshold)
        return 0
    w, b = train([x for _, rows in sorted(sets.items()) for x in rows])
    kept = {k: round(v, 3) for k, v in sorted(w.items()) if abs(v) >= 0.01}
    with open(a.out, 'w', encoding='utf-8') as f:
        f.write('# learnt by tests/eval/train-triage-model.py from the '
                'tracked eval sets;\n# do not edit by hand: add cases and '
                'retrain.  weight<TAB>feature\n')
        f.write(f'threshold {a.threshold}\nbias {round(b, 3)}\n')
        for k, v in kept.items():
            f.write(f'{v}\t{k}\n')
    print(f'{a.out}: {len(kept)} features, bias {b:.3f}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
