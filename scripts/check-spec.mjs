// `pnpm check:spec`: lints spec/openapi.yaml with Redocly (rules in redocly.yaml), without its noise.
// Redocly prints a boxed notice that Node.js 20 support is ending on every run under Node 20 (the
// version this project supports), and announcement banners on terminals; neither says anything about
// the spec. The banners are switched off by Redocly's own variable; the Node 20 box is cut from stderr.
// Everything else (the findings, the summary) passes through, and Redocly's exit code is ours.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const cli = join(dirname(require.resolve('@redocly/cli/package.json')), 'bin', 'cli.js');
const child = spawn(process.execPath, [cli, 'lint', 'spec/openapi.yaml', '--format=stylish'], {
  env: { ...process.env, REDOCLY_SUPPRESS_NOTIFICATIONS: 'true', REDOCLY_TELEMETRY: 'off' },
  stdio: ['ignore', 'inherit', 'pipe'],
});
let stderr = '';
child.stderr.setEncoding('utf8').on('data', (chunk) => {
  stderr += chunk;
});
child.on('close', (code, signal) => {
  // A box is the lines from a top border (╔ or ┌) to the bottom one (╚ or └); only the one about
  // Node.js 20 is dropped.
  const kept = stderr.replace(/^[^\S\n]*[╔┌][^\n]*\n(?:[^\n]*\n)*?[^\S\n]*[╚└][^\n]*\n?/gm, (box) =>
    /Node\.js 20/.test(box) ? '' : box,
  );
  process.stderr.write(kept.replace(/^\n+/, ''));
  process.exitCode = code ?? (signal ? 1 : 0);
});
