// The peers: the system's nginx, Apache, lighttpd, h2o and Caddy, Python's http.server, and a static
// file server on Node's http module written as people write one, started on the same docroot so that
// the lab's servers can be judged and measured beside them. They are kept out of servers/catalogue.ts
// on purpose: SERVERS is what `serve` runs in-process and what the shared server contract suite
// loops over.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { packageRoot } from '../system/package.js';
import { spawnProgram, type ProgramStartOptions, type ServerProgram } from './programs.js';
import { TargetStartError, type RunningServer } from './running.js';

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
      return nginxCommand(program, port, docroot, dir, {});
    },
  },
  {
    name: 'apache',
    summary: "the system's Apache httpd 2.4 with Debian's stock configuration: mpm_event, its enabled modules and confs, the default site",
    program: 'apache2',
    envVar: 'HTTP_LAB_APACHE',
    installHint: 'apt-get install apache2',
    command(_program, port, docroot, dir) {
      if (!existsSync(join(APACHE_CONFDIR, 'mods-enabled'))) {
        throw new TargetStartError(`apache2 needs Debian's configuration in ${APACHE_CONFDIR}/mods-enabled (apt-get install apache2)`);
      }
      const cannot = peerCannotServe('apache', docroot);
      if (cannot !== undefined) throw new TargetStartError(cannot);
      // As root, Apache's children run as www-data, as Debian's envvars says: it refuses to serve as root.
      writeFileSync(join(dir, 'apache2.conf'), apacheConfig(port, docroot, dir, isRoot() ? APACHE_USER : undefined));
      // -d: relative paths (mods-enabled/*.load) are Debian's ServerRoot's, as under apache2ctl.
      return {
        args: ['-d', APACHE_CONFDIR, '-f', join(dir, 'apache2.conf'), '-DFOREGROUND'],
        ready: { pidFile: join(dir, 'apache2.pid') },
        env: { LANG: 'C' },
      };
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
    name: 'h2o',
    summary: "the system's h2o with Debian's stock configuration: one process, file.dir on the docroot, /server-status",
    program: 'h2o',
    envVar: 'HTTP_LAB_H2O',
    installHint: 'apt-get install h2o',
    // SIGTERM is its graceful stop, which waits up to 10 s for idle keep-alive connections to close.
    stopSignal: 'SIGINT',
    command(_program, port, docroot, dir) {
      writeFileSync(join(dir, 'h2o.conf'), h2oConfig(port, docroot, dir));
      return { args: ['-c', join(dir, 'h2o.conf')], ready: { pidFile: join(dir, 'h2o.pid') } };
    },
  },
  {
    name: 'caddy',
    summary: "the system's Caddy 2 with Debian's stock Caddyfile: file_server on the docroot, without the admin endpoint",
    program: 'caddy',
    envVar: 'HTTP_LAB_CADDY',
    installHint: 'apt-get install caddy',
    command(_program, port, docroot, dir) {
      writeFileSync(join(dir, 'Caddyfile'), caddyfile(port, docroot));
      return {
        args: ['run', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile', '--pidfile', join(dir, 'caddy.pid')],
        // It writes its autosaved configuration and certificate storage under these: in the private folder.
        env: { HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), XDG_DATA_HOME: join(dir, 'data') },
        ready: { pidFile: join(dir, 'caddy.pid') },
      };
    },
  },
  {
    name: 'python',
    summary:
      "Python's http.server (python3 -m http.server), one thread per connection; it speaks HTTP/1.0 (protocol_version), so every answer is an HTTP/1.0 one and closes",
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
  {
    name: 'node-static',
    summary: "a static file server on Node's http module as people write one: readFile per request, a small MIME map, 404 on any error",
    // This very Node, the one running http-lab.
    program: basename(process.execPath),
    searchDirs: [dirname(process.execPath)],
    envVar: 'HTTP_LAB_NODE',
    installHint: 'Node.js is this very program: set HTTP_LAB_NODE to its path',
    command(_program, port, docroot) {
      return { args: [NODE_STATIC_SERVER, String(port), docroot], ready: { stdout: /Server running at / } };
    },
  },
];

export const PEER_NAMES: readonly string[] = PEERS.map((p) => p.name);

export function findPeer(name: string): Peer | undefined {
  return PEERS.find((p) => p.name === name);
}

/** Why the peer could not serve `docroot` although its program is installed, in one line; or
 * undefined. Apache started by root serves as www-data, who must be able to read the docroot. */
export function peerCannotServe(name: string, docroot: string): string | undefined {
  if (name !== 'apache' || !isRoot()) return undefined;
  const denied = unreadableBy(APACHE_USER, docroot);
  return denied === undefined ? undefined : `apache2 serves as ${APACHE_USER} when started by root, and ${denied}`;
}

/** Starts a peer on a free port of 127.0.0.1 and waits until it accepts connections. */
export async function spawnPeer(name: string, docroot: string, opts: ProgramStartOptions = {}): Promise<RunningServer> {
  const peer = findPeer(name);
  if (peer === undefined) throw new Error(`unknown peer "${name}"`);
  const server = await spawnProgram(peer, 'peer', docroot, opts);
  return { ...server, ...(peer.concurrency !== undefined ? { concurrency: peer.concurrency } : {}) };
}

/** nginx on its own configuration in `dir` (the nginx peer, and the nginx-tuned yardstick). */
export function nginxCommand(
  program: string,
  port: number,
  docroot: string,
  dir: string,
  options: { tuned?: boolean },
): { args: string[]; ready: { pidFile: string } } {
  writeFileSync(join(dir, 'nginx.conf'), nginxConfig(port, docroot, dir, options));
  const args = ['-c', join(dir, 'nginx.conf'), '-p', `${dir}/`];
  // -e (the error log before the configuration is read) exists since nginx 1.19.5.
  if (nginxSupportsE(program)) args.push('-e', 'stderr');
  return { args, ready: { pidFile: join(dir, 'nginx.pid') } };
}

function nginxSupportsE(program: string): boolean {
  const out = spawnSync(program, ['-v'], { encoding: 'utf8', timeout: 5000 });
  const m = /nginx\/(\d+)\.(\d+)\.(\d+)/.exec(`${out.stderr ?? ''}${out.stdout ?? ''}`);
  if (m === null) return false;
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return major > 1 || (major === 1 && (minor > 19 || (minor === 19 && patch >= 5)));
}

/** A stock-like nginx configuration: one worker, Debian's MIME types, sendfile, index.html. Every
 * path it writes (pid, temp folders) is in `dir`, so it runs as any user. Tuned (the nginx-tuned
 * yardstick): open files and their metadata cached, and small files written from memory rather
 * than sent with sendfile. */
export function nginxConfig(port: number, docroot: string, dir: string, options: { tuned?: boolean } = {}): string {
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
    ${options.tuned ? 'sendfile off;\n    open_file_cache max=1000 inactive=60s;\n    open_file_cache_valid 60s;\n    open_file_cache_errors on;' : 'sendfile on;'}
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

const isRoot = (): boolean => process.getuid?.() === 0;

/** Debian's Apache configuration folder: its ServerRoot, where the enabled modules and confs are. */
const APACHE_CONFDIR = '/etc/apache2';
/** Who Apache's children run as when it is started by root (Debian's envvars: APACHE_RUN_USER). */
const APACHE_USER = 'www-data';

/** Debian's stock apache2.conf (Apache 2.4), with what /etc/apache2/envvars would set defined in the
 * file itself, its enabled modules and confs included from `APACHE_CONFDIR`, and the default site
 * (000-default.conf) on 127.0.0.1:`port` and `docroot`; pid, logs and runtime files are in `dir`.
 * `user`: the User and Group of its children, given only when it is started by root. */
export function apacheConfig(port: number, docroot: string, dir: string, user?: string): string {
  const users = user === undefined ? '' : `Define APACHE_RUN_USER ${user}\nDefine APACHE_RUN_GROUP ${user}\n`;
  const switchUser = user === undefined ? '' : 'User ${APACHE_RUN_USER}\nGroup ${APACHE_RUN_GROUP}\n';
  return `# written by http-lab for one run of conform or bench, after Debian's ${APACHE_CONFDIR}/apache2.conf,
# envvars, ports.conf and sites-enabled/000-default.conf
Define APACHE_RUN_DIR "${dir}"
Define APACHE_PID_FILE "${join(dir, 'apache2.pid')}"
Define APACHE_LOCK_DIR "${dir}"
Define APACHE_LOG_DIR "${dir}"
${users}DefaultRuntimeDir \${APACHE_RUN_DIR}
PidFile \${APACHE_PID_FILE}
Timeout 300
KeepAlive On
MaxKeepAliveRequests 100
KeepAliveTimeout 5
${switchUser}HostnameLookups Off
ErrorLog \${APACHE_LOG_DIR}/error.log
LogLevel warn
IncludeOptional mods-enabled/*.load
IncludeOptional mods-enabled/*.conf
Listen 127.0.0.1:${port}
<Directory />
	Options FollowSymLinks
	AllowOverride None
	Require all denied
</Directory>
<Directory /usr/share>
	AllowOverride None
	Require all granted
</Directory>
<Directory "${docroot}">
	Options Indexes FollowSymLinks
	AllowOverride None
	Require all granted
</Directory>
AccessFileName .htaccess
<FilesMatch "^\\.ht">
	Require all denied
</FilesMatch>
LogFormat "%v:%p %h %l %u %t \\"%r\\" %>s %O \\"%{Referer}i\\" \\"%{User-Agent}i\\"" vhost_combined
LogFormat "%h %l %u %t \\"%r\\" %>s %O \\"%{Referer}i\\" \\"%{User-Agent}i\\"" combined
LogFormat "%h %l %u %t \\"%r\\" %>s %O" common
LogFormat "%{Referer}i -> %U" referer
LogFormat "%{User-agent}i" agent
IncludeOptional conf-enabled/*.conf
<VirtualHost *:${port}>
	ServerAdmin webmaster@localhost
	DocumentRoot "${docroot}"
	ErrorLog \${APACHE_LOG_DIR}/error.log
	CustomLog \${APACHE_LOG_DIR}/access.log combined
</VirtualHost>
`;
}

/** Debian's stock /etc/h2o/h2o.conf (h2o 2.2), on 127.0.0.1:`port` with `file.dir` the docroot and
 * its pid and logs (files, not rotatelogs pipes) in `dir`. Started by root, it stays root, as nginx's
 * workers do, rather than becoming Debian's debian-h2o: its one process would lose the parent-death
 * signal (the kernel clears it when a process changes its user) and outlive a killed http-lab, and
 * could not write its pid file (written after the switch) in the private folder. */
export function h2oConfig(port: number, docroot: string, dir: string): string {
  return `# written by http-lab for one run of conform or bench, after Debian's /etc/h2o/h2o.conf
server-name: "h2o (Debian)"
${isRoot() ? 'user: root\n' : ''}access-log: ${JSON.stringify(join(dir, 'access.log'))}
error-log: ${JSON.stringify(join(dir, 'error.log'))}
pid-file: ${JSON.stringify(join(dir, 'h2o.pid'))}

listen:
  host: 127.0.0.1
  port: ${port}

hosts:
  default:
    paths:
      /:
        file.dir: ${JSON.stringify(docroot)}
      /server-status:
        status: ON
`;
}

/** Debian's stock /etc/caddy/Caddyfile on 127.0.0.1:`port` and `docroot`, with neither the admin
 * endpoint (another port, and one more way in) nor automatic HTTPS (there is no host name anyway). */
export function caddyfile(port: number, docroot: string): string {
  return `# written by http-lab for one run of conform or bench, after Debian's /etc/caddy/Caddyfile
{
	admin off
	auto_https off
}

:${port} {
	bind 127.0.0.1
	root * ${JSON.stringify(docroot)}
	file_server
}
`;
}

/** The hand-written static file server that the node-static peer runs (shipped in scripts/). */
const NODE_STATIC_SERVER = join(packageRoot(), 'scripts', 'node-static-server.mjs');

/** Why `user` (from /etc/passwd) cannot read the files of `docroot`: the first folder, from the root
 * down, that it may not enter or list, going by the mode bits; undefined when it can (or when the
 * user is unknown: the server then says so itself). */
export function unreadableBy(user: string, docroot: string): string | undefined {
  const entry = readFileSafe('/etc/passwd')
    .split('\n')
    .map((line) => line.split(':'))
    .find((fields) => fields[0] === user);
  if (entry === undefined) return undefined;
  const [uid, gid] = [Number(entry[2]), Number(entry[3])];
  const folders: string[] = [];
  for (let dir = resolve(docroot); ; dir = dirname(dir)) {
    folders.unshift(dir);
    if (dirname(dir) === dir) break;
  }
  for (const folder of folders) {
    let st;
    try {
      st = statSync(folder);
    } catch {
      return undefined; // missing: the server's own error says it better
    }
    const bits = st.uid === uid ? st.mode >> 6 : st.gid === gid ? st.mode >> 3 : st.mode;
    const needed = folder === folders[folders.length - 1] ? 0o5 : 0o1; // the docroot itself is listed (DirectoryIndex)
    if ((bits & needed) !== needed) return `${user} cannot ${needed === 0o5 ? 'read' : 'enter'} ${folder} (mode ${(st.mode & 0o777).toString(8)})`;
  }
  return undefined;
}

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
