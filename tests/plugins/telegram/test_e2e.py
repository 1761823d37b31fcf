#!/usr/bin/env python3
"""End-to-end tests of the telegram plugin: the real `faqbot run` against
the Bot API stand-in (tg_standin.py) on 127.0.0.1.

Each scenario starts its own stand-in and bot, with a fake token in the
environment, and every output the bot wrote is checked for the token.
Environment: FAQBOT (the binary), FAQBOT_BUILD_DIR; cwd = the repo root.
"""
import glob
import html
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tg_standin  # noqa: E402
from tg_standin import _NO_PROXY  # noqa: E402

TOKEN = "123456789:AAHfakeTOKENfor-e2e-tests_only"
WRONG = "987654321:AAHwrongTOKENnever-valid_here"
BOT = os.environ.get("FAQBOT") or os.path.join(
    os.environ.get("FAQBOT_BUILD_DIR", "build"), "faqbot")
SECRETS = (TOKEN, WRONG, TOKEN.split(":")[1], WRONG.split(":")[1])


def entry(entry_id):
    """The knowledge entry with this id (entries/<id>.json or a list)."""
    for path in sorted(glob.glob("knowledge/entries/*.json")):
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        for e in data.get("entries", [data]):
            if e.get("id") == entry_id:
                return e
    raise AssertionError("no entry %s in knowledge/" % entry_id)


def citation_html(entry_id):
    """The pieces of the entry's citation line as the bot renders them:
    the "<i>Source: <title>, section" start and each quoted heading."""
    cits = entry(entry_id)["citations"]
    with open("knowledge/sources/%s.json" % cits[0]["source"],
              encoding="utf-8") as f:
        title = json.load(f)["title"]
    return (["<i>Source: %s, section" % html.escape(title, quote=False)] +
            ['"%s"' % html.escape(c["section"], quote=False) for c in cits])


def first_paragraph_html(entry_id):
    para = entry(entry_id)["answer"].split("\n\n")[0].strip()
    return html.escape(para, quote=False)


class Bot:
    """One `faqbot run` process with its config, state and logs."""
    runs = 0

    def __init__(self, workdir, api_url, token=TOKEN, console=False,
                 rooms=None, **tg_opts):
        self.workdir = workdir
        self.state = os.path.join(workdir, "state")
        self.token = token
        self.console = console
        self.proc = None
        self.logs = []
        opts = {"api_url": api_url, "poll_timeout": 5, "request_timeout": 3,
                "backoff_base_ms": 100, "backoff_max_s": 2}
        opts.update(tg_opts)
        self.config = os.path.join(workdir, "faqbot.json")
        cfg = {"knowledge_dir": "knowledge", "state_dir": self.state,
               "log": {"level": "debug", "json": False},
               "limits": {"max_message_bytes": 4096,
                          "per_user_per_minute": 20},
               "plugins": {"console": {"enabled": console},
                           "telegram": opts}}
        if rooms is not None:
            cfg["rooms"] = rooms
        self.cfg = cfg
        self.write_config()

    def write_config(self):
        with open(self.config, "w") as f:
            json.dump(self.cfg, f)

    def reload(self, what_changed):
        """Rewrite the config, SIGHUP, and wait for the reload line."""
        n = self.output().count("reloaded ")
        self.write_config()
        self.proc.send_signal(signal.SIGHUP)
        wait(lambda: self.output().count("reloaded ") > n,
             "the reload (%s)" % what_changed, 60)

    def start(self):
        Bot.runs += 1
        out = os.path.join(self.workdir, "out%d.log" % Bot.runs)
        err = os.path.join(self.workdir, "err%d.log" % Bot.runs)
        self.logs += [out, err]
        env = dict(os.environ, TELEGRAM_BOT_TOKEN=self.token)
        self.proc = subprocess.Popen(
            [BOT, "run", "--config", self.config], env=env,
            stdin=subprocess.PIPE if self.console else subprocess.DEVNULL,
            stdout=open(out, "wb"), stderr=open(err, "wb"))
        return self

    def stop(self, timeout=30):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
                raise AssertionError("faqbot did not stop within %ds of "
                                     "SIGTERM" % timeout)
            assert self.proc.returncode == 0, \
                "faqbot exited with %d after SIGTERM:\n%s" % (
                    self.proc.returncode, self.output()[-3000:])
        if self.proc and self.proc.stdin:
            self.proc.stdin.close()

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(5)

    def alive(self):
        return self.proc.poll() is None

    def output(self):
        text = ""
        for path in self.logs:
            with open(path, "rb") as f:
                text += f.read().decode("utf-8", "replace")
        return text

    def saved_cursor(self):
        """The plugin's saved cursor {"offset":N,"pending":[...]}, or None.
        The host's store is a JSON object of string values per instance;
        find the "cursor" value whatever the nesting."""
        for path in glob.glob(os.path.join(self.state, "*.json")):
            try:
                with open(path, encoding="utf-8") as f:
                    stack = [json.load(f)]
            except ValueError:
                continue
            while stack:
                d = stack.pop()
                if isinstance(d, dict):
                    if isinstance(d.get("cursor"), str):
                        return json.loads(d["cursor"])
                    stack += list(d.values())
        return None

    def saved_offset(self):
        cur = self.saved_cursor()
        return cur.get("offset") if cur else None

    def assert_no_secret(self):
        """No token in any output or state file; no sanitizer report."""
        files = list(self.logs) + glob.glob(os.path.join(self.state, "*"))
        for path in files:
            with open(path, "rb") as f:
                data = f.read().decode("utf-8", "replace")
            for s in SECRETS:
                assert s not in data, "the token leaked into %s" % path
            for bad in ("AddressSanitizer", "LeakSanitizer", "runtime error:"):
                assert bad not in data, "%s in %s:\n%s" % (bad, path,
                                                            data[-3000:])


