/** One Server-Sent Event: every line of `data` its own `data:` line (JSON from the API may be pretty-printed). */
export function sseEvent({ id, event, data }: { id?: string; event?: string; data: string }): string {
  let text = '';
  if (event) text += `event: ${event}\n`;
  if (id) text += `id: ${id}\n`;
  for (const line of data.split(/\r\n|\r|\n/)) text += `data: ${line}\n`;
  return `${text}\n`;
}

/** A comment line: ignored by `EventSource`, but it keeps the connection from looking idle. */
export const sseComment = (): string => ':\n\n';
