// A real OpenID provider for the registry's sign-in tests: panva/oidc-provider (an OpenID-certified
// implementation) on 127.0.0.1, configured like Login.gov for the registry's client:
//   - client authentication by private_key_jwt only (the registry's public JWK is registered),
//   - PKCE required on every authorization request,
//   - acr values, including Login.gov's PIV/CAC one; the acr the user "signed in with" is chosen on
//     the test login page, so a test can sign in with a weaker one,
//   - RP-initiated logout (end_session_endpoint).
//
// Started by tests/oidc.py with one JSON argument:
//   {"client_id": "...", "jwk": {public JWK}, "redirect_uris": [...], "post_logout_redirect_uris": [...]}
// It prints `issuer <url>` on its first line once it listens.
//
// The login page (GET /interaction/:uid) asks for a subject, an e-mail and an acr; POST signs that
// account in and grants consent for the registry. Nothing else here decides whether the registry
// accepts the sign-in: that is the registry's own verification of what this provider returns.
//
// Certified providers never return a token for the wrong audience, with another nonce or already
// expired. To show the registry refuses those, POST /__test/tamper {"claim": "aud" | "nonce" | "exp"}
// makes the token endpoint re-sign its next ID token with that claim changed, with the provider's
// own signing key (so only the claim is wrong, never the signature). {"claim": null} turns it off.
import * as http from 'node:http';

import * as jose from 'jose';
import Provider from 'oidc-provider';

const config = JSON.parse(process.argv[2]);
const ACR_VALUES = [
  'http://idmanagement.gov/ns/assurance/aal/2?hspd12=true',
  'http://idmanagement.gov/ns/assurance/aal/2',
  'http://idmanagement.gov/ns/assurance/ial/1',
  'urn:acr.login.gov:auth-only',
];
const accounts = new Map(); // sub -> {email}
let tamper = null;

const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
const signingJwk = { ...(await jose.exportJWK(privateKey)), kid: 'test-idp-1', alg: 'RS256', use: 'sig' };

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString());
}

async function readJson(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString() || '{}');
}

function loginPage(uid, requestedAcr) {
  const options = ACR_VALUES.map((acr) => `<option value="${escapeHtml(acr)}">${escapeHtml(acr)}</option>`).join('');
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Test identity provider</title></head>
<body><h1>Test identity provider</h1>
<p>The registry asked for: <code id="requested-acr">${escapeHtml(requestedAcr || '(none)')}</code></p>
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label>Subject <input name="sub" id="sub" required></label>
<label>E-mail <input name="email" id="email" type="email" required></label>
<label>Authentication (acr) <select name="acr" id="acr">${options}</select></label>
<button type="submit" id="sign-in">Sign in</button>
</form></body></html>`;
}

async function retamper(body) {
  const payload = jose.decodeJwt(body.id_token);
  const now = Math.floor(Date.now() / 1000);
  if (tamper === 'aud') payload.aud = 'another-relying-party';
  if (tamper === 'nonce') payload.nonce = 'a-nonce-the-registry-never-sent';
  if (tamper === 'exp') Object.assign(payload, { iat: now - 7200, auth_time: now - 7200, exp: now - 3600 });
  tamper = null;
  return new jose.SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: signingJwk.kid, typ: 'JWT' }).sign(privateKey);
}

const server = http.createServer();
await new Promise((resolve) => { server.listen(0, '127.0.0.1', resolve); });
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: config.client_id,
    token_endpoint_auth_method: 'private_key_jwt',
    token_endpoint_auth_signing_alg: 'RS256',
    jwks: { keys: [config.jwk] },
    redirect_uris: config.redirect_uris,
    post_logout_redirect_uris: config.post_logout_redirect_uris,
    response_types: ['code'],
    grant_types: ['authorization_code'],
  }],
  jwks: { keys: [signingJwk] },
  acrValues: ACR_VALUES,
  claims: { openid: ['sub'], email: ['email', 'email_verified'] },
  scopes: ['openid', 'email'],
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: ['test-idp-cookie-key'] },
  async findAccount(ctx, sub) {
    const account = accounts.get(sub);
    if (!account) return undefined;
    return { accountId: sub, claims: async () => ({ sub, email: account.email, email_verified: true }) };
  },
  ttl: { IdToken: 300, AccessToken: 300, AuthorizationCode: 60, Interaction: 600, Session: 3600, Grant: 3600 },
});
provider.proxy = false;

// Re-sign the ID token when a test asked for a tampered one (see the header).
provider.use(async (ctx, next) => {
  await next();
  if (tamper && ctx.path === '/token' && ctx.status === 200 && ctx.body && ctx.body.id_token) {
    ctx.body = { ...ctx.body, id_token: await retamper(ctx.body) };
  }
});

const handle = provider.callback();

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error('interaction mismatch');
  if (details.prompt.name === 'login' && action === 'login' && req.method === 'POST') {
    const form = await readForm(req);
    accounts.set(form.get('sub'), { email: form.get('email') });
    await provider.interactionFinished(req, res, {
      login: { accountId: form.get('sub'), acr: form.get('acr') },
    }, { mergeWithLastSubmission: false });
    return;
  }
  if (details.prompt.name === 'login') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(loginPage(uid, details.params.acr_values));
    return;
  }
  // Consent: the registry is the agency's own application, so the test provider grants what it asks.
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
  if (details.prompt.details.missingOIDCScope) grant.addOIDCScope(details.prompt.details.missingOIDCScope.join(' '));
  if (details.prompt.details.missingOIDCClaims) grant.addOIDCClaims(details.prompt.details.missingOIDCClaims);
  await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, {
    mergeWithLastSubmission: true,
  });
}

server.on('request', async (req, res) => {
  try {
    const url = new URL(req.url, issuer);
    const match = url.pathname.match(/^\/interaction\/([^/]+)(?:\/(login))?$/);
    if (match) {
      await interaction(req, res, match[1], match[2]);
      return;
    }
    if (url.pathname === '/__test/tamper' && req.method === 'POST') {
      tamper = (await readJson(req)).claim || null;
      res.writeHead(204);
      res.end();
      return;
    }
    handle(req, res);
  } catch (error) {
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(String(error));
  }
});

process.stdout.write(`issuer ${issuer}\n`);
