// Fastify's own request errors (body too large, unsupported media type, unparsable JSON) classified once, so that
// REST answers them as problem+json with the right status and MCP as JSON-RPC errors, never with Fastify's body.

export const BODY_LIMIT_BYTES = 1024 * 1024; // Fastify's default, stated here so messages and docs can name it

export type RequestErrorKind = 'too-large' | 'media-type' | 'parse' | 'invalid' | 'internal';

export interface ClassifiedRequestError {
  kind: RequestErrorKind;
  status: number;
  message: string;
}

export function classifyRequestError(err: Error & { statusCode?: number; code?: string }, contentType: string | undefined): ClassifiedRequestError {
  const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
  if (status === 413) return { kind: 'too-large', status, message: `request body is larger than ${BODY_LIMIT_BYTES} bytes` };
  if (status === 415) return { kind: 'media-type', status, message: `content-type ${contentType?.split(';')[0]?.trim() || '(none)'} is not accepted; send application/json` };
  if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || err instanceof SyntaxError) {
    return { kind: 'parse', status: 400, message: `request body is not valid JSON: ${err.message}` };
  }
  if (status === 500) return { kind: 'internal', status, message: 'internal error' };
  return { kind: 'invalid', status, message: `request rejected: ${err.message}` };
}
