import type { AtsAdapter, AtsContext, ConnectionCheck } from '../ats/ats-adapter.port';
import { AtsError } from '../ats/ats-error';
import { runConnectionChecks } from './connection-test.service';

const ctx: AtsContext = { connectionId: 'c', credentials: {}, settings: {} };
const adapterThat = (testConnection: () => Promise<ConnectionCheck[]>) => ({ provider: 'fake', testConnection }) as unknown as AtsAdapter;

describe('runConnectionChecks', () => {
  it('passes the adapter\'s checks through', async () => {
    const checks = [{ check: 'credentials', ok: true, detail: 'fine' }];
    await expect(runConnectionChecks(adapterThat(async () => checks), ctx)).resolves.toEqual(checks);
  });

  it('turns a thrown AtsError into a failed check with its code', async () => {
    const adapter = adapterThat(async () => {
      throw new AtsError('AUTH_FAILED', 'fake: the API key was refused', { status: 401 });
    });
    await expect(runConnectionChecks(adapter, ctx)).resolves.toEqual([
      { check: 'connection', ok: false, detail: 'fake: the API key was refused', code: 'AUTH_FAILED' },
    ]);
  });

  it('turns any other failure into a failed check without its text, and no checks into a failure', async () => {
    const crashing = adapterThat(async () => {
      throw new Error('socket hang up at 10.0.0.1 with key sk_live_x');
    });
    const logged: unknown[] = [];
    const [check] = await runConnectionChecks(crashing, ctx, (err) => logged.push(err));
    expect(check).toMatchObject({ ok: false });
    expect(logged).toHaveLength(1);
    expect(check.detail).not.toContain('sk_live_x');
    const [none] = await runConnectionChecks(adapterThat(async () => []), ctx);
    expect(none).toMatchObject({ ok: false });
  });
});