# ---- helpers -------------------------------------------------------------
# Every wait is for an event, bounded generously: a slow (sanitizer) build
# on a loaded 2-core machine must pass too; a passing run never waits out
# a bound.  Nothing is asserted about how fast something happened.

def wait(pred, what, timeout=60.0, api=None):
    if api is not None:
        v = api.wait_for(pred, timeout)
    else:
        deadline = time.time() + timeout
        v = pred()
        while not v and time.time() < deadline:
            time.sleep(0.1)
            v = pred()
    assert v, "timed out after %.0fs waiting for %s" % (timeout, what)
    return v


def replied(api, chat, mid, n=1, timeout=60.0):
    """Wait for at least n replies to message mid; returns them."""
    return wait(lambda: (lambda r: r if len(r) >= n else None)(
        [m for m in api.sent if m["chat"]["id"] == chat and
         m.get("_reply_to") == mid]), "a reply to message %d in chat %d" %
        (mid, chat), timeout, api)


def count_replies(api, chat, mid):
    return len(api.replies_to(chat, mid))


def polls(api):
    return len(api.calls("getUpdates"))


def ready(api, bot, after=0):
    """Wait for a getUpdates beyond the first `after` ones: pass the count
    taken before bot.start() to know that this very process polls (it has
    read its state, e.g. its first-start time, by then)."""
    wait(lambda: len([1 for (_, m, _) in api.requests
                      if m == "getUpdates"]) > after, "the first getUpdates",
         60, api)
    assert bot.alive(), "faqbot exited:\n" + bot.output()[-2000:]


# ---- scenarios -------------------------------------------------------------

def test_question_gets_cited_reply_as_reply(api, bot):
    ready(api, bot)
    mid = api.user_message(11, "does massage help my baby sleep?")
    r = replied(api, 11, mid)[0]
    html_text, p = r["_html"], r["_params"]
    assert first_paragraph_html("sleep") in html_text, html_text
    for piece in citation_html("sleep"):
        assert piece in html_text, (piece, html_text)
    assert "<i>General information, not medical advice" in html_text
    assert p["parse_mode"] == "HTML"
    assert p["link_preview_options"] == {"is_disabled": True}
    assert p["reply_parameters"]["message_id"] == mid
    assert p["chat_id"] == 11
    polls = api.calls("getUpdates")
    assert polls[0]["timeout"] == 5
    assert polls[0]["allowed_updates"] == ["message", "callback_query"]
    assert [c["command"] for c in api.commands] == ["start", "help",
                                                     "topics"]
    time.sleep(0.5)
    assert count_replies(api, 11, mid) == 1


