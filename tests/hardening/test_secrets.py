#!/usr/bin/env python3
"""Secrets (issue 7, item 6).

A full run at log level debug with fake tokens for both platforms against
FakePlatform servers that misbehave (5xx, resets, truncated and oversized
bodies, connection refused, a rejected token, DNS failure), then every
log line, every output and every file the bot wrote is searched for the
tokens (and for the token's secret half alone).  Also:
  - a Telegram token file readable by group/others is refused, with a
    message that does not quote the token;
  - a token written into the config itself is refused, not echoed;
  - no token in the bot's argv (/proc/<pid>/cmdline);
  - core dumps are off for `faqbot run` (RLIMIT_CORE 0 in /proc/<pid>/limits);
  - the state dir and files (a Matrix password login keeps its access
    token there) are private.
"""
import json
import os
import signal
import subprocess
import tempfile
import time

from harness import (Bot, Checker, MX_TOKEN, SECRETS, TG_TOKEN, dev_questions,
                     faqbot_binary, wait_until)
import fakeplat


def busy_run(c):
    tg = fakeplat.FakePlatform("telegram", TG_TOKEN)
    mx = fakeplat.FakePlatform("matrix", MX_TOKEN)
    bot = Bot("secrets", tg=tg, mx=mx, log_level="debug")
    bot.start()
    c.check("secrets bot comes up", wait_until(
        lambda: tg.poll_times and mx.polls_with_state, 60))
    with open("/proc/%d/cmdline" % bot.proc.pid, "rb") as f:
        argv = f.read().decode("utf-8", "replace")
    c.check("no token in argv", not any(s in argv for s in SECRETS))
    with open("/proc/%d/limits" % bot.proc.pid) as f:
        core = [l for l in f if l.startswith("Max core file size")]
    c.check("core dumps off for faqbot run (RLIMIT_CORE 0)",
            core and core[0].split()[4:6] == ["0", "0"], core[0].strip() if core else "")
    qs = dev_questions()
    for i, (where, action, arg) in enumerate([
            ("poll", "status", 502), ("send", "status", 500),
            ("poll", "reset", None), ("send", "reset", None),
            ("poll", "trunc", None), ("poll", "huge", None),
            ("send", "huge", None), ("poll", "shape", None)]):
        for p in (tg, mx):
            p.fault(where, action, arg)
        a, b = tg.ask(qs[i]), mx.ask(qs[i + 1])
        wait_until(lambda: tg.answers.get(a) and mx.answers.get(b), 60)
    for p in (tg, mx):
        threading_down(p, 2)
    q = tg.ask("does massage help colic?")
    wait_until(lambda: tg.answers.get(q), 60)
    # the platform stops accepting the token: both plugins must say so
    # without quoting it (wait for both lines, bounded)
    tg.token = "0:rotated"
    mx.token = "rotated"
    wait_until(lambda: "rejected the bot token" in bot.log_text() and
               "rejected the access token" in bot.log_text(), 60)
    bot.kill(signal.SIGTERM)
    sdir = os.path.join(bot.dir, "state")
    modes = {n: oct(os.stat(os.path.join(sdir, n)).st_mode & 0o777)
             for n in os.listdir(sdir)}
    c.check("state dir is private (0700)", os.stat(sdir).st_mode & 0o077 == 0,
            oct(os.stat(sdir).st_mode & 0o777))
    c.check("state files (may hold a Matrix login token) are not group/world "
            "readable", modes and all(int(m, 8) & 0o077 == 0 for m in modes.values()),
            str(modes))
    logs = bot.log_text()
    c.check("telegram said the token was rejected",
            "rejected the bot token" in logs)
    c.check("matrix said the token was rejected", "rejected the access token" in logs)
    c.check("debug log has something to hide (URLs, errors)",
            logs.count("\n") > 30, "%d lines" % logs.count("\n"))
    tg.close()
    mx.close()
    return bot


def threading_down(p, seconds):
    import threading
    t = threading.Thread(target=p.down, args=(seconds,))
    t.start()
    t.join(seconds + 10)


