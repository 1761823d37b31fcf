#!/usr/bin/env python3
"""Plugin containment (issue 7, item 7): a misbehaving plugin beside the
console, through the real `faqbot run`.

  - create() crashes with SIGSEGV: the host creates each plugin first in a
    throw-away child process, so the crash is reported by name and the
    plugin refused; the console keeps answering;
  - run() returns an error: reported, the console keeps answering;
  - stop() blocks: shutdown still meets its deadline (stop() is called on
    a helper thread); the laggard is reported and left behind;
  - run() crashes with SIGSEGV: cannot be contained inside one process;
    the bot dies by the signal (the service manager restarts it), and no
    answer already sent is lost or repeated thanks to the saved offsets
    (see test_crash_restart.py).  Checked so the limit stays documented.
"""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time

from harness import Checker, faqbot_binary, source_dir, wait_until

BAD = os.environ.get("BAD_PLUGIN_DIR") or os.path.join(
    os.environ.get("FAQBOT_BUILD_DIR", "build"), "tests", "bad-plugins")


class Run:
    def __init__(self, bad_mode):
        self.dir = tempfile.mkdtemp(prefix="faqbot-contain-")
        plugdir = os.path.join(self.dir, "plugins")
        os.mkdir(plugdir)
        shutil.copy(os.path.join(os.path.dirname(faqbot_binary()), "plugins",
                                 "console.so"), plugdir)
        shutil.copy(os.path.join(BAD, "bad_%s.so" % bad_mode), plugdir)
        cfg = {"knowledge_dir": os.path.join(source_dir(), "knowledge"),
               "plugin_dir": plugdir, "state_dir": os.path.join(self.dir, "state"),
               "plugins": {"console": {}, "bad": {"plugin": "bad_%s" % bad_mode}}}
        self.cfg = os.path.join(self.dir, "faqbot.json")
        with open(self.cfg, "w") as f:
            json.dump(cfg, f)
        self.err = open(os.path.join(self.dir, "err.txt"), "wb")
        self.p = subprocess.Popen([faqbot_binary(), "run", "--config", self.cfg],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=self.err, cwd=self.dir)
        os.set_blocking(self.p.stdout.fileno(), False)
        self.out = b""

    def ask(self, q, timeout=60):
        """Ask on the console; True when a cited answer came back."""
        n = len(self.out)
        try:
            self.p.stdin.write(q.encode() + b"\n")
            self.p.stdin.flush()
        except OSError:
            return False

        def got():
            try:
                chunk = self.p.stdout.read()
            except OSError:
                chunk = None
            if chunk:
                self.out += chunk
            return b"Source:" in self.out[n:]
        return wait_until(got, timeout)

    def log(self):
        self.err.flush()
        with open(os.path.join(self.dir, "err.txt"), "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stop(self, sig=signal.SIGTERM, timeout=40):
        t0 = time.time()
        if self.p.poll() is None:
            self.p.send_signal(sig)
        try:
            rc = self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            rc = "hung"
            self.p.wait(5)
        return rc, time.time() - t0


def main():
    c = Checker()
    if not os.path.isdir(BAD):
        c.check("bad fixture plugins built (%s)" % BAD, False)
        c.finish()

    r = Run("crash_create")
    c.check("create() SIGSEGV: console still answers", r.ask("does massage help colic?"))
    rc, _ = r.stop()
    log = r.log()
    c.check("create() SIGSEGV: reported by name",
            "[bad] plugin refused" in log and "crashed" in log, log[-300:])
    c.check("create() SIGSEGV: clean exit (rc %s)" % rc, rc == 0)

    r = Run("run_error")
    c.check("run() error: console still answers", r.ask("does massage help sleep?"))
    # the bad run() may not even have been called yet (threads, load):
    # wait for its report before stopping the bot
    c.check("run() error: reported", wait_until(
        lambda: "[bad] plugin stopped with an error" in r.log(), 60),
        r.log()[-300:])
    rc, _ = r.stop()
    c.check("run() error: the bot stays up, exit 0 on SIGTERM (rc %s)" % rc, rc == 0)

    r = Run("blocking_stop")
    c.check("blocking stop(): console answers", r.ask("how long should a massage session last?"))
    rc, took = r.stop(timeout=60)
    log = r.log()
    # stop() blocks 30 s (fixture-bad.c): a host that waited for it would
    # take that long; its 1.5 s deadline ends the wait (load cannot make
    # that 15 s, and no bound on how fast is asserted)
    print("  blocking stop(): shutdown took %.2f s" % took)
    c.check("blocking stop(): shutdown does not wait for the blocked stop() "
            "(took %.2f s of its 30 s)" % took, took < 15.0)
    c.check("blocking stop(): laggard reported", "[bad] did not stop" in log,
            log[-300:])
    c.check("blocking stop(): exit status says so (rc %s)" % rc, rc == 1)

    r = Run("crash_run")
    c.check("run() SIGSEGV: console answers before it", r.ask("is massage good for jaundice?"))
    died = wait_until(lambda: r.p.poll() is not None, 60)
    rc, _ = r.stop()
    # (under AddressSanitizer the SEGV is caught and turned into an abort)
    c.check("run() SIGSEGV: not containable in-process, the bot dies by the "
            "signal (documented; the service manager restarts it)",
            died and rc in (-signal.SIGSEGV, -signal.SIGABRT), str(rc))
    c.finish()


if __name__ == "__main__":
    main()
