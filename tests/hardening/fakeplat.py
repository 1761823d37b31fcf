"""A misbehaving platform on loopback, for the hardening tests (issue 7).

One class, FakePlatform, speaks just enough of the Telegram Bot API or of
the Matrix client-server API v3 to drive the real connector plugins through
`faqbot run`, and can be told to misbehave on the next requests:

  status   HTTP error with the platform's error body (429 with retry hints)
  reset    headers and half a body, then a TCP reset
  stall    headers and a few bytes, then nothing (the client must time out)
  trunc    HTTP 200 with truncated JSON
  shape    HTTP 200 with valid JSON of the wrong shape
  huge     HTTP 200 with a 10 MB body (the client must cap it)
  down()   nothing listens on the port for a while (connection refused)

Matrix: an incremental /sync sends at most MX_TIMELINE_LIMIT events per
room and marks the rest as a gap ("limited": true, prev_batch), which
GET /rooms/{id}/messages?dir=b pages back through, as a homeserver does.

It counts what matters: every question injected, every answer the bot sent
(per question), Matrix transactions replayed (de-duplicated by txnId, as a
homeserver does), and the times of poll requests (to measure backoff).

Listens on 127.0.0.1 only, on a free port.  Every wait is bounded.
"""
import json
import socket
import struct
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BOT_TG_ID = 4242
BOT_TG_USER = "faq_bot"
BOT_MX_ID = "@faqbot:example.org"
MX_TIMELINE_LIMIT = 50     # the bot's /sync filter asks for 50


def mx_user_room(i):
    """Parent number i and their direct-message room with the bot."""
    return "@parent%d:example.org" % i, "!dm%d:example.org" % i
HUGE_BYTES = 10 * 1024 * 1024
STALL_MAX_S = 90          # a stalled response gives up after this long
POLL_CAP_S = 2.0          # long polls are held at most this long


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def handle_error(self, request, client_address):
        pass   # the bot hanging up (killed, capped, timed out) is expected


