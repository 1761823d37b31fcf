#!/usr/bin/env python3
"""End-to-end scenarios: the real `faqbot run` with the matrix plugin,
against the homeserver stand-in (mx_standin.py) on 127.0.0.1.

Each scenario starts its own stand-in and its own bot (fresh state dir),
asserts exact behaviour on the room timelines, and stops everything it
started.  Every wait is bounded.  Run by ctest (tests/plugins/matrix/
CMakeLists.txt); env FAQBOT is the binary, FAQBOT_BUILD_DIR the build.
Usage: mx_scenarios.py [name ...]   (default: all)
"""
import glob
import html
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mx_standin  # noqa: E402

BOT = "@faqbot:localhost"
ALICE = "@alice:localhost"
BOB = "@bob:localhost"
TOKEN = "syt_ZmFxYm90_secretTOKEN_4f9a"
BUILD = os.environ.get("FAQBOT_BUILD_DIR", "build")
FAQBOT = os.environ.get("FAQBOT", os.path.join(BUILD, "faqbot"))


# Every wait is for an event, bounded generously (a sanitizer build on a
# loaded 2-core machine passes too; a passing run never waits a bound out).
def wait_until(cond, timeout=60.0, what="condition"):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = cond()
        if v:
            return v
        time.sleep(0.05)
    raise AssertionError("timed out after %.0fs waiting for %s" % (timeout, what))


def eq(got, want, what):
    if got != want:
        raise AssertionError("%s: expected %r, got %r" % (what, want, got))


class World:
    """One stand-in, one state dir, at most one running bot."""

    def __init__(self, name, **plugin_cfg):
        self.srv = mx_standin.Server().start()
        self.hs = self.srv.hs
        self.dir = tempfile.mkdtemp(prefix="mx-%s-" % name, dir=os.path.join(BUILD, "tests"))
        self.logs = []
        self.proc = None
        self.hs.add_user(BOT, displayname="FAQ Bot", token=TOKEN, device_id="BOTDEV")
        self.hs.add_user(ALICE, displayname="Alice", token="tok-alice")
        self.hs.add_user(BOB, displayname="Bob", token="tok-bob")
        mx = {"homeserver_url": self.srv.url, "user_id": BOT,
              "token_env": "MATRIX_ACCESS_TOKEN", "sync_timeout_ms": 2000,
              "backoff_initial_ms": 50, "backoff_max_ms": 400}
        mx.update(plugin_cfg)
        self.cfg = {"knowledge_dir": "knowledge", "state_dir": os.path.join(self.dir, "state"),
                    "log": {"level": "debug", "json": False},
                    "limits": {"max_message_bytes": 4096, "per_user_per_minute": 1000},
                    "plugins": {"console": {"enabled": False}, "matrix": mx}}
        self.env = dict(os.environ, MATRIX_ACCESS_TOKEN=TOKEN,
                        FAQBOT_PLUGIN_DIR=os.path.join(BUILD, "plugins"))

    def start(self, wait_sync=True):
        path = os.path.join(self.dir, "config.json")
        with open(path, "w") as f:
            json.dump(self.cfg, f)
        log = os.path.join(self.dir, "bot-%d.log" % len(self.logs))
        self.logs.append(log)
        n_sync = len(self.hs.sync_calls)
        self.proc = subprocess.Popen([FAQBOT, "run", "--config", path], env=self.env,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=open(log, "w"))
        if wait_sync:
            wait_until(lambda: len(self.hs.sync_calls) > n_sync + 1 or self.proc.poll() is not None,
                       60, "the bot's first syncs")
        return self

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError("the bot did not stop within %ds" % timeout)
        rc = self.proc.returncode if self.proc else None
        self.proc = None
        return rc

    def log(self):
        return "".join(open(p, errors="replace").read() for p in self.logs)

    def close(self, ok):
        try:
            self.stop(signal.SIGKILL)
        finally:
            self.srv.stop()
        if ok:
            shutil.rmtree(self.dir, ignore_errors=True)

    # ---- room helpers
    def dm(self, user=ALICE, encrypted=False):
        room = self.hs.create_room(user, encrypted=encrypted)
        self.hs.invite(room, user, BOT)
        wait_until(lambda: self.member(room, BOT) == "join", 60, "the bot to join " + room)
        return room

    def member(self, room, user):
        with self.hs.lock:
            return self.hs.rooms[room].membership(user)

    def say(self, room, body, sender=ALICE, **extra):
        content = {"msgtype": "m.text", "body": body}
        content.update(extra)
        return self.hs.send(room, sender, "m.room.message", content)

    def bot_events(self, room):
        return [e for e in self.hs.timeline(room) if e["sender"] == BOT
                and e["type"] == "m.room.message"]

    def replies_to(self, room, event_id):
        return [e for e in self.bot_events(room)
                if e["content"].get("m.relates_to", {}).get("m.in_reply_to", {})
                .get("event_id") == event_id]

    def reply(self, room, event_id, timeout=60):
        r = wait_until(lambda: self.replies_to(room, event_id), timeout,
                       "a reply to " + event_id)
        return r[0]

    def quiet(self, room, n_expected, seconds=1.5):
        """Let the bot catch up, then check it posted exactly n messages."""
        time.sleep(seconds)
        eq(len(self.bot_events(room)), n_expected, "bot messages in room")


