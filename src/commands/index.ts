// The commands that live in their own module, loaded only when run (so `validate` and `serve` never load them).
// cli.ts dispatches here; each module exports a runner taking the arguments after the command name.
import { installShutdownSignals } from '../shutdown-signals.js';
import { CommandUsageError, type CommandIo } from './args.js';

type Runner = (argv: readonly string[], io: CommandIo) => Promise<number>;

const COMMANDS: Record<string, { usage: string; summary: string; load: () => Promise<{ run: Runner; help: string }> }> = {
  call: {
    usage: 'capability call <file> <tool> [--arg k=v]',
    summary: 'run one tool or REST operation, no server',
    load: async () => {
      const m = await import('./call.js');
      return { run: m.runCall, help: m.CALL_HELP };
    },
  },
  init: {
    usage: 'capability init [name]',
    summary: 'write a starter capability file',
    load: async () => {
      const m = await import('./init.js');
      return { run: m.runInit, help: m.INIT_HELP };
    },
  },
  openapi: {
    usage: 'capability openapi <file> [--yaml]',
    summary: 'print the REST adapters as OpenAPI 3.1',
    load: async () => {
      const m = await import('./openapi.js');
      return { run: m.runOpenApi, help: m.OPENAPI_HELP };
    },
  },
};

/** Lines for the main help text. */
export const commandSummaries = (): string => Object.values(COMMANDS).map((c) => `  ${c.usage.padEnd(44)} ${c.summary}`).join('\n');

export const isModuleCommand = (command: string): boolean => Object.hasOwn(COMMANDS, command);

/** Runs a module command; usage errors print the command's help and exit 1. */
export async function runModuleCommand(command: string, argv: readonly string[], io: CommandIo): Promise<number> {
  installShutdownSignals().release(); // one-shot commands stop at once on SIGINT/SIGTERM
  const { run, help } = await COMMANDS[command]!.load();
  try {
    return await run(argv, io);
  } catch (e) {
    if (e instanceof CommandUsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.warn(`${(e as Error).message}\n\n${help}`);
      return 1;
    }
    throw e;
  }
}