def test_start_help_topics(api, bot):
    ready(api, bot)
    expect = {"/start": "Hello! I answer parents", "/help": "Commands:",
              "/topics": "I can answer questions on: "}
    mids = {cmd: api.user_message(12, cmd) for cmd in expect}
    for cmd, want in expect.items():
        r = replied(api, 12, mids[cmd])[0]
        assert want in r["text"], (cmd, r["text"])


def test_button_press_answers_that_entry(api, bot):
    ready(api, bot)
    mid = api.user_message(13, "massage")
    r = replied(api, 13, mid)[0]
    rows = r["_params"]["reply_markup"]["inline_keyboard"]
    assert len(rows) >= 2, rows
    data = rows[1][0]["callback_data"]
    assert data.startswith("p:") and len(data.encode()) <= 64
    qid = api.press_button(13, r["message_id"], data)
    wait(lambda: any(a["callback_query_id"] == qid
                     for a in api.callback_answers), "answerCallbackQuery",
         60, api)
    ans = replied(api, 13, r["message_id"])[0]
    assert first_paragraph_html(data[2:]) in ans["_html"], ans["_html"]
    assert "<i>Source: " in ans["_html"]


def related_of(entry_id):
    """The follow-up buttons the bot offers under entry_id's answer: its
    related entries that exist, in order, at most 4 (ROUTER_MAX_RELATED),
    as (title, callback_data)."""
    out = []
    for rid in entry(entry_id).get("related", []):
        try:
            out.append((entry(rid)["title"], "p:" + rid))
        except AssertionError:
            pass
    return out[:4]


def buttons(reply):
    rows = reply["_params"].get("reply_markup", {}).get("inline_keyboard", [])
    assert all(len(row) == 1 for row in rows), rows
    return [(row[0]["text"], row[0]["callback_data"]) for row in rows]


def test_related_button_answers_that_entry(api, bot):
    ready(api, bot)
    mid = api.user_message(26, "does massage help my baby sleep?")
    r = replied(api, 26, mid)[0]
    assert first_paragraph_html("sleep") in r["_html"], r["_html"]
    want = related_of("sleep")
    assert len(want) >= 1, "the sleep entry has no related entries"
    assert buttons(r) == want, (buttons(r), want)
    assert all(len(d.encode()) <= 64 for _, d in want)
    target = want[-1][1]
    qid = api.press_button(26, r["message_id"], target)
    a = wait(lambda: [x for x in api.callback_answers
                      if x["callback_query_id"] == qid],
             "answerCallbackQuery", 60, api)[0]
    assert "text" not in a, a          # no "no longer works" for our data
    ans = replied(api, 26, r["message_id"])[0]
    assert first_paragraph_html(target[2:]) in ans["_html"], ans["_html"]
    for piece in citation_html(target[2:]):
        assert piece in ans["_html"], (piece, ans["_html"])
    assert buttons(ans) == related_of(target[2:]), buttons(ans)
    time.sleep(0.5)
    assert count_replies(api, 26, r["message_id"]) == 1


def test_stale_button_is_answered_politely(api, bot):
    ready(api, bot)
    mid = api.user_message(14, "/help")
    r = replied(api, 14, mid)[0]
    qid = api.press_button(14, r["message_id"], "legacy-data")
    a = wait(lambda: [x for x in api.callback_answers
                      if x["callback_query_id"] == qid], "callback answer",
             60, api)[0]
    assert a["text"] == "This button no longer works."
    time.sleep(0.5)
    assert count_replies(api, 14, r["message_id"]) == 0


