// Loaded with `node --import` before the CLI: writes the process's peak resident memory (KiB) to the
// file named by SORA_TEST_MAX_RSS_FILE when it exits (the CLI ends with process.exit, which runs this).
import { writeFileSync } from 'node:fs';

const file = process.env.SORA_TEST_MAX_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
