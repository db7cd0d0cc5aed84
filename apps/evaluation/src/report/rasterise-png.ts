import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';

const require = createRequire(import.meta.url);

/**
 * DejaVu Sans from the dejavu-fonts-ttf package: resvg draws no text without a font, and a
 * machine without system fonts (CI containers) must still label its axes. System fonts are not
 * loaded at all, so a PNG looks the same on every machine.
 */
export const BUNDLED_FONT_FILES: readonly string[] = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((file) => require.resolve(`dejavu-fonts-ttf/ttf/${file}`));

export interface PngImage {
  png: Buffer;
  width: number;
  height: number;
}

/**
 * Rasterises an SVG to PNG with resvg (Rust, shipped prebuilt in the npm package: no native build,
 * no download at install time). `scale` multiplies the SVG's own size; the result is on white.
 */
export function svgToPng(svg: string, options: { scale?: number } = {}): PngImage {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: options.scale ?? 2 },
    background: 'white',
    font: { loadSystemFonts: false, fontFiles: [...BUNDLED_FONT_FILES], defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  const image = resvg.render();
  return { png: image.asPng(), width: image.width, height: image.height };
}
