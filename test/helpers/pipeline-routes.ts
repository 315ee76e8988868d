import { Type } from '@sinclair/typebox';
import { sql } from 'kysely';
import type { TestApp } from './test-app.js';

/**
 * Routes that exercise the pipeline the way feature routes will: a strict JSON body schema,
 * a route that throws with secrets in its cause, and one that runs SQL against a table that
 * does not exist (a forced database failure). Registered before the app is ready.
 */
export function addPipelineRoutes(app: TestApp): void {
  app.http.post(
    '/api/test/echo',
    {
      schema: {
        body: Type.Object(
          { name: Type.String({ maxLength: 100 }), count: Type.Optional(Type.Integer()) },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => ({ received: request.body }),
  );
  app.http.post('/api/test/fail', async (request) => {
    throw new Error('internal detail at /srv/bulwark/src/secret.ts:42', {
      cause: { body: request.body, headers: request.headers },
    });
  });
  app.http.get('/api/test/db-failure', async () => {
    await sql`SELECT secret_column FROM missing_table_for_test`.execute(app.database.db);
    return { unreachable: true };
  });
}
