import type { operations, paths } from '@sora-kit/core';

/** The HTTP methods the spec's paths use (lower case, as in the generated `paths`). */
type Method = 'get' | 'post' | 'delete' | 'put' | 'patch' | 'head' | 'options' | 'trace';

/** The methods a path of the spec defines: the generated type marks the others `?: never`. */
type MethodsOf<P extends keyof paths> = {
  [M in Method]-?: undefined extends paths[P][M] ? never : M;
}[Method];

/** The operationIds of the API's paths (the spec's webhooks are operations too, but not routes). */
export type OperationId = Exclude<keyof operations, 'onVideoCompleted' | 'onVideoFailed'>;

/**
 * Every path and method of the spec, and the operation each is. `satisfies` makes the build fail when the
 * spec gains a path or a method this table lacks (or loses one it has), so a new endpoint can never be
 * reachable through the handler by accident: it is not routed until someone decides how to guard it.
 */
export const ROUTES = {
  '/v1/videos': { get: 'listVideos', post: 'createVideo' },
  '/v1/videos/{video_id}': { get: 'retrieveVideo', delete: 'deleteVideo' },
  '/v1/videos/{video_id}/content': { get: 'downloadVideoContent' },
  '/v1/videos/{video_id}/remix': { post: 'remixVideo' },
  '/v1/videos/edits': { post: 'editVideo' },
  '/v1/videos/extensions': { post: 'extendVideo' },
  '/v1/videos/characters': { post: 'createCharacter' },
  '/v1/videos/characters/{character_id}': { get: 'getCharacter' },
} as const satisfies { [P in keyof paths]: { [M in MethodsOf<P>]: OperationId } };

/**
 * Routes the handler serves itself, beside the spec's: server extensions, never forwarded to the API. The
 * job event stream (Server-Sent Events over the shared status, `status/events.ts`) is the only one.
 */
export const EXTENSION_ROUTES = {
  '/v1/videos/{video_id}/events': { get: 'videoEvents' },
} as const;

/** An operation of the handler: the spec's, or an extension's. */
export type RouteOperation = OperationId | (typeof EXTENSION_ROUTES)[keyof typeof EXTENSION_ROUTES]['get'];

type Template = keyof typeof ROUTES | keyof typeof EXTENSION_ROUTES;

/** What a request's path and method matched. */
export interface RouteMatch {
  operation: RouteOperation;
  /** The path template, e.g. `/v1/videos/{video_id}`. */
  template: Template;
  /** The `{video_id}` or `{character_id}` segment, exactly as sent (not decoded). */
  id: string | undefined;
}

/** The answer when the path is a route but not with that method: the methods it has (for `Allow`). */
export interface MethodMismatch {
  allowed: string[];
}

interface CompiledRoute {
  template: Template;
  segments: string[];
  methods: Record<string, RouteOperation>;
}

// Literal segments before parameters, so `/v1/videos/edits` is the edits route and never a video id.
const COMPILED: CompiledRoute[] = Object.entries({ ...ROUTES, ...EXTENSION_ROUTES })
  .map(([template, methods]) => ({
    template: template as Template,
    segments: template.split('/').slice(1),
    methods: Object.assign(Object.create(null), methods) as Record<string, RouteOperation>,
  }))
  .sort((a, b) => a.segments.filter(isParameter).length - b.segments.filter(isParameter).length);

function isParameter(segment: string): boolean {
  return segment.startsWith('{');
}

/**
 * Finds the spec operation of `path` (the part after the handler's base path, e.g. `/v1/videos/video_1`)
 * and `method`. Segments are compared as sent, never decoded, so `%2f` or `%2e%2e` cannot change which route
 * matches; an empty segment (`//`) matches nothing.
 *
 * @returns the match, a {@link MethodMismatch} when only the method is wrong, or undefined (no route).
 */
export function matchRoute(method: string, path: string): RouteMatch | MethodMismatch | undefined {
  const parts = path.split('/').slice(1);
  for (const route of COMPILED) {
    if (route.segments.length !== parts.length) continue;
    let id: string | undefined;
    const same = route.segments.every((segment, i) => {
      const part = parts[i]!;
      if (isParameter(segment)) {
        id = part;
        return part !== '';
      }
      return segment === part;
    });
    if (!same) continue;
    const operation = route.methods[method.toLowerCase()];
    if (!operation) return { allowed: Object.keys(route.methods).map((m) => m.toUpperCase()) };
    return { operation, template: route.template, id };
  }
  return undefined;
}
