// Starts the npm telegram-test-api emulator on 127.0.0.1:<port> for
// test_emulator.py; stops on SIGTERM.  NODE_PATH points at its install.
'use strict';
const TelegramServer = require('telegram-test-api');

const port = Number(process.argv[2]);
// argv[3]: milliseconds to hold each of the bot's sendMessage calls, so a
// test can kill the bot while replies are still going out (0: no delay)
const holdMs = Number(process.argv[3] || 0);
const server = new TelegramServer({port, host: '127.0.0.1', storeTimeout: 600});
if (holdMs > 0) {
  // start() serves whatever webServer holds, so wrap the express app
  const app = server.webServer;
  const held = (req, res) => {
    if (/^\/bot[^/]+\/sendMessage/.test(req.url))
      setTimeout(() => app(req, res), holdMs);
    else
      app(req, res);
  };
  held.settings = app.settings;
  server.webServer = held;
}
server.start().then(() => {
  process.stdout.write('ready\n');
});
process.on('SIGTERM', () => {
  server.stop().then(() => process.exit(0));
});
