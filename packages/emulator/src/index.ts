/**
 * @sora-kit/emulator: a faithful local server of the OpenAI-compatible `/v1/videos` (Sora 2) API, for
 * offline development and tests.
 *
 * - `startEmulator(options)` runs it on Node listeners (what tests use).
 * - `createEmulatorApp(options)` is the same emulator as a portable fetch handler; edge runtimes
 *   import it from `@sora-kit/emulator/portable`, which leaves the Node listener out.
 * - The `sora-emulator` bin runs it from a terminal.
 */

export { type RunningEmulator, startEmulator } from './node-server.js';
export type { EmulatorOptions } from './options.js';
export * from './portable.js';
