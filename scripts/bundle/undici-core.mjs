// What the runtime takes from undici (src/invoke/upstream.ts: the Agent and the error classes; dispatchers' request()),
// bundled in place of undici's index (scripts/bundle.mjs, for imports from dist/ only). The index loads every part of
// undici at once (fetch, WebSocket, cache stores, mock agents...): about a third of `serve`'s module evaluation.
// Same classes, same side effect as the index (the request API on Dispatcher.prototype). A name dist/ imports from
// undici that is missing here fails the build ("No matching export"), it never goes missing at run time.
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js';
import api from 'undici/lib/api/index.js';
import Agent from 'undici/lib/dispatcher/agent.js';
import errors from 'undici/lib/core/errors.js';

Object.assign(Dispatcher.prototype, api);

export { Agent, Dispatcher, errors };
