import { supportedMimeTypes } from 'file-type';
import type { FieldDefinition } from './collection-definition.js';

/** Largest file a file field accepts when it names no `maxSizeBytes` (capped by the ceiling). */
export const DEFAULT_FILE_MAX_SIZE_BYTES = 5 * 1024 * 1024;

/**
 * Types never accepted, even when file-type can name them: XML (SVG is XML, and XML can carry
 * script into any viewer that renders it) and Microsoft's compiled HTML help.
 */
const REFUSED_TYPES = new Set(['application/xml', 'application/vnd.ms-htmlhelp']);

/** Options of other field types that mean nothing on a file field (its value is server-managed). */
const NOT_FOR_FILES = ['required', 'unique', 'min', 'max', 'pattern', 'values', 'hidden', 'encrypted'] as const;
const FILE_OPTIONS = ['maxSelect', 'maxSizeBytes', 'types'] as const;

type Add = (field: string, code: string, message: string) => void;

/**
 * The largest upload a file field takes: its own `maxSizeBytes`, else the default, never more
 * than the server's ceiling (`files.maxUploadBytes`).
 */
export function fileSizeLimitBytes(field: FieldDefinition, ceilingBytes: number): number {
  return Math.min(field.maxSizeBytes ?? DEFAULT_FILE_MAX_SIZE_BYTES, ceilingBytes);
}

/**
 * A file field's options: allowed types must be ones the server can recognise from the bytes
 * (file-type), because the type is decided by content, never by a client's name or header. A
 * type that cannot be recognised (SVG, HTML, plain text) could never be checked, so it is refused
 * here with a 400 rather than accepted and never matched.
 */
export function checkFileFieldOptions(field: FieldDefinition, at: string, ceilingBytes: number, add: Add): void {
  if (field.type !== 'file') {
    for (const option of FILE_OPTIONS)
      if (field[option] !== undefined) add(`${at}.${option}`, 'not_applicable', 'only file fields take this option');
    return;
  }
  for (const option of NOT_FOR_FILES)
    if (field[option] !== undefined)
      add(
        `${at}.${option}`,
        'not_applicable',
        'a file field is set by uploads only: it takes maxSelect, maxSizeBytes and types',
      );
  if (!field.types) add(`${at}.types`, 'required', 'a file field lists the MIME types it accepts (e.g. ["image/png"])');
  field.types?.forEach((type, index) => {
    if (REFUSED_TYPES.has(type) || !supportedMimeTypes.has(type as never))
      add(
        `${at}.types.${index}`,
        'undetectable',
        `"${type}" cannot be accepted: files are typed by their content, and this type cannot be recognised ` +
          'from its bytes or can carry script (SVG, HTML, XML, text). Use types such as image/png, image/jpeg or application/pdf.',
      );
  });
  if (field.maxSizeBytes !== undefined && field.maxSizeBytes > ceilingBytes)
    add(`${at}.maxSizeBytes`, 'max', `must be at most ${ceilingBytes} bytes (the server's files.maxUploadBytes)`);
}