def dns_run(c):
    bad = type("P", (), {"url": "http://faqbot-no-such-host.invalid:8080"})()
    bot = Bot("secrets-dns", tg=bad, mx=bad, log_level="debug")
    bot.start()
    # both plugins failed a lookup (a SIGTERM before the bot blocked its
    # signals would kill it, not stop it)
    wait_until(lambda: all(any(tag in l and "resolve" in l.lower()
                               for l in bot.log_text().splitlines())
                           for tag in ("[telegram]", "[matrix]")), 60)
    c.check("DNS-failure run: stops cleanly", bot.kill(signal.SIGTERM) == 0)
    return bot


def token_file(c):
    """token_file readable by others: refused, token not quoted."""
    tg = fakeplat.FakePlatform("telegram", TG_TOKEN)
    bot = Bot("secrets-file", tg=tg, tg_extra={"token_file": None})
    secret_dir = tempfile.mkdtemp(prefix="faqbot-secret-")  # not scanned
    path = os.path.join(secret_dir, "tg.token")
    with open(path, "w") as f:
        f.write(TG_TOKEN + "\n")
    os.chmod(path, 0o644)
    cfg = json.load(open(bot.config))
    cfg["plugins"]["telegram"]["token_file"] = path
    del cfg["plugins"]["telegram"]["token_env"]
    cfg["plugins"]["console"]["enabled"] = True
    with open(bot.config, "w") as f:
        json.dump(cfg, f)
    p = subprocess.run([faqbot_binary(), "run", "--config", bot.config],
                       input=b"colic?\n", capture_output=True, timeout=30,
                       cwd=bot.dir, env=dict(os.environ))
    err = p.stderr.decode("utf-8", "replace")
    c.check("world-readable token file refused, by name",
            "plugin refused" in err and "chmod 600" in err, err[-200:])
    c.check("the console keeps serving meanwhile", b"Source:" in p.stdout)
    os.chmod(path, 0o600)
    bot2 = subprocess.Popen([faqbot_binary(), "run", "--config", bot.config],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=bot.dir)
    ok = wait_until(lambda: tg.poll_times, 60)
    bot2.terminate()
    out, err2 = bot2.communicate(timeout=30)
    c.check("a 0600 token file is accepted", ok)
    # a token pasted into the config: refused without quoting it
    cfg["plugins"]["telegram"]["token"] = TG_TOKEN
    with open(bot.config, "w") as f:
        json.dump(cfg, f)
    p3 = subprocess.run([faqbot_binary(), "run", "--config", bot.config],
                        input=b"", capture_output=True, timeout=30, cwd=bot.dir)
    err3 = p3.stderr.decode("utf-8", "replace")
    c.check("a token inside the config is refused", "token inside the config"
            in err3, err3[-200:])
    mxcfg = {"plugins": {"console": {"enabled": False}, "matrix": {
        "homeserver_url": "http://127.0.0.1:1", "user_id": "@a:b",
        "access_token": MX_TOKEN, "token_env": "NOPE_UNSET"}},
        "state_dir": os.path.join(bot.dir, "state2")}
    mpath = os.path.join(secret_dir, "mx.json")
    with open(mpath, "w") as f:
        json.dump(mxcfg, f)
    p4 = subprocess.run([faqbot_binary(), "run", "--config", mpath], input=b"",
                        capture_output=True, timeout=30, cwd=bot.dir)
    err4 = p4.stderr.decode("utf-8", "replace")
    c.check("matrix: a token inside the config is refused", "refused" in err4,
            err4[-200:])
    tg.close()
    text = "".join(x.decode("utf-8", "replace") for x in
                   (p.stdout, p.stderr, out, err2, p3.stdout, p3.stderr,
                    p4.stdout, p4.stderr))
    return bot, text


def main():
    c = Checker()
    bots = [busy_run(c), dns_run(c)]
    fbot, text = token_file(c)
    for b in bots:
        for path, t in b.all_files_text():
            if any(s in t for s in SECRETS):
                print("  token found in %s" % path)
    c.no_secrets(bots + [fbot], extra_text=text)
    c.finish()


if __name__ == "__main__":
    main()