def test_group_commands_mentions_and_chatter(api, bot):
    ready(api, bot)
    g = -1001
    chatter = api.user_message(g, "anyone tried massage for colic?",
                               user_id=21, chat_type="supergroup")
    other = api.user_message(g, "/help@OtherBot", user_id=21,
                             chat_type="supergroup")
    robot = api.user_message(g, "@FaqTestBot hello", user_id=99,
                             chat_type="supergroup", is_bot=True)
    help_mid = api.user_message(g, "/help@FaqTestBot", user_id=21,
                                chat_type="supergroup")
    r = replied(api, g, help_mid)[0]
    assert "Commands:" in r["text"]
    mention = api.user_message(g, "@FaqTestBot does massage help with "
                               "colic?", user_id=22, chat_type="supergroup")
    r2 = replied(api, g, mention)[0]
    assert "<i>Source: " in r2["_html"], r2["_html"]
    follow = api.user_message(g, "how long should a session last?",
                              user_id=22, chat_type="supergroup",
                              reply_to=r2["message_id"])
    r3 = replied(api, g, follow)[0]
    assert r3["text"].strip(), r3
    for mid in (chatter, other, robot):
        assert count_replies(api, g, mid) == 0, mid
    assert len(api.sent_in(g)) == 3


def test_per_room_answer_mode(api, bot):
    """config "rooms": one group answers every message, another stays
    mentions-only, a third is mentions-only explicitly; a reload that
    changes a room applies to the next message."""
    bot.stop()
    rooms = {"telegram/-2001": {"answer": "all"},
             "telegram/-2003": {"answer": "mentions"}}
    rb = Bot(bot.workdir, api.url, rooms=rooms).start()
    try:
        ready(api, rb)
        q = "does massage help my baby sleep?"
        loud = api.user_message(-2001, q, user_id=31, chat_type="supergroup")
        r = replied(api, -2001, loud)[0]
        assert first_paragraph_html("sleep") in r["_html"], r["_html"]
        quiet = api.user_message(-2002, q, user_id=32, chat_type="supergroup")
        quiet3 = api.user_message(-2003, q, user_id=33, chat_type="group")
        asked = api.user_message(-2002, "@FaqTestBot " + q, user_id=32,
                                 chat_type="supergroup")
        r2 = replied(api, -2002, asked)[0]
        assert first_paragraph_html("sleep") in r2["_html"], r2["_html"]
        asked3 = api.user_message(-2003, "/help", user_id=33,
                                  chat_type="group")
        replied(api, -2003, asked3)
        time.sleep(0.5)
        assert count_replies(api, -2002, quiet) == 0
        assert count_replies(api, -2003, quiet3) == 0
        assert len(api.sent_in(-2001)) == 1
        # the operator opens -2002 up and closes -2001: applies at once
        rb.cfg["rooms"] = {"telegram/-2002": {"answer": "all"}}
        rb.reload("rooms")
        now = api.user_message(-2002, q, user_id=32, chat_type="supergroup")
        replied(api, -2002, now)
        still = api.user_message(-2001, q, user_id=31,
                                 chat_type="supergroup")
        mention = api.user_message(-2001, "@FaqTestBot " + q, user_id=31,
                                   chat_type="supergroup")
        replied(api, -2001, mention)
        time.sleep(0.5)
        assert count_replies(api, -2001, still) == 0
    finally:
        rb.stop()
        rb.assert_no_secret()


def test_odd_updates_are_skipped(api, bot):
    ready(api, bot)
    api.user_message(15, None, extra={"sticker": {"file_id": "x",
                                                  "emoji": "\U0001F476"}})
    api.raw_update({"message": {"chat": 5}})
    api.raw_update({"edited_message": {"message_id": 1, "date": 1,
                                       "chat": {"id": 15, "type": "private"},
                                       "text": "edited"}})
    api.raw_update({"channel_post": {"message_id": 1, "date": 1,
                                     "chat": {"id": -77, "type": "channel"},
                                     "text": "news"}})
    photo = api.user_message(15, None, extra={
        "photo": [], "caption": "is massage good for jaundice?"})
    r = replied(api, 15, photo)[0]
    assert "jaundice" in r["text"].lower(), r["text"]
    assert len(api.sent) == 1
    assert bot.alive()


