'use client';
import type { VideoCreateParams, VideoSeconds, VideoSize } from '@sora-kit/core';
import { type FormEvent, useState } from 'react';
import { type FormChoices, PRO_ONLY_SIZES } from '@/lib/policy';

interface CreateFormProps {
  choices: FormChoices;
  /** A job is being created or is running: one at a time in this demo. */
  busy: boolean;
  onCreate: (params: VideoCreateParams) => void;
}

/** The prompt form: model, length, size and an optional first frame, limited to what the policy allows. */
export function CreateForm({ choices, busy, onCreate }: CreateFormProps) {
  const [model, setModel] = useState(choices.models[0] ?? 'sora-2');
  const [size, setSize] = useState(choices.sizes[0] ?? '720x1280');
  // The 1792 sizes need sora-2-pro: they are offered only with it.
  const unavailable = (value: string, forModel = model) =>
    forModel !== 'sora-2-pro' && PRO_ONLY_SIZES.includes(value);
  const changeModel = (next: string) => {
    setModel(next);
    if (unavailable(size, next)) setSize(choices.sizes.find((s) => !unavailable(s, next)) ?? size);
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const image = form.get('image');
    onCreate({
      prompt: String(form.get('prompt') ?? ''),
      model,
      size: size as VideoSize,
      seconds: String(form.get('seconds')) as VideoSeconds,
      // An empty file input still sends a nameless empty File: that is "no image".
      ...(image instanceof File && image.size > 0 ? { input_reference: image } : {}),
    });
  };

  return (
    <form className="create" onSubmit={submit}>
      <label htmlFor="prompt">Prompt</label>
      <textarea
        id="prompt"
        name="prompt"
        required
        maxLength={32_000}
        rows={3}
        defaultValue="A fierce tiger breaks into a farmyard; the dog runs, the cat drives the tiger off."
      />
      <div className="fields">
        <div className="field">
          <label htmlFor="model">Model</label>
          <select id="model" name="model" value={model} onChange={(e) => changeModel(e.target.value)}>
            {choices.models.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="seconds">Seconds</label>
          <select id="seconds" name="seconds" defaultValue={choices.seconds[0]}>
            {choices.seconds.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="size">Size</label>
          <select id="size" name="size" value={size} onChange={(e) => setSize(e.target.value)}>
            {choices.sizes.map((s) => (
              <option key={s} value={s} disabled={unavailable(s)}>
                {unavailable(s) ? `${s} (sora-2-pro)` : s}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className="field">
        <label htmlFor="image">First frame (optional)</label>
        <input
          id="image"
          type="file"
          name="image"
          accept="image/png,image/jpeg,image/webp"
          aria-describedby="image-hint"
        />
        <small id="image-hint">An image of exactly the chosen size.</small>
      </div>
      <button type="submit" disabled={busy}>
        Generate
      </button>
    </form>
  );
}
