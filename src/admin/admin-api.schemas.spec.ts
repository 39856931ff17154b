import { previewRequestSchema, resyncRequestSchema } from './admin-api.schemas';

const paths = (result: { success: boolean; error?: { issues: Array<{ path: PropertyKey[] }> } }) =>
  result.error?.issues.map((i) => i.path.join('.')) ?? [];

describe('resync request', () => {
  it('defaults to failed syncs only, never synced', () => {
    expect(resyncRequestSchema.parse({})).toEqual({ statuses: ['failed'], includeSynced: false, dryRun: false });
  });

  it('needs includeSynced to name synced, and never takes processing', () => {
    expect(paths(resyncRequestSchema.safeParse({ statuses: ['failed', 'synced'] }))).toEqual(['statuses.1']);
    expect(resyncRequestSchema.safeParse({ statuses: ['synced'], includeSynced: true }).success).toBe(true);
    expect(paths(resyncRequestSchema.safeParse({ statuses: ['processing'] }))).toEqual(['statuses.0']);
    expect(paths(resyncRequestSchema.safeParse({ statuses: [] }))).toEqual(['statuses']);
  });

  it('checks the window and the connection id', () => {
    expect(paths(resyncRequestSchema.safeParse({ from: '2025-10-10T00:00:00Z', to: '2025-10-09T00:00:00Z' }))).toEqual(['to']);
    expect(paths(resyncRequestSchema.safeParse({ from: 'last week' }))).toEqual(['from']);
    expect(paths(resyncRequestSchema.safeParse({ connectionId: 'abc' }))).toEqual(['connectionId']);
    expect(paths(resyncRequestSchema.safeParse({ everything: true }))).toEqual(['']);
  });
});

describe('preview request', () => {
  it('takes exactly one of payload or eventId', () => {
    expect(previewRequestSchema.safeParse({ eventId: 'evt_1' }).success).toBe(true);
    expect(previewRequestSchema.safeParse({ payload: {} }).success).toBe(true);
    expect(previewRequestSchema.safeParse({}).success).toBe(false);
    expect(previewRequestSchema.safeParse({ payload: {}, eventId: 'evt_1' }).success).toBe(false);
  });
});