# ------------------------------------------------------------- scenarios
def check_answer(ev, question_id, asker):
    c = ev["content"]
    eq(c["msgtype"], "m.notice", "msgtype")
    eq(c["m.relates_to"]["m.in_reply_to"]["event_id"], question_id, "in_reply_to")
    eq(c["m.mentions"], {"user_ids": [asker]}, "m.mentions")
    eq(c["format"], "org.matrix.custom.html", "format")
    if "\nSource: Proven Infant Massage Benefits" not in c["body"] or 'section' not in c["body"]:
        raise AssertionError("no citation in body: %r" % c["body"][:300])
    if "<em>Source: Proven Infant Massage Benefits: Building Your Baby&#39;s Secure" \
            not in c["formatted_body"]:
        raise AssertionError("citation not escaped in formatted_body: %r" % c["formatted_body"][:400])
    if "<script" in c["formatted_body"] or "Baby's" in c["formatted_body"]:
        raise AssertionError("unescaped text in formatted_body")


def sc_dm_answer(w):
    w.start()
    room = w.dm()
    q = w.say(room, "does massage help my baby sleep?")
    check_answer(w.reply(room, q), q, ALICE)
    if "sleep" not in w.reply(room, q)["content"]["body"].lower():
        raise AssertionError("the answer is not about sleep")
    w.quiet(room, 1)
    # a question quoting an earlier message (legacy reply fallback)
    q2 = w.say(room, "> <@faqbot:localhost> Yes, the article links massage with sleep\n\n"
               "what about gas and colic?",
               **{"m.relates_to": {"m.in_reply_to": {"event_id": q}}})
    body = w.reply(room, q2)["content"]["body"].lower()
    if "gas" not in body and "colic" not in body:
        raise AssertionError("fallback not stripped; answer: %r" % body[:200])
    # a question inside a thread is answered in that thread
    q3 = w.say(room, "can massage help weight gain?",
               **{"m.relates_to": {"rel_type": "m.thread", "event_id": q,
                                   "is_falling_back": True,
                                   "m.in_reply_to": {"event_id": q}}})
    rel = w.reply(room, q3)["content"]["m.relates_to"]
    eq(rel, {"rel_type": "m.thread", "event_id": q, "is_falling_back": False,
             "m.in_reply_to": {"event_id": q3}}, "thread relation")


def sc_group_rules(w):
    w.start()
    room = w.hs.create_room(ALICE, name="Parents")
    w.hs.invite(room, ALICE, BOB)
    w.hs.join(room, BOB)
    w.hs.invite(room, ALICE, BOT)
    wait_until(lambda: w.member(room, BOT) == "join", 60, "join")
    chatter = w.say(room, "hello everyone, does anyone else's baby hate sleep?", sender=BOB)
    by_name = w.say(room, "FAQ Bot: does massage help my baby sleep?")
    by_id = w.say(room, "@faqbot:localhost how does massage help with gas?", sender=BOB)
    by_pill = w.say(room, "what about weight gain?",
                    **{"m.mentions": {"user_ids": [BOT]}})
    bang = w.say(room, "!faq sleep", sender=BOB)
    html_pill = w.say(room, "hey, what about oil?", sender=BOB, format="org.matrix.custom.html",
                      formatted_body='<a href="https://matrix.to/#/@faqbot:localhost">hey</a>, '
                                     'what about oil?')
    quoting = w.say(room, "> <@faqbot:localhost> Yes, massage helps sleep\n\nthanks, good to know",
                    sender=BOB, format="org.matrix.custom.html",
                    formatted_body='<mx-reply><blockquote><a href="https://matrix.to/#/'
                                   '@faqbot:localhost">@faqbot:localhost</a><br>Yes</blockquote>'
                                   '</mx-reply>thanks, good to know')
    for q, who in ((by_name, ALICE), (by_id, BOB), (by_pill, ALICE), (bang, BOB),
                   (html_pill, BOB)):
        check_answer(w.reply(room, q), q, who)
    time.sleep(1.0)
    eq(w.replies_to(room, chatter), [], "replies to chatter")
    eq(w.replies_to(room, quoting), [], "replies to a message quoting the bot")
    eq(len(w.bot_events(room)), 5, "bot messages in the group")


