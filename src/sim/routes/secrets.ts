import { json, noContent, objectBody, type Ctx, type Route } from '../context.js';
import { E, validationError } from '../errors.js';
import { secretString } from '../random.js';
import { secretJson } from '../render.js';
import type { AppRec, SecretRec } from '../store/apps.js';
import { findApp, newSecretRec, usesSecret } from './apps.js';

/**
 * Client secret management (Okta Management API, ApplicationSSOPublicKeys tag:
 * /api/v1/apps/{appId}/credentials/secrets), used to rotate a secret: at most two secrets; the
 * plain value only in the answer to its creation; a secret must be INACTIVE before it is deleted;
 * the last ACTIVE secret cannot be deactivated.
 */
const MAX_SECRETS = 2;

function findSecret(ctx: Ctx, a: AppRec): SecretRec {
  const sid = decodeURIComponent(ctx.params[1] ?? '');
  const s = a.secrets.find((x) => x.id === sid);
  if (!s) throw E.notFound(`${sid} (OAuth2ClientSecret)`);
  return s;
}

export const secretRoutes: Route[] = [
  {
    method: 'GET', pattern: /^\/api\/v1\/apps\/([^/]+)\/credentials\/secrets$/, bucket: 'apps',
    handler: (ctx) => {
      const a = findApp(ctx);
      return json(200, a.secrets.map((s) => secretJson(a.id, s, ctx.baseUrl)));
    },
  },
  {
    method: 'POST', pattern: /^\/api\/v1\/apps\/([^/]+)\/credentials\/secrets$/, bucket: 'apps',
    handler: (ctx) => {
      const a = findApp(ctx);
      if (!usesSecret(a.tokenEndpointAuthMethod)) {
        throw validationError([`client_secret: the app uses ${a.tokenEndpointAuthMethod} and has no client secret`]);
      }
      if (a.secrets.length >= MAX_SECRETS) {
        throw validationError(['client_secret: You can create at most two client secrets; delete an inactive one first']);
      }
      const body = objectBody(ctx);
      let secret = secretString(48);
      if (body.client_secret !== undefined) {
        if (typeof body.client_secret !== 'string' || body.client_secret.length < 14 || body.client_secret.length > 100) {
          throw validationError(['client_secret: must be between 14 and 100 characters']);
        }
        if (a.tokenEndpointAuthMethod === 'client_secret_jwt' && body.client_secret.length < 32) {
          throw validationError(['client_secret: must be at least 32 characters for client_secret_jwt']);
        }
        secret = body.client_secret;
      }
      const rec = newSecretRec(ctx.org, secret, ctx.now);
      if (body.status === 'INACTIVE') rec.status = 'INACTIVE';
      a.secrets.push(rec);
      a.lastUpdated = ctx.now;
      return json(201, secretJson(a.id, rec, ctx.baseUrl, secret));
    },
  },
  {
    method: 'GET', pattern: /^\/api\/v1\/apps\/([^/]+)\/credentials\/secrets\/([^/]+)$/, bucket: 'apps',
    handler: (ctx) => {
      const a = findApp(ctx);
      return json(200, secretJson(a.id, findSecret(ctx, a), ctx.baseUrl));
    },
  },
  {
    method: 'POST', pattern: /^\/api\/v1\/apps\/([^/]+)\/credentials\/secrets\/([^/]+)\/lifecycle\/(activate|deactivate)$/, bucket: 'apps',
    handler: (ctx) => {
      const a = findApp(ctx);
      const s = findSecret(ctx, a);
      const target = ctx.params[2] === 'activate' ? 'ACTIVE' : 'INACTIVE';
      if (target === 'INACTIVE' && s.status === 'ACTIVE' && a.secrets.filter((x) => x.status === 'ACTIVE').length === 1) {
        throw validationError(['client_secret: You cannot deactivate the only active client secret']);
      }
      if (s.status !== target) {
        s.status = target;
        s.lastUpdated = ctx.now;
      }
      return json(200, secretJson(a.id, s, ctx.baseUrl));
    },
  },
  {
    method: 'DELETE', pattern: /^\/api\/v1\/apps\/([^/]+)\/credentials\/secrets\/([^/]+)$/, bucket: 'apps',
    handler: (ctx) => {
      const a = findApp(ctx);
      const s = findSecret(ctx, a);
      if (s.status === 'ACTIVE') throw validationError(['client_secret: You cannot delete an active client secret; deactivate it first']);
      a.secrets = a.secrets.filter((x) => x !== s);
      ctx.org.secretValues.delete(s.id);
      return noContent;
    },
  },
];
