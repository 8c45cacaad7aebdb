// Runs the example service: node dist/examples/node-app/main.js [--port N] [--handicap-us N].
// Prints its URL on the first line, and stops on SIGINT or SIGTERM.
import { parseArgs } from 'node:util';
import { createApp } from './app.js';

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, 'handicap-us': { type: 'string', default: '0' } } });
const server = createApp({ handicapUs: Number(values['handicap-us']) });
server.listen(Number(values.port), '127.0.0.1', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('not listening on TCP');
  process.stdout.write(`example app listening on http://127.0.0.1:${address.port}/\n`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => server.close(() => process.exit(0)));