def sc_ignored(w):
    w.start()
    room = w.dm()
    notice = w.hs.send(room, ALICE, "m.room.message", {"msgtype": "m.notice", "body": "sleep?"})
    emote = w.hs.send(room, ALICE, "m.room.message", {"msgtype": "m.emote", "body": "sleep"})
    q = w.say(room, "does massage help my baby sleep?")
    w.reply(room, q)
    edit = w.hs.send(room, ALICE, "m.room.message", {
        "msgtype": "m.text", "body": " * does massage help with gas?",
        "m.new_content": {"msgtype": "m.text", "body": "does massage help with gas?"},
        "m.relates_to": {"rel_type": "m.replace", "event_id": q}})
    w.hs.send(room, ALICE, "m.room.redaction", {"redacts": notice})
    w.hs.send(room, ALICE, "m.reaction", {"m.relates_to": {
        "rel_type": "m.annotation", "event_id": q, "key": "x"}})
    # the bot's own event in the timeline must not be answered either
    w.hs.send(room, BOT, "m.room.message", {"msgtype": "m.text", "body": "does massage help sleep?"})
    last = w.say(room, "!faq gas")
    w.reply(room, last)
    time.sleep(1.0)
    for e in (notice, emote, edit):
        eq(w.replies_to(room, e), [], "replies to ignored event")
    eq(len(w.bot_events(room)), 3, "bot messages (2 answers + its own text)")


def sc_encrypted(w):
    w.start()
    room = w.dm(encrypted=True)
    wait_until(lambda: w.bot_events(room), 60, "the encryption notice")
    w.hs.send(room, ALICE, "m.room.encrypted", {
        "algorithm": "m.megolm.v1.aes-sha2", "ciphertext": "AwgAEnAC", "sender_key": "k",
        "device_id": "D", "session_id": "s"})
    time.sleep(1.5)
    evs = w.bot_events(room)
    eq(len(evs), 1, "notices in the encrypted room")
    if "cannot read encrypted" not in evs[0]["content"]["body"]:
        raise AssertionError("notice text: %r" % evs[0]["content"]["body"])
    wait_until(lambda: "end-to-end encrypted" in w.log(), what="the log line about the encrypted room")
    w.stop()
    w.start()  # a restart posts no second notice
    w.hs.send(room, ALICE, "m.room.encrypted", {"algorithm": "m.megolm.v1.aes-sha2",
                                                "ciphertext": "B", "session_id": "s"})
    time.sleep(1.5)
    eq(len(w.bot_events(room)), 1, "notices after a restart")


def sc_restart_resume(w):
    w.start()
    room = w.dm()
    q1 = w.say(room, "does massage help my baby sleep?")
    w.reply(room, q1)
    eq(w.stop(), 0, "exit status after SIGTERM")
    q2 = w.say(room, "how does massage help with gas?")   # asked while the bot is down
    n_sync = len(w.hs.sync_calls)
    w.start()
    w.reply(room, q2)
    first = w.hs.sync_calls[n_sync]
    if first[1] is None:
        raise AssertionError("the restart did not resume from the saved since token")
    time.sleep(1.0)
    eq(len(w.replies_to(room, q1)), 1, "answers to q1")
    eq(len(w.replies_to(room, q2)), 1, "answers to q2")


