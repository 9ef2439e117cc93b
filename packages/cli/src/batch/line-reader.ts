/**
 * Reads a text file line by line from a stream, holding one line at a time: a jobs file of any size
 * takes the memory of its longest line, and a line longer than the limit is skipped (and reported) as
 * it streams past, never held whole.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';

/** One line of the file. */
export interface RawLine {
  /** 1-based. */
  number: number;
  /** Where the line starts in the file, in bytes. */
  offset: number;
  /** Its length in bytes, without the line break (`\n` or `\r\n`). */
  length: number;
  /** Its text; undefined when it is longer than the limit. */
  text: string | undefined;
}

const NEWLINE = 0x0a;
const CR = 0x0d;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** The lines of `path`, each at most `maxLineBytes` long (longer ones come without their text). */
export async function* readLines(path: string, maxLineBytes: number): AsyncGenerator<RawLine> {
  let parts: Buffer[] = [];
  let held = 0; // bytes in `parts`
  let length = 0; // bytes of the current line so far (held or skipped)
  let offset = 0; // where the current line starts
  let position = 0; // bytes read so far
  let number = 1;
  const finish = (): RawLine => {
    let buffer = held > 0 && length <= maxLineBytes + 1 ? Buffer.concat(parts, held) : undefined;
    let size = length;
    if (buffer && buffer[buffer.length - 1] === CR) {
      buffer = buffer.subarray(0, -1);
      size -= 1;
    }
    if (number === 1 && buffer?.subarray(0, 3).equals(BOM)) buffer = buffer.subarray(3);
    const tooLong = size > maxLineBytes;
    const line = {
      number,
      offset,
      length: size,
      text: tooLong ? undefined : (buffer?.toString('utf8') ?? ''),
    };
    parts = [];
    held = 0;
    length = 0;
    number += 1;
    return line;
  };
  const keep = (chunk: Buffer) => {
    length += chunk.length;
    // One byte more than the limit is kept, for a `\r` before the `\n`; past that the line is only counted.
    if (length <= maxLineBytes + 1) {
      parts.push(chunk);
      held += chunk.length;
    } else if (held > 0) {
      parts = [];
      held = 0;
    }
  };
  for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let at = chunk.indexOf(NEWLINE); at !== -1; at = chunk.indexOf(NEWLINE, start)) {
      keep(chunk.subarray(start, at));
      yield finish();
      start = at + 1;
      offset = position + start;
    }
    if (start < chunk.length) keep(chunk.subarray(start));
    position += chunk.length;
  }
  if (length > 0) yield finish();
}

/** The number of lines of `path` as a split on line breaks counts them (a trailing break ends an empty line). */
export async function countLines(path: string): Promise<number> {
  let count = 1;
  for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) {
    for (let at = chunk.indexOf(NEWLINE); at !== -1; at = chunk.indexOf(NEWLINE, at + 1)) count += 1;
  }
  return count;
}

/** Reads `length` bytes at `offset` of `path` again (a line found by {@link readLines}). */
export async function readLineAt(path: string, offset: number, length: number): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, offset);
    let text = buffer.subarray(0, bytesRead);
    if (offset === 0 && text.subarray(0, 3).equals(BOM)) text = text.subarray(3);
    return text.toString('utf8');
  } finally {
    await handle.close();
  }
}
