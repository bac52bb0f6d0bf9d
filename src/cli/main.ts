import { nodeFileSystem } from '../core/ports/node-file-system';
import { runCli } from './run-cli';

declare const PACKAGE_VERSION: string;

// The bin entry point: wire real process I/O into runCli and exit with its code.
void runCli({
  argv: process.argv.slice(2),
  env: process.env,
  cwd: process.cwd(),
  stdoutIsTty: process.stdout.isTTY === true,
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  fs: nodeFileSystem,
  version: typeof PACKAGE_VERSION === 'string' ? PACKAGE_VERSION : '0.0.0-dev',
  platform: process.platform,
}).then((code) => {
  process.exitCode = code;
});