def sc_gap_backfill(w):
    """70 questions while the bot is down: more than the sync filter's 50
    timeline events, so the next /sync is "limited".  The bot pages back
    through /rooms/{id}/messages from prev_batch to its since token and
    answers every question once, oldest first."""
    w.start()
    room = w.dm()
    w.reply(room, w.say(room, "!faq sleep"))
    eq(w.stop(), 0, "exit status after SIGTERM")
    before = len(w.bot_events(room))
    texts = ["!faq sleep", "!faq gas", "!faq oil", "!faq weight", "!faq bonding"]
    asked = [w.say(room, texts[i % len(texts)]) for i in range(70)]
    n_sync = len(w.hs.sync_calls)
    w.start()
    for q in asked:
        w.reply(room, q)
    w.quiet(room, before + len(asked))
    for q in asked:
        eq(len(w.replies_to(room, q)), 1, "answers to " + q)
    order = [e["content"]["m.relates_to"]["m.in_reply_to"]["event_id"]
             for e in w.bot_events(room)[before:]]
    eq(order, asked, "answers in the order asked")
    # the first page stops at the since token of the first sync after the
    # restart; later gaps (the bot's own 70 replies) at their sync's token
    since = w.hs.sync_calls[n_sync][1]
    tokens = {c[1] for c in w.hs.sync_calls}
    calls = [c for c in w.hs.messages_calls if c[0] == room]
    if not calls or calls[0][2] != since or any(c[2] not in tokens for c in calls):
        raise AssertionError("/messages calls %r do not stop at the since token %r"
                             % (calls, since))
    # 20 questions, and what the bot's last sync before the stop had not
    # seen yet (its own reply to the first question, ...)
    gap = re.search(r"/sync left a gap; (\d+) earlier event\(s\) fetched", w.log())
    if not gap or not 20 <= int(gap.group(1)) <= 25:
        raise AssertionError("no log line about the 20 back-filled events: %r"
                             % (gap and gap.group(0)))


def sc_first_sync_backlog(w):
    room = w.hs.create_room(ALICE)
    w.hs.force_join(room, BOT)
    old = w.say(room, "does massage help my baby sleep?")
    w.start()
    new = w.say(room, "!faq gas")
    w.reply(room, new)
    time.sleep(1.0)
    eq(w.replies_to(room, old), [], "answers to backlog")


def sc_bad_input(w):
    w.start()
    room = w.dm()
    # a lone surrogate escape (jansson refuses it) and raw invalid UTF-8
    w.hs.corrupt = {b"BADUTF8": b"\xff\xfe\xc3("}
    q1 = w.say(room, "\ud800 does massage help my baby sleep?")
    check_answer(w.reply(room, q1), q1, ALICE)
    q2 = w.say(room, "BADUTF8 how does massage help with gas?")
    check_answer(w.reply(room, q2), q2, ALICE)
    if "invalid Unicode sequence" not in w.log():
        raise AssertionError("no log line about the repaired response")
    # a huge message gets the host's polite notice, as a reply
    q3 = w.say(room, "sleep " * 3000)
    body = w.reply(room, q3)["content"]["body"]
    if "too long" not in body:
        raise AssertionError("huge message: %r" % body[:200])
    w.hs.corrupt = {}
    q4 = w.say(room, "!faq sleep")
    w.reply(room, q4)
    eq(len(w.bot_events(room)), 4, "bot messages")


def sc_flood(w):
    w.cfg["limits"]["per_user_per_minute"] = 3
    w.start()
    room = w.dm()
    qs = [w.say(room, "!faq sleep") for _ in range(6)]
    w.reply(room, qs[3])
    time.sleep(1.5)
    got = [len(w.replies_to(room, q)) for q in qs]
    eq(got, [1, 1, 1, 1, 0, 0], "replies per question (3 answers, 1 notice, then quiet)")
    notice = w.replies_to(room, qs[3])[0]["content"]["body"]
    if "faster than I can answer" not in notice:
        raise AssertionError("flood notice: %r" % notice)
    bob_room = w.dm(BOB)       # the limit is per user
    w.reply(bob_room, w.say(bob_room, "!faq gas", sender=BOB))


def sc_bad_config(w):
    w.cfg["plugins"]["matrix"]["tokn_env"] = "X"
    w.start(wait_sync=False)
    wait_until(lambda: w.proc.poll() is not None, 60, "faqbot to exit")
    if 'matrix: unknown config key "tokn_env"' not in w.log():
        raise AssertionError("no clear config error")
    del w.cfg["plugins"]["matrix"]["tokn_env"]
    w.env.pop("MATRIX_ACCESS_TOKEN")
    w.start(wait_sync=False)
    wait_until(lambda: w.proc.poll() is not None, 60, "faqbot to exit")
    if "matrix: environment variable MATRIX_ACCESS_TOKEN (token_env) is not set" not in w.log():
        raise AssertionError("no clear missing-token error")
    eq(w.hs.requests, [], "requests made with a bad config")


