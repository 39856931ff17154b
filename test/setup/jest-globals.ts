// In ES-module mode jest does not inject its `jest` object as a global; tests written for either mode use it.
import { jest } from '@jest/globals';

(globalThis as Record<string, unknown>).jest = jest;
