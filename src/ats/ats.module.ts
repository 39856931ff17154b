import { Global, Module } from '@nestjs/common';
import { ATS_ADAPTERS, AtsAdapter } from './ats-adapter.port';
import { AtsAdapterRegistry } from './ats-adapter.registry';
import { SandboxAdapter } from './adapters/sandbox/sandbox.adapter';

const ADAPTERS = [SandboxAdapter];

@Global()
@Module({
  providers: [
    ...ADAPTERS,
    { provide: ATS_ADAPTERS, useFactory: (...adapters: AtsAdapter[]) => adapters, inject: ADAPTERS },
    AtsAdapterRegistry,
  ],
  exports: [AtsAdapterRegistry],
})
export class AtsModule {}
