// The node-static peer (targets/peers.ts): a static file server on Node's http module, written as
// people write one, as a yardstick of the typical hand-written server. Keep it that way: no
// conditional requests, no ranges, no caching, a readFile per request, 404 for whatever goes wrong.
// Its one care is the one people take: the path is normalized and must stay inside the docroot.
// Run as: node node-static-server.mjs PORT DOCROOT
import { readFile, stat } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';

const port = Number(process.argv[2] || 8080);
const root = path.resolve(process.argv[3] || '.');
const types = { '.html': 'text/html', '.css': 'text/css', '.js': 'text/javascript', '.json': 'application/json', '.png': 'image/png', '.txt': 'text/plain' };

http
  .createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://localhost');
      let file = path.normalize(path.join(root, decodeURIComponent(url.pathname)));
      if (file !== root && !file.startsWith(root + path.sep)) {
        res.writeHead(403);
        return res.end('Forbidden');
      }
      if ((await stat(file)).isDirectory()) file = path.join(file, 'index.html');
      const data = await readFile(file);
      res.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream' });
      res.end(data);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('Not found');
    }
  })
  .listen(port, '127.0.0.1', () => console.log(`Server running at http://127.0.0.1:${port}/`));
