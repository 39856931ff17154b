import { InitialSchema1764000000000 } from './1764000000000-initial-schema';

/** Every migration, in order. Runtime, CLI and tests load this list (no globbing, so ts and js agree). */
export const MIGRATIONS = [InitialSchema1764000000000];
