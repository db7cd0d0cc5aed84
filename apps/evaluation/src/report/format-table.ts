import type { RewardEval, Stat } from './eval-contract.js';

export interface TableColumn {
  header: string;
  align?: 'left' | 'right';
}

/** A plain monospace table (no colours, so it survives logs and copy-paste into issues). */
export function renderTable(columns: TableColumn[], rows: string[][]): string {
  const widths = columns.map((c, i) => Math.max(c.header.length, ...rows.map((r) => (r[i] ?? '').length)));
  const cell = (text: string, i: number) => (columns[i]!.align === 'left' ? text.padEnd(widths[i]!) : text.padStart(widths[i]!));
  const line = (cells: string[]) =>
    cells
      .map((t, i) => cell(t, i))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function formatStat(stat: Stat | undefined, digits = 1): string {
  if (!stat) return '-';
  return `${(100 * stat.mean).toFixed(digits)} ± ${(100 * stat.sem).toFixed(digits)}`;
}

/**
 * Accuracy (%) versus k: one row per (model, user type), one column per k. Several evaluations
 * give one comparison table.
 */
export function accuracyTable(evals: RewardEval[], metric: 'heldout' | 'all_targets' = 'heldout'): string {
  const ks = [...new Set(evals.flatMap((e) => e.k))].sort((a, b) => a - b);
  const rows: string[][] = [];
  for (const e of evals) {
    const block = e[metric] as Record<string, Record<string, Stat>>;
    const users = Object.keys(block)
      .filter((u) => u !== 'overall')
      .sort();
    for (const user of [...users, 'overall']) {
      rows.push([e.model, user, ...ks.map((k) => formatStat(block[user]?.[String(k)]))]);
    }
  }
  const title =
    metric === 'heldout'
      ? 'held-out accuracy (%), targets disjoint from the context, mean ± s.e. over tasks'
      : 'all-target accuracy (%), context pairs included among the targets';
  return `${title}\n${renderTable([{ header: 'model', align: 'left' }, { header: 'user', align: 'left' }, ...ks.map((k) => ({ header: `k=${k}` }))], rows)}`;
}
