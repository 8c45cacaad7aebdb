// The "Node's own server" yardstick of `npm run bench:compare`: node:http serving the docroot's
// files from Buffers read once at start-up (DESIGN.md: a stream per request gave 17k rps, a cached
// Buffer 80k). Run as: node node-http.js PORT DOCROOT. Benchmark-only: no conditionals, no ranges.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, relative, sep } from 'node:path';

const [port, docroot] = [Number(process.argv[2]), process.argv[3] ?? ''];
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
};

const files = new Map<string, { body: Buffer; type: string }>();
function load(dir: string): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) load(path);
    else files.set(`/${relative(docroot, path).split(sep).join('/')}`, { body: readFileSync(path), type: TYPES[extname(name)] ?? 'application/octet-stream' });
  }
}
load(docroot);
const index = files.get('/index.html');
if (index) files.set('/', index);

createServer((req, res) => {
  const file = files.get((req.url ?? '/').split('?')[0]!);
  if (file === undefined) {
    res.writeHead(404, { 'content-type': 'text/plain', 'content-length': 10 });
    res.end('not found\n');
    return;
  }
  res.writeHead(200, { 'content-type': file.type, 'content-length': file.body.length });
  res.end(req.method === 'HEAD' ? undefined : file.body);
}).listen(port, '127.0.0.1', () => {
  process.stdout.write(`node http listening on http://127.0.0.1:${port}\n`);
});
