// Renders the catalogue (`http-lab conform --list`) without running it: a text table, JSON or a
// Markdown table. Pure: (listing) => string.
import type { CatalogueListing } from '../conformance/types.js';
import { mdCell } from './conformance-markdown.js';

export function renderListText(listing: CatalogueListing): string {
  const rows = listing.checks.map((c) => [c.id, c.section, c.level, c.required ? 'yes' : 'no', c.title]);
  const header = ['id', 'section', 'level', 'required', 'title'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  const sel = listing.selection;
  const filters = [`--level ${sel.level}`, ...sel.only.map((p) => `--only ${p}`), ...sel.skip.map((p) => `--skip ${p}`), ...(sel.strict ? ['--strict'] : [])];
  const required = listing.checks.filter((c) => c.required).length;
  return `${[line(header), ...rows.map(line), '', `${listing.total} checks (${required} required) with ${filters.join(' ')}`].join('\n')}\n`;
}

export function renderListJson(listing: CatalogueListing): string {
  return `${JSON.stringify(listing, null, 2)}\n`;
}

export function renderListMarkdown(listing: CatalogueListing): string {
  const lines = [`## http-lab conformance catalogue (${listing.total} checks)`, '', '| id | section | level | required | title |', '|---|---|---|---|---|'];
  for (const c of listing.checks) lines.push(`| ${mdCell(c.id)} | ${mdCell(c.section)} | ${c.level} | ${c.required ? 'yes' : 'no'} | ${mdCell(c.title)} |`);
  return `${lines.join('\n')}\n`;
}
