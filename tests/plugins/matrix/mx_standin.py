#!/usr/bin/env python3
"""mx_standin.py - a local Matrix homeserver stand-in for faqbot's tests.

It speaks the client-server API v3 endpoints the matrix plugin uses, with
the request and response shapes, status codes and errcodes of the spec:

  GET  /_matrix/client/versions
  GET  /_matrix/client/v3/login                     (flows)
  POST /_matrix/client/v3/login                     m.login.password
  GET  /_matrix/client/v3/account/whoami
  GET  /_matrix/client/v3/sync                      since / timeout / filter
  POST /_matrix/client/v3/rooms/{roomId}/join       and /join/{roomIdOrAlias}
  POST /_matrix/client/v3/rooms/{roomId}/leave
  GET  /_matrix/client/v3/rooms/{roomId}/joined_members
  GET  /_matrix/client/v3/rooms/{roomId}/messages    dir=b, from / to / limit / filter
  GET  /_matrix/client/v3/profile/{userId}/displayname
  PUT  /_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId}

Errors: 401 M_MISSING_TOKEN / M_UNKNOWN_TOKEN (soft_logout false), 403
M_FORBIDDEN, 404 M_NOT_FOUND, 404/405 M_UNRECOGNIZED, 400 M_NOT_JSON /
M_BAD_JSON, 429 M_LIMIT_EXCEEDED with retry_after_ms and Retry-After.
Transaction ids are idempotent per (user, device, txnId): a repeated PUT
returns the first event_id and adds nothing to the room.

Everything the bot sends is checked against schemas transcribed from the
spec's OpenAPI definitions (see SCHEMAS); every /sync response the
stand-in produces is checked the same way.  Violations are collected in
Server.violations for the tests to assert empty.

Tests drive it in-process (Homeserver methods) or over HTTP under /_test/.
Run standalone: mx_standin.py [--port N] [--port-file F].  Binds to
127.0.0.1 only.
"""
import argparse
import base64
import json
import os
import secrets
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SERVER_NAME = "localhost"

# ---------------------------------------------------------------- schemas
# A tiny JSON-schema subset: type, required, properties, items,
# additionalProperties, enum.  Transcribed from matrix-spec
# data/api/client-server/{room_send,login,sync,joining}.yaml and
# event-schemas m.room.message / m.mentions / m.relates_to.
S_STR = {"type": "string"}
S_EVENT_ID = {"type": "string", "pattern_prefix": "$"}
SCHEMAS = {
    "m.room.message": {
        "type": "object", "required": ["msgtype", "body"],
        "properties": {
            "msgtype": S_STR, "body": S_STR,
            "format": {"type": "string", "enum": ["org.matrix.custom.html"]},
            "formatted_body": S_STR,
            "m.relates_to": {
                "type": "object",
                "properties": {
                    "rel_type": S_STR, "event_id": S_EVENT_ID,
                    "is_falling_back": {"type": "boolean"},
                    "m.in_reply_to": {"type": "object", "required": ["event_id"],
                                      "properties": {"event_id": S_EVENT_ID}}}},
            "m.mentions": {
                "type": "object",
                "properties": {"user_ids": {"type": "array", "items": S_STR},
                               "room": {"type": "boolean"}}}}},
    "login": {
        "type": "object", "required": ["type"],
        "properties": {
            "type": S_STR, "password": S_STR, "device_id": S_STR,
            "initial_device_display_name": S_STR,
            "identifier": {"type": "object", "required": ["type"],
                           "properties": {"type": S_STR, "user": S_STR}}}},
    "empty_object": {"type": "object"},
    "client_event": {
        "type": "object",
        "required": ["type", "content", "sender", "event_id", "origin_server_ts"],
        "properties": {"type": S_STR, "content": {"type": "object"},
                       "sender": S_STR, "event_id": S_EVENT_ID,
                       "origin_server_ts": {"type": "integer"},
                       "state_key": S_STR, "unsigned": {"type": "object"}}},
    "stripped_state": {
        "type": "object", "required": ["type", "content", "sender", "state_key"],
        "properties": {"type": S_STR, "content": {"type": "object"},
                       "sender": S_STR, "state_key": S_STR}},
}
SCHEMAS["sync"] = {
    "type": "object", "required": ["next_batch"],
    "properties": {
        "next_batch": S_STR,
        "rooms": {"type": "object", "properties": {
            "join": {"type": "object", "additionalProperties": {
                "type": "object", "properties": {
                    "summary": {"type": "object", "properties": {
                        "m.heroes": {"type": "array", "items": S_STR},
                        "m.joined_member_count": {"type": "integer"},
                        "m.invited_member_count": {"type": "integer"}}},
                    "state": {"type": "object", "properties": {
                        "events": {"type": "array", "items": SCHEMAS["client_event"]}}},
                    "timeline": {"type": "object", "required": ["events"], "properties": {
                        "events": {"type": "array", "items": SCHEMAS["client_event"]},
                        "limited": {"type": "boolean"}, "prev_batch": S_STR}}}}},
            "invite": {"type": "object", "additionalProperties": {
                "type": "object", "properties": {
                    "invite_state": {"type": "object", "properties": {
                        "events": {"type": "array", "items": SCHEMAS["stripped_state"]}}}}}},
            "leave": {"type": "object", "additionalProperties": {
                "type": "object", "properties": {
                    "state": {"type": "object"}, "timeline": {"type": "object"}}}}}}}}

