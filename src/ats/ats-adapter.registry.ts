import { Inject, Injectable } from '@nestjs/common';
import { ATS_ADAPTERS, AtsAdapter } from './ats-adapter.port';
import { AtsError } from './ats-error';

/** Resolves an adapter by provider key; adding a provider means adding it to the ATS module's list. */
@Injectable()
export class AtsAdapterRegistry {
  private readonly byProvider: Map<string, AtsAdapter>;

  constructor(@Inject(ATS_ADAPTERS) adapters: AtsAdapter[]) {
    this.byProvider = new Map(adapters.map((a) => [a.provider, a]));
  }

  has(provider: string): boolean {
    return this.byProvider.has(provider);
  }

  get(provider: string): AtsAdapter {
    const adapter = this.byProvider.get(provider);
    // A connection naming a provider this build lacks is a configuration fault: retrying cannot fix it.
    if (!adapter) throw new AtsError('CONFIGURATION', `no ATS adapter for provider "${provider}"`);
    return adapter;
  }

  providers(): string[] {
    return [...this.byProvider.keys()].sort();
  }

  all(): AtsAdapter[] {
    return [...this.byProvider.values()];
  }
}
