import { runCli } from './cli.program';

// The exit code is set, not forced, so stdout drains; whatever keeps the loop alive after a command is a bug.
runCli(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`fusion: unexpected error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