_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool,
          "integer": int}


def validate(value, schema, where="$"):
    """Return a list of violations of schema by value (empty when valid)."""
    errs = []
    t = schema.get("type")
    if t:
        ok = isinstance(value, _TYPES[t]) and not (t == "integer" and isinstance(value, bool))
        if not ok:
            return ["%s: expected %s, got %s" % (where, t, type(value).__name__)]
    if "enum" in schema and value not in schema["enum"]:
        errs.append("%s: %r not in %r" % (where, value, schema["enum"]))
    if "pattern_prefix" in schema and not value.startswith(schema["pattern_prefix"]):
        errs.append("%s: %r must start with %r" % (where, value, schema["pattern_prefix"]))
    if t == "object":
        for k in schema.get("required", []):
            if k not in value:
                errs.append("%s: missing required %r" % (where, k))
        props = schema.get("properties", {})
        for k, v in value.items():
            if k in props:
                errs += validate(v, props[k], "%s.%s" % (where, k))
            elif "additionalProperties" in schema:
                errs += validate(v, schema["additionalProperties"], "%s[%r]" % (where, k))
    if t == "array" and "items" in schema:
        for i, v in enumerate(value):
            errs += validate(v, schema["items"], "%s[%d]" % (where, i))
    return errs


# ----------------------------------------------------------------- errors
class MatrixError(Exception):
    def __init__(self, status, errcode, error, **extra):
        super().__init__(error)
        self.status, self.errcode, self.error, self.extra = status, errcode, error, extra

    def body(self):
        d = {"errcode": self.errcode, "error": self.error}
        d.update(self.extra)
        return d


def new_event_id():
    # Room version 4+ style: "$" + URL-safe unpadded base64 of a hash.
    return "$" + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")


# ------------------------------------------------------------------ model
class Room:
    def __init__(self, room_id):
        self.room_id = room_id
        self.events = []        # (pos, event) in order
        self.state = {}         # (type, state_key) -> event
        self.member_pos = {}    # user -> pos of their latest member event

    def membership(self, user):
        ev = self.state.get(("m.room.member", user))
        return ev["content"]["membership"] if ev else None

    def joined(self):
        return sorted(k[1] for k, e in self.state.items()
                      if k[0] == "m.room.member" and e["content"]["membership"] == "join")

    def invited(self):
        return [k[1] for k, e in self.state.items()
                if k[0] == "m.room.member" and e["content"]["membership"] == "invite"]


