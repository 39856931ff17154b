import { Injectable, Logger } from '@nestjs/common';
import type { AtsAdapter, AtsContext, ConnectionCheck } from '../ats/ats-adapter.port';
import { AtsAdapterRegistry } from '../ats/ats-adapter.registry';
import { isAtsError } from '../ats/ats-error';
import { connectionTestPassed } from '../ats/kit/connection-checks';
import { ConnectionsService } from '../connections/connections.service';
import { codesWhere } from '../sync/failure-policy';
import { SyncRepository } from '../sync/sync.repository';
import { AuditService } from '../audit/audit.service';

/** Failures a working connection fixes: re-armed when a test passes. */
export const REARM_ON_PASS = codesWhere('rearmOnTestPass');

export interface ConnectionTestResult {
  ok: boolean;
  checks: ConnectionCheck[];
  rearmed: number;
}

/**
 * The adapter's own checks, made safe for an API answer: an AtsError (or anything else thrown) becomes a
 * failed check instead of an error response, since a refusing ATS is exactly what the operator is asking about.
 */
export async function runConnectionChecks(
  adapter: AtsAdapter,
  ctx: AtsContext,
  onUnexpected: (err: unknown) => void = () => {},
): Promise<ConnectionCheck[]> {
  try {
    const checks = await adapter.testConnection(ctx);
    return checks.length > 0 ? checks : [{ check: 'connection', ok: false, detail: 'the adapter reported no checks' }];
  } catch (err) {
    if (isAtsError(err)) return [{ check: 'connection', ok: false, detail: err.message, code: err.code }];
    onUnexpected(err);
    return [{ check: 'connection', ok: false, detail: 'the check failed unexpectedly; see the service log' }];
  }
}

@Injectable()
export class ConnectionTestService {
  private readonly logger = new Logger(ConnectionTestService.name);

  constructor(
    private readonly connections: ConnectionsService,
    private readonly registry: AtsAdapterRegistry,
    private readonly state: SyncRepository,
    private readonly audit: AuditService,
  ) {}

  /** Runs the checks; when all pass on an enabled connection, re-arms the syncs that failed for want of them. */
  async test(connectionId: string, actor: string): Promise<ConnectionTestResult> {
    const connection = await this.connections.entity(connectionId);
    const adapter = this.registry.get(connection.provider);
    let checks: ConnectionCheck[];
    try {
      checks = await runConnectionChecks(adapter, this.connections.contextOf(connection), (err) =>
        this.logger.error(`${adapter.provider} connection test failed unexpectedly: ${(err as Error)?.message ?? String(err)}`),
      );
    } catch {
      // contextOf throws only when the stored credentials cannot be decrypted (e.g. ENCRYPTION_KEY changed).
      checks = [{ check: 'credentials', ok: false, detail: 'the stored credentials cannot be decrypted; set them again', code: 'CONFIGURATION' }];
    }
    // Advisory checks (e.g. no fallback author) warn without failing: a working connection still re-arms.
    const ok = connectionTestPassed(checks);
    let rearmed: string[] = [];
    if (ok && connection.enabled) {
      rearmed = await this.state.rearm(await this.state.failedWith(connection.id, REARM_ON_PASS), ['failed']);
    }
    await this.audit.record({
      actor,
      action: 'connection.test',
      targetType: 'connection',
      targetId: connection.id,
      detail: { ok, failedChecks: checks.filter((c) => !c.ok).map((c) => c.check), rearmed: rearmed.length },
    });
    return { ok, checks, rearmed: rearmed.length };
  }
}
