// panva's certified `oidc-provider` as a strict OpenID Provider for the Python tests
// (tests/strict_idp.py starts it). Usage: node server.mjs config.json
//
// config.json:
//   port      the port to listen on (127.0.0.1 unless `host` says otherwise)
//   issuer    e.g. "http://127.0.0.1:PORT"
//   jwks      the provider's private signing keys ({"keys": [...]}, each with kid/alg/use)
//   clients   client metadata, passed to oidc-provider as they are
//   accounts  {sub: {claim: value, ...}}
//   exit_on_stdin_close  (optional) exit when stdin reaches its end, i.e. when the parent
//             that holds the other end of the pipe is gone
//
// Prints `READY <issuer>` on stdout once it listens; errors go to stderr.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import process from 'node:process';

import Provider from 'oidc-provider';

const exit = (code) => () => process.exit(code);
process.on('SIGTERM', exit(0));
process.on('SIGINT', exit(0));
process.on('SIGHUP', exit(0));

const configPath = process.argv[2];
if (!configPath) {
  console.error('usage: node server.mjs config.json');
  process.exit(2);
}
const config = JSON.parse(readFileSync(configPath, 'utf8'));

if (config.exit_on_stdin_close) {
  process.stdin.on('end', exit(0));
  process.stdin.on('error', exit(0));
  process.stdin.resume();
}

const accounts = config.accounts ?? {};

const provider = new Provider(config.issuer, {
  clients: config.clients ?? [],
  jwks: config.jwks,
  async findAccount(_ctx, sub) {
    if (!Object.hasOwn(accounts, sub)) return undefined;
    return {
      accountId: sub,
      // the provider picks what the scopes (or the `claims` parameter) allow
      async claims() {
        return { ...accounts[sub], sub };
      },
    };
  },
  claims: {
    // keep the provider's own entries (acr, sid, auth_time, iss are claims without a scope)
    acr: null,
    sid: null,
    auth_time: null,
    iss: null,
    openid: ['sub'],
    profile: ['given_name', 'family_name', 'middle_name', 'birthdate'],
    snils: ['snils'],
    trusted: ['trusted'],
  },
  // the default, stated: with scopes alone (no `claims` parameter), scope-derived claims go
  // to userinfo, not into an ID token issued next to an access token
  conformIdTokenClaims: true,
  // PKCE for every authorization code request; only S256 exists in v9
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: true },
    // the OpenID `claims` request parameter: an RP may ask for claims in the ID token itself
    claimsParameter: { enabled: true },
  },
  // over plain http the cookies are simply not `Secure` (ctx.secure is false); signed cookies
  // need keys: a fresh one per process is enough for a test server
  cookies: {
    keys: [randomBytes(32).toString('base64url')],
  },
});

for (const event of [
  'server_error',
  'authorization.error',
  'grant.error',
  'userinfo.error',
  'jwks.error',
  'discovery.error',
  'end_session.error',
  'revocation.error',
  'introspection.error',
  'pushed_authorization_request.error',
]) {
  provider.on(event, (ctx, err) => {
    const what = err?.error ? `${err.error}: ${err.error_description}` : String(err?.stack ?? err);
    const detail = err?.error_detail ? ` (${err.error_detail})` : '';
    console.error(`${event} ${ctx?.method} ${ctx?.path} ${what}${detail}`);
  });
}

const server = createServer(provider.callback());
const host = config.host ?? '127.0.0.1';

// a restart on the same port may race the previous process's exit: retry briefly
let attempts = 0;
server.on('error', (err) => {
  if (err.code === 'EADDRINUSE' && attempts < 40) {
    attempts += 1;
    setTimeout(() => server.listen(config.port, host), 50);
    return;
  }
  console.error(`listen ${host}:${config.port}: ${err.stack ?? err}`);
  process.exit(1);
});
server.listen(config.port, host, () => {
  process.stdout.write(`READY ${provider.issuer}\n`);
});
