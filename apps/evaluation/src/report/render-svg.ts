import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** Fonts every figure asks for: the rasteriser's bundled DejaVu Sans first, so SVG and PNG measure text alike. */
export const FIGURE_FONT = 'DejaVu Sans, Verdana, sans-serif';

const DEFAULT_CONFIG = {
  font: FIGURE_FONT,
  background: 'white',
  view: { stroke: '#ddd' },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#eee' },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  header: { labelFontSize: 12, titleFontSize: 12 },
  title: { fontSize: 14, anchor: 'start' },
} as const;

export interface RenderedSvg {
  svg: string;
  /** What Vega-Lite warned about while compiling (collected, not printed: the library must not write to the console). */
  warnings: string[];
}

/** Vega's logger at warning level, keeping what it would print. */
function collectingLogger(warnings: string[]) {
  return vega.logger(vega.Warn, undefined, (_method, _level, input) => {
    warnings.push(Array.from(input, String).join(' '));
  });
}

/**
 * Renders a Vega-Lite spec to an SVG string in Node: Vega's headless view with no renderer, so no
 * browser, canvas or network is involved (the data are inline values).
 */
export async function vegaLiteToSvg(spec: TopLevelSpec): Promise<RenderedSvg> {
  const withConfig = { ...spec, config: { ...DEFAULT_CONFIG, ...(spec.config ?? {}) } } as TopLevelSpec;
  const warnings: string[] = [];
  const view = new vega.View(vega.parse(compile(withConfig, { logger: collectingLogger(warnings) }).spec), {
    renderer: 'none',
    logLevel: vega.Warn,
    logger: collectingLogger(warnings),
  });
  try {
    return { svg: await view.toSVG(), warnings };
  } finally {
    view.finalize();
  }
}

/**
 * Prefixes every id in an SVG (and the url(#..) / href="#.." references to them): several figures
 * inlined in one HTML page share one id space, and Vega numbers its clip paths from 1 in each.
 */
export function scopeSvgIds(svg: string, prefix: string): string {
  return svg
    .replace(/\bid="([^"]+)"/g, (_, id: string) => `id="${prefix}-${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_, id: string) => `url(#${prefix}-${id})`)
    .replace(/(xlink:href|href)="#([^"]+)"/g, (_, attribute: string, id: string) => `${attribute}="#${prefix}-${id}"`);
}

/** The pixel size an SVG declares on its root element (Vega always writes width and height). */
export function svgSize(svg: string): { width: number; height: number } {
  const root = /<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  const width = Number(/\bwidth="([\d.]+)"/.exec(root)?.[1]);
  const height = Number(/\bheight="([\d.]+)"/.exec(root)?.[1]);
  return { width, height };
}
