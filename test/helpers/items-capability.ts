// YAML pieces of the small capability the reload tests serve, edit and swap: one consumed operation
// `api.list-items` (GET <path>, default /items), MCP tools that call it, and a REST route `GET /items` that calls it.
// Each test writes its own `info`, adapters' ports and namespaces, and whatever else it needs around these.

/** The `consumes:` entry (indented under `capability:`). */
export const itemsConsumes = (path = '/items'): string => `  consumes:
    - type: http
      namespace: api
      baseUri: "http://127.0.0.1:9"
      resources:
        - name: items
          path: "${path}"
          operations:
            - name: list-items
              method: GET
`;

/** One MCP tool per name, each calling api.list-items (indented under an MCP adapter's `tools:`). */
export const itemsTools = (names: readonly string[]): string =>
  names.map((name) => `        - name: ${name}\n          description: "Lists items (${name})"\n          call: api.list-items`).join('\n') + '\n';

/** A REST adapter serving `GET /items` through api.list-items (indented under `exposes:`). */
export const itemsRestAdapter = (namespace: string, port: number): string => `    - type: rest
      port: ${port}
      namespace: ${namespace}
      resources:
        - name: items
          path: "/items"
          operations:
            - name: list-items
              method: GET
              call: api.list-items
`;