class Homeserver:
    """The state of the fake homeserver; every method takes the lock."""

    def __init__(self):
        self.lock = threading.Condition()
        self.pos = 0
        self.users = {}         # user_id -> {"password", "displayname"}
        self.tokens = {}        # token -> (user_id, device_id)
        self.rooms = {}
        self.txns = {}          # (user, device, txn) -> event_id
        self.txn_hits = 0
        self.faults = []        # dicts, see add_fault
        self.requests = []      # (method, path, status)
        self.violations = []
        self.sync_calls = []    # (user, since, timeout)
        self.messages_calls = []  # (room, from, to) of GET .../messages
        self.after_send = None  # test hook: fn(user, event_id) after a PUT send
        self.corrupt = {}       # bytes -> bytes replaced in every API response

    # ---- users, tokens
    def add_user(self, user_id, password=None, displayname=None, token=None,
                 device_id=None):
        with self.lock:
            self.users[user_id] = {"password": password, "displayname": displayname}
            if token:
                self.tokens[token] = (user_id, device_id or "DEV" + secrets.token_hex(4).upper())
            return token

    def revoke(self, token):
        with self.lock:
            self.tokens.pop(token, None)

    def login(self, user, password, device_id=None):
        with self.lock:
            u = self.users.get(user)
            if not u or u["password"] is None or u["password"] != password:
                raise MatrixError(403, "M_FORBIDDEN", "Invalid username or password")
            dev = device_id or "DEV" + secrets.token_hex(4).upper()
            # A login with an existing device id replaces that device's token.
            for t, (uid, d) in list(self.tokens.items()):
                if uid == user and d == dev:
                    del self.tokens[t]
            tok = "syt_" + secrets.token_urlsafe(24)
            self.tokens[tok] = (user, dev)
            return {"user_id": user, "access_token": tok, "device_id": dev,
                    "home_server": SERVER_NAME}

    def auth(self, token):
        if token is None:
            raise MatrixError(401, "M_MISSING_TOKEN", "Missing access token")
        who = self.tokens.get(token)
        if not who:
            raise MatrixError(401, "M_UNKNOWN_TOKEN", "Unrecognised access token",
                              soft_logout=False)
        return who

    # ---- events
    def _append(self, room, etype, sender, content, state_key=None):
        self.pos += 1
        ev = {"type": etype, "sender": sender, "content": content,
              "event_id": new_event_id(), "origin_server_ts": int(time.time() * 1000),
              "unsigned": {}}
        if state_key is not None:
            ev["state_key"] = state_key
            room.state[(etype, state_key)] = ev
            if etype == "m.room.member":
                room.member_pos[state_key] = self.pos
        room.events.append((self.pos, ev))
        self.lock.notify_all()
        return ev

    def _member(self, room, sender, user, membership):
        content = {"membership": membership}
        dn = self.users.get(user, {}).get("displayname")
        if dn and membership == "join":
            content["displayname"] = dn
        return self._append(room, "m.room.member", sender, content, user)

    def create_room(self, creator, encrypted=False, name=None):
        with self.lock:
            rid = "!" + secrets.token_urlsafe(12).replace("-", "a").replace("_", "b") + ":" + SERVER_NAME
            room = self.rooms[rid] = Room(rid)
            self._append(room, "m.room.create", creator, {"room_version": "10"}, "")
            self._member(room, creator, creator, "join")
            self._append(room, "m.room.join_rules", creator, {"join_rule": "invite"}, "")
            self._append(room, "m.room.history_visibility", creator,
                         {"history_visibility": "shared"}, "")
            if name:
                self._append(room, "m.room.name", creator, {"name": name}, "")
            if encrypted:
                self._append(room, "m.room.encryption", creator,
                             {"algorithm": "m.megolm.v1.aes-sha2"}, "")
            return rid

    def _room(self, room_id):
        room = self.rooms.get(room_id)
        if not room:
            raise MatrixError(404, "M_NOT_FOUND", "Unknown room " + room_id)
        return room

    def invite(self, room_id, sender, user):
        with self.lock:
            room = self._room(room_id)
            if room.membership(sender) != "join":
                raise MatrixError(403, "M_FORBIDDEN", "You are not in the room")
            return self._member(room, sender, user, "invite")["event_id"]

    def join(self, room_id, user):
        with self.lock:
            room = self._room(room_id)
            m = room.membership(user)
            if m == "join":
                return room_id
            if m != "invite":
                raise MatrixError(403, "M_FORBIDDEN", "You are not invited to this room.")
            self._member(room, user, user, "join")
            return room_id

    def force_join(self, room_id, user):
        with self.lock:
            self._member(self._room(room_id), user, user, "join")

    def leave(self, room_id, user):
        with self.lock:
            room = self._room(room_id)
            if room.membership(user) not in ("join", "invite"):
                raise MatrixError(403, "M_FORBIDDEN", "You are not a member of this room")
            self._member(room, user, user, "leave")
            return {}

    def send(self, room_id, sender, etype, content, txn=None, device=None):
        with self.lock:
            key = (sender, device, txn)
            if txn is not None and key in self.txns:
                self.txn_hits += 1
                return self.txns[key]
            room = self._room(room_id)
            if room.membership(sender) != "join":
                raise MatrixError(403, "M_FORBIDDEN",
                                  "User %s not in room %s" % (sender, room_id))
            eid = self._append(room, etype, sender, content)["event_id"]
            if txn is not None:
                self.txns[key] = eid
            return eid

    def timeline(self, room_id, etype=None, sender=None):
        with self.lock:
            return [dict(e, room_id=room_id) for _, e in self._room(room_id).events
                    if (etype is None or e["type"] == etype)
                    and (sender is None or e["sender"] == sender)]

    def joined_members(self, room_id, user):
        with self.lock:
            room = self._room(room_id)
            if room.membership(user) != "join":
                raise MatrixError(403, "M_FORBIDDEN", "You aren't a member of the room")
            out = {}
            for u in room.joined():
                dn = room.state[("m.room.member", u)]["content"].get("displayname")
                out[u] = {"display_name": dn, "avatar_url": None}
            return {"joined": out}

    # ---- /rooms/{id}/messages (back-pagination)
    @staticmethod
    def _token_pos(tok, what):
        """A pagination token: "t<pos>" (prev_batch / end: events up to and
        including pos) or a sync token "s<pos>_<n>" (the same)."""
        try:
            if tok[0] not in "ts":
                raise ValueError
            return int(tok[1:].split("_")[0])
        except (ValueError, IndexError):
            raise MatrixError(400, "M_INVALID_PARAM", "Invalid %s token" % what)

    def messages(self, room_id, user, q):
        """dir=b only (what a client back-filling a gap uses): the room's
        events at or before `from` and after `to`, newest first, at most
        `limit`; `end` only while older events remain (the spec)."""
        if q.get("dir") != "b":
            raise MatrixError(400, "M_INVALID_PARAM", "only dir=b is supported here")
        try:
            limit = max(1, min(int(q.get("limit", "10")), 1000))
        except ValueError:
            raise MatrixError(400, "M_INVALID_PARAM", "limit must be an integer")
        flt = None
        if "filter" in q:
            try:
                flt = json.loads(q["filter"])
            except ValueError:
                raise MatrixError(400, "M_NOT_JSON", "filter is not JSON")
        with self.lock:
            room = self._room(room_id)
            if room.membership(user) != "join":
                raise MatrixError(403, "M_FORBIDDEN", "You aren't a member of the room")
            frm = self._token_pos(q["from"], "from") if "from" in q else self.pos
            to = self._token_pos(q["to"], "to") if "to" in q else 0
            hits = [(p, e) for p, e in reversed(room.events)
                    if to < p <= frm and self._type_ok(e["type"], flt)]
            self.messages_calls.append((room_id, q.get("from"), q.get("to")))
            chunk = hits[:limit]
            out = {"start": q.get("from") or "t%d" % frm,
                   "chunk": [e for _, e in chunk], "state": []}
            if len(hits) > limit:
                out["end"] = "t%d" % (chunk[-1][0] - 1)
            return out

    # ---- faults
    def add_fault(self, kind, count=1, path_prefix="/_matrix/", method=None,
                  retry_after_ms=1000, header=True):
        """kind: "429", "500", "502", "503", "drop" (close without answer),
        "drop_after" (do the request, then close without answer),
        "badjson" (200 with a broken body)."""
        with self.lock:
            self.faults.append({"kind": kind, "count": count, "prefix": path_prefix,
                                "method": method, "retry_after_ms": retry_after_ms,
                                "header": header})

    def take_fault(self, method, path):
        with self.lock:
            for f in self.faults:
                if f["count"] > 0 and path.startswith(f["prefix"]) and \
                        (f["method"] is None or f["method"] == method):
                    f["count"] -= 1
                    return dict(f)
            return None

    def faults_left(self):
        with self.lock:
            return sum(f["count"] for f in self.faults)

    # ---- /sync
    @staticmethod
    def _type_ok(etype, flt):
        def match(pats):
            return any(p == etype or p == "*" or (p.endswith("*") and etype.startswith(p[:-1]))
                       for p in pats)
        if flt is None:
            return True
        if "not_types" in flt and match(flt["not_types"]):
            return False
        return "types" not in flt or match(flt["types"])

    def _joined_room(self, room, user, since, rf):
        tf, sf = rf.get("timeline"), rf.get("state")
        limit = (tf or {}).get("limit", 10)
        mpos = room.member_pos.get(user, 0)
        full = since is None or mpos > since
        pool = room.events if full else [(p, e) for p, e in room.events if p > since]
        if not full and not pool:
            return None
        pool = [(p, e) for p, e in pool if self._type_ok(e["type"], tf)]
        limited = len(pool) > limit
        tl = pool[-limit:] if limit else []
        tl_ids = {e["event_id"] for _, e in tl}
        if full:
            state = [e for e in room.state.values()
                     if e["event_id"] not in tl_ids and self._type_ok(e["type"], sf)]
        else:
            # the spec: membership changes in a gap are returned as state
            start = tl[0][0] if tl else self.pos + 1
            state = [e for p, e in room.events if since < p < start and "state_key" in e
                     and e["type"] == "m.room.member" and self._type_ok(e["type"], sf)]
        return {
            "summary": {"m.heroes": [u for u in room.joined() if u != user][:5],
                        "m.joined_member_count": len(room.joined()),
                        "m.invited_member_count": len(room.invited())},
            "state": {"events": state},
            "timeline": {"events": [e for _, e in tl], "limited": limited,
                         "prev_batch": "t%d" % (tl[0][0] - 1 if tl else self.pos)},
            "ephemeral": {"events": []}, "account_data": {"events": []},
            "unread_notifications": {"highlight_count": 0, "notification_count": 0}}

    def _invite_state(self, room, user):
        keep = ("m.room.create", "m.room.join_rules", "m.room.name", "m.room.encryption")
        out = [{"type": e["type"], "state_key": e["state_key"], "content": e["content"],
                "sender": e["sender"]} for (t, _), e in room.state.items() if t in keep]
        inv = room.state[("m.room.member", user)]
        out.append({"type": "m.room.member", "state_key": user, "content": inv["content"],
                    "sender": inv["sender"]})
        return {"invite_state": {"events": out}}

    def _sync_once(self, user, since, rf):
        join, invite, leave = {}, {}, {}
        for rid, room in self.rooms.items():
            m, mpos = room.membership(user), room.member_pos.get(user, 0)
            if m == "join":
                jr = self._joined_room(room, user, since, rf)
                if jr:
                    join[rid] = jr
            elif m == "invite" and (since is None or mpos > since):
                invite[rid] = self._invite_state(room, user)
            elif m in ("leave", "ban") and since is not None and mpos > since:
                ev = room.state[("m.room.member", user)]
                leave[rid] = {"state": {"events": []},
                              "timeline": {"events": [ev], "limited": False}}
        resp = {"next_batch": "s%d_%d" % (self.pos, os.getpid() % 97),
                "rooms": {"join": join, "invite": invite, "leave": leave, "knock": {}},
                "presence": {"events": []}, "account_data": {"events": []},
                "to_device": {"events": []}, "device_one_time_keys_count": {}}
        return resp, bool(join or invite or leave)

    def sync(self, user, since_tok, timeout_ms, filt):
        if since_tok is not None:
            try:
                since = int(since_tok[1:].split("_")[0])
                if not since_tok.startswith("s") or since > self.pos:
                    raise ValueError
            except ValueError:
                raise MatrixError(400, "M_INVALID_PARAM", "Invalid since token")
        else:
            since = None
        rf = (filt or {}).get("room", {})
        deadline = time.monotonic() + timeout_ms / 1000.0
        with self.lock:
            self.sync_calls.append((user, since_tok, timeout_ms))
            while True:
                resp, has = self._sync_once(user, since, rf)
                left = deadline - time.monotonic()
                if has or since is None or left <= 0:
                    break
                self.lock.wait(min(left, 1.0))
            errs = validate(resp, SCHEMAS["sync"], "sync")
            self.violations += ["stand-in " + e for e in errs]
            return resp


