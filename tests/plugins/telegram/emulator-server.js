// Starts the npm telegram-test-api emulator on 127.0.0.1:<port> for
// test_emulator.py; stops on SIGTERM.  NODE_PATH points at its install.
'use strict';
const TelegramServer = require('telegram-test-api');

const port = Number(process.argv[2]);
// argv[3]: milliseconds to hold each of the bot's sendMessage calls (0: no
// delay).  argv[4]: a gate: after that many sendMessage calls, hold every
// later one until POST /_gate/release (0: no gate), so a test can kill the
// bot while replies are still going out, however fast the bot is.
// GET /_gate/status says {"passed": N, "held": M}.
const holdMs = Number(process.argv[3] || 0);
const gateAfter = Number(process.argv[4] || 0);
const server = new TelegramServer({port, host: '127.0.0.1', storeTimeout: 600});
if (holdMs > 0 || gateAfter > 0) {
  // start() serves whatever webServer holds, so wrap the express app
  const app = server.webServer;
  let passed = 0;
  let open = gateAfter === 0;
  let held = [];
  const later = (req, res) => {
    if (holdMs > 0)
      setTimeout(() => app(req, res), holdMs);
    else
      app(req, res);
  };
  const gate = (req, res) => {
    if (req.url === '/_gate/release') {
      open = true;
      const go = held;
      held = [];
      go.forEach((f) => f());
      res.end('{"released":' + go.length + '}');
    } else if (req.url === '/_gate/status') {
      res.end(JSON.stringify({passed, held: held.length}));
    } else if (/^\/bot[^/]+\/sendMessage/.test(req.url)) {
      if (!open && passed >= gateAfter) {
        held.push(() => later(req, res));
        return;
      }
      passed++;
      later(req, res);
    } else {
      app(req, res);
    }
  };
  gate.settings = app.settings;
  server.webServer = gate;
}
server.start().then(() => {
  process.stdout.write('ready\n');
});
process.on('SIGTERM', () => {
  server.stop().then(() => process.exit(0));
});
