/** A mean with its standard error and count, shown as "mean ± sem". */
export interface StatCell {
  mean: number | null;
  sem: number | null;
  n: number;
}

export type TableCell = string | number | null | StatCell;

export interface TableColumn {
  header: string;
  /** How numbers show: as percentages (x100), with `digits` decimals, or as they are. */
  format?: 'percent' | 'fixed' | 'integer' | 'text';
  digits?: number;
}

/** The numbers behind a figure, kept raw (for --json) and formatted only when written as HTML. */
export interface ReportTable {
  id: string;
  caption: string;
  columns: TableColumn[];
  rows: TableCell[][];
  /** Long tables (every point, every step) are folded away in the HTML. */
  folded?: boolean;
}

export const isStatCell = (cell: TableCell): cell is StatCell => typeof cell === 'object' && cell !== null;

export function formatCell(cell: TableCell, column: TableColumn): string {
  const digits = column.digits ?? (column.format === 'percent' ? 1 : 3);
  const number = (v: number | null): string => {
    if (v === null || !Number.isFinite(v)) return '-';
    if (column.format === 'percent') return (100 * v).toFixed(digits);
    if (column.format === 'integer') return String(Math.round(v));
    if (column.format === 'fixed') return v.toFixed(digits);
    return String(v);
  };
  if (cell === null) return '-';
  if (isStatCell(cell)) return cell.n === 0 ? '-' : `${number(cell.mean)} ± ${number(cell.sem)}`;
  if (typeof cell === 'number') return number(cell);
  return cell;
}
