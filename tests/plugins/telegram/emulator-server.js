// Starts the npm telegram-test-api emulator on 127.0.0.1:<port> for
// test_emulator.py; stops on SIGTERM.  NODE_PATH points at its install.
'use strict';
const TelegramServer = require('telegram-test-api');

const port = Number(process.argv[2]);
const server = new TelegramServer({port, host: '127.0.0.1', storeTimeout: 600});
server.start().then(() => {
  process.stdout.write('ready\n');
});
process.on('SIGTERM', () => {
  server.stop().then(() => process.exit(0));
});
