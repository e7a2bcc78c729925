// A capability with `count` consumed operations, each exposed as an MCP tool and a REST route with its own input
// parameters: the shape of a large generated API wrapper (issue 9: a 1,000-tool capability loads in under a second).
export function manyToolsCapability(count: number): string {
  const lines = [
    'naftiko: "1.0.0-alpha3"',
    'info:',
    `  label: ${count} tools`,
    '  description: A generated capability with one tool per consumed operation',
    'capability:',
    '  consumes:',
    '    - type: http',
    '      namespace: api',
    '      baseUri: http://127.0.0.1:1',
    '      resources:',
  ];
  for (let i = 0; i < count; i++) {
    lines.push(
      `        - name: items-${i}`,
      `          path: /items-${i}/{id}`,
      '          operations:',
      `            - name: get-item-${i}`,
      '              method: GET',
      '              inputParameters:',
      '                - name: id',
      '                  in: path',
      `                - name: filter-${i}`,
      '                  in: query',
    );
  }
  lines.push('  exposes:', '    - type: mcp', '      port: 9701', '      namespace: tools', '      tools:');
  for (let i = 0; i < count; i++) {
    lines.push(
      `        - name: get-item-${i}`,
      `          description: Get item ${i}`,
      '          inputParameters:',
      '            - name: id',
      '              type: string',
      '              description: Item id',
      `            - name: filter-${i}`,
      '              type: string',
      '              description: A filter',
      '              required: false',
      `          call: api.get-item-${i}`,
      '          with:',
      '            id: tools.id',
      `            filter-${i}: tools.filter-${i}`,
      '          outputParameters:',
      '            - type: object',
      '              mapping: $.data',
    );
  }
  lines.push('    - type: rest', '      port: 9702', '      namespace: routes', '      resources:');
  for (let i = 0; i < count; i++) {
    lines.push(
      `        - path: /v1/items-${i}/{id}`,
      '          operations:',
      '            - method: GET',
      `              name: get-item-${i}`,
      `              call: api.get-item-${i}`,
      '              inputParameters:',
      '                - name: id',
      '                  in: path',
      '                  type: string',
      '                  description: Item id',
    );
  }
  return lines.join('\n') + '\n';
}
