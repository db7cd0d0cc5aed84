export { runEvaluation, EVALUATION_COMMANDS } from './program.js';
export {
  buildReport,
  reportJson,
  PNG_SCALE,
  type ReportDocument,
  type RenderedFigure,
  type RunSection,
  type BuildReportOptions,
} from './report/build-report.js';
export { writeReport, reportRuns, type WrittenReport } from './report/write-report.js';
export { readReportRun, readReportRuns, type ReportRun, type MetricsRecord } from './report/run-files.js';
export { runHeader, configDigest, type RunHeader } from './report/run-header.js';
export { vegaLiteToSvg, type RenderedSvg } from './report/render-svg.js';
export { svgToPng, BUNDLED_FONT_FILES, type PngImage } from './report/rasterise-png.js';
