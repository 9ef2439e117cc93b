// Finishes a job another process started: polls it by its operation, showing progress, and saves the video.
import { writeFile } from 'node:fs/promises';
import { sora } from '@sora-kit/ai-sdk';
import { experimental_getVideoStatus as getVideoStatus } from 'ai';

const operation = JSON.parse(process.argv[2]);
const model = sora.video('sora-2');
for (;;) {
  const status = await getVideoStatus(model, { operation });
  if (status.status === 'error') throw new Error(status.error);
  if (status.status === 'completed') {
    const [video] = status.videos;
    // A gateway's temporary link (gpt.ge), or the bytes (OpenAI-style servers).
    const bytes =
      video.type === 'url' ? new Uint8Array(await (await fetch(video.url)).arrayBuffer()) : video.data;
    await writeFile(`${operation.id}.mp4`, bytes);
    console.log(`saved ${operation.id}.mp4`);
    break;
  }
  const { status: state, progress } = status.providerMetadata.sora;
  console.log(`${state} ${progress}%`);
  await new Promise((resolve) => setTimeout(resolve, 1000));
}
