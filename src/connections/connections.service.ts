import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { cursorTimestampSql, decodeTimeCursor, encodeTimeCursor, Page } from '../common/http/list-cursor';
import { AtsAdapter, AtsContext } from '../ats/ats-adapter.port';
import { AtsAdapterRegistry } from '../ats/ats-adapter.registry';
import { AtsUrlPolicy } from '../ats/kit/ats-url.policy';
import { checkConnectionConfig, checkSettings, ConfigIssue, jsonPath } from '../ats/kit/connection-contract';
import { badRequest, notFound } from '../common/api-error';
import { BoundedCache } from '../common/bounded-cache';
import { announcesChange, CONNECTION_CHANGED_SQL, ConnectionShape } from './connection-changes';
import { ConnectionEntity } from './connection.entity';
import { ConnectionView, CreateConnectionInput, UpdateConnectionInput } from './connection.schemas';
import { CredentialsCipher } from './credentials-cipher';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Tenant → ATS connections. The only place credentials are encrypted or decrypted. */
@Injectable()
export class ConnectionsService {
  private readonly decrypted = new BoundedCache<string, { stored: string; value: Readonly<Record<string, unknown>> }>(1_000);

  constructor(
    @InjectRepository(ConnectionEntity) private readonly repo: Repository<ConnectionEntity>,
    private readonly cipher: CredentialsCipher,
    private readonly registry: AtsAdapterRegistry,
    private readonly audit: AuditService,
    private readonly urlPolicy: AtsUrlPolicy,
  ) {}

  /** Creates the connection; `actor` (the admin token's label) goes to the audit log with it, atomically. */
  async create(input: CreateConnectionInput, actor: string): Promise<ConnectionView> {
    this.assertProvider(input.provider);
    this.assertContract(this.registry.get(input.provider), input.credentials, input.settings ?? {});
    const id = randomUUID();
    const entity = this.repo.create({
      id,
      name: input.name,
      provider: input.provider,
      accountId: input.accountId,
      teamId: input.teamId ?? null,
      credentialsEncrypted: input.credentials ? this.cipher.encrypt(input.credentials, id) : null,
      settings: input.settings ?? {},
      enabled: input.enabled ?? true,
    });
    return this.repo.manager.transaction(async (em) => {
      const saved = await em.save(entity);
      if (announcesChange(null, shapeOf(saved))) await em.query(CONNECTION_CHANGED_SQL, [id]);
      await this.audit.record(
        {
          actor,
          action: 'connection.create',
          targetType: 'connection',
          targetId: id,
          detail: {
            name: saved.name,
            provider: saved.provider,
            accountId: saved.accountId,
            teamId: saved.teamId,
            enabled: saved.enabled,
            credentialsSet: saved.credentialsEncrypted !== null,
            settingsKeys: Object.keys(saved.settings ?? {}).sort(),
          },
        },
        em,
      );
      return toView(saved);
    });
  }

  /** One page of live connections, oldest first, filtered. */
  async page(filter: ConnectionListFilter): Promise<Page<ConnectionView>> {
    const qb = this.repo
      .createQueryBuilder('c')
      .addSelect(cursorTimestampSql('c.created_at'), 'cursor_ts')
      .where('c.deleted_at IS NULL')
      .orderBy('c.created_at', 'ASC')
      .addOrderBy('c.id', 'ASC')
      .limit(filter.limit + 1);
    if (filter.provider) qb.andWhere('c.provider = :provider', { provider: filter.provider });
    if (filter.accountId) qb.andWhere('c.account_id = :accountId', { accountId: filter.accountId });
    if (filter.teamId) qb.andWhere('c.team_id = :teamId', { teamId: filter.teamId });
    if (filter.enabled !== undefined) qb.andWhere('c.enabled = :enabled', { enabled: filter.enabled });
    if (filter.cursor) {
      const after = decodeTimeCursor(filter.cursor);
      qb.andWhere('(c.created_at, c.id) > (CAST(:afterTs AS timestamptz), CAST(:afterId AS uuid))', {
        afterTs: after.timestamp,
        afterId: after.id,
      });
    }
    const { entities, raw } = await qb.getRawAndEntities();
    const page = entities.slice(0, filter.limit);
    const lastRaw = raw[page.length - 1] as { cursor_ts?: string } | undefined;
    const last = page[page.length - 1];
    return {
      items: page.map(toView),
      nextCursor: entities.length > filter.limit && last && lastRaw?.cursor_ts ? encodeTimeCursor(lastRaw.cursor_ts, last.id) : null,
    };
  }

