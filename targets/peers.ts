// The peers: the system's nginx, lighttpd and Python's http.server, started on the same docroot so that the
// lab's servers can be judged and measured beside them. They are kept out of servers/catalogue.ts
// on purpose: SERVERS is what `serve` runs in-process and what the shared server contract suite
// loops over.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnProgram, type ProgramStartOptions, type ServerProgram } from './programs.js';
import type { RunningServer } from './running.js';

export interface Peer extends ServerProgram {
  /** connections at once that it takes without dropping any; undefined: the runner's default */
  concurrency?: number;
}

export const PEERS: readonly Peer[] = [
  {
    name: 'nginx',
    summary: "the system's nginx, one worker, a stock-like configuration",
    program: 'nginx',
    envVar: 'HTTP_LAB_NGINX',
    installHint: 'apt-get install nginx',
    command(program, port, docroot, dir) {
      const pidFile = join(dir, 'nginx.pid');
      writeFileSync(join(dir, 'nginx.conf'), nginxConfig(port, docroot, dir));
      const args = ['-c', join(dir, 'nginx.conf'), '-p', `${dir}/`];
      // -e (the error log before the configuration is read) exists since nginx 1.19.5.
      if (nginxSupportsE(program)) args.push('-e', 'stderr');
      return { args, ready: { pidFile } };
    },
  },
  {
    name: 'lighttpd',
    summary: "the system's lighttpd with Debian's stock configuration: its modules, parse options and index files",
    program: 'lighttpd',
    envVar: 'HTTP_LAB_LIGHTTPD',
    installHint: 'apt-get install lighttpd',
    command(_program, port, docroot, dir) {
      const pidFile = join(dir, 'lighttpd.pid');
      writeFileSync(join(dir, 'lighttpd.conf'), lighttpdConfig(port, docroot, dir));
      return { args: ['-D', '-f', join(dir, 'lighttpd.conf')], ready: { pidFile } };
    },
  },
  {
    name: 'python',
    summary: "Python's http.server (python3 -m http.server), one thread per connection",
    program: 'python3',
    envVar: 'HTTP_LAB_PYTHON',
    installHint: 'apt-get install python3',
    // http.server listens with socketserver's request_queue_size of 5: eight connections at once
    // overflow it, and each dropped SYN costs a 1 s retransmission (1 s instead of 0.3 s a run).
    concurrency: 4,
    command(_program, port, docroot) {
      return {
        args: ['-u', '-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', docroot],
        ready: { stdout: /Serving HTTP on/ },
      };
    },
  },
];

export const PEER_NAMES: readonly string[] = PEERS.map((p) => p.name);

export function findPeer(name: string): Peer | undefined {
  return PEERS.find((p) => p.name === name);
}

/** Starts a peer on a free port of 127.0.0.1 and waits until it accepts connections. */
export async function spawnPeer(name: string, docroot: string, opts: ProgramStartOptions = {}): Promise<RunningServer> {
  const peer = findPeer(name);
  if (peer === undefined) throw new Error(`unknown peer "${name}"`);
  const server = await spawnProgram(peer, 'peer', docroot, opts);
  return { ...server, ...(peer.concurrency !== undefined ? { concurrency: peer.concurrency } : {}) };
}

function nginxSupportsE(program: string): boolean {
  const out = spawnSync(program, ['-v'], { encoding: 'utf8', timeout: 5000 });
  const m = /nginx\/(\d+)\.(\d+)\.(\d+)/.exec(`${out.stderr ?? ''}${out.stdout ?? ''}`);
  if (m === null) return false;
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return major > 1 || (major === 1 && (minor > 19 || (minor === 19 && patch >= 5)));
}

/** A stock-like nginx configuration: one worker, Debian's MIME types, sendfile, index.html. Every
 * path it writes (pid, temp folders) is in `dir`, so it runs as any user. */
export function nginxConfig(port: number, docroot: string, dir: string): string {
  const mime = existsSync('/etc/nginx/mime.types')
    ? 'include /etc/nginx/mime.types;'
    : 'types { text/html html; text/css css; application/javascript js; image/png png; text/plain txt; }';
  // As root, nginx's workers would run as nobody, who may not reach a docroot under /root or the
  // private temp folder: they run as the user who started http-lab instead, as they do for anyone else.
  const user = process.getuid?.() === 0 ? 'user root;\n' : '';
  return `# written by http-lab for one run of conform or bench
${user}daemon off;
worker_processes 1;
error_log stderr;
pid ${join(dir, 'nginx.pid')};
# Room for the bench's 1,000-connection scenario and C10K; stock is 512 connections.
worker_rlimit_nofile 65536;
events { worker_connections 16384; }
http {
    ${mime}
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    client_body_temp_path ${join(dir, 'client_body')};
    proxy_temp_path ${join(dir, 'proxy')};
    fastcgi_temp_path ${join(dir, 'fastcgi')};
    uwsgi_temp_path ${join(dir, 'uwsgi')};
    scgi_temp_path ${join(dir, 'scgi')};
    server {
        listen 127.0.0.1:${port};
        root ${docroot};
        index index.html;
    }
}
`;
}

/** Debian's stock lighttpd.conf (lighttpd 1.4.69), but on 127.0.0.1:`port` and `docroot`, with its
 * pid and logs in `dir` and no user switch, so that it runs as any user: the same modules, strict
 * parse options, index files, denied extensions and MIME types. */
export function lighttpdConfig(port: number, docroot: string, dir: string): string {
  const mime = existsSync('/usr/share/lighttpd/create-mime.conf.pl') ? 'include_shell "/usr/share/lighttpd/create-mime.conf.pl"' : '';
  return `# written by http-lab for one run of conform or bench, after Debian's /etc/lighttpd/lighttpd.conf
server.modules = ( "mod_indexfile", "mod_access", "mod_alias", "mod_redirect" )
server.document-root = "${docroot}"
server.bind = "127.0.0.1"
server.port = ${port}
server.pid-file = "${join(dir, 'lighttpd.pid')}"
server.errorlog = "${join(dir, 'error.log')}"
server.upload-dirs = ( "${dir}" )
server.http-parseopts = (
  "header-strict" => "enable",
  "host-strict" => "enable",
  "host-normalize" => "enable",
  "url-normalize-unreserved" => "enable",
  "url-normalize-required" => "enable",
  "url-ctrls-reject" => "enable",
  "url-path-2f-decode" => "enable",
  "url-path-dotseg-remove" => "enable",
)
index-file.names = ( "index.php", "index.html" )
url.access-deny = ( "~", ".inc" )
static-file.exclude-extensions = ( ".php", ".pl", ".fcgi" )
${mime}
`;
}