def test_long_reply_is_split_with_keyboard_last(api, bot):
    bot.stop()
    small = Bot(bot.workdir, api.url, max_message_chars=200).start()
    try:
        ready(api, small)
        mid = api.user_message(16, "does massage help my baby sleep?")
        parts = wait(lambda: (lambda s: s if s and s[-1]["_params"].get(
            "reply_markup") else None)(api.sent_in(16)), "all parts", 60,
            api)
        assert len(parts) >= 3, len(parts)
        assert parts[0]["_reply_to"] == mid
        assert all("reply_parameters" not in p["_params"] for p in parts[1:])
        assert all(len(p["_html"].encode()) <= 200 for p in parts)
        whole = " ".join(p["text"] for p in parts)
        assert "Source: " in whole and "not medical advice" in " ".join(
            whole.split())
    finally:
        small.stop()
        small.assert_no_secret()


def test_restart_keeps_the_offset(api, bot):
    ready(api, bot)
    q1 = api.user_message(17, "is massage good for jaundice?")
    replied(api, 17, q1)
    wait(lambda: bot.saved_offset(), "a saved offset")
    bot.stop()
    saved = bot.saved_offset()
    q2 = api.user_message(17, "does massage help my baby sleep?")
    n_polls = len(api.calls("getUpdates"))
    bot.start()
    replied(api, 17, q2)
    first = api.calls("getUpdates")[n_polls]
    assert first.get("offset") == saved, (first, saved)
    time.sleep(1)
    assert count_replies(api, 17, q1) == 1
    assert count_replies(api, 17, q2) == 1


def test_first_start_skips_the_backlog(api, bot):
    # the bot fixture started already: stop it, wipe its state, and queue
    # a message older than the next start
    bot.stop()
    shutil.rmtree(bot.state, ignore_errors=True)
    old = api.user_message(18, "does massage help sleep?",
                           date=time.time() - 600)
    n = polls(api)
    bot.start()
    # the new process polls: it took its first-start time, so the next
    # message is no older than that (asked sooner, it could be dated the
    # second before and be skipped as backlog)
    ready(api, bot, n)
    new = api.user_message(18, "is massage good for jaundice?")
    replied(api, 18, new)
    assert count_replies(api, 18, old) == 0


QUESTIONS = ["does massage help my baby sleep?", "what oil should I use?",
             "how long should a massage last?", "can massage help colic?",
             "is massage good for jaundice?", "/topics",
             "does it help premature babies?", "will it help me bond?"]


def test_kill9_midstream_loses_nothing(api, bot):
    ready(api, bot)
    # the 13th reply is held in flight (queued before the first question,
    # so it strikes mid-stream however fast the bot answers), and the bot
    # is killed while it waits: that question must be answered after the
    # restart
    api.fault("hang", "sendMessage", 1, 30, after=12)
    asked = []
    for i in range(40):
        user = 300 + i % 8
        asked.append((user, api.user_message(user, QUESTIONS[i % 8])))
    wait(lambda: api.hanging > 0, "a reply in flight", 60, api)
    bot.kill9()
    sent_at_kill = len(api.sent)
    assert sent_at_kill < 40, "too fast to kill mid-stream"
    bot.start()
    for user, mid in asked:
        replied(api, user, mid)
    time.sleep(1.0)
    counts = [count_replies(api, u, m) for u, m in asked]
    assert min(counts) >= 1 and max(counts) <= 2, counts
    print("    kill -9 after %d replies; duplicates after restart: %d" %
          (sent_at_kill, sum(c - 1 for c in counts)))


def test_invalid_utf8_from_the_server_is_repaired(api, bot):
    api.fault("badutf8", "getUpdates", 3)
    mid = api.user_message(20, "does massage help my baby @@BAD@@ sleep?")
    r = replied(api, 20, mid)[0]
    assert "<i>Source: " in r["_html"], r["_html"]
    assert bot.alive()
    out = bot.output()
    assert "getUpdates failed" not in out, "the batch was refused:\n" + out


