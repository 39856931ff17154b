import type { AtsAdapter } from './ats-adapter.port';
import { AtsAdapterRegistry } from './ats-adapter.registry';
import { AtsError } from './ats-error';

describe('AtsAdapterRegistry', () => {
  const registry = new AtsAdapterRegistry([{ provider: 'sandbox' } as unknown as AtsAdapter]);

  it('resolves a known provider', () => {
    expect(registry.get('sandbox').provider).toBe('sandbox');
  });

  it('answers an unknown provider with a CONFIGURATION error, which the worker does not retry', () => {
    let thrown: unknown;
    try {
      registry.get('nowhere');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(AtsError);
    expect((thrown as AtsError).code).toBe('CONFIGURATION');
  });
});
