// nango-wasm's additions, compiled against nango.d.ts only.
import Nango, { AuthError, debugStats, ready } from 'sdk';
import type { AuthErrorType, AuthTransport } from 'sdk';

const nango = new Nango({ connectSessionToken: 'nango_connect_session_x' });
const controller = new AbortController();
const transport: AuthTransport = 'websocket';
export const attempt = nango.auth('zendesk', { params: { subdomain: 'acme' }, timeout: 60_000, signal: controller.signal, transport }).catch((err: unknown) => {
    if (err instanceof AuthError) {
        const ours: AuthErrorType[] = ['access_denied', 'timeout', 'aborted', 'superseded', 'invalid_options', 'wasm_unavailable', 'websocket_failed', 'network_error', 'invalid_response', 'unverified_result'];
        const serverSide: AuthErrorType = 'unknown_connect_session_token'; // any server type passes through
        return ours.includes(err.type) || err.type === serverSide;
    }
    return false;
});
const stats = debugStats();
if (stats) {
    console.log(stats.liveFuncs, stats.wasmMemoryBytes);
}
export const started: Promise<void> = ready().catch((err: unknown) => {
    if (err instanceof AuthError && err.type === 'wasm_unavailable') console.log(err.message);
});
