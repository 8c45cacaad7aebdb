// Builds the syscall addon (servers/native/src/*.cc) into build/Release/http_lab_native.node.
// Runs as part of `npm install` and `npm run build`.
//
// Offline-safe: node-gyp would otherwise download Node's headers, so --nodedir points at the
// headers that ship with the running Node (<prefix>/include/node). The gyp chatter is captured and
// only printed when the build fails (or with --verbose / HTTP_LAB_BUILD_VERBOSE=1).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const addon = join(root, 'build', 'Release', 'http_lab_native.node');
const verbose = process.argv.includes('--verbose') || process.env.HTTP_LAB_BUILD_VERBOSE === '1';

function fail(message, output) {
  if (output) process.stderr.write(output.endsWith('\n') ? output : output + '\n');
  console.error(`http-lab: native addon build failed: ${message}`);
  process.exit(1);
}

if (process.platform !== 'linux') {
  fail(`the addon uses Linux syscalls (accept4, epoll) and cannot be built on ${process.platform}`);
}

/** node-gyp's entry script: the project's devDependency first, then the copy bundled with npm. */
function findNodeGyp() {
  const candidates = [
    join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    process.env.npm_config_node_gyp, // set by npm while it runs lifecycle scripts
    resolve(process.execPath, '..', '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  return candidates.find((c) => c && existsSync(c));
}

const nodeGyp = findNodeGyp();
if (!nodeGyp) fail('node-gyp not found (neither in node_modules nor bundled with npm); run `npm install` first');

const args = [nodeGyp, 'rebuild', '--jobs=max'];
const nodedir = resolve(process.execPath, '..', '..');
if (existsSync(join(nodedir, 'include', 'node', 'node_api.h'))) {
  args.push(`--nodedir=${nodedir}`);
} else {
  console.warn(`http-lab: no Node headers under ${nodedir}/include/node; node-gyp will try its cache or a download`);
}

const started = Date.now();
const result = spawnSync(process.execPath, args, {
  cwd: root,
  encoding: 'utf8',
  stdio: verbose ? 'inherit' : 'pipe',
  maxBuffer: 64 * 1024 * 1024,
  // binding.gyp runs `node -p ...`; make sure that is this Node, not another one on PATH.
  env: { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}` },
});
const output = verbose ? '' : `${result.stdout ?? ''}${result.stderr ?? ''}`;
if (result.error) fail(`could not run node-gyp: ${result.error.message}`, output);
if (result.status !== 0) {
  fail(`node-gyp exited with ${result.status ?? result.signal} (output above; it needs python3, make and a C++ compiler)`, output);
}
if (!existsSync(addon)) fail(`node-gyp succeeded but ${addon} is missing`, output);

// Load it once: catches unresolved symbols and ABI problems now rather than at first server start.
try {
  const loaded = createRequire(import.meta.url)(addon);
  if (typeof loaded.recv !== 'function' || typeof loaded.constants !== 'object') throw new Error('unexpected exports');
} catch (err) {
  fail(`built ${addon} but it does not load: ${err instanceof Error ? err.message : err}`, output);
}

const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(`http-lab: built build/Release/http_lab_native.node in ${seconds}s`);
