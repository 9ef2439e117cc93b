// Starts a job and prints its operation, then exits: store it anywhere (a database, a queue message).
import { sora } from '@sora-kit/ai-sdk';
import { experimental_startVideo as startVideo } from 'ai';

const { operation } = await startVideo({
  model: sora.video('sora-2'),
  prompt: process.argv[2] ?? 'A paper boat sails down a rainy street',
  duration: 8,
});
console.log(JSON.stringify(operation)); // { "id": "video_…" }
