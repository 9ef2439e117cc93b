/** Whether a value is a file to upload (a `Blob`, which includes `File` and Node's `fs.openAsBlob`). */
export const isBlob = (value: unknown): value is Blob => typeof Blob === 'function' && value instanceof Blob;

/**
 * The multipart body of a request that uploads a file: each field as a part, files as they are, and an
 * object's fields in brackets (`input_reference[image_url]`), as the official SDKs encode them. The runtime
 * sets the `Content-Type` with its boundary.
 */
export function toFormData(fields: Record<string, unknown>, form = new FormData(), prefix = ''): FormData {
  for (const [key, value] of Object.entries(fields)) {
    const name = prefix ? `${prefix}[${key}]` : key;
    if (value == null) continue;
    if (typeof value === 'object' && !isBlob(value)) toFormData(value as Record<string, unknown>, form, name);
    else form.append(name, isBlob(value) ? value : String(value));
  }
  return form;
}