  async list(filter: { provider?: string; accountId?: string } = {}): Promise<ConnectionView[]> {
    const rows = await this.repo.find({
      where: { deletedAt: IsNull(), ...(filter.provider ? { provider: filter.provider } : {}), ...(filter.accountId ? { accountId: filter.accountId } : {}) },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    return rows.map(toView);
  }

  async get(id: string): Promise<ConnectionView> {
    return toView(await this.find(id));
  }

  async update(id: string, input: UpdateConnectionInput, actor: string): Promise<ConnectionView> {
    const entity = await this.find(id);
    const before = auditedFields(entity);
    const shapeBefore = shapeOf(entity);
    const settingsBefore = entity.settings ?? {};
    if (input.provider !== undefined) this.assertProvider(input.provider);
    if (input.provider !== undefined || input.credentials !== undefined || input.settings !== undefined) {
      this.assertMergedContract(entity, input);
    }
    if (input.name !== undefined) entity.name = input.name;
    if (input.provider !== undefined) entity.provider = input.provider;
    if (input.accountId !== undefined) entity.accountId = input.accountId;
    if (input.teamId !== undefined) entity.teamId = input.teamId ?? null;
    if (input.settings !== undefined) entity.settings = input.settings;
    if (input.enabled !== undefined) entity.enabled = input.enabled;
    if (input.credentials !== undefined) entity.credentialsEncrypted = this.cipher.encrypt(input.credentials, id);
    return this.repo.manager.transaction(async (em) => {
      const saved = await em.save(entity);
      if (announcesChange(shapeBefore, shapeOf(saved))) await em.query(CONNECTION_CHANGED_SQL, [id]);
      await this.audit.record(
        { actor, action: 'connection.update', targetType: 'connection', targetId: id, detail: updateDetail(before, saved, settingsBefore, input) },
        em,
      );
      return toView(saved);
    });
  }

  /** Soft delete: syncs keep pointing at the row for their history, and no new event routes to it. */
  async remove(id: string, actor: string): Promise<void> {
    const entity = await this.find(id);
    entity.enabled = false;
    await this.repo.manager.transaction(async (em: EntityManager) => {
      await em.save(entity);
      await em.softDelete(ConnectionEntity, { id: entity.id });
      await this.audit.record(
        { actor, action: 'connection.delete', targetType: 'connection', targetId: id, detail: { name: entity.name, provider: entity.provider, accountId: entity.accountId } },
        em,
      );
    });
  }

  /** The entity including deleted ones, for syncs already routed to it. */
  async entity(id: string, { withDeleted = false } = {}): Promise<ConnectionEntity> {
    return this.find(id, withDeleted);
  }

  /** What an adapter needs: decrypted credentials and the settings. */
  async context(id: string): Promise<{ connection: ConnectionEntity; ctx: AtsContext }> {
    const connection = await this.find(id, true);
    return { connection, ctx: this.contextOf(connection) };
  }

  contextOf(connection: ConnectionEntity): AtsContext {
    return {
      connectionId: connection.id,
      credentials: connection.credentialsEncrypted ? this.credentialsOf(connection.id, connection.credentialsEncrypted) : {},
      settings: connection.settings ?? {},
    };
  }

  /**
   * Decrypting on every sync showed up under load; the plain value is kept per connection for as long as the
   * stored ciphertext is the same one (every credentials change writes a new ciphertext with a fresh IV).
   */
  private credentialsOf(connectionId: string, stored: string): Record<string, unknown> {
    const known = this.decrypted.get(connectionId);
    if (known?.stored === stored) return known.value;
    return this.decrypted.set(connectionId, { stored, value: Object.freeze(this.cipher.decrypt(stored, connectionId)) }).value;
  }

  private async find(id: string, withDeleted = false): Promise<ConnectionEntity> {
    if (!UUID.test(id)) throw notFound('connection');
    const entity = await this.repo.findOne({ where: { id }, withDeleted });
    if (!entity) throw notFound('connection');
    return entity;
  }

  /** Credentials (when given) and settings against the provider's connection contract: a 400 naming each path. */
  private assertContract(adapter: AtsAdapter, credentials: unknown, settings: unknown): void {
    const issues =
      credentials === undefined
        ? checkSettings(adapter.contract, this.urlPolicy, settings)
        : (() => {
            const result = checkConnectionConfig(adapter.contract, this.urlPolicy, { credentials, settings });
            return result.ok ? [] : result.issues;
          })();
    if (issues.length > 0) throw badRequest(`invalid ${adapter.provider} connection`, details(issues));
  }

  /**
   * A patch is judged on the connection it would leave: provider, credentials and settings after the change.
   * Stored credentials never follow a change of where they are sent (a URL setting, the subdomain, the provider)
   * unless the same request sends them: whoever holds an admin token must not be able to redirect a key they
   * cannot read.
   */
  private assertMergedContract(entity: ConnectionEntity, input: UpdateConnectionInput): void {
    const adapter = this.registry.get(input.provider ?? entity.provider);
    const settingsBefore = entity.settings ?? {};
    const settings = input.settings ?? settingsBefore;
    if (input.credentials === undefined && entity.credentialsEncrypted !== null) {
      const moved: ConfigIssue[] = adapter.contract.destinationSettings
        .filter((key) => JSON.stringify(settingsBefore[key]) !== JSON.stringify((settings as Record<string, unknown>)[key]))
        .map((key) => ({ path: ['settings', key], message: 'changes where the credentials are sent: send credentials in the same request' }));
      if (input.provider !== undefined && input.provider !== entity.provider) {
        moved.push({ path: ['provider'], message: 'changes where the credentials are sent: send credentials in the same request' });
      }
      if (moved.length > 0) throw badRequest('credentials are required to change where they are sent', details(moved));
    }
    let credentials: unknown = input.credentials;
    if (credentials === undefined && entity.credentialsEncrypted !== null) {
      try {
        credentials = this.credentialsOf(entity.id, entity.credentialsEncrypted);
      } catch {
        // Undecryptable (the key changed): nothing usable is stored, so only the settings are judged.
        credentials = undefined;
      }
    }
    this.assertContract(adapter, credentials, settings);
  }

  private assertProvider(provider: string): void {
    if (!this.registry.has(provider)) {
      throw badRequest(`unknown provider "${provider}"`, [{ path: '$.provider', message: `one of: ${this.registry.providers().join(', ')}` }]);
    }
  }
}

function details(issues: ConfigIssue[]): Array<{ path: string; message: string }> {
  return issues.map((issue) => ({ path: jsonPath(issue.path), message: issue.message }));
}

export interface ConnectionListFilter {
  limit: number;
  cursor?: string;
  provider?: string;
  accountId?: string;
  teamId?: string;
  enabled?: boolean;
}

function shapeOf(c: ConnectionEntity): ConnectionShape {
  return { provider: c.provider, enabled: c.enabled, settings: { ...(c.settings ?? {}) }, credentials: c.credentialsEncrypted };
}

/** The fields whose values may be shown in the audit log (nothing secret, no settings values). */
function auditedFields(c: ConnectionEntity): Record<string, unknown> {
  return { name: c.name, provider: c.provider, accountId: c.accountId, teamId: c.teamId, enabled: c.enabled };
}

/**
 * What an update changed, for the audit log. Credentials are only said to have changed; settings by key
 * name only, since a settings document may hold personal data (sandbox candidates) or internal numbers.
 */
function updateDetail(
  before: Record<string, unknown>,
  after: ConnectionEntity,
  settingsBefore: Record<string, unknown>,
  input: UpdateConnectionInput,
): Record<string, unknown> {
  const now = auditedFields(after);
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of Object.keys(now)) {
    if (before[key] !== now[key]) changes[key] = { from: before[key], to: now[key] };
  }
  const detail: Record<string, unknown> = { changes, credentialsChanged: input.credentials !== undefined };
  if (input.settings !== undefined) {
    const settingsAfter = after.settings ?? {};
    const keys = new Set([...Object.keys(settingsBefore), ...Object.keys(settingsAfter)]);
    detail.settingsKeysChanged = [...keys]
      .filter((k) => JSON.stringify(settingsBefore[k]) !== JSON.stringify(settingsAfter[k]))
      .sort();
  }
  return detail;
}

export function toView(c: ConnectionEntity): ConnectionView {
  return {
    id: c.id,
    name: c.name,
    provider: c.provider,
    accountId: c.accountId,
    teamId: c.teamId,
    settings: c.settings ?? {},
    enabled: c.enabled,
    hasCredentials: c.credentialsEncrypted !== null,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}
