import { Command, CommanderError, Option } from 'commander';
import { resolveGlobals, type GlobalOptions } from './cli-context';
import { CliError, ExitCode, toCliError } from './cli-error';
import { CLI_FORMATS, collect } from './option-parsers';

const FORMAT_HELP = `log format: ${CLI_FORMATS.join('|')} (jsonl = the canonical JSONL)`;
const REMOTE_NOTE =
  '\nTalks to FusionFactory at --address (env FUSION_ADDRESS); without one it uses a server on localhost:50051 if one\nanswers, else starts the embedded deployment in-process (store in --data-dir).';

type Action = (globals: GlobalOptions, cmd: Command) => Promise<void>;

/** Wraps an action: resolves the global flags (which may be given before or after the command). */
function act(fn: Action) {
  return async (...args: unknown[]): Promise<void> => {
    const cmd = args[args.length - 1] as Command;
    await fn(resolveGlobals(cmd.optsWithGlobals()), cmd);
  };
}

/** Builds the `fusion` program. Command modules load only when their command runs, so --help stays fast. */
export function buildProgram(): Command {
  const program = new Command('fusion');
  program
    .description(
      'FusionFactory: fuse many LLMs from their logs. Benchmark routers offline on your logs, import logs, route queries, train routers, build thought templates and distillation datasets.',
    )
    .version('0.1.0', '-V, --version')
    .addOption(new Option('--address <host:port>', 'FusionFactory gRPC address').env('FUSION_ADDRESS'))
    .addOption(new Option('--tenant <name>', 'tenant of every call').env('FUSION_TENANT').default('default'))
    .addOption(
      new Option(
        '--data-dir <dir>',
        "data directory of the embedded deployment (PGlite store in <dir>/pglite, the one `npm start` uses; 'memory' keeps nothing)",
      )
        .env('FUSION_DATA_DIR')
        .default('.fusion-data'),
    )
    .option('--json', 'print results as JSON on stdout')
    .option('-q, --quiet', 'no progress or notes on stderr')
    .option('--verbose', 'print stack traces and debug logs')
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      `
Exit codes: 0 ok, 1 failure, 2 bad usage or input, 3 FusionFactory unreachable.

Examples:
  npx fusion demo-data --out demo.jsonl
  npx fusion bench --data ../shared/data/routerbench-routerdc --out out/bench
  npx fusion bench --train train.csv --test test.csv --format fusionbench --scenario balance
  npx fusion --address localhost:50051 route "What is 17 * 23?" --scenario cost_first`,
    );

  program
    .command('import')
    .description(
      'import multi-LLM logs (a file or a directory) into FusionFactory, or validate them with --dry-run',
    )
    .argument('<path>', 'log file or directory')
    .option('-f, --format <format>', FORMAT_HELP, 'auto')
    .option('--dry-run', 'validate and count only; needs no server')
    .option(
      '--server-path',
      'the path is on the server: import it there (ImportDataset) instead of sending records',
    )
    .option('--batch-size <n>', 'records per IngestLogs call', '500')
    .addHelpText('after', REMOTE_NOTE)
    .action(
      act(async (globals, cmd) => {
        const { runImport } = await import('./commands/import.command');
        await runImport(cmd.args[0] as string, cmd.opts(), globals);
      }),
    );

  program
    .command('bench')
    .description(
      'benchmark every router kind and the baselines offline on your logs; writes <out>/report.json and report.html and prints the table',
    )
    .option(
      '-d, --data <file|dir>',
      'logs with their own train/test split (or use --seed for a seeded split)',
    )
    .option('--train <file>', 'train split, in any import format')
    .option('--test <file>', 'test split, in any import format')
    .option('-f, --format <format>', FORMAT_HELP, 'auto')
    .option(
      '-s, --scenario <name>',
      'performance_first|balance|cost_first|judge|custom:<a>,<b>|all (repeatable)',
      collect,
    )
    .option(
      '-r, --routers <list>',
      'strategies to run, comma-separated: knn,mlp,linear,matrix_factorisation,graph,cheapest,best_single,random (default: all routers + cheapest)',
      collect,
    )
    .option('-o, --out <dir>', 'report directory', 'out/bench')
    .option(
      '--seed <n>',
      'seed of the validation slice, the random baseline and (when the logs have no split) the split',
    )
    .option('--test-fraction <x>', 'test share of each task in a seeded split (default 0.2)')
    .option('--resplit', "ignore the logs' own split and make a seeded one")
    .option('--name <label>', 'dataset name in the report (default: the file or directory name)')
    .option('--no-tasks', 'print only the overall tables')
    .option('--no-singles', 'leave the single-LLM rows out of the printed tables')
    .addHelpText(
      'after',
      '\nRuns in-process: no server needed. Progress goes to stderr; the table (or, with --json, a summary) to stdout.',
    )
    .action(
      act(async (globals, cmd) => {
        const { runBench } = await import('./commands/bench.command');
        await runBench(cmd.opts(), globals);
      }),
    );

  program
    .command('route')
    .description('ask the router which LLM should answer a query (and, with --execute, get the answer)')
    .argument('<query>', 'the query text')
    .option('-s, --scenario <name>', 'performance_first|balance|cost_first (default balance)')
    .option('--alpha <x>', 'custom policy: weight of performance')
    .option('--beta <x>', 'custom policy: weight of cost')
    .option('--allow <models>', 'only these models (comma-separated, repeatable)', collect)
    .option('--exclude <models>', 'never these models (comma-separated, repeatable)', collect)
    .option('--max-cost <usd>', 'most a call may cost, USD')
    .option('--latency-budget <ms>', 'most a call may take, ms')
    .option('--task <name>', 'task hint (otherwise the router infers it)')
    .option('--thoughts', 'augment the prompt with retrieved thought templates')
    .option('--execute', 'also call the chosen LLM and print the answer')
    .option('--max-tokens <n>', 'answer length limit with --execute')
    .option('--top <n>', 'ranked candidates to show', '5')
    .addHelpText('after', REMOTE_NOTE)
    .action(
      act(async (globals, cmd) => {
        const { runRoute } = await import('./commands/remote.commands');
        await runRoute(cmd.args[0] as string, cmd.opts(), globals);
      }),
    );

  const routers = program.command('routers').description('list, train and promote routers');
  routers
    .command('list')
    .description('list router versions, the champion and the challenger')
    .addHelpText('after', REMOTE_NOTE)
    .action(
      act(async (globals) => {
        const { runRoutersList } = await import('./commands/remote.commands');
        await runRoutersList(globals);
      }),
    );
  routers
    .command('train')
    .description('train, evaluate and register a new router version from the stored logs')
    .option(
      '-k, --kind <kinds>',
      'knn|mlp|linear|mf|graph|all, or a comma list (several: the best is registered)',
      'all',
    )
    .option('--promote', 'promote it when it passes the gate')
    .option('--shadow', 'run it as challenger in shadow mode instead')
    .option(
      '--gate-scenario <name>',
      'performance_first|balance|cost_first: the reward that picks the kind and gates promotion',
    )
    .addHelpText('after', REMOTE_NOTE)
    .action(
      act(async (globals, cmd) => {
        const { runRoutersTrain } = await import('./commands/remote.commands');
        await runRoutersTrain(cmd.opts(), globals);
      }),
    );
  routers
    .command('promote')
    .description('promote a registered router version to champion (gated unless --force)')
    .argument('<router-id>', 'router id (see routers list)')
    .argument('<version>', 'version number')
    .option('--force', 'promote even if the gate refuses')
    .addHelpText('after', REMOTE_NOTE)
    .action(
      act(async (globals, cmd) => {
        const { runRoutersPromote } = await import('./commands/remote.commands');
        await runRoutersPromote(cmd.args[0] as string, cmd.args[1] as string, cmd.opts(), globals);
      }),
    );

  const thoughts = program
    .command('thoughts')
    .description('build and retrieve thought templates (thought-level fusion)');
  thoughts
    .command('build')
    .description('(re)build the thought-template library from the scored logs')
    .option('--selection <how>', 'performance|judge|hybrid', 'hybrid')
    .option('--queries-per-task <n>', "queries summarised per task (default: the server's)")
    .addHelpText('after', REMOTE_NOTE)
    .action(
      act(async (globals, cmd) => {
        const { runThoughtsBuild } = await import('./commands/remote.commands');
        await runThoughtsBuild(cmd.opts(), globals);
      }),
    );
  thoughts
    .command('retrieve')
    .description('find the templates of the most similar past queries, and the augmented prompt')
    .argument('<query>', 'the query text')
    .option('--task <name>', 'task hint')
    .option('-k, --top-k <n>', 'templates to return', '3')
    .addHelpText('after', REMOTE_NOTE)
    .action(
      act(async (globals, cmd) => {
        const { runThoughtsRetrieve } = await import('./commands/remote.commands');
        await runThoughtsRetrieve(cmd.args[0] as string, cmd.opts(), globals);
      }),
    );

  const distill = program
    .command('distill')
    .description('build SFT datasets and run distillation jobs (model-level fusion)');
  distill
    .command('dataset')
    .description('write an SFT dataset (Alpaca JSON) from the top-ranked responses')
    .option('--setting <how>', 'perf|judge|hybrid|baseline', 'hybrid')
    .option('-k, --top-k <n>', "responses kept per query (default: the server's)")
    .option('-o, --out <path>', 'where the server writes the dataset')
    .addHelpText('after', REMOTE_NOTE)
    .action(
      act(async (globals, cmd) => {
        const { runDistillDataset } = await import('./commands/remote.commands');
        await runDistillDataset(cmd.opts(), globals);
      }),
    );
  distill
    .command('submit')
    .description('submit a distillation (SFT) trainer job')
    .argument('<dataset-id>', 'dataset id from distill dataset')
    .option('--base-model <name>', "model to fine-tune (default: the server's)")
    .option('--student <name>', 'name of the resulting model')
    .addHelpText('after', REMOTE_NOTE)
    .action(
      act(async (globals, cmd) => {
        const { runDistillSubmit } = await import('./commands/remote.commands');
        await runDistillSubmit(cmd.args[0] as string, cmd.opts(), globals);
      }),
    );
  distill
    .command('jobs')
    .description('list distillation jobs and their status')
    .addHelpText('after', REMOTE_NOTE)
    .action(
      act(async (globals) => {
        const { runDistillJobs } = await import('./commands/remote.commands');
        await runDistillJobs(globals);
      }),
    );

  program
    .command('serve')
    .description('run FusionFactory embedded (every service in one process) until Ctrl-C')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('-p, --port <port>', 'gRPC port', '50051')
    .option('--http-port <port>', 'HTTP port', '8080')
    .option(
      '--seed <what>',
      'seed an empty store with: demo (synthetic logs), none, or a log file/directory',
      'demo',
    )
    .option('-f, --format <format>', `format of a --seed path: ${CLI_FORMATS.join('|')}`)
    .option('--no-pipeline', 'skip scoring, router training and promotion after seeding')
    .option('--in-memory', 'keep nothing on disk (ignore --data-dir)')
    .action(
      act(async (globals, cmd) => {
        const { runServe } = await import('./commands/serve.command');
        await runServe(cmd.opts(), globals);
      }),
    );

  program
    .command('demo-data')
    .description(
      'write seeded SYNTHETIC multi-LLM logs (canonical JSONL) to try FusionFactory without real logs',
    )
    .option('-o, --out <file>', 'output file (- for stdout)', 'demo-logs.jsonl')
    .option('--seed <n>', 'random seed (same seed, same file)', '7')
    .option('--queries <n>', 'queries in total, spread over 12 synthetic tasks', '480')
    .option('--test-fraction <x>', 'share of each task marked test', '0.25')
    .addHelpText(
      'after',
      '\nThe data is synthetic: invented queries, stub responses and simulated scores over 8 real model names with\ntheir real per-token list prices (Dec 2024). Every record says so (task synthetic_*, metadata.synthetic).',
    )
    .action(
      act(async (globals, cmd) => {
        const { runDemoData } = await import('./commands/demo-data.command');
        await runDemoData(cmd.opts(), globals);
      }),
    );

  return program;
}

