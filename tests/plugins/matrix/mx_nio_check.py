#!/usr/bin/python3
"""mx_nio_check.py - cross-check with an independent Matrix client.

matrix-nio (Debian: python3-matrix-nio) validates every response it gets
against its own JSON schemas of the client-server API, and parses events
into typed classes.  Here it plays the parent "Alice":

 1. against the stand-in alone: login (m.login.password), whoami, initial
    and incremental /sync, join, joined_members, displayname, send with a
    txnId twice (same event_id), error shapes (M_FORBIDDEN, M_UNKNOWN_TOKEN)
    -> proves the stand-in's responses parse in a real client;
 2. with the real `faqbot run` + matrix.so: Alice asks through nio, syncs
    through nio, and the bot's answer must parse as a RoomMessageNotice
    (nio's schema for m.notice) replying to her question with a citation
    -> proves the bot's events parse in a real client.

Run with Debian's /usr/bin/python3 (where python3-matrix-nio lives).
Prints 'N passed, N failed'.
"""
import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mx_standin  # noqa: E402

try:
    import nio
except ImportError:
    print("python3-matrix-nio is not installed (make test-deps installs it)")
    print("0 passed, 1 failed")
    sys.exit(1)

BUILD = os.environ.get("FAQBOT_BUILD_DIR", "build")
FAQBOT = os.environ.get("FAQBOT", os.path.join(BUILD, "faqbot"))
BOT, ALICE = "@faqbot:localhost", "@alice:localhost"
BOT_TOKEN = "syt_nio_check_bot_SECRET"


def need(cond, what):
    if not cond:
        raise AssertionError(what)


def client(url):
    cfg = nio.AsyncClientConfig(encryption_enabled=False, store_sync_tokens=False)
    return nio.AsyncClient(url, ALICE, device_id="ALICEDEV", config=cfg)


async def standin_shapes(srv):
    hs = srv.hs
    hs.add_user(ALICE, password="alice-pw", displayname="Alice")
    hs.add_user(BOT, displayname="FAQ Bot", token=BOT_TOKEN)
    c = client(srv.url)
    try:
        r = await c.login("alice-pw")
        need(isinstance(r, nio.LoginResponse), "login: %r" % r)
        need(r.device_id == "ALICEDEV", "login kept the device id")
        r = await c.whoami()
        need(isinstance(r, nio.responses.WhoamiResponse) and r.user_id == ALICE, "whoami: %r" % r)
        room = hs.create_room(BOT)
        hs.invite(room, BOT, ALICE)
        r = await c.sync(timeout=0, full_state=False)
        need(isinstance(r, nio.SyncResponse), "initial sync: %r" % r)
        need(room in r.rooms.invite, "the invite is in rooms.invite")
        r = await c.join(room)
        need(isinstance(r, nio.JoinResponse) and r.room_id == room, "join: %r" % r)
        hs.send(room, BOT, "m.room.message", {"msgtype": "m.notice", "body": "hello <b>"})
        r = await c.sync(timeout=3000)
        need(isinstance(r, nio.SyncResponse), "incremental sync: %r" % r)
        evs = r.rooms.join[room].timeline.events
        need(any(isinstance(e, nio.RoomMessageNotice) and e.body == "hello <b>" for e in evs),
             "the notice parses as RoomMessageNotice: %r" % evs)
        need(any(isinstance(e, nio.RoomMemberEvent) for e in evs), "member events parse")
        r = await c.joined_members(room)
        need(isinstance(r, nio.JoinedMembersResponse) and len(r.members) == 2,
             "joined_members: %r" % r)
        r = await c.get_displayname(BOT)
        need(isinstance(r, nio.ProfileGetDisplayNameResponse) and r.displayname == "FAQ Bot",
             "displayname: %r" % r)
        content = {"msgtype": "m.text", "body": "same txn"}
        r1 = await c.room_send(room, "m.room.message", content, tx_id="t-1")
        r2 = await c.room_send(room, "m.room.message", content, tx_id="t-1")
        need(isinstance(r1, nio.RoomSendResponse) and r1.event_id == r2.event_id,
             "txnId idempotency: %r %r" % (r1, r2))
        need(len(hs.timeline(room, sender=ALICE, etype="m.room.message")) == 1,
             "one event for one txnId")
        r = await c.join("!nowhere:localhost")
        need(isinstance(r, nio.JoinError) and r.status_code == "M_NOT_FOUND", "join error: %r" % r)
        hs.revoke(c.access_token)
        r = await c.whoami()
        need(isinstance(r, nio.responses.WhoamiError) and r.status_code == "M_UNKNOWN_TOKEN",
             "bad token: %r" % r)
    finally:
        await c.close()


