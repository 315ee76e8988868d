/**
 * Every module in `src/` that opens network connections, with the configuration key of the
 * README "Connections" row it belongs to. `test/docs-and-openapi.test.ts` fails when server code
 * imports a network module missing here or whose row is gone, and the communication map lists
 * each row's modules from this record.
 */
export const NETWORK_MODULES: Readonly<Record<string, string>> = {
  pg: 'database.url',
  ioredis: 'redis.url',
  nodemailer: 'smtp.url',
  'openid-client': 'auth.oidc.providers',
  '@aws-sdk/client-s3': 'files.s3.endpoint',
  'node:http': 'server.port',
  'node:https': 'tls.cert',
  'node:net': 'server.port',
  'node:tls': 'tls.cert',
  undici: 'outbound.allowedCidrs',
  'node:dns/promises': 'outbound.dnsServers',
};
