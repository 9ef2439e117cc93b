// The page's script: @sora-kit/core running in the browser. It holds no API key: it talks to this app's
// own server (`/api/sora`), which adds the key (see proxy.mjs). Bundled by esbuild when the server starts.
import { createSoraClient, SoraError } from '@sora-kit/core';

const client = createSoraClient({ apiKey: null, baseUrl: `${location.origin}/api/sora` });
const $ = (id) => document.getElementById(id);
let controller;

$('form').addEventListener('submit', async (event) => {
  event.preventDefault();
  controller = new AbortController();
  $('go').disabled = true;
  $('cancel').disabled = false;
  $('error').textContent = '';
  $('video').hidden = true;
  try {
    const video = await client.videos.createAndPoll(
      { prompt: $('prompt').value, seconds: $('seconds').value, size: $('size').value },
      {
        signal: controller.signal,
        onProgress: ({ status, progress }) => {
          $('status').textContent = `${status} ${progress ?? 0}%`;
          $('progress').value = progress ?? 0;
        },
      },
    );
    $('status').textContent = `completed ${video.id}`;
    $('progress').value = 100;
    // downloadContent answers a standard Response whether the server sends bytes or a gateway link.
    const response = await client.videos.downloadContent(video.id, { signal: controller.signal });
    $('video').src = URL.createObjectURL(await response.blob());
    $('video').hidden = false;
  } catch (error) {
    // SoraError.isInstance works even if two copies of core are bundled.
    $('error').textContent = SoraError.isInstance(error) ? `${error.name}: ${error.message}` : String(error);
    $('status').textContent = 'Stopped.';
  } finally {
    $('go').disabled = false;
    $('cancel').disabled = true;
  }
});

$('cancel').addEventListener('click', () => controller?.abort());
