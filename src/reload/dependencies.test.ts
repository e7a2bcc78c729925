import { describe, expect, it } from 'vitest';
import { locationsIn } from './dependencies.js';

describe('locationsIn', () => {
  it('finds every location a capability names (imports, bind files, skill, resource and prompt locations), resolved against its folder', () => {
    const text = `
binds:
  - namespace: keys
    location: "file:///./secrets/keys.yaml"
    keys: { TOKEN: token }
capability:
  consumes:
    - { import: stigg, location: ./shared/stigg.yaml }
  exposes:
    - type: skill
      skills: [{ name: s, location: "file:///./skills/s" }]
    - type: mcp
      resources: [{ name: docs, uri: "docs://d", location: "file:///abs/docs" }]
      prompts: [{ name: p, location: "file://./prompts/p.md" }]
`;
    expect(locationsIn('/srv/caps/cap.yaml', text).sort()).toEqual(
      ['/abs/docs', '/srv/caps/prompts/p.md', '/srv/caps/secrets/keys.yaml', '/srv/caps/shared/stigg.yaml', '/srv/caps/skills/s'].sort(),
    );
  });

  it('ignores other schemes, non-string locations and text that does not parse', () => {
    expect(locationsIn('/srv/cap.yaml', 'a: { location: "https://example.com/x.yaml" }\nb: { location: 3 }')).toEqual([]);
    expect(locationsIn('/srv/cap.yaml', 'a: [unclosed')).toEqual([]);
  });
});
