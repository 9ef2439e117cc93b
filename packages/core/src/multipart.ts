/** Whether a value is a file to upload (a `Blob`, which includes `File` and Node's `fs.openAsBlob`). */
export const isBlob = (value: unknown): value is Blob => typeof Blob === 'function' && value instanceof Blob;

/**
 * The multipart body of a request that uploads a file: each field as a part, files as they are, objects
 * (e.g. `video: {id}`) as JSON text. Used as openapi-fetch's `bodySerializer`; the runtime sets the
 * `Content-Type` with its boundary.
 */
export function toFormData(fields: Record<string, unknown>): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (value == null) continue;
    form.append(
      name,
      isBlob(value) ? value : typeof value === 'object' ? JSON.stringify(value) : String(value),
    );
  }
  return form;
}
