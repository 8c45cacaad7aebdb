// The machine a measurement was taken on: one line for reports, and whether two figures compare.
import type { MachineDescription } from './types.js';

export function sameMachine(a: MachineDescription, b: MachineDescription): boolean {
  return a.cpus === b.cpus && a.cpuModel === b.cpuModel && a.kernel === b.kernel && a.node === b.node;
}

/** "2 × AMD EPYC, Node 20.20.2, Linux 6.18.44" */
export function machineLine(m: MachineDescription): string {
  return `${m.cpus} × ${m.cpuModel}, Node ${m.node}, Linux ${m.kernel}`;
}
