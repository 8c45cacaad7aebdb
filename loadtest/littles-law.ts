// Little's law, L = λW, as a consistency check of a closed-model run: every connection always has
// `pipelining` requests in flight, so the requests in the system (L) are connections × pipelining,
// and the throughput (λ) must equal L ÷ the mean time a request spends in the system (W). When the
// measured rps and the mean latency disagree, one of them is not what it claims to be: requests
// waited outside the measured latency (in the generator, or connecting), connections sat idle, or
// errors and timeouts left slots empty.

/** Largest relative gap between the measured rps and L ÷ W that still counts as agreement. */
export const LITTLES_LAW_TOLERANCE = 0.05;

export interface LittlesLawCheck {
  /** requests in flight: connections × pipelining */
  inFlight: number;
  /** L ÷ W, in requests per second */
  predictedRps: number;
  measuredRps: number;
  /** (measured − predicted) ÷ predicted */
  deviation: number;
  holds: boolean;
}

export function checkLittlesLaw(connections: number, pipelining: number, meanLatencyUs: number, measuredRps: number): LittlesLawCheck {
  const inFlight = connections * pipelining;
  const predictedRps = meanLatencyUs > 0 ? (inFlight * 1e6) / meanLatencyUs : 0;
  const deviation = predictedRps > 0 ? (measuredRps - predictedRps) / predictedRps : measuredRps > 0 ? Infinity : 0;
  return { inFlight, predictedRps, measuredRps, deviation, holds: predictedRps > 0 && Math.abs(deviation) <= LITTLES_LAW_TOLERANCE };
}

/** The warning for a run where the law does not hold, with the likeliest reason. */
export function littlesLawWarning(
  check: LittlesLawCheck,
  context: { generatorBound: boolean; errors: number; timeouts: number; maxLatencyUs: number },
): string | undefined {
  if (check.holds) return undefined;
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  const head = `Little's law does not hold: ${check.inFlight} in flight ÷ mean latency predicts ${Math.round(check.predictedRps)} rps, measured ${Math.round(check.measuredRps)} (${check.deviation >= 0 ? '+' : ''}${pct(check.deviation)}, tolerance ±${pct(LITTLES_LAW_TOLERANCE)})`;
  let why: string;
  if (check.predictedRps === 0) why = 'no response was timed';
  else if (context.errors + context.timeouts > 0)
    why = `${context.errors} errors and ${context.timeouts} timeouts left connections without a request in flight`;
  else if (check.deviation < 0 && context.generatorBound)
    why = 'the generator was saturated: requests waited in it before they were written, time the latency does not see';
  else if (check.deviation < 0)
    why = `requests in flight were left unanswered for long stretches, and only answered requests enter the mean latency: the server serves fewer connections at once than were opened, or made some wait (the slowest answered took ${Math.round(context.maxLatencyUs / 1000)} ms)`;
  else why = 'more responses than the in-flight requests allow: the latency is overstated, or responses were counted that were not timed';
  return `${head}: ${why}`;
}
