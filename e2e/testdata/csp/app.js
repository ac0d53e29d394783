import Nango, { AuthError } from '/sdk/nango.js';

const nango = new Nango({ connectSessionToken: 'nango_connect_session_x' });
const err = await nango.auth('github').catch((e) => e);
window.markReady({ isAuthError: err instanceof AuthError, type: err.type, message: err.message });
