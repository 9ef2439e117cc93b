/** One parsed Server-Sent Event. */
export interface ParsedEvent {
  id: string | undefined;
  event: string | undefined;
  data: string;
}

/** Reads a whole event stream (until the server closes it) into its events; comments are dropped. */
export async function readEvents(
  response: Response,
  onEvent?: (event: ParsedEvent) => void,
): Promise<ParsedEvent[]> {
  const events: ParsedEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\n\n');
      const event: ParsedEvent = { id: undefined, event: undefined, data: '' };
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('id: ')) event.id = line.slice(4);
        else if (line.startsWith('event: ')) event.event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      if (data.length === 0) continue;
      event.data = data.join('\n');
      events.push(event);
      onEvent?.(event);
    }
  }
  return events;
}
