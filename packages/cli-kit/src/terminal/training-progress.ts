import cliProgress from 'cli-progress';
import type { CliIo } from './io.js';

export interface ProgressUpdate {
  step: number;
  totalSteps: number;
  loss?: number;
  epoch?: number;
  extra?: string;
}

/**
 * A progress bar with ETA and loss on an interactive terminal; in logs (CI, pipes) a plain line
 * every 10% instead, so output stays readable.
 */
export class TrainingProgress {
  private bar: cliProgress.SingleBar | null = null;
  private lastReportedDecile = -1;
  private readonly startedAt = Date.now();

  constructor(
    private readonly io: CliIo,
    private readonly label: string,
  ) {}

  start(totalSteps: number, startStep = 0): void {
    if (this.io.isTty) {
      this.bar = new cliProgress.SingleBar(
        {
          format: `${this.label} |{bar}| {percentage}% | step {value}/{total} | loss {loss} | ETA {eta_formatted} {extra}`,
          hideCursor: true,
          stream: process.stderr,
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(totalSteps, startStep, { loss: '-', extra: '' });
    } else {
      this.io.stderr(`${this.label}: ${totalSteps} steps${startStep ? ` (resuming at ${startStep})` : ''}\n`);
    }
  }

  update(update: ProgressUpdate): void {
    const loss = update.loss === undefined ? '-' : update.loss.toFixed(4);
    if (this.bar) {
      this.bar.setTotal(update.totalSteps);
      this.bar.update(update.step, { loss, extra: update.extra ?? '' });
      return;
    }
    const decile = Math.floor((10 * update.step) / Math.max(1, update.totalSteps));
    if (decile > this.lastReportedDecile) {
      this.lastReportedDecile = decile;
      const elapsed = (Date.now() - this.startedAt) / 1000;
      const eta = update.step > 0 ? (elapsed / update.step) * (update.totalSteps - update.step) : 0;
      this.io.stderr(
        `${this.label}: step ${update.step}/${update.totalSteps} (${decile * 10}%) loss ${loss} elapsed ${elapsed.toFixed(1)}s eta ${eta.toFixed(1)}s${update.extra ? ` ${update.extra}` : ''}\n`,
      );
    }
  }

  stop(message?: string): void {
    this.bar?.stop();
    this.bar = null;
    if (message) this.io.stderr(`${message}\n`);
  }
}
