// `http-lab locust-worker`: one Locust worker, on this machine or any other, for a master started by
// `bench --engine locust --expect-workers N --master-bind HOST:PORT --locustfile-out FILE`. The
// locustfile carries everything the worker needs (the requests, the pacing, Debian's version fix).
import { HttpLabUsageError } from '../api/errors.js';
import { findLocust, locustMissing, runLocustWorker } from '../loadtest/locust.js';
import { onInterrupt } from '../targets/stop-on-exit.js';

export async function locustWorker(args: { master: { host: string; port: number }; locustfile: string }): Promise<number> {
  const program = findLocust();
  if (program === undefined) throw new HttpLabUsageError(locustMissing('locust-worker'));
  const stopping = new AbortController();
  const remove = onInterrupt(() => {
    stopping.abort();
    return Promise.resolve();
  });
  try {
    process.stderr.write(`http-lab locust-worker: Locust ${program.version}, master ${args.master.host}:${args.master.port}, ${args.locustfile}\n`);
    return await runLocustWorker(program, args.master, args.locustfile, stopping.signal);
  } finally {
    remove();
  }
}