class FakePlatform:
    """kind: "telegram" or "matrix".  token: the secret the bot must use."""

    def __init__(self, kind, token, port=0, rooms=4):
        assert kind in ("telegram", "matrix")
        self.kind, self.token = kind, token
        self.n_rooms = rooms      # matrix: DM rooms, one parent each
        self.lock = threading.Condition()
        self.faults = []          # [(where, action, arg)], consumed in order
        self.questions = {}       # qid -> (user, text)
        self.order = []           # qids in injection order
        self.answers = {}         # qid -> number of answers sent
        self.answer_times = {}    # qid -> [time of each answer]
        self.answer_text = {}     # qid -> first reply text
        self.ask_times = {}       # qid -> time it was asked
        self.replies = []         # every reply body (text / html / content)
        self.unmatched = 0        # replies not tied to a question
        self.txn_seen = {}        # matrix: txn -> event id
        self.txn_replays = 0
        self.poll_times = []      # time of every poll request
        self.requests = 0
        self.faults_done = []
        self.updates = []         # telegram: pending update objects
        self.next_update = 1
        self.events = []          # matrix: the room timeline
        self.polls_with_state = 0 # polls that carried offset / since
        self.gaps = 0             # matrix: syncs that had to drop events
        self.gap_events = 0       #   (timeline "limited": true)
        self.messages_calls = 0   # matrix: GET /rooms/{id}/messages
        self.backfilled = 0       #   events they returned
        self.stopped = False
        self.is_down = False      # go_down() .. come_up(): an outage
        self._serve(port)

    # ---- lifecycle ------------------------------------------------------
    def _serve(self, port):
        handler = type("H", (_Handler,), {"plat": self})
        self.httpd = _Server(("127.0.0.1", port), handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       kwargs={"poll_interval": 0.1},
                                       daemon=True)
        self.thread.start()

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def go_down(self):
        """An outage until come_up(): the listening socket is closed
        (connection refused), and every request still in flight on an open
        connection (a held poll, a send) is reset unanswered, so nothing
        the test does meanwhile reaches the bot before come_up()."""
        with self.lock:
            self.is_down = True
            self.lock.notify_all()
        self.httpd.shutdown()
        self.httpd.server_close()

    def come_up(self):
        """Listen again on the same port."""
        with self.lock:
            self.is_down = False
        for _ in range(50):
            try:
                self._serve(self.port)
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("cannot listen again on port %d" % self.port)

    def down(self, seconds):
        """Down for `seconds`: connection refused."""
        self.go_down()
        self.faults_done.append(("down", seconds))
        time.sleep(seconds)
        self.come_up()

    def close(self):
        with self.lock:
            self.stopped = True
            self.lock.notify_all()
        self.httpd.shutdown()
        self.httpd.server_close()

    # ---- driving ----------------------------------------------------------
    def fault(self, where, action, arg=None, times=1):
        """Queue a fault for the next `times` requests of kind `where`
        ("poll", "send" or "any")."""
        with self.lock:
            for _ in range(times):
                self.faults.append((where, action, arg))

    def faults_pending(self):
        with self.lock:
            return len(self.faults)

    def ask(self, text, user=None):
        """Inject one question; returns its id (update message id / event
        id)."""
        with self.lock:
            n = len(self.order) + 1
            if self.kind == "telegram":
                uid = 1000 + (user or 0)
                qid = str(n)
                self.updates.append({
                    "update_id": self.next_update,
                    "message": {
                        "message_id": n, "date": int(time.time()),
                        "chat": {"id": uid, "type": "private"},
                        "from": {"id": uid, "is_bot": False,
                                 "first_name": "Parent%d" % uid},
                        "text": text}})
                self.next_update += 1
            else:
                uid, room = mx_user_room(user or 0)
                qid = "$q%d" % n
                self.events.append((room, {
                    "type": "m.room.message", "event_id": qid,
                    "sender": uid, "origin_server_ts": int(time.time() * 1000),
                    "content": {"msgtype": "m.text", "body": text}}))
            self.questions[qid] = (uid, text)
            self.ask_times[qid] = time.time()
            self.order.append(qid)
            self.lock.notify_all()
            return qid

    def wait_for(self, pred, timeout):
        """Wait (bounded) until pred(self) is true; returns it."""
        end = time.time() + timeout
        with self.lock:
            while not pred(self) and time.time() < end:
                self.lock.wait(0.1)
            return pred(self)

    def latency(self, qid):
        """Seconds from question to first answer, or None."""
        with self.lock:
            ts = self.answer_times.get(qid)
            return ts[0] - self.ask_times[qid] if ts else None

    def counts(self, qids=None):
        """sent, answered, duplicated (answered more than once), lost,
        max answers for one question."""
        with self.lock:
            qids = list(self.order if qids is None else qids)
            got = [self.answers.get(q, 0) for q in qids]
        return {"sent": len(qids), "answered": sum(1 for g in got if g),
                "duplicated": sum(1 for g in got if g > 1),
                "lost": sum(1 for g in got if g == 0),
                "max_answers": max(got) if got else 0}

    def unexplained_duplicates(self, crash_times):
        """Questions answered again with no crash since their previous
        answer: a duplicate a crash cannot explain is a bug."""
        bad = []
        with self.lock:
            for q, ts in self.answer_times.items():
                for a, b in zip(ts, ts[1:]):
                    if not any(a <= k <= b for k in crash_times):
                        bad.append(q)
                        break
        return bad

    # ---- faults -----------------------------------------------------------
    def take_fault(self, where):
        with self.lock:
            for i, (w, action, arg) in enumerate(self.faults):
                if w == where or w == "any":
                    del self.faults[i]
                    self.faults_done.append((where, action, arg))
                    return action, arg
        return None, None

    # ---- telegram ---------------------------------------------------------
    def tg_get_updates(self, params):
        offset = params.get("offset")
        timeout = min(float(params.get("timeout", 0) or 0), POLL_CAP_S)
        limit = int(params.get("limit", 100) or 100)
        end = time.time() + timeout
        with self.lock:
            if offset is not None:
                self.polls_with_state += 1
                self.updates = [u for u in self.updates
                                if u["update_id"] >= offset]
            while not self.updates and time.time() < end and \
                    not self.stopped and not self.is_down:
                self.lock.wait(0.05)
            if self.is_down:
                return None
            batch = self.updates[:limit]
            # an update may be raw bytes (a poisoned one): splice it in
            parts = [u["_raw"] if "_raw" in u else json.dumps(u).encode()
                     for u in batch]
            return b'{"ok":true,"result":[' + b",".join(parts) + b"]}"

    def ask_raw(self, raw):
        """Telegram: queue one update given as raw JSON bytes (it may be
        something a JSON parser refuses); returns its update id."""
        with self.lock:
            uid = self.next_update
            self.updates.append({"update_id": uid,
                                 "_raw": raw.replace(b"@ID@", str(uid).encode())})
            self.next_update += 1
            self.lock.notify_all()
            return uid

    def ask_many(self, texts, user):
        """Queue many questions at once from one user; returns their ids."""
        return [self.ask(t, user=user) for t in texts]

    def tg_send(self, params):
        rp = params.get("reply_parameters") or {}
        text = params.get("text", "")
        with self.lock:
            self.replies.append(text)
            mid = rp.get("message_id")
            if mid is not None and str(mid) in self.questions:
                self.answers[str(mid)] = self.answers.get(str(mid), 0) + 1
                self.answer_times.setdefault(str(mid), []).append(time.time())
                self.answer_text.setdefault(str(mid), text)
            elif mid is None:
                self.unmatched += 1
            self.lock.notify_all()
            return {"ok": True, "result": {
                "message_id": 100000 + len(self.replies), "date": int(time.time()),
                "chat": {"id": params.get("chat_id"), "type": "private"},
                "text": text}}

    # ---- matrix -----------------------------------------------------------
    def mx_sync(self, query):
        since = query.get("since", [None])[0]
        timeout = min(int(query.get("timeout", ["0"])[0]) / 1000.0, POLL_CAP_S)
        member = lambda uid: {
            "type": "m.room.member", "state_key": uid, "sender": uid,
            "event_id": "$member-" + uid, "origin_server_ts": 1,
            "content": {"membership": "join", "displayname": uid[1:].split(":")[0]}}
        with self.lock:
            if self.is_down:
                return None
            if since is None:
                rooms = {}
                for i in range(self.n_rooms):
                    uid, room = mx_user_room(i)
                    rooms[room] = {
                        "state": {"events": [member(BOT_MX_ID), member(uid)]},
                        "timeline": {"events": [], "limited": False},
                        "summary": {"m.joined_member_count": 2}}
                return {"next_batch": "s%d" % len(self.events),
                        "rooms": {"join": rooms}}
            self.polls_with_state += 1
            try:
                start = int(since.lstrip("s"))
            except ValueError:
                start = len(self.events)
            end = time.time() + timeout
            while len(self.events) <= start and time.time() < end and \
                    not self.stopped and not self.is_down:
                self.lock.wait(0.05)
            if self.is_down:
                return None
            out = {"next_batch": "s%d" % len(self.events)}
            per_room = {}
            for pos in range(start, len(self.events)):
                room, ev = self.events[pos]
                per_room.setdefault(room, []).append((pos, ev))
            joined = {}
            for room, new in per_room.items():
                # a homeserver sends the newest `limit` events and marks a
                # gap; prev_batch points just before the first one sent
                lim = MX_TIMELINE_LIMIT
                if len(new) > lim:
                    self.gaps += 1
                    self.gap_events += len(new) - lim
                joined[room] = {"timeline": {
                    "events": [ev for _, ev in new[-lim:]],
                    "limited": len(new) > lim,
                    "prev_batch": "t%d" % new[-lim:][0][0]}}
            if joined:
                out["rooms"] = {"join": joined}
            return out

    def mx_messages(self, room, query):
        """GET /rooms/{room}/messages?dir=b&from=&to=&limit=: the room's
        events before `from` (a prev_batch "tN" or end token) and at or
        after `to` (a since token "sN"), newest first.  `end` is left out
        once nothing older remains, as the spec says."""
        q = {k: v[0] for k, v in query.items()}
        if q.get("dir") != "b" or "from" not in q:
            return None
        try:
            frm = int(q["from"][1:])
            to = int(q["to"][1:]) if "to" in q else 0
            limit = max(1, min(int(q.get("limit", "10")), 1000))
        except ValueError:
            return None
        with self.lock:
            self.messages_calls += 1
            frm = min(frm, len(self.events))
            hits = [(pos, ev) for pos in range(frm - 1, to - 1, -1)
                    for r, ev in [self.events[pos]] if r == room]
            chunk = hits[:limit]
            self.backfilled += len(chunk)
        out = {"start": q["from"], "chunk": [ev for _, ev in chunk]}
        if len(hits) > limit:
            out["end"] = "t%d" % chunk[-1][0]
        return out

    def mx_send(self, txn, content):
        with self.lock:
            if txn in self.txn_seen:
                self.txn_replays += 1
                return {"event_id": self.txn_seen[txn]}
            eid = "$r%d" % (len(self.txn_seen) + 1)
            self.txn_seen[txn] = eid
            self.replies.append(content.get("body", "") + "\n" +
                                content.get("formatted_body", ""))
            rel = (content.get("m.relates_to") or {}).get("m.in_reply_to") or {}
            q = rel.get("event_id")
            if q in self.questions:
                self.answers[q] = self.answers.get(q, 0) + 1
                self.answer_times.setdefault(q, []).append(time.time())
                self.answer_text.setdefault(q, self.replies[-1])
            else:
                self.unmatched += 1
            self.lock.notify_all()
            return {"event_id": eid}


