import { nodeFileSystem } from '../core/ports/node-file-system';
import { runCli } from './run-cli';
import { bundledDistDir } from './run-serve';

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
  serve: {
    distDir: bundledDistDir(),
    // Only while serving: the first SIGINT/SIGTERM stops gracefully; a second one does not wait.
    stopSignal: () =>
      new Promise<string>((resolve) => {
      const once = (signal: string) => {
        resolve(signal);
        process.once(signal as NodeJS.Signals, () => process.exit(130));
      };
      process.once('SIGINT', () => once('SIGINT'));
      process.once('SIGTERM', () => once('SIGTERM'));
      }),
  },
}).then((code) => {
  process.exitCode = code;
});
