// Submit now, watch later (even from another process, after a restart): a job is resumed by its id.
//   node submit-and-watch.mjs submit "a tiger in a farmyard"   → prints the id
//   node submit-and-watch.mjs watch video_…                   → waits, then saves video_….mp4
import { createSoraClient, PollTimeoutError, VideoFailedError } from '@sora-kit/core';
import { downloadToFile } from '@sora-kit/core/node';

const client = createSoraClient();
const [command, argument] = process.argv.slice(2);

if (command === 'submit') {
  // A key of your own makes the submit safe to repeat: the server answers with the same job.
  const job = await client.videos.create({ prompt: argument }, { idempotencyKey: `my-app-${argument}` });
  console.log(job.id);
} else if (command === 'watch') {
  try {
    const video = await client.videos.poll(argument, {
      timeout: 20 * 60_000,
      signal: AbortSignal.timeout(25 * 60_000),
      onProgress: (e) => console.log(e.rawStatus, e.progress ?? ''),
    });
    await downloadToFile(client, video.id, `${video.id}.mp4`, { overwrite: true });
    console.log(`saved ${video.id}.mp4`);
  } catch (error) {
    if (VideoFailedError.isInstance(error)) console.error(`failed: ${error.code}`);
    else if (PollTimeoutError.isInstance(error))
      console.error(`still ${error.video.status}; watch it again later`);
    else throw error;
    process.exitCode = 1;
  }
}