def test_flood_limit_and_oversized_messages(api, bot):
    mids = [api.user_message(23, "does massage help my baby sleep?")
            for _ in range(25)]
    wait(lambda: len(api.sent_in(23)) >= 21, "20 answers and a notice", 60,
         api)
    time.sleep(1.0)
    texts = [m["text"] for m in api.sent_in(23)]
    notices = [t for t in texts if "faster than I can answer" in t]
    assert len(texts) == 21 and len(notices) == 1, texts[-3:]
    assert api.replies_to(23, mids[20])[0]["text"] == notices[0]
    for mid in mids[21:]:
        assert count_replies(api, 23, mid) == 0
    long_mid = api.user_message(24, "why " * 1100)
    r = replied(api, 24, long_mid)[0]
    assert "too long" in r["text"], r["text"]
    wait(lambda: bot.saved_cursor() and not bot.saved_cursor()["pending"],
         "every update acknowledged")


def test_kill9_with_a_server_that_never_resends(api, bot):
    """Like the npm emulator, this server forgets an update once fetched:
    only the plugin's journal can answer what was in flight at the kill."""
    bot.stop()
    api.loose = True
    t_loose = time.time()
    bot.start()
    # the 7th reply hangs (queued before the first question: mid-stream
    # however fast the bot is) and the bot is killed while it waits
    api.fault("hang", "sendMessage", 1, 30, after=6)
    asked = []
    for i in range(24):
        user = 500 + i % 8
        asked.append((user, api.user_message(user, QUESTIONS[i % 8])))
    wait(lambda: api.hanging > 0, "a reply in flight", 60, api)
    bot.kill9()
    pending = len(bot.saved_cursor()["pending"])
    assert pending > 0, "nothing journaled at the kill"
    bot.start()
    for user, mid in asked:
        replied(api, user, mid)
    time.sleep(1.5)      # the bot polls an empty server once a second
    counts = [count_replies(api, u, m) for u, m in asked]
    assert min(counts) >= 1 and max(counts) <= 2, counts
    # an empty poll is paced: the next one starts >= 1 s after it started,
    # so each of the 2 processes polled empty at most (seconds + 1) times;
    # a spinning poller would do thousands
    elapsed = time.time() - t_loose
    with api.cond:
        empty = sum(1 for (_, n) in api.loose_polls if n == 0)
        total = len(api.loose_polls)
    assert empty <= elapsed + 2, \
        "polling an emulator must not spin: %d empty polls in %.1f s" % (
            empty, elapsed)
    print("    journal held %d update(s) at the kill; %d polls (%d empty) "
          "in %.1f s" % (pending, total, empty, elapsed))


def test_faults_are_survived_without_loss(api, bot):
    ready(api, bot)
    asked = []

    def ask(i):
        user = 400 + i
        asked.append((user, api.user_message(user, QUESTIONS[i % 8])))

    plan = [("429", "getUpdates", 1, 2), ("500", "getUpdates", 4, None),
            ("garbage", "getUpdates", 2, None),
            ("truncated", "getUpdates", 1, None),
            ("502html", "getUpdates", 1, None),
            ("slow", "getUpdates", 1, 3), ("drop", "getUpdates", 3, None),
            ("409", "getUpdates", 2, None),
            ("huge", "getUpdates", 1, None),
            ("slow", "sendMessage", 1, 5),     # beyond request_timeout
            ("500", "sendMessage", 2, None), ("drop", "sendMessage", 1, None),
            ("429", "sendMessage", 1, 1),
            ("drop_after", "sendMessage", 1, None),
            ("garbage", "sendMessage", 1, None),
            # more 5xx than send() retries: deliver fails, the update must
            # stay unacknowledged and be delivered again
            ("500", "sendMessage", 7, None)]
    for i, (kind, method, count, arg) in enumerate(plan):
        api.fault(kind, method, count, arg)
        ask(i)
        user, mid = asked[-1]
        replied(api, user, mid)
        assert bot.alive(), "faqbot died after fault %s" % kind
    time.sleep(1.0)
    counts = [count_replies(api, u, m) for u, m in asked]
    assert min(counts) >= 1 and max(counts) <= 2, counts
    # 429 on getUpdates: the next poll came no sooner than retry_after
    polls = [t for (t, m, _) in api.requests if m == "getUpdates"]
    gaps = [b - a for a, b in zip(polls, polls[1:])]
    assert max(gaps) >= 2.0, gaps
    out = bot.output()
    assert "HTTP 409" in out and "webhook" in out, out[-2000:]
    assert out.count("a webhook is set for this bot or another instance") \
        == 1, "the 409 explanation should be logged once per streak"
    assert "rate limited by Telegram: waiting 2 s" in out
    assert "response larger than 4194304 bytes, dropped" in out


