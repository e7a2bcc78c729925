// Port assignment for many capabilities in one process. Rule: `--port` wins; otherwise an adapter gets the port
// it declares, unless an earlier adapter (files in the order given, folders in name order) already has it; then it
// gets the next higher port that no adapter declares and none has been given. Port 0 means any free port.
export interface PortRequest {
  namespace: string;
  declared: number;
}

export interface PortAssignment extends PortRequest {
  port: number;
  /** Set when the adapter did not get the port it declared, and why. */
  moved?: string;
}

export function assignPorts(requests: readonly PortRequest[], overrides: ReadonlyMap<string, number>): PortAssignment[] {
  const reserved = new Set([...requests.map((r) => r.declared), ...overrides.values()]);
  const owner = new Map<number, string>();
  return requests.map((r) => {
    const wanted = overrides.get(r.namespace) ?? r.declared;
    if (wanted === 0) return { ...r, port: 0 }; // any free port, chosen by the OS (tests use this)
    if (!owner.has(wanted)) {
      owner.set(wanted, r.namespace);
      return { ...r, port: wanted };
    }
    let port = wanted + 1;
    while (reserved.has(port) || owner.has(port)) port += 1;
    owner.set(port, r.namespace);
    return { ...r, port, moved: `port ${wanted} is taken by ${owner.get(wanted)}` };
  });
}
