/**
 * The download origin of `url` mode: `GET /files/<token>` serves the asset a signed link grants, with
 * ranges and ETags, to anyone holding the link. It asks for no API key (and ignores one if sent),
 * as the CDN links of gateways do; an expired or forged link is a 403.
 */
import type { Hono } from 'hono';
import { serveAsset } from '../content.js';
import { ApiError, notFound } from '../errors.js';
import type { AppEnv, EmulatorState } from '../state.js';

export function mountFiles(app: Hono<AppEnv>, state: EmulatorState, servedHere: () => boolean): void {
  app.get('/files/:token', async (c) => {
    if (!servedHere()) return c.notFound();
    const grant = await state.links.verify(c.req.param('token'));
    if (grant === 'expired') {
      throw new ApiError(403, 'This download link has expired; ask /content for a new one.', {
        code: 'link_expired',
      });
    }
    if (typeof grant === 'string') {
      throw new ApiError(403, 'This download link is not valid.', { code: 'invalid_signature' });
    }
    const job = state.jobs.get(grant.videoId);
    if (!job) throw notFound('Video', grant.videoId, 'video_id');
    const asset = await state.media.get(job, grant.variant);
    return serveAsset(c.req.raw, asset, {
      'content-disposition': `inline; filename="${asset.fileName}"`,
    });
  });
}
