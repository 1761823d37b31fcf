#!/usr/bin/env python3
"""The telegram plugin against the independent npm emulator
telegram-test-api (installed by this script into the build dir).

The emulator is loose (getUpdates ignores offset and timeout and returns
each update once; errors are HTTP 500 {"message":...}), so these tests
check what it can show: cited answers as replies, commands, the "did you
mean" buttons, and kill -9 mid-stream.  Exit 77 (skipped) when npm cannot
install the emulator.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_e2e  # noqa: E402
from tg_standin import _NO_PROXY  # noqa: E402
from test_e2e import (Bot, QUESTIONS, citation_html,  # noqa: E402
                      first_paragraph_html)

EMU_VERSION = "4.2.1"
HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.environ.get("FAQBOT_BUILD_DIR", "build")
EMU_DIR = os.path.join(os.path.abspath(BUILD), "tg-emulator")
TOKEN = test_e2e.TOKEN


def install():
    mod = os.path.join(EMU_DIR, "node_modules", "telegram-test-api")
    if os.path.isdir(mod):
        return True
    if not shutil.which("npm") or not shutil.which("node"):
        print("npm/node not installed")
        return False
    os.makedirs(EMU_DIR, exist_ok=True)
    try:
        r = subprocess.run(["npm", "install", "--prefix", EMU_DIR,
                            "--no-audit", "--no-fund", "--loglevel=error",
                            "telegram-test-api@" + EMU_VERSION],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=240)
    except subprocess.TimeoutExpired:
        print("npm install timed out")
        return False
    if r.returncode != 0:
        print(r.stdout.decode(errors="replace")[-2000:])
    return r.returncode == 0 and os.path.isdir(mod)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Emulator:
    def __init__(self, hold_ms=0, gate_after=0):
        env = dict(os.environ, NODE_PATH=os.path.join(EMU_DIR,
                                                      "node_modules"))
        # the port is free when picked, but another test may take it
        # before node binds it: then try another one
        for _ in range(5):
            self.port = free_port()
            self.url = "http://127.0.0.1:%d" % self.port
            self.proc = subprocess.Popen(
                ["node", os.path.join(HERE, "emulator-server.js"),
                 str(self.port), str(hold_ms), str(gate_after)], env=env,
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            line = self.proc.stdout.readline().decode()
            if line.strip() == "ready":
                return
            out = line + self.proc.stdout.read().decode(errors="replace")
            self.proc.wait(10)
            if "EADDRINUSE" not in out:
                break
        raise AssertionError("emulator did not start: " + out[-2000:])

    def gate(self, verb):
        """The sendMessage gate of emulator-server.js (release, status)."""
        with _NO_PROXY.open(self.url + "/_gate/" + verb, timeout=10) as r:
            return json.loads(r.read())

    def post(self, path, body):
        req = urllib.request.Request(
            self.url + path, data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"})
        with _NO_PROXY.open(req, timeout=10) as r:
            return json.loads(r.read())

    def say(self, chat, text, user=None):
        user = user or chat
        self.post("/sendMessage", {
            "botToken": TOKEN, "date": int(time.time()), "text": text,
            "from": {"id": user, "is_bot": False, "first_name": "Parent",
                     "username": "parent%d" % user},
            "chat": {"id": chat, "type": "private", "first_name": "Parent"}})
        # the emulator assigns message ids without telling the client
        hist = self.history()
        mine = [h for h in hist if "message" in h and
                h["message"].get("text") == text and
                h["message"].get("chat", {}).get("id") == chat and
                "botToken" in h["message"]]
        return mine[-1]["messageId"]

    def press(self, chat, message_id, data, user=None):
        user = user or chat
        self.post("/sendCallback", {
            "botToken": TOKEN, "data": data,
            "from": {"id": user, "is_bot": False, "first_name": "Parent"},
            "message": {"message_id": message_id,
                        "chat": {"id": chat, "type": "private"}}})

    def history(self):
        return self.post("/getUpdatesHistory", {"token": TOKEN})["result"]

    def bot_messages(self):
        return [h for h in self.history()
                if "chat_id" in h.get("message", {})]

    def replies_to(self, chat, mid):
        return [h for h in self.bot_messages()
                if str(h["message"]["chat_id"]) == str(chat) and
                (h["message"].get("reply_parameters") or {})
                .get("message_id") == mid]

    def wait_replies(self, chat, mid, n=1, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            r = self.replies_to(chat, mid)
            if len(r) >= n:
                return r
            time.sleep(0.2)
        raise AssertionError("no reply to %d in chat %d within %ds" %
                             (mid, chat, timeout))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def wait_log(bot, text, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if text in bot.output():
            return
        time.sleep(0.1)
    raise AssertionError("no '%s' in the log" % text)


def test_cited_answer_as_reply(emu, bot):
    mid = emu.say(31, "does massage help my baby sleep?")
    m = emu.wait_replies(31, mid)[0]["message"]
    assert m["parse_mode"] == "HTML"
    assert first_paragraph_html("sleep") in m["text"], m["text"]
    for piece in citation_html("sleep"):
        assert piece in m["text"], (piece, m["text"])


def test_commands(emu, bot):
    for cmd, want in (("/start", "Hello! I answer parents"),
                      ("/help", "Commands:"),
                      ("/topics", "I can answer questions on: ")):
        mid = emu.say(32, cmd)
        m = emu.wait_replies(32, mid)[0]["message"]
        assert want in m["text"], (cmd, m["text"])


def test_did_you_mean_buttons(emu, bot):
    mid = emu.say(33, "massage")
    h = emu.wait_replies(33, mid)[0]
    rows = h["message"]["reply_markup"]["inline_keyboard"]
    data = rows[0][0]["callback_data"]
    emu.press(33, h["messageId"], data)
    m = emu.wait_replies(33, h["messageId"])[0]["message"]
    assert first_paragraph_html(data[2:]) in m["text"], m["text"]


def test_kill9_midstream(emu, bot):
    # the emulator lets 4 replies through and holds the next ones (a gate,
    # see emulator-server.js), so the kill lands mid-stream however fast
    # the bot (or slow the asking) is
    asked = [(600 + i % 6, emu.say(600 + i % 6, QUESTIONS[i % 8]))
             for i in range(18)]
    deadline = time.time() + 60
    while emu.gate("status")["held"] < 1 and time.time() < deadline:
        time.sleep(0.05)
    assert emu.gate("status")["held"] >= 1, "no reply reached the gate"
    bot.kill9()
    bot.assert_no_secret()     # the journal holds the emulator's updates
    at_kill = len(emu.bot_messages())
    assert at_kill < len(asked), "too fast to kill mid-stream"
    emu.gate("release")        # the dead bot's held replies may land too
    bot.start()
    for chat, mid in asked:
        emu.wait_replies(chat, mid)
    time.sleep(1.5)
    counts = [len(emu.replies_to(c, m)) for c, m in asked]
    assert min(counts) >= 1 and max(counts) <= 2, counts
    print("    kill -9 after %d of %d replies; duplicates: %d" % (
        at_kill, len(asked), sum(c - 1 for c in counts)))


test_kill9_midstream.gate_after = 4

TESTS = [test_cited_answer_as_reply, test_commands,
         test_did_you_mean_buttons, test_kill9_midstream]


def main():
    if not install():
        print("telegram_emulator: skipped: cannot install telegram-test-api")
        return 77
    passed = failed = 0
    for fn in TESTS:
        workdir = tempfile.mkdtemp(prefix="tg-emu-")
        emu = Emulator(getattr(fn, "hold_ms", 0), getattr(fn, "gate_after", 0))
        bot = Bot(workdir, emu.url).start()
        try:
            wait_log(bot, "polling for updates")
            fn(emu, bot)
            bot.stop()
            bot.assert_no_secret()
            passed += 1
            print("PASS %s" % fn.__name__)
        except Exception:
            failed += 1
            print("FAIL %s" % fn.__name__)
            traceback.print_exc()
            print(bot.output()[-3000:])
        finally:
            if bot.proc.poll() is None:
                bot.proc.kill()
                bot.proc.wait(5)
            emu.stop()
            shutil.rmtree(workdir, ignore_errors=True)
        sys.stdout.flush()
    print("telegram_emulator: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
