import { readEnv } from '@sora-kit/core';
import type { HandlerContext, Scope } from './context.js';
import { corsHeaders, crossSiteRead, fromTrustedPage, preflight } from './cross-site.js';
import { unknownHost } from './hosts.js';
import { refuse } from './refusals.js';
import { matchRoute } from './routes.js';
import { deadline, type Upstream } from './upstream.js';

/** State of the front door that lives as long as the handler (the missing-key error is logged once). */
export interface FrontDoorState {
  missingKeyLogged: boolean;
  /** The upstream of the last request, kept while the key stays the same (it is read per request). */
  upstream?: Upstream | undefined;
}

/**
 * The checks every request passes before any operation runs: the route and method, the cross-site rule,
 * who is asking (`authorize`), and the API key. Answers the refusal, or the request's {@link Scope}.
 */
export async function frontDoor(
  ctx: HandlerContext,
  state: FrontDoorState,
  request: Request,
): Promise<Response | Scope> {
  const { options, basePath } = ctx;
  const url = new URL(request.url);
  if (!ctx.hostAllowed(request, url)) return unknownHost();
  const path = url.pathname;
  if (!path.startsWith(`${basePath}/`)) return noRoute();
  const match = matchRoute(request.method, path.slice(basePath.length));
  if (!match) return noRoute();
  const cors = corsHeaders(request, options.cors);
  if (!('operation' in match) || request.method === 'OPTIONS') {
    const allowed = 'allowed' in match ? match.allowed : [request.method];
    if (request.method === 'OPTIONS') {
      const answer = preflight(request, options.cors, allowed);
      if (answer) return answer;
    }
    return refuse('method_not_allowed', null, `${request.method.slice(0, 20)} is not allowed here.`, {
      allow: allowed.join(', '),
    }).toResponse();
  }
  const stateChanging = request.method !== 'GET';
  const sameSite = stateChanging
    ? fromTrustedPage(request, url, ctx.trusted)
    : !crossSiteRead(request, url, ctx.trusted);
  if (!sameSite) return refuse('cross_site_request', null, undefined, cors).toResponse();
  const user = await options.authorize(request);
  if (user === null || user === undefined) {
    return refuse('unauthenticated', null, undefined, cors).toResponse();
  }
  if (typeof user.userId !== 'string' || user.userId === '') throw new Error('authorize returned no userId');
  const apiKey = options.apiKey ?? readEnv('SORA_API_KEY');
  if (!apiKey) {
    if (!state.missingKeyLogged)
      ctx.logger.error('@sora-kit/server: no API key (set SORA_API_KEY or pass apiKey).');
    state.missingKeyLogged = true;
    return refuse('not_configured', null, undefined, cors).toResponse();
  }
  if (state.upstream?.apiKey !== apiKey) {
    state.upstream = {
      baseUrl: ctx.baseUrl,
      apiKey,
      fetch: options.fetch ?? ((i, init) => fetch(i, init)),
      timeoutMs: ctx.timeoutMs,
      logger: ctx.logger,
    };
  }
  const { upstream } = state;
  return {
    ctx,
    request,
    url,
    match,
    userId: user.userId,
    upstream,
    cors,
    time: deadline(request.signal, ctx.timeoutMs),
  };
}

function noRoute(): Response {
  return refuse('unknown_route').toResponse();
}
