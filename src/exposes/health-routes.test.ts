// Which health paths a REST adapter's own routes take (the capability's route wins over the runtime's probe).
import { describe, expect, it } from 'vitest';
import { healthPathsTaken } from './health-routes.js';

describe('healthPathsTaken', () => {
  it('an exact route takes its path only', () => {
    expect(healthPathsTaken(['/health/live', '/notes'])).toStrictEqual(['/health/live']);
  });

  it('a parameter or a wildcard that would match takes the path too (no static probe route shadows the capability route)', () => {
    expect(healthPathsTaken(['/health/:p0'])).toStrictEqual(['/health/live', '/health/ready']);
    expect(healthPathsTaken(['/:p0/ready'])).toStrictEqual(['/health/ready']);
    expect(healthPathsTaken(['/*'])).toStrictEqual(['/health/live', '/health/ready']);
  });

  it('routes that do not match leave both probes to the runtime', () => {
    expect(healthPathsTaken(['/health', '/health/live/more', '/healthz', '/:p0', '/health/live.json'])).toStrictEqual([]);
  });
});
