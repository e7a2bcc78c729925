// Answers like the Legacy Dockyard mock API of the Naftiko shipyard tutorial, for the recording upstream
// (test/helpers/upstream.ts): XML bodies, dispatched on the status query parameter. SOURCE: the `examples` of
// naftiko-reference/mock-apis/naftiko-shipyard-legacy-dockyard-api.yaml (naftiko/framework .github/microcks/,
// commit e884353, Apache-2.0), /vessels only (the one operation the tutorial consumes).
import type { RecordedRequest, UpstreamReply } from '../../helpers/upstream.js';

export const LEGACY_VESSELS = [
  { vesselCode: 'LEGACY-4012', vesselName: 'Old Faithful', category: 'cargo', flagState: 'GB', operationalStatus: 'active' },
  { vesselCode: 'LEGACY-2087', vesselName: 'Iron Maiden', category: 'bulk_carrier', flagState: 'PA', operationalStatus: 'laid_up' },
];

const vesselXml = (v: (typeof LEGACY_VESSELS)[number]): string =>
  `  <vessel>\n${Object.entries(v)
    .map(([k, value]) => `    <${k}>${value}</${k}>`)
    .join('\n')}\n  </vessel>`;

const xml = (status: number, text: string): UpstreamReply => ({ status, body: text, headers: { 'content-type': 'application/xml' } });

export function shipyardDockyard(request: RecordedRequest): UpstreamReply {
  if (request.method === 'GET' && request.path === '/vessels') {
    const status = request.query.get('status');
    const vessels = status ? LEGACY_VESSELS.filter((v) => v.operationalStatus === status) : LEGACY_VESSELS;
    return xml(200, `<vessels>\n${vessels.map(vesselXml).join('\n')}\n</vessels>`);
  }
  return xml(404, `<error>\n  <code>not_found</code>\n  <message>no mock for ${request.method} ${request.path}</message>\n</error>`);
}