def sc_stale_since(w):
    w.start()
    room = w.dm()
    w.reply(room, w.say(room, "!faq sleep"))
    w.stop()
    path = os.path.join(w.dir, "state", "matrix.json")
    st = json.load(open(path))
    st["data"]["since"] = "s999999_1"     # e.g. the homeserver was reset
    json.dump(st, open(path, "w"))
    n = len(w.hs.sync_calls)
    w.start(wait_sync=False)
    wait_until(lambda: "refuses the saved since token" in w.log(), 60, "the since token to be dropped")

    def fresh_then_next():
        """A fresh sync (no since), then one from its next_batch: the bot
        has skipped the fresh sync's history and now waits for new events
        (a question sent sooner could land in that history)."""
        calls = w.hs.sync_calls[n:]
        fresh = [i for i, c in enumerate(calls) if c[1] is None]
        return fresh and any(c[1] is not None for c in calls[fresh[0] + 1:])
    wait_until(fresh_then_next, 60, "a fresh sync and the next one")
    q = w.say(room, "!faq gas")
    w.reply(room, q)
    eq(len(w.bot_events(room)), 2, "bot messages")


def sc_join_backlog(w):
    """History from before the invite is not answered, even when the
    batch that joins the room has to be retried."""
    w.start()
    room = w.hs.create_room(ALICE)
    before = w.say(room, "!faq oil")
    w.hs.add_fault("503", 9, "/_matrix/client/v3/rooms/", "PUT")   # > MX_SEND_ATTEMPTS
    w.hs.invite(room, ALICE, BOT)
    after = w.say(room, "!faq gas")
    w.reply(room, after)
    eq(w.hs.faults_left(), 0, "faults left")
    time.sleep(1.0)
    eq(w.replies_to(room, before), [], "answers to history before the invite")
    eq(len(w.replies_to(room, after)), 1, "answers to the question after the invite")
    if "batch not fully answered" not in w.log():
        raise AssertionError("the batch was not retried")


def sc_kill9(w):
    rng = random.Random(int(os.environ.get("MX_SEED", "1234")))
    w.start()
    room = w.dm()
    questions = ["does massage help my baby sleep?", "how does massage help with gas?",
                 "can massage help weight gain?", "!faq sleep", "is massage good for bonding?",
                 "how long should a massage session be?", "!faq gas", "!faq oil",
                 "does massage help with colic?", "!faq weight"]
    asked = []
    for i, text in enumerate(questions):
        asked.append(w.say(room, text))
        if rng.random() < 0.5:   # a second question in the same batch
            asked.append(w.say(room, "!faq bonding"))
        if i % 2 == 1:   # the answer is sent, its acknowledgement is lost
            w.hs.add_fault("drop_after", 1, "/_matrix/client/v3/rooms/", "PUT")
        time.sleep(rng.uniform(0.0, 0.5))
        w.stop(signal.SIGKILL)
        if rng.random() < 0.3:   # a question while the bot is down
            asked.append(w.say(room, "!faq sleep"))
        w.start(wait_sync=False)
    for q in asked:
        w.reply(room, q)
    # the worst moment: the answer is stored by the homeserver, the bot
    # dies before it hears so (and before it saves the since token)
    for text in ("!faq sleep", "!faq gas", "!faq oil"):
        victim = w.proc
        w.hs.after_send = lambda user, eid, p=victim: p.kill()
        q = w.say(room, text)
        asked.append(q)
        w.reply(room, q)
        w.hs.after_send = None
        victim.wait(30)
        hits = w.hs.txn_hits
        w.start()
        wait_until(lambda: w.hs.txn_hits > hits, 60, "the resend of the answer to " + text)
    time.sleep(1.0)
    for q in asked:
        eq(len(w.replies_to(room, q)), 1, "answers to " + q)


def sc_faults(w):
    w.start()
    room = w.dm()
    w.hs.add_fault("500", 3, "/_matrix/client/v3/sync")
    w.hs.add_fault("502", 2, "/_matrix/client/v3/sync")
    w.hs.add_fault("drop", 1, "/_matrix/client/v3/sync")
    w.hs.add_fault("badjson", 1, "/_matrix/client/v3/sync")
    q1 = w.say(room, "does massage help my baby sleep?")
    w.reply(room, q1)
    w.hs.add_fault("429", 2, "/_matrix/client/v3/rooms/", "PUT", retry_after_ms=300, header=False)
    w.hs.add_fault("429", 1, "/_matrix/client/v3/rooms/", "PUT", retry_after_ms=900, header=True)
    w.hs.add_fault("503", 2, "/_matrix/client/v3/rooms/", "PUT")
    t0 = time.monotonic()
    q2 = w.say(room, "how does massage help with gas?")
    w.reply(room, q2)
    waited = time.monotonic() - t0
    if waited < 1.5:   # 300 + 300 ms (retry_after_ms) + 1 s (Retry-After: 1)
        raise AssertionError("did not honour the rate limit waits (%.2fs)" % waited)
    eq(w.hs.faults_left(), 0, "faults left")
    time.sleep(1.0)
    eq(len(w.replies_to(room, q1)), 1, "answers to q1")
    eq(len(w.replies_to(room, q2)), 1, "answers to q2")
    log = w.log()
    for needle in ("M_LIMIT_EXCEEDED", "HTTP 500", "HTTP 502", "malformed JSON"):
        if needle not in log:
            raise AssertionError("log lacks %r" % needle)


