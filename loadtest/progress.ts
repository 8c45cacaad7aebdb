// The progress of a bench run on stderr: plain lines for logs and pipes, or a bar on a terminal.
import { SingleBar } from 'cli-progress';
import { plannedSeconds, type BenchEvent, type BenchPlan } from './bench.js';

export interface Progress {
  onEvent: (event: BenchEvent) => void;
  done(): void;
}

/** Nothing at all: for the programmatic API, which does not print. */
export function silentProgress(): Progress {
  return { onEvent() {}, done() {} };
}

/** Plain lines on stderr, one per phase and run: for logs and pipes. */
export function lineProgress(): Progress {
  return {
    onEvent(event) {
      if (event.kind === 'start') {
        const what = event.phase === 'warmup' ? `warm-up ${event.durationS} s` : `run ${event.run}/${event.runs}, ${event.durationS} s`;
        process.stderr.write(`bench: ${event.target} ${event.scenario}: ${what}\n`);
      } else if (event.kind === 'run') {
        const r = event.result;
        process.stderr.write(
          `bench: ${event.target} ${event.scenario}: run ${event.run}/${event.runs}: ${Math.round(r.rps).toLocaleString('en-US')} rps, p50 ${r.latencyUs.p50} µs, p99 ${r.latencyUs.p99} µs\n`,
        );
      } else if (event.kind === 'refused') {
        process.stderr.write(`bench: ${event.refusal.target} refused for ${event.refusal.scenario}: ${event.refusal.reason}\n`);
      }
    },
    done() {},
  };
}

/** A bar with an ETA over the planned seconds of load, on a terminal. */
/** A bar over the plan's seconds, and `moreS` more planned after it (the sweeps). */
export function barProgress(plan: BenchPlan, moreS = 0): Progress {
  const total = plannedSeconds(plan) + moreS;
  const bar = new SingleBar({
    format: 'bench [{bar}] {percentage}% | ETA {eta_formatted} | {phase}',
    stream: process.stderr,
    hideCursor: true,
    clearOnComplete: true,
  });
  let finished = 0;
  let current = 0;
  bar.start(total, 0, { phase: 'checking targets' });
  return {
    onEvent(event) {
      if (event.kind === 'start') {
        finished += current;
        current = event.durationS;
        bar.update(finished, { phase: `${event.target} ${event.scenario} ${event.phase === 'warmup' ? 'warm-up' : `run ${event.run}/${event.runs}`}` });
      } else if (event.kind === 'tick') {
        bar.update(finished + Math.min(current, event.elapsedS));
      } else if (event.kind === 'refused') {
        bar.stop();
        process.stderr.write(`bench: ${event.refusal.target} refused for ${event.refusal.scenario}: ${event.refusal.reason}\n`);
        bar.start(total, finished, { phase: '' });
      }
    },
    done() {
      bar.stop();
    },
  };
}
