/** A file part as the writer writes it: a judged name, a filename and a media type, and its bytes. */
export interface WrittenFile {
  name: string;
  filename: string;
  type: string;
  stream: ReadableStream<Uint8Array>;
}

const encoder = new TextEncoder();

/** A quoted-string parameter value: the reader let no `"`, `\` or control character in; make sure. */
const quote = (value: string) => `"${value.replace(/["\\\r\n]/g, (c) => encodeURIComponent(c))}"`;

/** A boundary no part can contain by chance: 32 random hex digits. */
function newBoundary(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `sora-kit-${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * Writes a multipart/form-data body of its own from parts the handler judged: its own boundary, and for
 * each part only the headers this writer makes (`Content-Disposition` with `name` and `filename`,
 * `Content-Type` for files). Nothing of the client's framing reaches the API, so it cannot read anything
 * the handler did not. File bytes stream through as the API reads them; the text fields and the closing
 * boundary come last, once `fields` resolves (the verdict): a refused upload never becomes a whole body.
 */
export function writeMultipart(
  files: AsyncIterable<WrittenFile>,
  fields: Promise<Readonly<Record<string, string>>>,
): { body: ReadableStream<Uint8Array>; contentType: string } {
  const boundary = newBoundary();
  const head = (name: string, file?: WrittenFile) =>
    encoder.encode(
      `--${boundary}\r\nContent-Disposition: form-data; name=${quote(name)}${
        file ? `; filename=${quote(file.filename)}\r\nContent-Type: ${file.type}` : ''
      }\r\n\r\n`,
    );
  const crlf = encoder.encode('\r\n');
  async function* chunks(): AsyncGenerator<Uint8Array> {
    for await (const file of files) {
      yield head(file.name, file);
      const reader = file.stream.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        yield value;
      }
      yield crlf;
    }
    for (const [name, value] of Object.entries(await fields)) {
      yield head(name);
      yield encoder.encode(value);
      yield crlf;
    }
    yield encoder.encode(`--${boundary}--\r\n`);
  }
  const source = chunks();
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const next = await source.next();
          if (next.done) controller.close();
          else controller.enqueue(next.value);
        } catch (error) {
          controller.error(error);
        }
      },
      async cancel(reason) {
        await source.throw(reason).catch(() => {});
      },
    },
    { highWaterMark: 0 },
  );
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}
