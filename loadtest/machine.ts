// The machine a measurement was taken on: one line for reports, and whether two figures compare.
import { cpus, release } from 'node:os';
import type { MachineDescription } from './types.js';

/** This machine. */
export function describeMachine(): MachineDescription {
  const list = cpus();
  return { cpus: list.length, cpuModel: list[0]?.model.trim() ?? 'unknown', node: process.versions.node, kernel: release(), platform: process.platform };
}

export function sameMachine(a: MachineDescription, b: MachineDescription): boolean {
  return a.cpus === b.cpus && a.cpuModel === b.cpuModel && a.kernel === b.kernel && a.node === b.node;
}

/** "2 × AMD EPYC, Node 20.20.2, Linux 6.18.44" */
export function machineLine(m: MachineDescription): string {
  return `${m.cpus} × ${m.cpuModel}, Node ${m.node}, Linux ${m.kernel}`;
}
