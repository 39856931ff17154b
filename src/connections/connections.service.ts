import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { IsNull, Repository } from 'typeorm';
import { AtsContext } from '../ats/ats-adapter.port';
import { AtsAdapterRegistry } from '../ats/ats-adapter.registry';
import { badRequest, notFound } from '../common/api-error';
import { ConnectionEntity } from './connection.entity';
import { ConnectionView, CreateConnectionInput, UpdateConnectionInput } from './connection.schemas';
import { CredentialsCipher } from './credentials-cipher';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Tenant → ATS connections. The only place credentials are encrypted or decrypted. */
@Injectable()
export class ConnectionsService {
  constructor(
    @InjectRepository(ConnectionEntity) private readonly repo: Repository<ConnectionEntity>,
    private readonly cipher: CredentialsCipher,
    private readonly registry: AtsAdapterRegistry,
  ) {}

  async create(input: CreateConnectionInput): Promise<ConnectionView> {
    this.assertProvider(input.provider);
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
    return toView(await this.repo.save(entity));
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

  async update(id: string, input: UpdateConnectionInput): Promise<ConnectionView> {
    const entity = await this.find(id);
    if (input.provider !== undefined) this.assertProvider(input.provider);
    if (input.name !== undefined) entity.name = input.name;
    if (input.provider !== undefined) entity.provider = input.provider;
    if (input.accountId !== undefined) entity.accountId = input.accountId;
    if (input.teamId !== undefined) entity.teamId = input.teamId ?? null;
    if (input.settings !== undefined) entity.settings = input.settings;
    if (input.enabled !== undefined) entity.enabled = input.enabled;
    if (input.credentials !== undefined) entity.credentialsEncrypted = this.cipher.encrypt(input.credentials, id);
    return toView(await this.repo.save(entity));
  }

  /** Soft delete: syncs keep pointing at the row for their history, and no new event routes to it. */
  async remove(id: string): Promise<void> {
    const entity = await this.find(id);
    entity.enabled = false;
    await this.repo.save(entity);
    await this.repo.softDelete({ id: entity.id });
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
      credentials: connection.credentialsEncrypted ? this.cipher.decrypt(connection.credentialsEncrypted, connection.id) : {},
      settings: connection.settings ?? {},
    };
  }

  private async find(id: string, withDeleted = false): Promise<ConnectionEntity> {
    if (!UUID.test(id)) throw notFound('connection');
    const entity = await this.repo.findOne({ where: { id }, withDeleted });
    if (!entity) throw notFound('connection');
    return entity;
  }

  private assertProvider(provider: string): void {
    if (!this.registry.has(provider)) {
      throw badRequest(`unknown provider "${provider}"`, [{ path: '$.provider', message: `one of: ${this.registry.providers().join(', ')}` }]);
    }
  }
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
