// In ES-module mode jest does not inject its `jest` object as a global; tests written for either mode use it.
import { jest } from '@jest/globals';

(globalThis as Record<string, unknown>).jest = jest;

// The fake ATS servers listen on 127.0.0.1, which the ATS URL policy refuses unless it is listed. Adapters built
// without the Nest container read the list from the environment; the test app is given it too (support/app.ts).
process.env.ATS_ALLOWED_HOSTS ??= '127.0.0.1';
