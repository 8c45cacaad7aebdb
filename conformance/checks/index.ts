// The catalogue: every check, in the order reports list them.
//
// Levels follow the quoted sentence: MUST, SHOULD or MAY as the RFC writes it; robustness where the
// quote is RFC prose with no keyword (prose.ts). `required` says whether a failure fails the run:
// every MUST, plus the few SHOULDs without which a static-file origin server is not usable (a 404
// for a missing file, 400 for a malformed request line, persistent connections). The other SHOULDs
// warn, and fail under --strict; a MAY never fails the run.
//
// The architecture checks come last: each applies to one built-in design, needs the server's pid,
// and is skipped, with the reason, for every other target (architecture.ts).
import type { Check } from '../types.js';
import { adversarialChecks } from './adversarial.js';
import { architectureChecks } from './architecture.js';
import { conditionalRangeChecks } from './conditional-range.js';
import { coverageChecks } from './coverage.js';
import { framingChecks } from './framing.js';
import { getHeadChecks } from './get-head.js';
import { hostChecks } from './host.js';
import { messageSyntaxChecks } from './message-syntax.js';
import { methodChecks } from './methods.js';
import { pathSafetyChecks } from './path-safety.js';
import { probeGapChecks } from './probe-gaps.js';
import { persistenceChecks } from './persistence.js';
import { rangeChecks } from './ranges.js';
import { responseChecks } from './responses.js';
import { validatorChecks } from './validators.js';

export const catalogue: readonly Check[] = [
  ...getHeadChecks,
  ...responseChecks,
  ...messageSyntaxChecks,
  ...hostChecks,
  ...methodChecks,
  ...persistenceChecks,
  ...framingChecks,
  ...adversarialChecks,
  ...coverageChecks,
  ...probeGapChecks,
  ...conditionalRangeChecks,
  ...validatorChecks,
  ...rangeChecks,
  ...pathSafetyChecks,
  ...architectureChecks,
];
