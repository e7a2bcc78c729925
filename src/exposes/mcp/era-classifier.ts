// The fast path's era verdict: our own rules (./envelope-era.ts) for the envelopes they vouch for, which are the ones
// the official clients send; for any other envelope, the SDK's remembered verdicts (./era-verdicts.ts) once the SDK is
// loaded, and until then no verdict (null: the request goes to the SDK path, which loads the SDK and answers it).
import { envelopeEra } from './envelope-era.js';
import type { Classifier, Era } from './era-verdicts.js';
import { loadedSdk } from './sdk-loader.js';

export function createClassifier(): Classifier {
  let sdkVerdicts: Classifier | undefined;
  const classify = (version: string, mcpMethod: string | undefined, mcpName: string | undefined, body: Record<string, unknown>, method: string, meta: Record<string, unknown> | undefined): Era | null => {
    const era = envelopeEra(version, mcpMethod, method, meta);
    if (era !== undefined) return era;
    const sdk = loadedSdk();
    if (!sdk) return null;
    sdkVerdicts ??= sdk.createClassifier();
    return sdkVerdicts(version, mcpMethod, mcpName, body, method, meta);
  };
  return Object.defineProperty(classify, 'remembered', { get: () => sdkVerdicts?.remembered ?? 0 }) as Classifier;
}