class _Handler(BaseHTTPRequestHandler):
    plat = None
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def setup(self):
        # headers and body go out in two writes: without TCP_NODELAY,
        # Nagle holds the body until the client's delayed ACK (~40 ms),
        # a stall per request that no real platform has
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    # ---- plumbing -----------------------------------------------------------
    def _body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def _send(self, code, obj, headers=None):
        data = obj if isinstance(obj, bytes) else json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _error(self, code, desc, errcode="M_UNKNOWN"):
        p = self.plat
        if p.kind == "telegram":
            body = {"ok": False, "error_code": code, "description": desc}
            if code == 429:
                body["parameters"] = {"retry_after": 1}
            self._send(code, body)
        else:
            body = {"errcode": errcode, "error": desc}
            hdr = {}
            if code == 429:
                body["errcode"] = "M_LIMIT_EXCEEDED"
                body["retry_after_ms"] = 700
                hdr["Retry-After"] = "1"
            self._send(code, body, hdr)

    def _rst(self):
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass
        self.close_connection = True

    def _apply_fault(self, action, arg):
        """Misbehave; returns True when the request is finished."""
        p = self.plat
        if action == "status":
            self._error(arg, "fault injected: HTTP %d" % arg,
                        "M_LIMIT_EXCEEDED" if arg == 429 else "M_UNKNOWN")
            return True
        if action == "reset":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "5000")
            self.end_headers()
            self.wfile.write(b'{"ok":true,"result":[{"update_id":')
            self.wfile.flush()
            time.sleep(0.05)
            self._rst()
            return True
        if action == "stall":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "5000")
            self.end_headers()
            self.wfile.write(b'{"ok":true,')
            self.wfile.flush()
            end = time.time() + STALL_MAX_S
            with p.lock:
                while not p.stopped and time.time() < end:
                    p.lock.wait(0.2)
            self._rst()
            return True
        if action == "trunc":
            self._send(200, b'{"ok":true,"result":[{"update_id":7,"mess'
                       if p.kind == "telegram" else b'{"next_batch":"s9","rooms":{"jo')
            return True
        if action == "shape":
            if p.kind == "telegram":
                self._send(200, {"ok": True, "result": {"update_id": "x"}})
            else:
                self._send(200, {"rooms": [1, 2, 3], "next_batch": 17,
                                 "event_id": {"nested": True}})
            return True
        if action == "huge":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(HUGE_BYTES))
            self.end_headers()
            chunk = b"x" * 65536
            try:
                self.wfile.write(b'{"ok":true,"description":"')
                sent = 26
                while sent + len(chunk) <= HUGE_BYTES - 2:
                    self.wfile.write(chunk)
                    sent += len(chunk)
                self.wfile.write(b"x" * (HUGE_BYTES - 2 - sent) + b'"}')
            except OSError:
                pass   # the client hung up at its cap: expected
            self.close_connection = True
            return True
        return False

    # ---- routing -------------------------------------------------------------
    def _dispatch(self, method):
        p = self.plat
        with p.lock:
            down = p.is_down
            p.requests += 1
        if down:       # a kept-alive connection during an outage
            return self._rst()
        path = urllib.parse.urlsplit(self.path)
        body = self._body() if method in ("POST", "PUT") else b""
        if p.kind == "telegram":
            return self._telegram(path.path, body)
        return self._matrix(method, path, body)

    def _telegram(self, path, body):
        p = self.plat
        parts = path.split("/")
        if len(parts) != 3 or not parts[1].startswith("bot"):
            return self._error(404, "Not Found")
        if parts[1][3:] != p.token:
            return self._error(401, "Unauthorized")
        m = parts[2]
        where = "poll" if m == "getUpdates" else "send" if m == "sendMessage" else "other"
        if where == "poll":
            with p.lock:
                p.poll_times.append(time.time())
        action, arg = p.take_fault(where)
        if action and self._apply_fault(action, arg):
            return
        try:
            params = json.loads(body or b"{}")
        except ValueError:
            return self._error(400, "Bad Request: invalid JSON")
        if m == "getMe":
            return self._send(200, {"ok": True, "result": {
                "id": BOT_TG_ID, "is_bot": True, "first_name": "FAQ",
                "username": BOT_TG_USER}})
        if m in ("setMyCommands", "answerCallbackQuery"):
            return self._send(200, {"ok": True, "result": True})
        if m == "getUpdates":
            body = p.tg_get_updates(params)
            return self._rst() if body is None else self._send(200, body)
        if m == "sendMessage":
            return self._send(200, p.tg_send(params))
        return self._error(404, "Not Found: method not found")

    def _matrix(self, method, path, body):
        p = self.plat
        cs = "/_matrix/client/v3"
        if not path.path.startswith(cs):
            return self._error(404, "Unrecognized request", "M_UNRECOGNIZED")
        if self.headers.get("Authorization") != "Bearer " + p.token:
            return self._error(401, "Unknown access token", "M_UNKNOWN_TOKEN")
        rest = [urllib.parse.unquote(x) for x in path.path[len(cs):].split("/")]
        where = "poll" if rest[1:2] == ["sync"] else \
                "send" if len(rest) > 3 and rest[3] == "send" else "other"
        if where == "poll":
            with p.lock:
                p.poll_times.append(time.time())
        action, arg = p.take_fault(where)
        if action and self._apply_fault(action, arg):
            return
        if rest[1:] == ["account", "whoami"]:
            return self._send(200, {"user_id": BOT_MX_ID, "device_id": "DEV"})
        if rest[1] == "profile":
            return self._send(200, {"displayname": "FAQ Bot"})
        if where == "poll":
            q = urllib.parse.parse_qs(path.query)
            body = p.mx_sync(q)
            return self._rst() if body is None else self._send(200, body)
        if len(rest) == 4 and rest[1] == "rooms" and rest[3] == "messages":
            page = p.mx_messages(rest[2], urllib.parse.parse_qs(path.query))
            if page is None:
                return self._error(400, "bad pagination", "M_INVALID_PARAM")
            return self._send(200, page)
        if len(rest) > 3 and rest[1] == "rooms" and rest[3] == "joined_members":
            uid = "@parent%s:example.org" % rest[2][3:].split(":")[0]
            return self._send(200, {"joined": {
                BOT_MX_ID: {"display_name": "FAQ Bot"},
                uid: {"display_name": uid[1:].split(":")[0]}}})
        if where == "send" and method == "PUT" and len(rest) == 6:
            try:
                content = json.loads(body)
            except ValueError:
                return self._error(400, "bad json", "M_NOT_JSON")
            return self._send(200, p.mx_send(rest[5], content))
        if len(rest) > 3 and rest[1] == "rooms" and rest[3] in ("join", "leave"):
            return self._send(200, {"room_id": rest[2]})
        return self._error(404, "Unrecognized request", "M_UNRECOGNIZED")

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_PUT(self):
        self._dispatch("PUT")
