import { fileURLToPath } from 'node:url';

/** The built dashboard the server serves (`npm run build` writes it). */
export const BUILD_DIR = fileURLToPath(new URL('../../dist/dashboard/', import.meta.url));