def sc_bad_token(w):
    w.hs.revoke(TOKEN)
    w.start(wait_sync=False)
    wait_until(lambda: "M_UNKNOWN_TOKEN" in w.log(), 60, "the bad-token line")
    time.sleep(0.5)
    lines = [l for l in w.log().splitlines() if "M_UNKNOWN_TOKEN" in l]
    eq(len(lines), 1, "bad-token lines")
    if "stopping this plugin" not in lines[0]:
        raise AssertionError("unclear line: " + lines[0])
    wait_until(lambda: w.proc.poll() is not None, 60, "faqbot to exit (no plugin left)")
    # revoked while running: the sync loop stops with one line too
    w.hs.add_user(BOT, displayname="FAQ Bot", token=TOKEN, device_id="BOTDEV")
    w.start()
    w.hs.revoke(TOKEN)
    wait_until(lambda: w.log().count("M_UNKNOWN_TOKEN") == 2, 60, "the second bad-token line")
    wait_until(lambda: "sync loop stopped (token rejected)" in w.log(), 60, "the loop to stop")
    w.stop()


def sc_password_login(w):
    del w.cfg["plugins"]["matrix"]["token_env"]
    w.cfg["plugins"]["matrix"]["password_env"] = "MATRIX_PASSWORD"
    w.env.pop("MATRIX_ACCESS_TOKEN")
    w.env["MATRIX_PASSWORD"] = "pa55-word-secret"
    w.hs.users[BOT]["password"] = "pa55-word-secret"
    w.start()
    room = w.dm()
    q = w.say(room, "!faq sleep")
    w.reply(room, q)
    w.stop()
    w.start()
    q2 = w.say(room, "!faq gas")
    w.reply(room, q2)
    logins = [r for r in w.hs.requests if r[1].endswith("/login")]
    eq(len(logins), 1, "password logins (the restart reuses the saved token)")
    if "pa55-word-secret" in w.log():
        raise AssertionError("the password reached the log")
    w.stop()
    # the saved token is revoked: log in again with the saved device id
    saved = json.load(open(os.path.join(w.dir, "state", "matrix.json")))["data"]
    w.hs.revoke(saved["access_token"])
    w.start()
    q3 = w.say(room, "!faq weight")
    w.reply(room, q3)
    with w.hs.lock:
        devs = {d for (u, d) in w.hs.tokens.values() if u == BOT}
    eq(devs, {saved["device_id"], "BOTDEV"}, "devices of the bot")


def sc_allowlist_and_leave(w):
    w.cfg["plugins"]["matrix"]["allow"] = [ALICE]
    w.start()
    bad = w.hs.create_room(BOB)
    w.hs.invite(bad, BOB, BOT)
    wait_until(lambda: w.member(bad, BOT) == "leave", 60, "the invite to be declined")
    room = w.dm(ALICE)
    w.hs.invite(room, ALICE, BOB)
    w.hs.join(room, BOB)
    w.hs.leave(room, ALICE)
    time.sleep(1.0)
    eq(w.member(room, BOT), "join", "bot membership while Bob is still there")
    w.hs.leave(room, BOB)
    wait_until(lambda: w.member(room, BOT) == "leave", 60, "the bot to leave the empty room")


AMBIGUOUS_CANDIDATES = ["baby", "help", "mom", "massage", "benefits", "what is it good for"]


def find_ambiguous():
    """A question the current knowledge base answers with "did you mean"
    (asked through `faqbot ask`, so the test follows the knowledge)."""
    out = subprocess.run([FAQBOT, "ask", "--batch", "--json"], input="\n".join(AMBIGUOUS_CANDIDATES),
                         capture_output=True, text=True, timeout=60).stdout
    for q, line in zip(AMBIGUOUS_CANDIDATES, out.splitlines()):
        d = json.loads(line)
        if d.get("status") == "ambiguous" and len(d.get("suggestions", [])) >= 2:
            return q, d["suggestions"]
    raise AssertionError("none of %r is ambiguous for this knowledge base" % AMBIGUOUS_CANDIDATES)


