"""A faithful stand-in for the Telegram Bot API, for tests.

Follows the Bot API documentation where the npm emulator does not:
getUpdates confirms updates by `offset`, long-polls for `timeout` seconds,
filters by `allowed_updates` and answers a concurrent poll with 409;
sendMessage checks the HTML (parse_mode HTML), the 4096-character limit,
reply_parameters and callback_data (1-64 bytes); every error is
{"ok":false,"error_code":N,"description":"..."} (plus "parameters" for 429).

Listens on 127.0.0.1 only, on a free port.  The test drives it from Python
(the control API below): inject user messages and button presses, read what
the bot sent, queue faults (429, 5xx, garbage, truncated, slow, dropped
connections, 401, 409).  Every wait is bounded.
"""
import html.parser
import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_TEXT = 4096
MAX_POLL_TIMEOUT = 50
ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del",
                "span", "tg-spoiler", "a", "code", "pre", "blockquote",
                "tg-emoji"}
# loopback only: never through a proxy from the environment
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))
UPDATE_TYPES = ("message", "edited_message", "channel_post",
                "edited_channel_post", "callback_query")


class ApiError(Exception):
    def __init__(self, code, description, retry_after=None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def body(self):
        out = {"ok": False, "error_code": self.code,
               "description": self.description}
        if self.retry_after is not None:
            out["parameters"] = {"retry_after": self.retry_after}
        return out


def u16len(s):
    return len(s.encode("utf-16-le")) // 2


class _HtmlCheck(html.parser.HTMLParser):
    """Telegram's HTML subset: known tags only, balanced, entities only
    for &lt; &gt; &amp; &quot; and numeric ones."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.stack, self.text, self.error = [], [], None

    def fail(self, msg):
        if self.error is None:
            self.error = msg

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.fail('Unsupported start tag "%s"' % tag)
        self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.fail('Unmatched end tag "%s"' % tag)
        else:
            self.stack.pop()

    def handle_data(self, data):
        if "<" in data or ">" in data:
            self.fail("Unexpected bracket in text")
        if "&" in data:
            self.fail("Unescaped ampersand")
        self.text.append(data)

    def handle_entityref(self, name):
        table = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
        if name not in table:
            self.fail('Unsupported HTML entity "&%s;"' % name)
        self.text.append(table.get(name, ""))

    def handle_charref(self, name):
        try:
            self.text.append(chr(int(name[1:], 16) if name[:1] in "xX"
                                 else int(name)))
        except ValueError:
            self.fail("Bad character reference")

    def unknown_decl(self, data):
        self.fail("Unsupported declaration")

    def handle_comment(self, data):
        self.fail("Unsupported comment")


def html_visible_text(text):
    """The text a client shows, or ApiError 400 like Telegram's."""
    p = _HtmlCheck()
    # a bare '<' that starts no tag reaches handle_data only at close()
    p.feed(text)
    p.close()
    if p.stack and p.error is None:
        p.fail('Unclosed start tag "%s"' % p.stack[-1])
    if p.error:
        raise ApiError(400, "Bad Request: can't parse entities: " + p.error)
    return "".join(p.text)


def command_entities(text):
    """The entities Telegram adds: bot_command at 0, @mentions."""
    ents = []
    i = 0
    while i < len(text):
        c = text[i]
        start_ok = i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")
        if c in "/@" and start_ok and (c == "@" or i == 0):
            j = i + 1
            while j < len(text) and (text[j].isalnum() or text[j] in "_@"):
                if text[j] == "@" and c == "@":
                    break
                j += 1
            if j - i > 1:
                ents.append({"type": "bot_command" if c == "/" else "mention",
                             "offset": u16len(text[:i]),
                             "length": u16len(text[i:j])})
            i = j
        else:
            i += 1
    return ents


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass    # clients dropping connections is part of the tests


class Standin:
    def __init__(self, token, username="FaqTestBot", bot_id=7000001,
                 loose=False):
        self.token = token
        # loose: getUpdates like the npm telegram-test-api emulator: each
        # update is returned once, offset, timeout and allowed_updates are
        # ignored
        self.loose = loose
        self.username = username
        self.bot_id = bot_id
        self.cond = threading.Condition()
        self.updates = []          # pending (unconfirmed) updates
        self.next_update_id = 5000
        self.next_message_id = {}  # chat id -> next id
        self.messages = {}         # (chat id, message id) -> Message
        self.sent = []             # sendMessage calls that succeeded
        self.callbacks = {}        # id -> {"answered": bool, ...}
        self.callback_answers = []
        self.commands = None
        self.requests = []         # (time, method, params) of every call
        self.faults = []           # [method or "*", kind, arg]
        self.hanging = 0            # requests held by a "hang" fault
        self.loose_polls = []       # loose mode: (time, updates returned)
        self.conns = set()          # open client connections
        self.webhook = None         # {"url", "secret_token"} once set
        self.webhook_posts = []     # (update_id, HTTP status) per delivery
        self.pusher = None
        self.poll_generation = 0
        self.polls_active = 0
        self.server = None
        self.thread = None

    # ---- lifecycle --------------------------------------------------------

    def start(self):
        standin = self

        class Handler(_Handler):
            pass
        Handler.standin = standin
        self.server = _Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.1},
                                       daemon=True)
        self.thread.start()
        return self

    def pause(self):
        """Go down: stop listening and cut every open connection."""
        self.port = self.server.server_address[1]
        self.server.shutdown()
        self.server.server_close()
        with self.cond:
            conns, self.conns = list(self.conns), set()
            self.poll_generation += 1
            self.cond.notify_all()
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def resume(self):
        """Come back on the same port."""
        handler = self.server.RequestHandlerClass
        for _ in range(100):        # the old socket may linger a moment
            try:
                self.server = _Server(("127.0.0.1", self.port), handler)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("cannot listen again on port %d" % self.port)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.1},
                                       daemon=True)
        self.thread.start()

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.server.server_address[1]

    def stop(self):
        with self.cond:
            self.poll_generation += 1
            self.cond.notify_all()
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
        if self.pusher:
            self.pusher.join(20)

    # ---- control: the user side -------------------------------------------

    def _new_message_id(self, chat_id):
        mid = self.next_message_id.get(chat_id, 100)
        self.next_message_id[chat_id] = mid + 1
        return mid

    def _push(self, kind, obj):
        with self.cond:
            upd = {"update_id": self.next_update_id, kind: obj}
            self.next_update_id += 1
            self.updates.append(upd)
            self.cond.notify_all()
            return upd["update_id"]

    def user_message(self, chat_id, text, user_id=None, first_name="Parent",
                     chat_type="private", reply_to=None, is_bot=False,
                     entities=None, date=None, extra=None):
        """Inject a message from a user; returns its message_id."""
        user_id = user_id if user_id is not None else chat_id
        with self.cond:
            mid = self._new_message_id(chat_id)
        chat = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = first_name
        else:
            chat["title"] = "Parents group"
        msg = {"message_id": mid, "date": int(date or time.time()),
               "chat": chat, "from": {"id": user_id, "is_bot": is_bot,
                                      "first_name": first_name}}
        if text is not None:
            msg["text"] = text
            ents = command_entities(text) if entities is None else entities
            if ents:
                msg["entities"] = ents
        if reply_to is not None:
            msg["reply_to_message"] = self.messages[(chat_id, reply_to)]
        if extra:
            msg.update(extra)
        with self.cond:
            self.messages[(chat_id, mid)] = msg
        self._push("message", msg)
        return mid

    def press_button(self, chat_id, message_id, data, user_id=None):
        """Inject a callback_query for a button of a bot message."""
        user_id = user_id if user_id is not None else chat_id
        with self.cond:
            qid = "cq%d" % (len(self.callbacks) + 1)
            self.callbacks[qid] = {"answered": False, "data": data}
            msg = self.messages[(chat_id, message_id)]
        self._push("callback_query", {
            "id": qid, "from": {"id": user_id, "is_bot": False,
                                "first_name": "Parent"},
            "message": msg, "chat_instance": "ci%d" % chat_id, "data": data})
        return qid

    def raw_update(self, fields):
        """Inject an update with arbitrary content; returns its id."""
        with self.cond:
            upd = dict(fields)
            upd.setdefault("update_id", self.next_update_id)
            self.next_update_id = max(self.next_update_id,
                                      upd["update_id"]) + 1
            self.updates.append(upd)
            self.cond.notify_all()
            return upd["update_id"]

    def fault(self, kind, method="*", count=1, arg=None, after=0):
        """Queue count faults for method: 429 (arg = retry_after), 500,
        502html, garbage, truncated, slow (arg = seconds), drop (close
        before answering), drop_after (handle, then close), hang (hold
        the request arg seconds, then close unanswered), huge (a 5 MB
        body), badutf8 (bytes 0xff 0xfe where a text says @@BAD@@), 401,
        409.  after: let that many calls of method through first (a fault
        that strikes mid-stream, however fast the bot is)."""
        with self.cond:
            for i in range(count):
                self.faults.append([method, kind, arg, after if i == 0
                                    else 0])

    # ---- control: reading -------------------------------------------------

    def wait_for(self, pred, timeout=20.0):
        """Wait until pred() (called under the lock) is true; returns its
        value, or None after timeout seconds."""
        deadline = time.time() + timeout
        with self.cond:
            while True:
                v = pred()
                if v:
                    return v
                left = deadline - time.time()
                if left <= 0:
                    return None
                self.cond.wait(min(left, 0.2))

    def replies_to(self, chat_id, message_id):
        with self.cond:
            return [m for m in self.sent if m["chat"]["id"] == chat_id and
                    m.get("_reply_to") == message_id]

    def sent_in(self, chat_id):
        with self.cond:
            return [m for m in self.sent if m["chat"]["id"] == chat_id]

    def calls(self, method):
        with self.cond:
            return [p for (_, m, p) in self.requests if m == method]

    # ---- the API ----------------------------------------------------------

    LATE_FAULTS = ("badutf8",)    # applied to a response with results

    def take_fault(self, method, late=False):
        with self.cond:
            for i, f in enumerate(self.faults):
                if f[0] in ("*", method) and (f[1] in self.LATE_FAULTS) == late:
                    if f[3] > 0:       # not yet: this call goes through
                        f[3] -= 1
                        return None
                    return self.faults.pop(i)[:3]
        return None

    def call(self, method, params):
        with self.cond:
            self.requests.append((time.time(), method, params))
        fn = getattr(self, "api_" + method, None)
        if fn is None:
            raise ApiError(404, "Not Found")
        return fn(params)

    def api_getMe(self, p):
        return {"id": self.bot_id, "is_bot": True, "first_name": "FAQ bot",
                "username": self.username, "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False}

    def api_setMyCommands(self, p):
        cmds = p.get("commands")
        if not isinstance(cmds, list) or len(cmds) > 100:
            raise ApiError(400, "Bad Request: commands must be an array")
        for c in cmds:
            name, desc = c.get("command", ""), c.get("description", "")
            if not (1 <= len(name) <= 32) or not all(
                    ch.islower() or ch.isdigit() or ch == "_" for ch in name):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not (1 <= len(desc) <= 256):
                raise ApiError(400, "Bad Request: command description is "
                                    "empty or too long")
        self.commands = cmds
        return True

    def _int(self, p, key, default):
        v = p.get(key, default)
        try:
            return int(v)
        except (TypeError, ValueError):
            raise ApiError(400, "Bad Request: wrong parameter %s" % key)

    # ---- webhooks ----------------------------------------------------------

    def api_setWebhook(self, p):
        url, secret = p.get("url", ""), p.get("secret_token", "")
        if not url.startswith(("https://", "http://")):
            raise ApiError(400, "Bad Request: bad webhook: An HTTPS URL must "
                                "be provided for webhook")
        if secret and not (len(secret) <= 256 and all(
                c.isalnum() or c in "_-" for c in secret)):
            raise ApiError(400, "Bad Request: secret token contains "
                                "unallowed characters")
        with self.cond:
            self.webhook = {"url": url, "secret_token": secret}
            self.cond.notify_all()
        if not self.pusher:
            self.pusher = threading.Thread(target=self._push_webhook,
                                           daemon=True)
            self.pusher.start()
        return True

    def api_deleteWebhook(self, p):
        with self.cond:
            self.webhook = None
        return True

    def api_getWebhookInfo(self, p):
        with self.cond:
            return {"url": (self.webhook or {}).get("url", ""),
                    "has_custom_certificate": False,
                    "pending_update_count": len(self.updates)}

    def _post_update(self, hook, upd):
        headers = {"Content-Type": "application/json"}
        if hook["secret_token"]:
            headers["X-Telegram-Bot-Api-Secret-Token"] = hook["secret_token"]
        req = urllib.request.Request(hook["url"], json.dumps(upd).encode(),
                                     headers)
        try:
            with _NO_PROXY.open(req, timeout=15) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code
        except OSError:
            return 0

    def _push_webhook(self):
        """Deliver updates one at a time, in order, until the bot answers
        2xx (Telegram retries failed deliveries)."""
        while self.server is not None:
            with self.cond:
                hook = self.webhook
                upd = self.updates[0] if self.updates and hook else None
                if upd is None:
                    self.cond.wait(0.2)
                    continue
            status = self._post_update(hook, upd)
            with self.cond:
                self.webhook_posts.append((upd["update_id"], status))
                if 200 <= status < 300 and self.updates and \
                        self.updates[0] is upd:
                    self.updates.pop(0)
                    self.cond.notify_all()
                else:
                    self.cond.wait(0.3)

    def api_getUpdates(self, p):
        if self.webhook:
            raise ApiError(409, "Conflict: can't use getUpdates method while "
                                "webhook is active; use deleteWebhook to "
                                "delete the webhook first")
        if self.loose:
            with self.cond:
                out, self.updates = self.updates, []
                self.loose_polls.append((time.time(), len(out)))
                return out
        offset = self._int(p, "offset", 0)
        limit = max(1, min(100, self._int(p, "limit", 100)))
        timeout = max(0, min(MAX_POLL_TIMEOUT, self._int(p, "timeout", 0)))
        allowed = p.get("allowed_updates")
        if isinstance(allowed, str):
            allowed = json.loads(allowed)
        allowed = set(allowed) if allowed else set(UPDATE_TYPES) - {
            "chat_member", "message_reaction"}
        deadline = time.time() + timeout
        with self.cond:
            self.poll_generation += 1
            gen = self.poll_generation
            self.cond.notify_all()
            while True:
                if offset > 0:
                    self.updates = [u for u in self.updates
                                    if u["update_id"] >= offset]
                elif offset < 0:
                    self.updates = self.updates[offset:]
                self.updates = [u for u in self.updates
                                if not any(k in u for k in UPDATE_TYPES) or
                                any(k in u for k in allowed)]
                if self.updates or time.time() >= deadline:
                    return self.updates[:limit]
                if gen != self.poll_generation:
                    raise ApiError(409, "Conflict: terminated by other "
                                        "getUpdates request; make sure that "
                                        "only one bot instance is running")
                self.cond.wait(min(0.2, max(0.01, deadline - time.time())))

    def _check_markup(self, markup):
        if markup is None:
            return
        if isinstance(markup, str):
            markup = json.loads(markup)
        rows = markup.get("inline_keyboard")
        if not isinstance(rows, list):
            raise ApiError(400, "Bad Request: inline keyboard expected")
        for row in rows:
            for b in row:
                if not b.get("text"):
                    raise ApiError(400, "Bad Request: BUTTON_TEXT_EMPTY")
                data = b.get("callback_data")
                if data is not None and not (
                        1 <= len(data.encode("utf-8")) <= 64):
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")

    def api_sendMessage(self, p):
        chat_id = p.get("chat_id")
        text = p.get("text")
        if not isinstance(chat_id, int) and not (
                isinstance(chat_id, str) and chat_id.lstrip("-").isdigit()):
            raise ApiError(400, "Bad Request: chat not found")
        chat_id = int(chat_id)
        if not isinstance(text, str) or not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        visible = text
        if p.get("parse_mode") == "HTML":
            visible = html_visible_text(text)
        elif p.get("parse_mode") not in (None, ""):
            raise ApiError(400, "Bad Request: unsupported parse_mode")
        if u16len(visible) > MAX_TEXT:
            raise ApiError(400, "Bad Request: message is too long")
        self._check_markup(p.get("reply_markup"))
        rp = p.get("reply_parameters")
        if isinstance(rp, str):
            rp = json.loads(rp)
        with self.cond:
            known = [k for k in self.messages if k[0] == chat_id]
            if not known:
                raise ApiError(400, "Bad Request: chat not found")
            reply_to = None
            if rp:
                key = (chat_id, rp.get("message_id"))
                if key in self.messages:
                    reply_to = self.messages[key]
                elif not rp.get("allow_sending_without_reply"):
                    raise ApiError(400, "Bad Request: message to be replied "
                                        "not found")
            chat = dict(known and self.messages[known[0]]["chat"])
            mid = self._new_message_id(chat_id)
            msg = {"message_id": mid, "date": int(time.time()), "chat": chat,
                   "from": {"id": self.bot_id, "is_bot": True,
                            "first_name": "FAQ bot",
                            "username": self.username},
                   "text": visible}
            if reply_to:
                msg["reply_to_message"] = reply_to
            if p.get("reply_markup"):
                msg["reply_markup"] = p["reply_markup"]
            self.messages[(chat_id, mid)] = msg
            rec = dict(msg, _html=text, _params=p,
                       _reply_to=reply_to["message_id"] if reply_to else None)
            self.sent.append(rec)
            self.cond.notify_all()
        return msg

    def api_answerCallbackQuery(self, p):
        qid = p.get("callback_query_id")
        with self.cond:
            q = self.callbacks.get(qid)
            if q is None or q["answered"]:
                raise ApiError(400, "Bad Request: query is too old and "
                                    "response timeout expired or query ID "
                                    "is invalid")
            q["answered"] = True
            self.callback_answers.append(dict(p))
            self.cond.notify_all()
        return True


class _Handler(BaseHTTPRequestHandler):
    standin = None
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        # headers and body go out in separate writes: without this, Nagle
        # and delayed ACKs add 40 ms to every call
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.standin.cond:
            self.standin.conns.add(self.connection)

    def finish(self):
        try:
            super().finish()
        finally:
            with self.standin.cond:
                self.standin.conns.discard(self.connection)

    def log_message(self, fmt, *args):
        pass

    def _params(self):
        parsed = urllib.parse.urlsplit(self.path)
        params = {k: v[-1] for k, v in
                  urllib.parse.parse_qs(parsed.query).items()}
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        ctype = (self.headers.get("Content-Type") or "").split(";")[0]
        if raw and ctype == "application/json":
            body = json.loads(raw)
            if not isinstance(body, dict):
                raise ApiError(400, "Bad Request: parameters must be an "
                                    "object")
            params.update(body)
        elif raw:
            params.update({k: v[-1] for k, v in
                           urllib.parse.parse_qs(raw.decode()).items()})
        return parsed.path, params

    def _reply(self, code, body, ctype="application/json"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _drop(self):
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _fault_response(self, fault):
        """Answer as the fault says instead of the API.  Returns True when
        the request is done with, False to go on normally (slow)."""
        st, kind, arg = self.standin, fault[1], fault[2]
        if kind == "slow":
            time.sleep(arg or 3)
            return False
        if kind == "drop":
            self._drop()
        elif kind == "hang":
            with st.cond:
                st.hanging += 1
                st.cond.notify_all()
            time.sleep(arg or 3)
            with st.cond:
                st.hanging -= 1
            self._drop()
        elif kind in ("429", "500", "401", "409"):
            code = int(kind)
            desc = {429: "Too Many Requests: retry after %d" % (arg or 1),
                    500: "Internal Server Error", 401: "Unauthorized",
                    409: "Conflict: can't use getUpdates method while "
                         "webhook is active; use deleteWebhook to delete "
                         "the webhook first"}[code]
            err = ApiError(code, desc, (arg or 1) if code == 429 else None)
            self._reply(code, err.body())
        elif kind == "502html":
            self._reply(502, b"<html><body>502 Bad Gateway</body></html>",
                        "text/html")
        elif kind == "garbage":
            self._reply(200, b"\x00\xff{not json at all", "text/plain")
        elif kind == "huge":
            self._reply(200, b'{"ok":true,"result":[' +
                        b'{"update_id":1},' * (5 << 16) + b']}')
        elif kind == "truncated":
            self._reply(200, b'{"ok":true,"result":[{"update_id":')
        else:
            return False        # drop_after: handled after the call
        return True

    def do_GET(self):
        self.do_POST()

    def do_POST(self):
        st = self.standin
        try:
            path, params = self._params()
        except (ValueError, ApiError) as e:
            err = e if isinstance(e, ApiError) else ApiError(
                400, "Bad Request: can't parse JSON")
            return self._reply(err.code, err.body())
        parts = path.strip("/").split("/")
        if len(parts) != 2 or parts[0] != "bot" + st.token:
            bad = len(parts) == 2 and parts[0].startswith("bot")
            err = ApiError(401, "Unauthorized") if bad else ApiError(
                404, "Not Found")
            return self._reply(err.code, err.body())
        method = parts[1]
        # getUpdates faults strike when the poll returns, with whatever it
        # fetched: the bot must fetch those updates again
        late_poll = method == "getUpdates"
        fault = None if late_poll else st.take_fault(method)
        if fault and self._fault_response(fault):
            return
        try:
            result = st.call(method, params)
            body, code = {"ok": True, "result": result}, 200
        except ApiError as e:
            body, code = e.body(), e.code
        if late_poll:
            fault = st.take_fault(method)
            if fault and self._fault_response(fault):
                return
        kind = fault[1] if fault else None
        if kind == "drop_after":
            return self._drop()
        if kind is None and body.get("result"):
            late = st.take_fault(method, late=True)
            kind = late[1] if late else None
        if kind == "badutf8":
            # invalid UTF-8 where the text says @@BAD@@ (real servers never
            # send it; a broken proxy might)
            body = json.dumps(body, ensure_ascii=False).encode().replace(
                b"@@BAD@@", b"\xff\xfe")
        try:
            self._reply(code, body)
        except OSError:
            pass
