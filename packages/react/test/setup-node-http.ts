// happy-dom replaces the global Request, Response and Headers with its own, and @hono/node-server (under the
// emulator that runs in this process) builds each incoming request on the global Request of the moment it
// is imported: with happy-dom's, reading a request body throws. The emulator is a server, not part of the
// page, so it gets the WHATWG classes Node itself uses (undici's) back before anything imports it. The
// page's own `fetch` stays happy-dom's.
import { Headers, Request, Response } from 'undici';

Object.assign(globalThis, { Headers, Request, Response });