async def bot_events(srv, workdir):
    hs = srv.hs
    hs.add_user(ALICE, password="alice-pw", displayname="Alice")
    hs.add_user(BOT, displayname="FAQ Bot", token=BOT_TOKEN)
    cfg = {"knowledge_dir": "knowledge", "state_dir": os.path.join(workdir, "state"),
           "log": {"level": "info", "json": False},
           "plugins": {"console": {"enabled": False},
                       "matrix": {"homeserver_url": srv.url, "user_id": BOT,
                                  "token_env": "MATRIX_ACCESS_TOKEN", "sync_timeout_ms": 2000}}}
    path = os.path.join(workdir, "config.json")
    with open(path, "w") as f:
        json.dump(cfg, f)
    env = dict(os.environ, MATRIX_ACCESS_TOKEN=BOT_TOKEN,
               FAQBOT_PLUGIN_DIR=os.path.join(BUILD, "plugins"))
    log = open(os.path.join(workdir, "bot.log"), "w")
    bot = subprocess.Popen([FAQBOT, "run", "--config", path], env=env, stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=log)
    c = client(srv.url)
    try:
        need(isinstance(await c.login("alice-pw"), nio.LoginResponse), "login")
        room = hs.create_room(ALICE)
        await c.sync(timeout=0)
        # the bot is up: it made its first sync and waits in the next one
        # (bounds are generous for a sanitizer build on a loaded machine)
        end = time.monotonic() + 60
        while time.monotonic() < end and bot.poll() is None and \
                len([1 for s in hs.sync_calls if s[0] == BOT]) < 2:
            await asyncio.sleep(0.05)
        need(len([1 for s in hs.sync_calls if s[0] == BOT]) >= 2,
             "the bot's first syncs")
        hs.invite(room, ALICE, BOT)
        end = time.monotonic() + 60
        while time.monotonic() < end and hs.rooms[room].membership(BOT) != "join":
            await asyncio.sleep(0.1)
        need(hs.rooms[room].membership(BOT) == "join", "the bot joined")
        await c.sync(timeout=0)
        r = await c.room_send(room, "m.room.message",
                              {"msgtype": "m.text", "body": "does massage help my baby sleep?"})
        need(isinstance(r, nio.RoomSendResponse), "ask: %r" % r)
        answer = None
        end = time.monotonic() + 60
        while answer is None and time.monotonic() < end:
            s = await c.sync(timeout=2000)
            need(isinstance(s, nio.SyncResponse), "sync: %r" % s)
            jr = s.rooms.join.get(room)
            for e in (jr.timeline.events if jr else []):
                if e.sender == BOT:
                    answer = e
        need(answer is not None, "an answer arrived")
        need(isinstance(answer, nio.RoomMessageNotice), "the answer parses as m.notice: %r" % answer)
        need("Source: Proven Infant Massage Benefits" in answer.body, "citation in body")
        need(answer.format == "org.matrix.custom.html" and "<em>Source:" in answer.formatted_body,
             "HTML citation")
        rel = answer.source["content"]["m.relates_to"]["m.in_reply_to"]["event_id"]
        need(rel == r.event_id, "replies to the question")
        need(answer.source["content"]["m.mentions"] == {"user_ids": [ALICE]}, "mentions Alice")
    finally:
        await c.close()
        bot.send_signal(signal.SIGTERM)
        try:
            bot.wait(30)
        except subprocess.TimeoutExpired:
            bot.kill()
            bot.wait()
        log.close()
    need(BOT_TOKEN not in open(os.path.join(workdir, "bot.log")).read(), "token kept out of the log")


def main():
    os.makedirs(os.path.join(BUILD, "tests"), exist_ok=True)
    passed = failed = 0
    for name, fn in (("standin_shapes", standin_shapes), ("bot_events", bot_events)):
        srv = mx_standin.Server().start()
        workdir = tempfile.mkdtemp(prefix="mx-nio-", dir=os.path.join(BUILD, "tests"))
        ok = False
        try:
            if name == "standin_shapes":
                asyncio.run(fn(srv))
            else:
                asyncio.run(fn(srv, workdir))
            ok = not srv.hs.violations
            if srv.hs.violations:
                print("schema violations:", srv.hs.violations[:5])
        except Exception as e:  # noqa: BLE001 - report and go on
            print("%s: %s: %s" % (name, type(e).__name__, e))
            log = os.path.join(workdir, "bot.log")
            if os.path.exists(log):
                print(open(log).read()[-4000:])
        finally:
            srv.stop()
            if ok:
                shutil.rmtree(workdir, ignore_errors=True)
        print("%s %s" % ("PASS" if ok else "FAIL", name), flush=True)
        passed += ok
        failed += not ok
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