def test_second_instance_conflict_is_explained(api, bot):
    other_dir = tempfile.mkdtemp(prefix="tg-e2e-other-")
    other = Bot(other_dir, api.url).start()
    try:
        wait(lambda: "another instance is polling" in bot.output() or
             "another instance is polling" in other.output(),
             "the 409 explanation")
    finally:
        other.stop()
        other.assert_no_secret()
        shutil.rmtree(other_dir, ignore_errors=True)
    mid = api.user_message(25, "/help")
    replied(api, 25, mid)
    assert bot.alive()


def test_server_down_and_back(api, bot):
    mid0 = api.user_message(19, "/help")
    replied(api, 19, mid0)
    failed = "getUpdates failed: network error"
    n = bot.output().count(failed)
    api.pause()
    down = [api.user_message(19, q) for q in QUESTIONS[:3]]
    # several failed polls (the cut long poll, then refused connections;
    # backoff is capped at 2 s) before the server comes back
    wait(lambda: bot.output().count(failed) >= n + 2,
         "two failed polls while the server is down")
    api.resume()
    for mid in down:
        replied(api, 19, mid)
    assert bot.alive()


def free_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def post(url, body, headers=None, method="POST"):
    import urllib.error
    import urllib.request
    req = urllib.request.Request(url, body, headers or {}, method=method)
    try:
        with _NO_PROXY.open(req, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def start_webhook_bot(api, workdir):
    """A webhook-mode bot on a free port; returns (bot, port, hook url).
    The port is free when picked but may be taken before the bot binds it
    (other tests run beside us): then try another one."""
    for _ in range(5):
        port = free_port()
        hook_url = "http://127.0.0.1:%d/tg-hook" % port
        wh = Bot(workdir, api.url, mode="webhook", webhook_url=hook_url,
                 webhook_port=port).start()
        wait(lambda: api.webhook or "cannot listen on" in wh.output(),
             "setWebhook", 60, api)
        if api.webhook:
            return wh, port, hook_url
        wh.proc.wait(30)        # the plugin gave up; no plugin is left
    raise AssertionError("no free port for the webhook after 5 tries")


def test_webhook_mode(api, bot):
    bot.stop()
    wh, port, hook_url = start_webhook_bot(api, bot.workdir)
    try:
        secret = api.webhook["secret_token"]
        assert api.webhook["url"] == hook_url
        assert len(secret) == 64, secret
        mid = api.user_message(41, "does massage help my baby sleep?")
        r = replied(api, 41, mid)[0]
        assert first_paragraph_html("sleep") in r["_html"]
        wait(lambda: not api.updates, "the delivery acknowledged", 60, api)
        # the listener refuses what does not come from Telegram
        upd = json.dumps({"update_id": 1, "message": {
            "message_id": 1, "date": int(time.time()), "text": "/help",
            "chat": {"id": 41, "type": "private"},
            "from": {"id": 41, "is_bot": False, "first_name": "X"}}}).encode()
        ctype = {"Content-Type": "application/json"}
        assert post(hook_url, upd, ctype) == 401
        assert post(hook_url, upd, dict(
            ctype, **{"X-Telegram-Bot-Api-Secret-Token": "x" * 64})) == 401
        good = dict(ctype, **{"X-Telegram-Bot-Api-Secret-Token": secret})
        assert post(hook_url + "x", upd, good) == 404
        assert post(hook_url, None, good, method="GET") == 405
        assert post(hook_url, b"{not json", good) == 400
        # an oversized body is refused from its Content-Length alone
        import socket
        with socket.create_connection(("127.0.0.1", port), 10) as c:
            c.sendall(("POST /tg-hook HTTP/1.1\r\nHost: x\r\n"
                       "X-Telegram-Bot-Api-Secret-Token: %s\r\n"
                       "Content-Length: %d\r\n\r\n" % (secret, 2 << 20))
                      .encode())
            assert c.recv(100).startswith(b"HTTP/1.1 413 "), "want 413"
        time.sleep(0.5)
        assert len(api.sent_in(41)) == 1, "a refused request was answered"
        # a failed reply is answered 500, so Telegram delivers it again
        api.fault("500", "sendMessage", 7)
        mid2 = api.user_message(41, "/topics")
        replied(api, 41, mid2)
        wait(lambda: not api.updates, "the redelivery acknowledged", 60, api)
        statuses = [st for (_, st) in api.webhook_posts]
        assert statuses[0] == 200 and 500 in statuses and \
            statuses[-1] == 200, statuses
        out = wh.output()
        assert secret not in out, "the webhook secret leaked into the log"
        assert "refused a request without the right secret token" in out
    finally:
        wh.stop()
        wh.assert_no_secret()


def test_shutdown_is_prompt_during_a_long_poll(api, bot):
    """SIGTERM ends a long poll the server is holding: the stand-in holds
    it 50 s, so a bot that waited for the poll to end would take >= 25 s
    here (load cannot make a prompt stop that slow)."""
    bot.stop()
    n = polls(api)
    lp = Bot(bot.workdir, api.url, poll_timeout=50).start()
    try:
        ready(api, lp, n)     # this poll is held: no update is pending
        with api.cond:
            held = api.calls("getUpdates")[-1]["timeout"]
        assert held == 50, held
        t0 = time.time()
        lp.stop(timeout=45)
        took = time.time() - t0
        assert took < 25.0, "stop waited for the long poll (%.1f s)" % took
        assert lp.proc.returncode == 0, lp.proc.returncode
        print("    stop during a 50 s long poll took %.2f s" % took)
    finally:
        lp.stop()
        lp.assert_no_secret()


def test_bad_token_stops_telegram_only(api, bot):
    bot.stop()
    bad = Bot(bot.workdir, api.url, token=WRONG, console=True).start()
    try:
        wait(lambda: "rejected the bot token" in bad.output(),
             "the bad token line")
        assert bad.alive(), "a bad telegram token must not stop the bot"
        bad.proc.stdin.write(b"does massage help my baby sleep?\n")
        bad.proc.stdin.flush()
        wait(lambda: "Source: " in bad.output(), "the console answer")
        lines = [ln for ln in bad.output().splitlines()
                 if "token" in ln.lower()]
        assert len([ln for ln in lines if "rejected" in ln]) == 1, lines
    finally:
        bad.stop()
        bad.assert_no_secret()


TESTS = [v for k, v in list(globals().items()) if k.startswith("test_")]


def main():
    if not os.access(BOT, os.X_OK):
        print("faqbot binary not found at %s" % BOT)
        return 1
    only = sys.argv[1:]
    passed = failed = 0
    for fn in TESTS:
        if only and fn.__name__ not in only:
            continue
        workdir = tempfile.mkdtemp(prefix="tg-e2e-")
        api = tg_standin.Standin(TOKEN).start()
        bot = Bot(workdir, api.url).start()
        t0 = time.time()
        try:
            ready(api, bot)   # also: SIGTERM is handled only from here on
            fn(api, bot)
            bot.stop()
            bot.assert_no_secret()
            passed += 1
            print("PASS %s (%.1fs)" % (fn.__name__, time.time() - t0))
        except Exception:
            failed += 1
            print("FAIL %s (%.1fs)" % (fn.__name__, time.time() - t0))
            traceback.print_exc()
            print("---- faqbot output (tail) ----")
            print(bot.output()[-4000:])
        finally:
            try:
                if bot.proc and bot.proc.poll() is None:
                    bot.proc.kill()
                    bot.proc.wait(5)
            finally:
                api.stop()
                shutil.rmtree(workdir, ignore_errors=True)
        sys.stdout.flush()
    print("telegram_e2e: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
