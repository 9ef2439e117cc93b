import { writeFile } from 'node:fs/promises';
import { sora } from '@sora-kit/ai-sdk';
import { experimental_generateVideo as generateVideo } from 'ai';

const { video, warnings } = await generateVideo({
  model: sora.video('sora-2'), // SORA_API_KEY; SORA_BASE_URL, else https://api.gpt.ge
  prompt: 'A fierce tiger bursts into a farmyard; the dog runs, the cat drives it off',
  resolution: '1280x720',
  duration: 8,
});
await writeFile('tiger.mp4', video.uint8Array);
console.log(`saved tiger.mp4 (${video.uint8Array.length} bytes)`, warnings);
