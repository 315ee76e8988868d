#!/usr/bin/env node
// Stands in for an authenticator app when you try Bulwark from a shell (the README's
// walkthrough uses it): prints the 6-digit TOTP code (RFC 6238: SHA-1, 30-second steps) for the
// base32 `secret` that POST /api/auth/mfa/totp/setup returned. It uses @oslojs/otp, the library
// the server checks codes with, which `npm ci` has installed; nothing else is needed.
//
//   node scripts/totp-code.mjs SECRET          the code an app shows now
//   node scripts/totp-code.mjs --next SECRET   waits for the next code (up to 30 s) and prints it
//
// A code works once: the server remembers the newest step it accepted, so a second sign-in right
// after confirming needs the next code, as with an app.
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { generateHOTP } from '@oslojs/otp';

const STEP_MS = 30_000;
const args = process.argv.slice(2);
const next = args[0] === '--next';
const secret = next ? args[1] : args[0];

if (!secret || args.length > (next ? 2 : 1) || !/^[A-Za-z2-7]+=*$/.test(secret)) {
  process.stderr.write('usage: node scripts/totp-code.mjs [--next] SECRET (the base32 secret from totp/setup)\n');
  process.exit(2);
}

let step = Math.floor(Date.now() / STEP_MS);
if (next) {
  step += 1;
  // A little past the boundary, so the code is current when it arrives.
  await new Promise((resolve) => setTimeout(resolve, step * STEP_MS - Date.now() + 100));
}
process.stdout.write(`${generateHOTP(decodeBase32IgnorePadding(secret), BigInt(step), 6)}\n`);
