// Generate a video and save it. Run: SORA_API_KEY=sk-… node quickstart.mjs "a tiger in a farmyard"
import { createSoraClient } from '@sora-kit/core';
import { downloadToFile } from '@sora-kit/core/node';

const client = createSoraClient(); // SORA_API_KEY; SORA_BASE_URL, else https://api.gpt.ge

const video = await client.videos.createAndPoll(
  { prompt: process.argv[2] ?? 'A fierce tiger bursts into a farmyard', seconds: '8', size: '1280x720' },
  { onProgress: ({ status, progress }) => console.log(status, progress ?? '') },
);
const { path, bytes } = await downloadToFile(client, video.id, `${video.id}.mp4`);
console.log(`saved ${bytes} bytes to ${path}`);
