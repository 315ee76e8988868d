/**
 * Raster image types a browser shows without running anything: served `inline` so an `<img>`
 * can use them. Every other type (PDF, office files, archives, and anything script-capable) is
 * served as an attachment; SVG and HTML cannot even be uploaded (file-field-checks.ts).
 */
export const INLINE_TYPES: ReadonlySet<string> = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/avif',
]);

/**
 * CSP of every file response: nothing may load, and `sandbox` makes a document that a browser
 * does render (a PDF viewer, a misdetected file) an opaque origin with no script.
 */
export const FILE_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'";
