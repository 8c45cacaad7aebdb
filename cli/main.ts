#!/usr/bin/env node
// The http-lab command line: the composition root, and the only module that imports from every
// part of the lab.
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { SERVER_NAMES } from '../servers/registry.js';
import { conform } from './conform.js';
import { EXIT_USAGE, UsageError } from './errors.js';
import { bundledDocroot } from './paths.js';
import { serve } from './serve.js';

const useColor = (): boolean => process.stdout.isTTY === true && !('NO_COLOR' in process.env);

function targetsHelp(): string {
  return `built-in targets: ${SERVER_NAMES.join(', ')}`;
}

const cli = yargs(hideBin(process.argv))
  .scriptName('http-lab')
  .usage('$0 <command> [options]\n\nClassic HTTP server designs made real, correct and measurable.')
  .command(
    'serve',
    'run one reference server in the foreground until Ctrl-C',
    (y: Argv) =>
      y
        .option('target', { alias: 't', type: 'string', choices: SERVER_NAMES, demandOption: true, describe: 'which server design' })
        .option('host', { type: 'string', default: '127.0.0.1', describe: 'address to bind' })
        .option('port', { alias: 'p', type: 'number', default: 0, describe: 'port to bind (0 = any free port)' })
        .option('docroot', { type: 'string', default: bundledDocroot(), defaultDescription: 'the bundled html/', describe: 'folder to serve' })
        .option('idle-timeout', { type: 'number', default: 5, describe: 'seconds before a silent connection is closed' })
        .option('backlog', { type: 'number', default: 511, describe: 'listen backlog' })
        .option('max-workers', { type: 'number', default: 256, describe: 'thread and process servers: live threads or children at most' })
        .option('parent-pid', { type: 'number', hidden: true, describe: 'stop when this process (the http-lab that started the server) exits' })
        .check((a) => checkPort(a.port) && checkPositive('idle-timeout', a['idle-timeout']) && checkPositive('backlog', a.backlog) && checkPositive('max-workers', a['max-workers']))
        .example('$0 serve --target blocking --port 8080', 'serve html/ on http://127.0.0.1:8080'),
    async (a) => {
      await serve({
        target: a.target,
        host: a.host,
        port: a.port,
        docroot: a.docroot,
        idleTimeout: a['idle-timeout'],
        backlog: a.backlog,
        maxWorkers: a['max-workers'],
        ...(a['parent-pid'] !== undefined ? { parentPid: a['parent-pid'] } : {}),
      });
    },
  )
  .command(
    'conform',
    'run the HTTP/1.1 conformance checks against a built-in server or a URL',
    (y: Argv) =>
      y
        .option('target', { alias: 't', type: 'string', choices: SERVER_NAMES, describe: 'start this built-in server on an ephemeral port' })
        .option('url', { alias: 'u', type: 'string', describe: 'a running server whose root is a copy of html/' })
        .conflicts('target', 'url')
        .option('format', { alias: 'f', choices: ['text', 'json'] as const, default: 'text' as const, describe: 'output format' })
        .option('out', { alias: 'o', type: 'string', describe: 'write the output to this file' })
        .option('timeout', { type: 'number', default: 5000, describe: 'per-check timeout in ms (a timeout is an error, not a failure)' })
        .option('concurrency', { type: 'number', describe: 'checks in flight at once (default 8; 1 for serial targets)' })
        .option('strict', { type: 'boolean', default: false, describe: 'SHOULD-level checks become required' })
        .option('verbose', { alias: 'v', type: 'boolean', default: false, describe: 'add a wire trace to failures' })
        .check((a) => {
          if (a.target === undefined && a.url === undefined) throw new Error('give --target <name> or --url <url>');
          return checkPositive('timeout', a.timeout) && (a.concurrency === undefined || checkPositive('concurrency', a.concurrency));
        })
        .example('$0 conform --target blocking', 'start the blocking server and check it')
        .example('$0 conform --url http://127.0.0.1:8080/ --format json --out conformance.json', 'check a running server'),
    async (a) => {
      process.exitCode = await conform({
        ...(a.target !== undefined ? { target: a.target } : {}),
        ...(a.url !== undefined ? { url: a.url } : {}),
        ...(a.out !== undefined ? { out: a.out } : {}),
        ...(a.concurrency !== undefined ? { concurrency: a.concurrency } : {}),
        format: a.format,
        timeout: a.timeout,
        strict: a.strict,
        verbose: a.verbose,
        color: useColor(),
      });
    },
  )
  .demandCommand(1, 'name a command')
  .strict()
  .epilogue(targetsHelp())
  .help()
  .alias('help', 'h')
  .version()
  .wrap(Math.min(110, process.stdout.columns ?? 100))
  .fail((message, error) => {
    // yargs exits 1 on bad usage by default; the contract is exit 2 with a one-line reason.
    if (error !== undefined && error !== null && !(error instanceof UsageError) && !message) throw error;
    process.stderr.write(`http-lab: ${message || error?.message}\nRun "http-lab --help" for usage.\n`);
    process.exit(EXIT_USAGE);
  });

function checkPort(port: number): boolean {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be an integer from 0 to 65535 (got ${port})`);
  return true;
}

function checkPositive(name: string, value: number): boolean {
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number (got ${value})`);
  return true;
}

// A reader that goes away (`http-lab conform ... | head`) is not an error of ours.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(process.exitCode ?? 0);
});

try {
  await cli.parseAsync();
} catch (err) {
  if (err instanceof UsageError) {
    process.stderr.write(`http-lab: ${err.message}\n`);
    process.exit(EXIT_USAGE);
  }
  // Anything else is a bug in http-lab, not in the target: show the stack.
  process.stderr.write(`http-lab: internal error: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(EXIT_USAGE);
}
