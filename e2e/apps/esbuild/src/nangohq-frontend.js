// The same app on @nangohq/frontend, for make bench's start-up baseline.
import Nango, { AuthError } from '@nangohq/frontend';
import { startApp } from './app.js';

window.appStartedAt = performance.now(); // the app's first line: the SDK's module has run by now
startApp({ Nango, AuthError });
