'use client';
import type { VideoCreateParams, VideoSeconds, VideoSize } from '@sora-kit/core';
import type { ErrorDescription } from '@sora-kit/react';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { type FormChoices, PRO_ONLY_SIZES } from '@/lib/policy';
import { FieldError, invalidProps } from './field-error';

interface CreateFormProps {
  choices: FormChoices;
  /** A job is being created or is running: one at a time in this demo. */
  busy: boolean;
  /** The last create's error, in words: one that names a field is shown at that field. */
  problem: ErrorDescription | undefined;
  /** The prompt of the job being followed (after a reload, the resumed job's): put back in the form. */
  jobPrompt: string | undefined;
  onCreate: (params: VideoCreateParams) => void;
}

/** The prompt form: model, length, size and an optional first frame, limited to what the policy allows. */
export function CreateForm({ choices, busy, problem, jobPrompt, onCreate }: CreateFormProps) {
  const [model, setModel] = useState(choices.models[0] ?? 'sora-2');
  const [size, setSize] = useState(choices.sizes[0] ?? '720x1280');
  const prompt = useRef<HTMLTextAreaElement>(null);
  // A reload resumes the job (`persist`): its prompt comes back with it, so the form says what is rendering.
  useEffect(() => {
    if (jobPrompt && prompt.current) prompt.current.value = jobPrompt;
  }, [jobPrompt]);
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

  // The form is checked by core (and the server), which name the field at fault: no browser bubbles.
  return (
    <form className="create" onSubmit={submit} noValidate>
      <div className="field">
        <label htmlFor="prompt">Prompt</label>
        <textarea
          ref={prompt}
          id="prompt"
          name="prompt"
          maxLength={32_000}
          rows={3}
          defaultValue="A fierce tiger breaks into a farmyard; the dog runs, the cat drives the tiger off."
          {...invalidProps(problem, 'prompt')}
        />
        <FieldError problem={problem} field="prompt" />
      </div>
      <div className="fields">
        <div className="field">
          <label htmlFor="model">Model</label>
          <select
            id="model"
            name="model"
            value={model}
            onChange={(e) => changeModel(e.target.value)}
            {...invalidProps(problem, 'model')}
          >
            {choices.models.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
          <FieldError problem={problem} field="model" />
        </div>
        <div className="field">
          <label htmlFor="seconds">Seconds</label>
          <select
            id="seconds"
            name="seconds"
            defaultValue={choices.seconds[0]}
            {...invalidProps(problem, 'seconds')}
          >
            {choices.seconds.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
          <FieldError problem={problem} field="seconds" />
        </div>
        <div className="field">
          <label htmlFor="size">Size</label>
          <select
            id="size"
            name="size"
            value={size}
            onChange={(e) => setSize(e.target.value)}
            {...invalidProps(problem, 'size')}
          >
            {choices.sizes.map((s) => (
              <option key={s} value={s} disabled={unavailable(s)}>
                {unavailable(s) ? `${s} (sora-2-pro)` : s}
              </option>
            ))}
          </select>
          <FieldError problem={problem} field="size" />
        </div>
      </div>
      <div className="field">
        <label htmlFor="image">First frame (optional)</label>
        <input
          id="image"
          type="file"
          name="image"
          accept="image/png,image/jpeg,image/webp"
          {...invalidProps(problem, 'input_reference', 'image-hint')}
        />
        <small id="image-hint">An image of exactly the chosen size.</small>
        <FieldError problem={problem} field="input_reference" />
      </div>
      <button type="submit" disabled={busy}>
        Generate
      </button>
    </form>
  );
}
