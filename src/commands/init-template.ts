// The starter capability `capability init` writes: one consumed API with bearer auth from a bind, two operations
// (GET with a path parameter, POST with a JSON body), exposed as REST routes and as MCP tools. It stays within the
// Naftiko schema (no runtime extensions), so `capability validate --strict` has nothing to report once the bound
// variable is set.

export interface TemplateNames {
  /** kebab-case, e.g. `notes` */
  name: string;
  /** `Notes` */
  label: string;
  /** `NOTES_API_TOKEN` */
  tokenVariable: string;
  /** Where the editor finds the JSON Schema (yaml-language-server). */
  schema: string;
  /** The file name, for the "next steps" comment. */
  file: string;
}

export function starterCapability({ name, label, tokenVariable, schema, file }: TemplateNames): string {
  return `# yaml-language-server: $schema=${schema}
# ${label}: which upstream API this capability consumes, and what it exposes as REST routes and MCP tools.
# Next: set ${tokenVariable}, point baseUri at your API, then
#   capability validate ${file} && capability serve ${file}
naftiko: "1.0.0-alpha2"
info:
  label: ${label}
  description: ${label} of the upstream API, as REST routes and MCP tools
binds:                                     # where secrets come from
  - namespace: ${name}-env
    description: Credentials of the upstream API
    keys:
      ${tokenVariable}: ${tokenVariable}   # variable used in templates: environment variable that holds it
capability:
  consumes:                                # the upstream HTTP API
    - type: http
      namespace: ${name}                   # operations are called as ${name}.<operation>
      description: The upstream ${label} API
      baseUri: https://api.example.com     # no trailing slash; \`--upstream ${name}=<uri>\` replaces it
      authentication:
        type: bearer
        token: "{{${tokenVariable}}}"      # a bound variable, never a literal secret
      resources:
        - name: item
          description: One item
          path: /items/{{itemId}}          # placeholders are percent-encoded
          operations:
            - name: get-item
              description: Get one item
              method: GET
              inputParameters:
                - name: itemId
                  in: path
        - name: items
          description: All items
          path: /items
          operations:
            - name: create-item
              description: Create an item
              method: POST
              body:                        # sent as JSON; a lone placeholder keeps its JSON type
                type: json
                data:
                  title: "{{title}}"
  exposes:
    - type: rest                           # REST routes on http://127.0.0.1:8080
      port: 8080
      namespace: ${name}-api
      resources:
        - name: item
          description: One item
          path: /v1/items/{{id}}
          operations:
            - name: get-item
              description: Get one item
              method: GET
              inputParameters:
                - name: id
                  in: path
                  type: string
                  description: The item's id
              call: ${name}.get-item
              with:
                itemId: ${name}-api.id     # the caller's input \`id\`
              outputParameters:            # what the caller gets: JSONPath into the upstream answer
                - type: object
                  properties:
                    id: { type: string, mapping: $.id }
                    title: { type: string, mapping: $.title }
        - name: items
          description: All items
          path: /v1/items
          operations:
            - name: create-item
              description: Create an item
              method: POST
              inputParameters:
                - name: title
                  in: body
                  type: string
                  description: The item's title
              call: ${name}.create-item
              with:
                title: ${name}-api.title
    - type: mcp                            # MCP tools on http://127.0.0.1:9090/mcp
      port: 9090
      namespace: ${name}-mcp
      description: ${label} tools
      tools:
        - name: get-item
          description: Get one item by id
          hints:
            readOnly: true
          inputParameters:                 # tool inputs are required unless they say \`required: false\`
            - name: id
              type: string
              description: The item's id
          call: ${name}.get-item
          with:
            itemId: ${name}-mcp.id
          outputParameters:
            - type: object
              properties:
                id: { type: string, mapping: $.id }
                title: { type: string, mapping: $.title }
        - name: create-item
          description: Create an item
          inputParameters:
            - name: title
              type: string
              description: The item's title
          call: ${name}.create-item
          with:
            title: ${name}-mcp.title
`;
}
