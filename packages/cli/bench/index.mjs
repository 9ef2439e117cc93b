// `pnpm bench` in packages/cli (root `pnpm bench` runs it with the other packages'): the three figures of
// the CLI's issue, printed as ratios against their baselines measured in the same run. No assertions:
// a MISS line is reported, not failed.
import { benchBatch } from './batch.mjs';
import { benchDownload } from './download.mjs';
import { benchStartup } from './startup.mjs';

console.log('@sora-kit/cli benchmarks (medians; lower ratios are better)');
await benchStartup();
await benchDownload();
await benchBatch();