def sc_pick_number(w):
    question, suggestions = find_ambiguous()
    w.start()
    room = w.dm()
    q = w.say(room, question)
    amb = w.reply(room, q)["content"]
    if "\n1. " not in amb["body"] or "\n2. " not in amb["body"] or \
            "<ol><li>" not in amb["formatted_body"]:
        raise AssertionError("no numbered suggestions: %r" % amb["body"][:300])
    # a restart between the list and the reply, once the question is
    # acknowledged (a later sync began: it is not delivered again), so
    # only the saved list can make "2" a pick
    n_sync = len(w.hs.sync_calls)
    wait_until(lambda: len(w.hs.sync_calls) > n_sync + 1, 60, "the sync after the list")
    eq(w.stop(), 0, "exit status of the restarted bot")
    w.start()
    pick = w.say(room, "2")
    ans = w.reply(room, pick)["content"]["body"]
    if "Source:" not in ans or "Reply with a number" in ans:
        raise AssertionError("picking 2 did not answer: %r" % ans[:300])
    wait_until(lambda: "status=answered entry=%s " % suggestions[1] in w.log(), 60,
               "the pick to answer entry " + suggestions[1])
    # the list is used up: another "2" is an ordinary (unknown) question
    again = w.say(room, "2")
    w.reply(room, again)
    time.sleep(0.3)
    eq(w.log().count("status=answered entry=%s " % suggestions[1]), 1, "answers by pick")
    eq(w.log().count("status=ambiguous"), 1, "lists sent (the question was not asked again)")


def group_room(w, name):
    """A room of Alice, Bob and (once invited) the bot: a group."""
    room = w.hs.create_room(ALICE, name=name)
    w.hs.invite(room, ALICE, BOB)
    w.hs.join(room, BOB)
    return room


def reload_config(w, what):
    """Rewrite the config file, SIGHUP the bot, wait for the reload line."""
    n = w.log().count("reloaded ")
    with open(os.path.join(w.dir, "config.json"), "w") as f:
        json.dump(w.cfg, f)
    w.proc.send_signal(signal.SIGHUP)
    wait_until(lambda: w.log().count("reloaded ") > n, 60, "the reload (%s)" % what)


def sc_room_modes(w):
    """config "rooms": one group answers every message while another stays
    mentions-only (group_mode "mention"); a reload swapping them applies
    to the next message."""
    loud, quiet = group_room(w, "Loud"), group_room(w, "Quiet")
    w.cfg["rooms"] = {"matrix/" + loud: {"answer": "all"}}
    w.start()
    for room in (loud, quiet):
        w.hs.invite(room, ALICE, BOT)
        wait_until(lambda: w.member(room, BOT) == "join", 60, "join " + room)
    q = "does massage help my baby sleep?"
    a1 = w.say(loud, q, sender=BOB)
    check_answer(w.reply(loud, a1), a1, BOB)
    chatter = w.say(quiet, q, sender=BOB)
    asked = w.say(quiet, "FAQ Bot: " + q)
    check_answer(w.reply(quiet, asked), asked, ALICE)
    time.sleep(1.0)
    eq(w.replies_to(quiet, chatter), [], "replies to chatter in the mentions-only room")
    eq(len(w.bot_events(loud)), 1, "bot messages in the answer-all room")
    w.cfg["rooms"] = {"matrix/" + loud: {"answer": "mentions"},
                      "matrix/" + quiet: {"answer": "all"}}
    reload_config(w, "rooms swapped")
    now = w.say(quiet, "how does massage help with gas?", sender=BOB)
    check_answer(w.reply(quiet, now), now, BOB)
    hush = w.say(loud, "how does massage help with gas?", sender=BOB)
    bang = w.say(loud, "!faq gas", sender=BOB)
    w.reply(loud, bang)
    time.sleep(1.0)
    eq(w.replies_to(loud, hush), [], "replies to chatter after the room went mentions-only")
    eq(len(w.bot_events(quiet)), 2, "bot messages in the room opened up")


def knowledge_entry(entry_id):
    for path in sorted(glob.glob("knowledge/entries/*.json")):
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        for e in data.get("entries", [data]):
            if e.get("id") == entry_id:
                return e
    return None