# ------------------------------------------------------------------- HTTP
CS = "/_matrix/client/v3"
CS_R0 = "/_matrix/client/r0"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "mx-standin/1.0"

    def log_message(self, fmt, *args):
        if os.environ.get("MX_STANDIN_VERBOSE"):
            sys.stderr.write("standin: " + (fmt % args) + "\n")

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_PUT(self):
        self.handle_any("PUT")

    def do_DELETE(self):
        self.handle_any("DELETE")

    def send_json(self, status, obj, headers=None, raw=None):
        data = raw if raw is not None else json.dumps(obj).encode()
        for old, new in self.server.hs.corrupt.items():   # broken-server faults
            data = data.replace(old, new)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def handle_any(self, method):
        hs = self.server.hs
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        try:
            if url.path.startswith("/_test/"):
                status, obj = control(hs, method, url.path, query, raw)
                return self.send_json(status, obj)
            fault = hs.take_fault(method, url.path)
            if fault and self.inject(fault, before=True):
                return
            try:
                status, obj = route(hs, method, url.path, query, raw, self.token(query))
            except MatrixError as e:
                status, obj = e.status, e.body()
            with hs.lock:
                hs.requests.append((method, url.path, status))
            if fault and self.inject(fault, before=False):
                return
            self.send_json(status, obj)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def token(self, query):
        auth = self.headers.get("Authorization")
        if auth and auth.startswith("Bearer "):
            return auth[7:]
        return (query.get("access_token") or [None])[0]

    def inject(self, f, before):
        k = f["kind"]
        if not before:
            if k == "drop_after":
                self.close_connection = True
                self.connection.shutdown(2)
                return True
            return False
        if k == "429":
            hdr = {"Retry-After": str(max(1, (f["retry_after_ms"] + 999) // 1000))} \
                if f["header"] else {}
            self.send_json(429, {"errcode": "M_LIMIT_EXCEEDED", "error": "Too Many Requests",
                                 "retry_after_ms": f["retry_after_ms"]}, hdr)
        elif k in ("500", "503"):
            self.send_json(int(k), {"errcode": "M_UNKNOWN", "error": "Internal server error"})
        elif k == "502":  # a reverse proxy's HTML error page
            self.send_json(502, None, raw=b"<html><body>502 Bad Gateway</body></html>")
        elif k == "badjson":
            self.send_json(200, None, raw=b'{"next_batch": "s1", "rooms": {')
        elif k == "drop":
            self.close_connection = True
            self.connection.shutdown(2)
        else:
            return False
        return True


def parse_body(hs, raw, schema, what):
    try:
        body = json.loads(raw.decode("utf-8")) if raw else None
    except (ValueError, UnicodeDecodeError):
        raise MatrixError(400, "M_NOT_JSON", "Content not JSON.")
    if not isinstance(body, dict):
        raise MatrixError(400, "M_BAD_JSON", "Content must be a JSON object.")
    if schema:
        errs = validate(body, SCHEMAS[schema], what)
        with hs.lock:
            hs.violations += ["bot " + e for e in errs]
        if errs:
            raise MatrixError(400, "M_BAD_JSON", "; ".join(errs)[:300])
    return body


def route(hs, method, path, query, raw, token):
    """Dispatch one client-server request; returns (status, json)."""
    if path == "/_matrix/client/versions":
        return 200, {"versions": ["v1.1", "v1.5", "v1.11", "v1.12"], "unstable_features": {}}
    # r0 is the pre-v1.1 prefix that homeservers still serve (older
    # clients, matrix-nio among them, use it)
    prefix = CS if path.startswith(CS + "/") else CS_R0
    if not path.startswith(prefix + "/"):
        raise MatrixError(404, "M_UNRECOGNIZED", "Unrecognized request")
    seg = [urllib.parse.unquote(s) for s in path[len(prefix) + 1:].split("/")]
    if seg == ["login"]:
        if method == "GET":
            return 200, {"flows": [{"type": "m.login.password"}]}
        if method != "POST":
            raise MatrixError(405, "M_UNRECOGNIZED", "Unrecognized request")
        b = parse_body(hs, raw, "login", "login")
        if b["type"] != "m.login.password":
            raise MatrixError(400, "M_UNKNOWN", "Unknown login type " + str(b["type"]))
        user = (b.get("identifier") or {}).get("user") or b.get("user")
        if user and not user.startswith("@"):
            user = "@%s:%s" % (user, SERVER_NAME)
        return 200, hs.login(user, b.get("password"), b.get("device_id"))
    user, device = hs.auth(token)
    if seg == ["account", "whoami"] and method == "GET":
        return 200, {"user_id": user, "device_id": device, "is_guest": False}
    if seg == ["sync"] and method == "GET":
        return 200, do_sync(hs, user, query)
    if len(seg) == 3 and seg[0] == "profile" and seg[2] == "displayname" and method == "GET":
        u = hs.users.get(seg[1])
        if not u or not u["displayname"]:
            raise MatrixError(404, "M_NOT_FOUND", "Profile was not found")
        return 200, {"displayname": u["displayname"]}
    if len(seg) == 2 and seg[0] == "join" and method == "POST":
        parse_body(hs, raw, "empty_object", "join")
        return 200, {"room_id": hs.join(seg[1], user)}
    if len(seg) == 3 and seg[0] == "rooms" and seg[2] == "messages" and method == "GET":
        return 200, hs.messages(seg[1], user, {k: v[0] for k, v in query.items()})
    if len(seg) >= 3 and seg[0] == "rooms":
        return room_route(hs, method, seg, raw, user, device)
    raise MatrixError(404, "M_UNRECOGNIZED", "Unrecognized request")


def do_sync(hs, user, query):
    q = {k: v[0] for k, v in query.items()}
    try:
        timeout = int(q.get("timeout", "0"))
    except ValueError:
        raise MatrixError(400, "M_INVALID_PARAM", "timeout must be an integer")
    filt = None
    if "filter" in q:
        if not q["filter"].startswith("{"):
            raise MatrixError(400, "M_INVALID_PARAM", "unknown filter id")
        try:
            filt = json.loads(q["filter"])
        except ValueError:
            raise MatrixError(400, "M_NOT_JSON", "filter is not JSON")
        if not isinstance(filt, dict):
            raise MatrixError(400, "M_BAD_JSON", "filter must be an object")
    return hs.sync(user, q.get("since"), max(0, min(timeout, 60000)), filt)


def room_route(hs, method, seg, raw, user, device):
    rid, what = seg[1], seg[2]
    if what == "join" and len(seg) == 3 and method == "POST":
        parse_body(hs, raw, "empty_object", "join")
        return 200, {"room_id": hs.join(rid, user)}
    if what == "leave" and len(seg) == 3 and method == "POST":
        parse_body(hs, raw, "empty_object", "leave")
        return 200, hs.leave(rid, user)
    if what == "joined_members" and len(seg) == 3 and method == "GET":
        return 200, hs.joined_members(rid, user)
    if what == "send" and len(seg) == 5 and method == "PUT":
        etype, txn = seg[3], seg[4]
        content = parse_body(hs, raw, etype if etype in SCHEMAS else None, "send " + etype)
        eid = hs.send(rid, user, etype, content, txn, device)
        if hs.after_send:
            hs.after_send(user, eid)
        return 200, {"event_id": eid}
    raise MatrixError(404, "M_UNRECOGNIZED", "Unrecognized request")


def control(hs, method, path, query, raw):
    """The test-only API: /_test/<verb>, JSON in and out."""
    b = json.loads(raw) if raw else {}
    q = {k: v[0] for k, v in query.items()}
    verb = path[len("/_test/"):]
    try:
        if verb == "user":
            return 200, {"access_token": hs.add_user(b["user_id"], b.get("password"),
                                                     b.get("displayname"), b.get("token"))}
        if verb == "room":
            return 200, {"room_id": hs.create_room(b["creator"], b.get("encrypted", False),
                                                   b.get("name"))}
        if verb == "invite":
            return 200, {"event_id": hs.invite(b["room_id"], b["sender"], b["user_id"])}
        if verb == "join":
            return 200, {"room_id": hs.join(b["room_id"], b["user_id"])}
        if verb == "leave":
            return 200, hs.leave(b["room_id"], b["user_id"])
        if verb == "send":
            return 200, {"event_id": hs.send(b["room_id"], b["sender"],
                                             b.get("type", "m.room.message"), b["content"])}
        if verb == "fault":
            hs.add_fault(b["kind"], b.get("count", 1), b.get("path_prefix", "/_matrix/"),
                         b.get("method"), b.get("retry_after_ms", 1000), b.get("header", True))
            return 200, {}
        if verb == "revoke":
            hs.revoke(b["token"])
            return 200, {}
        if verb == "timeline":
            return 200, {"events": hs.timeline(q["room_id"], q.get("type"), q.get("sender"))}
        if verb == "stats":
            with hs.lock:
                return 200, {"requests": hs.requests[-500:], "violations": hs.violations,
                             "txn_hits": hs.txn_hits, "faults_left": hs.faults_left()}
    except MatrixError as e:
        return e.status, e.body()
    return 404, {"errcode": "M_UNRECOGNIZED", "error": "unknown control verb"}


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port=0):
        super().__init__(("127.0.0.1", port), Handler)
        self.hs = Homeserver()
        self.thread = None

    def handle_error(self, request, client_address):
        # a client killed mid-request (kill -9 tests) is not an error here
        if isinstance(sys.exc_info()[1], (ConnectionError, BrokenPipeError)):
            return
        super().handle_error(request, client_address)

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.server_address[1]

    def start(self):
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        self.shutdown()
        self.server_close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--max-seconds", type=float, default=3600,
                    help="exit after this long (tests never leave it running)")
    a = ap.parse_args()
    srv = Server(a.port).start()
    if a.port_file:
        with open(a.port_file + ".tmp", "w") as f:
            f.write("%d\n" % srv.server_address[1])
        os.replace(a.port_file + ".tmp", a.port_file)
    print("mx-standin listening on " + srv.url, flush=True)
    try:
        time.sleep(a.max_seconds)
    except KeyboardInterrupt:
        pass
    srv.stop()


if __name__ == "__main__":
    main()
