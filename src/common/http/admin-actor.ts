import type { AdminRequest } from './admin-auth.guard';

/** The label of the token that made an admin request (set by AdminAuthGuard), for the audit log. */
export const actorOf = (req: AdminRequest): string => req.adminActor?.id ?? 'unknown';