def related_titles(entry_id):
    """Titles of entry_id's related entries as the bot offers them: those
    that exist, in order, at most 4 (ROUTER_MAX_RELATED)."""
    out = [knowledge_entry(r) for r in knowledge_entry(entry_id).get("related", [])]
    return [e["title"] for e in out if e][:4]


def sc_related_list(w):
    w.start()
    room = w.dm()
    q = w.say(room, "does massage help my baby sleep?")
    c = w.reply(room, q)["content"]
    # the host logs the outcome once send() returned: wait for the line
    found = wait_until(lambda: re.findall(r"status=answered entry=(\S+) ", w.log()), 60,
                       "the answered entry in the log")
    titles = related_titles(found[-1])
    if not titles:
        raise AssertionError("entry %s has no related entries to offer" % found[-1])
    want_body = "\n\nRelated:\n" + "\n".join("- " + t for t in titles)
    if not c["body"].endswith(want_body):
        raise AssertionError("body does not end with %r: %r" % (want_body, c["body"][-400:]))
    want_html = "<p>Related:</p><ul>" + "".join(
        "<li>%s</li>" % html.escape(t, quote=True).replace("&#x27;", "&#39;")
        for t in titles) + "</ul>"
    if not c["formatted_body"].endswith(want_html):
        raise AssertionError("formatted_body does not end with %r: %r"
                             % (want_html, c["formatted_body"][-400:]))
    # no related list under a "did you mean" or a command reply
    h = w.say(room, "!faq /help")
    if "Related:" in w.reply(room, h)["content"]["body"]:
        raise AssertionError("a command reply carries a related list")


def sc_shutdown_fast(w):
    """SIGTERM ends a long poll the homeserver is holding: it holds it 60 s,
    so a bot that waited for the poll to end would take >= 30 s here (load
    cannot make a prompt stop that slow)."""
    w.cfg["plugins"]["matrix"]["sync_timeout_ms"] = 60000
    w.start()     # returns once a second sync (with a since token) came in
    with w.hs.lock:
        last = w.hs.sync_calls[-1]
    eq((last[1] is not None, last[2]), (True, 60000), "a held long poll")
    t0 = time.monotonic()
    eq(w.stop(timeout=50), 0, "exit status")
    took = time.monotonic() - t0
    print("    stop during a 60 s long poll took %.2f s" % took)
    if took >= 30.0:
        raise AssertionError("shutdown waited for the long poll (%.2fs)" % took)


SCENARIOS = [("dm_answer", sc_dm_answer), ("group_rules", sc_group_rules),
             ("ignored_events", sc_ignored), ("encrypted_room", sc_encrypted),
             ("restart_resume", sc_restart_resume), ("stale_since", sc_stale_since),
             ("gap_backfill", sc_gap_backfill),
             ("bad_input", sc_bad_input), ("flood_limit", sc_flood),
             ("bad_config", sc_bad_config),
             ("first_sync_backlog", sc_first_sync_backlog),
             ("join_backlog_retry", sc_join_backlog),
             ("kill9_exactly_once", sc_kill9), ("faults_429_5xx", sc_faults),
             ("bad_token", sc_bad_token), ("password_login", sc_password_login),
             ("allowlist_and_leave", sc_allowlist_and_leave), ("pick_number", sc_pick_number),
             ("room_modes", sc_room_modes), ("related_list", sc_related_list),
             ("shutdown_fast", sc_shutdown_fast)]


def run_one(name, fn):
    w = World(name)
    ok = False
    try:
        fn(w)
        if TOKEN in w.log():
            raise AssertionError("the access token reached the log")
        for bad in ("AddressSanitizer", "LeakSanitizer", "runtime error:"):
            if bad in w.log():
                raise AssertionError("sanitizer report in the bot's log: " + bad)
        if w.hs.violations:
            raise AssertionError("spec schema violations: %s" % w.hs.violations[:5])
        ok = True
    except Exception:
        traceback.print_exc()
        print("---- bot log (%s) ----\n%s" % (name, w.log()[-6000:]))
    finally:
        w.close(ok)
    return ok


def main():
    want = sys.argv[1:]
    os.makedirs(os.path.join(BUILD, "tests"), exist_ok=True)
    passed = failed = 0
    for name, fn in SCENARIOS:
        if want and name not in want:
            continue
        t0 = time.monotonic()
        ok = run_one(name, fn)
        print("%s %s (%.1fs)" % ("PASS" if ok else "FAIL", name, time.monotonic() - t0), flush=True)
        passed += ok
        failed += not ok
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
