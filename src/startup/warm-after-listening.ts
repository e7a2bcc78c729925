// Once every port accepts, work that the first requests would otherwise do is done on the idle event loop, one step
// per turn, so a request arriving meanwhile waits for one step at most (issue 9: the first answers after start-up
// paid for loading ajv's compiler and for running its code generator cold). Nothing here runs before the ports
// accept, so cold start is unchanged. A step that throws ends the warm-up: the first request meets it as before.
import { warmSchemaCompiler } from '../compile/json-schema.js';

const STEPS: (() => boolean)[] = [warmSchemaCompiler];

export function warmAfterListening(): void {
  const next = (): void => {
    while (STEPS.length > 0) {
      let more: boolean;
      try {
        more = STEPS[0]!();
      } catch {
        more = false;
      }
      if (more) {
        setImmediate(next);
        return;
      }
      STEPS.shift();
    }
  };
  setImmediate(next);
}
