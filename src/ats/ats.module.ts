import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ATS_ADAPTERS, AtsAdapter } from './ats-adapter.port';
import { AtsAdapterRegistry } from './ats-adapter.registry';
import { AshbyAdapter } from './adapters/ashby/ashby.adapter';
import { BullhornAdapter } from './adapters/bullhorn/bullhorn.adapter';
import { GreenhouseAdapter } from './adapters/greenhouse/greenhouse.adapter';
import { HubSpotAdapter } from './adapters/hubspot/hubspot.adapter';
import { LeverAdapter } from './adapters/lever/lever.adapter';
import { SandboxNoteEntity } from './adapters/sandbox/sandbox-note.entity';
import { SandboxAdapter } from './adapters/sandbox/sandbox.adapter';
import { SalesforceAdapter } from './adapters/salesforce/salesforce.adapter';
import { WorkableAdapter } from './adapters/workable/workable.adapter';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { AtsUrlPolicy } from './kit/ats-url.policy';
import { RateSlotStore } from './rate-limit/rate-slot.store';

/** Every provider Debrief can post to. Adding one is adding its adapter here. */
const ADAPTERS = [SandboxAdapter, GreenhouseAdapter, LeverAdapter, AshbyAdapter, BullhornAdapter, WorkableAdapter, HubSpotAdapter, SalesforceAdapter];

/** The adapters and their registry; owns `ats_rate_slots` (rate schedule) and `sandbox_notes`. */
@Module({
  imports: [TypeOrmModule.forFeature([SandboxNoteEntity])],
  providers: [
    // Every adapter's requests are metered against the per-connection schedule all instances share.
    RateSlotStore,
    // Where credentials may be sent: vendor domains, plus the hosts the operator lists.
    { provide: AtsUrlPolicy, useFactory: (config: AppConfig) => new AtsUrlPolicy(config.ATS_ALLOWED_HOSTS), inject: [APP_CONFIG] },
    ...ADAPTERS,
    { provide: ATS_ADAPTERS, useFactory: (...adapters: AtsAdapter[]) => adapters, inject: ADAPTERS },
    AtsAdapterRegistry,
  ],
  exports: [AtsAdapterRegistry, AtsUrlPolicy],
})
export class AtsModule {}