function applyOutput(cmd: Command, write: (text: string) => void): void {
  cmd.exitOverride();
  cmd.configureOutput({
    writeErr: write,
    // Commander's usage errors, made one line with the fix.
    outputError: (text, w) =>
      w(
        `fusion: ${text
          .replace(/^error: /, '')
          .replace(/\s*\n\s*/g, ' ')
          .trim()} (see --help)\n`,
      ),
  });
  for (const sub of cmd.commands) applyOutput(sub, write);
}

/** What `runCli` reports, for tests. */
export interface CliIo {
  stderr: (text: string) => void;
}

/** Runs the CLI on argv (node, script, ...args); resolves with the exit code, never throws. */
export async function runCli(
  argv: readonly string[],
  io: CliIo = { stderr: (t) => process.stderr.write(t) },
): Promise<number> {
  const program = buildProgram();
  applyOutput(program, io.stderr);
  const verbose = argv.includes('--verbose');
  const json = argv.includes('--json');
  try {
    await program.parseAsync([...argv]);
    return ExitCode.Ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return ExitCode.Ok;
      // Commander has already printed its message; `fusion` alone prints help and is a usage error.
      return ExitCode.Usage;
    }
    const cliError = err instanceof CliError ? err : toCliError(err);
    io.stderr(
      json
        ? `${JSON.stringify({ error: { message: cliError.message, exit_code: cliError.exitCode } })}\n`
        : `fusion: ${cliError.message}\n`,
    );
    if (verbose) {
      const cause = cliError.cause ?? cliError;
      io.stderr(`${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}\n`);
    }
    return cliError.exitCode;
  }
}
