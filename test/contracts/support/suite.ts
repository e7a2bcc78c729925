// The part every vendor's contract suite shares: one Prism bench for the file, a check that every tool and route
// has a case, and one test per MCP tool call and per REST request. Returns a getter for the bench.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runRestCase, runToolCase, type AuthExpectation, type RestCase, type ToolCase } from './cases.js';
import { startContractBench, type ContractBench, type ContractBenchOptions } from './harness.js';

export function contractSuite(options: ContractBenchOptions, toolCases: readonly ToolCase[], restCases: readonly RestCase[], auth: AuthExpectation): () => ContractBench {
  let bench: ContractBench | undefined;
  const current = () => bench!;

  beforeAll(async () => {
    bench = await startContractBench(options);
  }, 150_000);

  afterAll(async () => {
    await bench?.close();
  });

  it('has a case for every MCP tool and every REST route', async () => {
    const tools = await current().listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(toolCases.map((c) => c.tool).sort());
    expect([...current().routes].sort()).toEqual(restCases.map((c) => c.route).sort());
  });

  it.each(toolCases.map((c) => [c.tool, c] as const))('MCP tool %s', async (_name, c) => {
    await runToolCase(current(), c, auth);
  });

  it.each(restCases.map((c) => [c.route, c] as const))('REST %s', async (_route, c) => {
    await runRestCase(current(), c, auth);
  });

  return current;
}
