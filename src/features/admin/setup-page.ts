import type { HttpApp } from '../../http/http-app.js';
import { DASHBOARD_CSP } from '../../http/security-headers.js';

/**
 * The page behind the start-up link `/_/setup#<token>`. The token stays in the fragment, which
 * the browser never sends: the script reads it, removes it from the address bar and history,
 * and posts it with the form to POST /api/admin/setup. No inline script or style, so the strict
 * dashboard CSP holds.
 */
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Bulwark · first administrator</title>
<link rel="stylesheet" href="/_/setup.css">
<script src="/_/setup.js" defer></script>
</head>
<body>
<main>
<h1>Create the first administrator</h1>
<p id="intro">This link works once and for a limited time.</p>
<form id="setup" method="post" action="/_/setup" novalidate>
<label>Email <input name="email" type="email" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="new-password" minlength="12" required></label>
<button type="submit">Create administrator</button>
</form>
<p id="result" role="status" aria-live="polite"></p>
</main>
</body>
</html>
`;

const SCRIPT = `'use strict';
(function () {
  var token = decodeURIComponent(location.hash.slice(1));
  // Drop the token from the address bar and history as soon as it is read.
  history.replaceState(null, '', location.pathname);
  var form = document.getElementById('setup');
  var result = document.getElementById('result');
  if (!token) {
    result.textContent = 'This page needs the set-up link printed by the server at start-up.';
    form.hidden = true;
    return;
  }
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    result.textContent = 'Creating…';
    fetch('/api/admin/setup', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: token, email: form.email.value, password: form.password.value })
    }).then(function (response) {
      return response.json().then(function (body) {
        if (response.ok) {
          form.hidden = true;
          result.textContent = 'Administrator ' + body.user.email + ' created. Sign in to continue.';
        } else {
          var reasons = (body.errors || []).map(function (e) { return e.message; }).join(' ');
          result.textContent = (body.detail || body.title) + (reasons && reasons !== body.detail ? ' ' + reasons : '');
        }
      });
    }).catch(function () {
      result.textContent = 'The server could not be reached; try again.';
    });
  });
})();
`;

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f5f6f8;color:#1c1e21}
main{max-width:28rem;margin:4rem auto;padding:2rem;background:#fff;border-radius:8px;box-shadow:0 1px 4px #0002}
label{display:block;margin:1rem 0}input{display:block;width:100%;padding:.5rem;margin-top:.25rem;box-sizing:border-box}
button{padding:.6rem 1rem;font-size:1rem}#result{min-height:1.5rem}
`;

export function registerSetupPage(app: HttpApp): void {
  const serve =
    (contentType: string, body: string) => async (_request: unknown, reply: import('fastify').FastifyReply) =>
      reply.header('content-security-policy', DASHBOARD_CSP).type(contentType).send(body);
  app.get('/_/setup', { schema: { hide: true } }, serve('text/html; charset=utf-8', PAGE));
  app.get('/_/setup.js', { schema: { hide: true } }, serve('text/javascript; charset=utf-8', SCRIPT));
  app.get('/_/setup.css', { schema: { hide: true } }, serve('text/css; charset=utf-8', STYLE));
}
