import type { PolicyEval, RewardEval } from './eval-contract.js';
import { accuracyFigure } from './figures/accuracy-vs-k.js';
import { calibrationFigure, reliabilityFigure } from './figures/calibration-vs-k.js';
import type { FigureDraft } from './figures/figure.js';
import { latentProjectionFigure } from './figures/latent-projection.js';
import { policyImplicitAccuracyFigure } from './figures/policy-implicit-accuracy.js';
import { policyOracleRewardFigure } from './figures/policy-oracle-reward.js';
import { policyWinRateFigure } from './figures/policy-win-rate.js';
import { rewardCurveFigure } from './figures/reward-curves.js';
import { trainingCurvesFigure } from './figures/training-curves.js';
import { svgToPng } from './rasterise-png.js';
import { scopeSvgIds, svgSize, vegaLiteToSvg } from './render-svg.js';
import type { ReportTable } from './report-table.js';
import { type RunHeader, runHeader } from './run-header.js';
import type { ReportRun } from './run-files.js';

/** PNGs are drawn at this multiple of the SVG's size (sharp on high-density screens and in slides). */
export const PNG_SCALE = 2;

/** A rendered figure: SVG for the page, PNG for slides and READMEs, and the numbers behind it. */
export interface RenderedFigure {
  id: string;
  title: string;
  caption: string;
  /** The run the figure belongs to; null for comparisons across runs. */
  run: string | null;
  svg: string;
  png: Buffer;
  /** Paths relative to the report directory. */
  files: { svg: string; png: string };
  /** The SVG's declared size and the PNG's pixel size (PNG_SCALE times it). */
  svgSize: { width: number; height: number };
  pngSize: { width: number; height: number };
  tables: ReportTable[];
  /** Vega-Lite's warnings while compiling the figure (none expected). */
  warnings: string[];
}

export interface RunSection {
  header: RunHeader;
  figures: string[];
}

/** Everything a report shows, before it is written as HTML, files and JSON. */
export interface ReportDocument {
  title: string;
  /** Figures comparing every run (accuracy, calibration), by id. */
  comparison: string[];
  runs: RunSection[];
  figures: RenderedFigure[];
}

export interface BuildReportOptions {
  title?: string;
}

/** Each id once: a second run with the same name gets "-2". */
function uniqueIds(drafts: Array<{ draft: FigureDraft; run: string | null }>): void {
  const seen = new Map<string, number>();
  for (const { draft } of drafts) {
    const count = (seen.get(draft.id) ?? 0) + 1;
    seen.set(draft.id, count);
    if (count > 1) {
      const suffix = `-${count}`;
      draft.id += suffix;
      for (const table of draft.tables) table.id += suffix;
    }
  }
}

/** The per-run figures, in reading order: what the model learned, then how it trained. */
function runDrafts(run: ReportRun): FigureDraft[] {
  const drafts: Array<FigureDraft | null> = [];
  if (run.evaluation?.kind === 'reward') drafts.push(rewardCurveFigure(run.evaluation.data), latentProjectionFigure(run.evaluation.data));
  if (run.evaluation?.kind === 'policy') {
    const evaluation: PolicyEval = run.evaluation.data;
    drafts.push(policyImplicitAccuracyFigure(evaluation), policyWinRateFigure(evaluation), policyOracleRewardFigure(evaluation));
  }
  drafts.push(trainingCurvesFigure(run.name, run.metrics, runHeader(run).bestStep));
  return drafts.filter((d): d is FigureDraft => d !== null);
}

/**
 * Turns runs into a report: comparison figures across every reward evaluation (accuracy versus k,
 * calibration, reliability), then per run its header and figures, each rendered to SVG (Vega)
 * and PNG (resvg). Nothing is written here; see writeReport.
 */
export async function buildReport(runs: readonly ReportRun[], options: BuildReportOptions = {}): Promise<ReportDocument> {
  const rewardEvals: RewardEval[] = runs.flatMap((r) => (r.evaluation?.kind === 'reward' ? [oracleMarked(r)] : []));
  const models = [...new Set(rewardEvals.map((e) => e.model))];
  const comparison: Array<{ draft: FigureDraft; run: string | null }> = [];
  if (rewardEvals.length) {
    comparison.push(
      { draft: accuracyFigure(rewardEvals, 'heldout', models), run: null },
      { draft: accuracyFigure(rewardEvals, 'all_targets', models), run: null },
    );
    for (const draft of [calibrationFigure(rewardEvals, models), reliabilityFigure(rewardEvals, models)]) if (draft) comparison.push({ draft, run: null });
  }
  const perRun = runs.map((run) => ({ run, drafts: runDrafts(run).map((draft) => ({ draft, run: run.name })) }));
  const all = [...comparison, ...perRun.flatMap((r) => r.drafts)];
  uniqueIds(all);
  const figures: RenderedFigure[] = [];
  for (const { draft, run } of all) {
    const rendered = await vegaLiteToSvg(draft.spec);
    const svg = scopeSvgIds(rendered.svg, `fig-${draft.id}`);
    const image = svgToPng(svg, { scale: PNG_SCALE });
    figures.push({
      id: draft.id,
      title: draft.title,
      caption: draft.caption,
      run,
      svg,
      png: image.png,
      files: { svg: `figures/${draft.id}.svg`, png: `figures/${draft.id}.png` },
      svgSize: svgSize(svg),
      pngSize: { width: image.width, height: image.height },
      tables: draft.tables,
      warnings: rendered.warnings,
    });
  }
  const kinds = new Set(runs.map((r) => r.evaluation?.kind));
  const title =
    options.title ??
    `steerable: ${kinds.has('reward') && kinds.has('policy') ? 'reward model and policy' : kinds.has('policy') ? 'policy' : 'reward model'} report`;
  return {
    title,
    comparison: comparison.map((c) => c.draft.id),
    runs: perRun.map(({ run, drafts }) => ({ header: runHeader(run), figures: drafts.map((d) => d.draft.id) })),
    figures,
  };
}

/** A run trained on some user types only (config training.users) is an oracle for them, unless eval.json says otherwise. */
function oracleMarked(run: ReportRun): RewardEval {
  const evaluation = run.evaluation!.data as RewardEval;
  if (evaluation.oracle_for) return evaluation;
  const training = run.config?.training as { users?: unknown } | undefined;
  const users = Array.isArray(training?.users) ? training.users.filter((u): u is string => typeof u === 'string') : [];
  return users.length ? { ...evaluation, oracle_for: users } : evaluation;
}

/** The report as JSON (for --json and report.json): headers, figure files and sizes, and every table's raw numbers; no SVG or PNG bytes. */
export function reportJson(document: ReportDocument): unknown {
  return {
    title: document.title,
    comparison: document.comparison,
    runs: document.runs,
    figures: document.figures.map((f) => ({
      id: f.id,
      title: f.title,
      caption: f.caption,
      run: f.run,
      files: f.files,
      svg_size: f.svgSize,
      png_size: f.pngSize,
      warnings: f.warnings,
      tables: f.tables,
    })),
  };
}
