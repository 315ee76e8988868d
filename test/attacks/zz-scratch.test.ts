import { it } from 'vitest';
import { newSignedInUser, register, uniqueEmail, PASSWORD, sessionTokenFrom, me } from '../helpers/auth-client.js';
import { createTestApp } from '../helpers/test-app.js';
it('scratch', async () => {
  const app = await createTestApp();
  await app.http.ready();
  const attacker = await newSignedInUser(app, 'a');
  const email = uniqueEmail('v'); await register(app, email);
  const r = await app.http.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: PASSWORD }, headers: { cookie: attacker.cookie } });
  console.log('NO-CSRF LOGIN', r.statusCode, r.body, sessionTokenFrom(r));
  console.log('attacker still', (await me(app, attacker.token)).statusCode);
  // logout with a cookie but no token
  const l = await app.http.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: attacker.cookie } });
  console.log('logout no token', l.statusCode);
  // expired cookie + login
  const r2 = await app.http.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: PASSWORD }, headers: { cookie: '__Host-bulwark_session=garbage' } });
  console.log('garbage cookie login', r2.statusCode);
  // cookie + bearer both
  await app.close();
});
