// The page's script: @sora-kit/core running in the browser. It holds no API key: it talks to this app's
// own server (`/api/sora`), where @sora-kit/server adds the key. Bundled by esbuild when the server starts.
import { APIUserAbortError, createSoraClient, SoraError } from '@sora-kit/core';

const client = createSoraClient({ apiKey: null, baseUrl: `${location.origin}/api/sora` });
const $ = (id) => document.getElementById(id);
let controller;

$('form').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('error').textContent = '';
  const prompt = $('prompt').value;
  // Refused here, before any request: a blank prompt would only come back as a 400.
  if (!prompt.trim()) {
    $('error').textContent = 'Describe the video first: the prompt is empty.';
    $('prompt').focus();
    return;
  }
  controller = new AbortController();
  $('go').disabled = true;
  $('cancel').disabled = false;
  $('video').hidden = true;
  try {
    const video = await client.videos.createAndPoll(
      { prompt, seconds: $('seconds').value, size: $('size').value },
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
    // The server streams the bytes whether the API sends them or a gateway link, with Range support, so
    // the video element loads the URL directly (seeking works, nothing is held in page memory).
    $('video').src = `/api/sora/v1/videos/${video.id}/content`;
    $('video').hidden = false;
  } catch (error) {
    // A cancel is what the user asked for, not an error. (isInstance works across duplicate bundles.)
    if (APIUserAbortError.isInstance(error) || controller.signal.aborted) {
      $('status').textContent = 'Cancelled.';
    } else {
      $('error').textContent = SoraError.isInstance(error)
        ? `${error.name}: ${error.message}`
        : String(error);
      $('status').textContent = 'Stopped.';
    }
  } finally {
    $('go').disabled = false;
    $('cancel').disabled = true;
  }
});

$('cancel').addEventListener('click', () => controller?.abort());
