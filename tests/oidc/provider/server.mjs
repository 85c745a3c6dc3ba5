// A real OpenID Connect provider (panva's oidc-provider) on localhost for TPD's tests.
//
//   node server.mjs CONFIG.json
//
// CONFIG.json (written by tests/oidc/harness.py):
//   port, issuer ("http://127.0.0.1:PORT"), id_token_ttl (seconds, default 600),
//   clients:  [{client_id, client_secret, redirect_uris, post_logout_redirect_uris}]  (confidential web clients),
//   accounts: {login: {claim: value, ...}}  (any other login signs in too, with no claims but `sub`),
//   jwks:     {keys: [private JWK, ...]}  (RS256; the first key signs),
//   claims:   optional {scope: [claim, ...]} added to the scopes below,
//   exit_on_stdin_close: true to exit when the parent goes away (the harness keeps stdin open).
//
// Authorization code + PKCE (S256, required), the built-in login form of devInteractions (any login, any
// password), no consent prompt, RP-initiated logout. Prints `READY <issuer>` on stdout once listening and
// nothing else there; errors go to stderr. Exits on SIGTERM and SIGINT.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

// oidc-provider warns on stderr about the development-only parts used here on purpose (the in-memory adapter
// and devInteractions); those two lines are noise in a test log, anything else still gets through.
const EXPECTED_WARNINGS = [/in-memory adapter/, /devInteractions is enabled/];
const warn = console.warn.bind(console);
console.warn = (...args) => {
  const text = args.join(' ');
  if (!EXPECTED_WARNINGS.some((pattern) => pattern.test(text))) warn(...args);
};
console.info = (...args) => console.error(...args); // never on stdout: stdout is for READY only

const { default: Provider } = await import('oidc-provider');

const configPath = process.argv[2];
if (!configPath) {
  console.error('usage: node server.mjs CONFIG.json');
  process.exit(2);
}
const config = JSON.parse(readFileSync(configPath, 'utf8'));
const issuer = config.issuer || `http://127.0.0.1:${config.port}`;
const accounts = config.accounts || {};

// Scope -> claims. Every claim of a scope the client asked for goes into the ID token as well as userinfo.
const claims = {
  openid: ['sub'],
  profile: ['name', 'given_name', 'family_name', 'preferred_username', 'locale'],
  email: ['email', 'email_verified'],
  eduinfo: ['national_id', 'school_code'],
  ...(config.claims || {}),
};

const page = (title, body) => `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>
<body><main><h1>${title}</h1>${body}</main></body></html>`;

const escapeHtml = (value) => String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const configuration = {
  clients: (config.clients || []).map((client) => ({
    client_id: client.client_id,
    client_secret: client.client_secret,
    redirect_uris: client.redirect_uris,
    post_logout_redirect_uris: client.post_logout_redirect_uris || [],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: 'RS256',
  })),
  jwks: config.jwks,
  claims,
  // Claims asked for with a scope go into the ID token too (OIDC Core puts them only in userinfo
  // when an access token is issued).
  conformIdTokenClaims: false,
  async findAccount(ctx, id) {
    const own = accounts[id] || {};
    return {
      accountId: id,
      async claims() {
        return { ...own, sub: id };
      },
    };
  },
  // No consent prompt: the grant always covers what the client asks for.
  async loadExistingGrant(ctx) {
    const { oidc } = ctx;
    const accountId = oidc.account.accountId;
    const clientId = oidc.client.clientId;
    const grantId = oidc.result?.consent?.grantId || oidc.session.grantIdFor(clientId);
    let grant = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
    if (!grant || grant.accountId !== accountId || grant.clientId !== clientId) {
      grant = new oidc.provider.Grant({ accountId, clientId });
    }
    const scopes = [...oidc.requestParamOIDCScopes];
    if (scopes.length) grant.addOIDCScope(scopes.join(' '));
    const requestedClaims = [...oidc.requestParamClaims];
    if (requestedClaims.length) grant.addOIDCClaims(requestedClaims);
    await grant.save();
    return grant;
  },
  pkce: {
    methods: ['S256'],
    required: () => true,
  },
  responseTypes: ['code'],
  // Other names than oidc-provider's `_session`: cookies ignore ports, and the app under test runs on
  // the same host.
  cookies: {
    names: {
      session: 'op_session',
      interaction: 'op_interaction',
      resume: 'op_interaction_resume',
    },
    // Plain http on loopback: SameSite=None cookies need Secure, so Lax (the login form posts to the
    // provider itself; the redirects back to the provider are top-level GETs).
    long: { httpOnly: true, sameSite: 'lax' },
    short: { httpOnly: true, sameSite: 'lax' },
    keys: [randomBytes(32).toString('hex')],
  },
  ttl: {
    AccessToken: 3600,
    AuthorizationCode: 60,
    IdToken: Number(config.id_token_ttl || 600),
    Interaction: 3600,
    Session: 24 * 3600,
    Grant: 24 * 3600,
  },
  features: {
    devInteractions: { enabled: true },
    userinfo: { enabled: true },
    revocation: { enabled: true },
    rpInitiatedLogout: {
      enabled: true,
      // The confirmation page (the form id="op.logoutForm" comes from oidc-provider).
      async logoutSource(ctx, form) {
        ctx.body = page('Sign out', `${form}
<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
<button type="submit" form="op.logoutForm">No, stay signed in</button>`);
      },
      // Shown only when no post_logout_redirect_uri was given (with one, the provider redirects there).
      async postLogoutSuccessSource(ctx) {
        ctx.body = page('Signed out', '<p>You have signed out.</p>');
      },
    },
  },
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Error', Object.entries(out)
      .map(([key, value]) => `<p><strong>${escapeHtml(key)}</strong>: <span class="${escapeHtml(key)}">${escapeHtml(value)}</span></p>`)
      .join(''));
  },
};

const provider = new Provider(issuer, configuration);

// Strip the Google Fonts @import of the dev-interaction pages: the tests run offline.
provider.use(async (ctx, next) => {
  await next();
  if (typeof ctx.body === 'string' && ctx.response.is('html')) {
    ctx.body = ctx.body.replace(/@import url\(https:\/\/fonts\.googleapis\.com[^)]*\);?/g, '');
  }
});

provider.on('server_error', (ctx, error) => {
  console.error('oidc-provider server_error:', error);
});

const server = createServer(provider.callback());
server.on('error', (error) => {
  console.error(`cannot listen on 127.0.0.1:${config.port}: ${error.message}`);
  process.exit(1);
});

const stop = () => {
  server.close();
  server.closeAllConnections?.();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
if (config.exit_on_stdin_close) {
  process.stdin.on('end', stop);
  process.stdin.on('error', stop);
  process.stdin.resume();
}

server.listen(Number(config.port), '127.0.0.1', () => {
  process.stdout.write(`READY ${issuer}\n`);
});
