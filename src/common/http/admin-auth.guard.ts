import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../api-error';
import { AppConfig, InjectConfig } from '../../config/app-config';

/** Marks a non-GET admin route that changes nothing (e.g. preview), so read-only tokens may call it. */
export const ADMIN_READ_ONLY_ALLOWED = 'debrief:admin-read-only-allowed';
export const ReadOnlyAllowed = () => SetMetadata(ADMIN_READ_ONLY_ALLOWED, true);

export interface AdminActor {
  /** A stable, non-secret label of the token used: `admin:<first 8 hex of its SHA-256>`. */
  id: string;
  readOnly: boolean;
}

export type AdminRequest = FastifyRequest & { adminActor?: AdminActor };

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Bearer-token protection for /admin. Several tokens may be configured (rotation); read-only tokens may
 * only read. Tokens are compared as SHA-256 digests in constant time. Without any token configured the
 * admin API is disabled rather than open.
 */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  private readonly tokens: Array<{ digest: Buffer; actor: AdminActor }>;

  constructor(
    @InjectConfig() config: AppConfig,
    private readonly reflector: Reflector,
  ) {
    const entry = (token: string, readOnly: boolean) => ({
      digest: digest(token),
      actor: { id: `${readOnly ? 'readonly' : 'admin'}:${digest(token).toString('hex').slice(0, 8)}`, readOnly },
    });
    this.tokens = [
      ...config.ADMIN_TOKEN.map((t) => entry(t, false)),
      ...config.ADMIN_READONLY_TOKENS.map((t) => entry(t, true)),
    ];
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AdminRequest>();
    if (this.tokens.length === 0) {
      throw new ApiError(401, 'ADMIN_DISABLED', 'the admin API is disabled: set ADMIN_TOKEN to enable it');
    }
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new ApiError(401, 'UNAUTHORIZED', 'send Authorization: Bearer <admin token>');
    const given = digest(match[1]);
    let actor: AdminActor | undefined;
    for (const token of this.tokens) if (timingSafeEqual(token.digest, given)) actor = actor ?? token.actor;
    if (!actor) throw new ApiError(401, 'UNAUTHORIZED', 'invalid admin token');
    if (actor.readOnly && request.method !== 'GET' && request.method !== 'HEAD') {
      const allowed = this.reflector.getAllAndOverride<boolean>(ADMIN_READ_ONLY_ALLOWED, [context.getHandler(), context.getClass()]);
      if (!allowed) throw new ApiError(403, 'READ_ONLY_TOKEN', 'this token may only read');
    }
    request.adminActor = actor;
    return true;
  }
}
