/** `text` as one shell word, for the commands the CLI tells the user to run (quoted only when needed). */
export function shellQuote(text: string): string {
  return /^[\w./@:+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
