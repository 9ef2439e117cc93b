#!/usr/bin/env node
// The `sora-kit` command. A committed file rather than dist/cli.js itself, so that pnpm can link the bin
// in a fresh checkout before anything is built (it warns for every link to a missing file).
import '../dist/cli.js';
