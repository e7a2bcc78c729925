// Answers like the Maritime Registry mock API of the Naftiko shipyard tutorial, for the recording upstream
// (test/helpers/upstream.ts). SOURCE: the `examples` of naftiko-reference/mock-apis/naftiko-shipyard-maritime-registry-api.yaml
// (naftiko/framework .github/microcks/, commit e884353, Apache-2.0): ships (filtered by status), ship details, voyage
// VOY-2026-042 and its creation (POST /voyages → 201), crew, cargo (trimmed).
import type { RecordedRequest, UpstreamReply } from '../../helpers/upstream.js';

export const SHIPS = [
  { imo_number: 'IMO-9321483', vessel_name: 'Northern Star', vessel_type: 'cargo', flag_code: 'NO', operational_status: 'active' },
  { imo_number: 'IMO-9456781', vessel_name: 'Pacific Dawn', vessel_type: 'tanker', flag_code: 'SG', operational_status: 'maintenance' },
];

export const SHIP_DETAILS: Record<string, unknown> = {
  'IMO-9321483': {
    ...SHIPS[0],
    year_built: 2015,
    gross_tonnage: 42000,
    dimensions: { length_overall: 229, beam: 32, draft: 12.5 },
    assignedCrew: ['CREW-001', 'CREW-003'],
  },
};

export const VOYAGE = {
  voyageId: 'VOY-2026-042',
  shipImo: 'IMO-9321483',
  departurePort: 'Oslo',
  arrivalPort: 'Singapore',
  departureDate: '2026-04-10T08:00:00Z',
  arrivalDate: '2026-05-02T14:00:00Z',
  crewIds: ['CREW-001', 'CREW-003'],
  cargoIds: ['CARGO-2024-0451'],
  status: 'planned',
};

export const CREW = [
  { crewId: 'CREW-001', fullName: 'Erik Lindström', role: 'captain', certifications: ['STCW-II/2', 'GMDSS'] },
  { crewId: 'CREW-002', fullName: 'Maria Santos', role: 'first_officer', certifications: ['STCW-II/2'] },
  { crewId: 'CREW-003', fullName: 'Aiko Tanaka', role: 'cook', certifications: ['STCW-VI/3'] },
  { crewId: 'CREW-004', fullName: 'Hans Mueller', role: 'engineer', certifications: ['STCW-III/2'] },
];

export const CARGO = [
  { cargoId: 'CARGO-2024-0451', type: 'container', description: 'Electronics components', weight: 12.5, hazardous: false },
  { cargoId: 'CARGO-2024-0452', type: 'bulk', description: 'Iron ore samples', weight: 85.0, hazardous: false },
];

const notFound = (message: string): UpstreamReply => ({ status: 404, body: { error: 'not_found', message } });

/** POST /voyages answers 201 like the mock: the posted scalars echoed, the arrays static (the mock cannot echo them). */
function createVoyage(request: RecordedRequest): UpstreamReply {
  const posted = (request.json ?? {}) as Record<string, unknown>;
  const echo = (key: string) => posted[key];
  return {
    status: 201,
    body: {
      voyageId: VOYAGE.voyageId,
      shipImo: echo('shipImo'),
      departurePort: echo('departurePort'),
      arrivalPort: echo('arrivalPort'),
      departureDate: echo('departureDate'),
      arrivalDate: echo('arrivalDate'),
      crewIds: VOYAGE.crewIds,
      cargoIds: VOYAGE.cargoIds,
      status: 'planned',
    },
  };
}

export function shipyardRegistry(request: RecordedRequest): UpstreamReply {
  const path = decodeURIComponent(request.path);
  if (request.method === 'POST' && path === '/voyages') return createVoyage(request);
  // The mock dispatches list-ships on the status query parameter (URI_PARAMS, falling back to every ship).
  const status = request.query.get('status');
  if (path === '/ships') return { body: status ? SHIPS.filter((s) => s.operational_status === status) : SHIPS };
  if (path.startsWith('/ships/')) {
    const imo = path.slice('/ships/'.length);
    return SHIP_DETAILS[imo] ? { body: SHIP_DETAILS[imo] } : notFound(`Ship with IMO number ${imo} not found`);
  }
  if (path === `/voyages/${VOYAGE.voyageId}`) return { body: VOYAGE };
  if (path.startsWith('/voyages/')) return notFound(`Voyage ${path.slice('/voyages/'.length)} not found`);
  if (path === '/crew') return { body: CREW };
  if (path === '/cargo') return { body: CARGO };
  return notFound(`no mock for ${request.method} ${path}`);
}
