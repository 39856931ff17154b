import { validatePayload } from './meeting-payload.schema';
import { providerSample, sampleMeetingEvent } from './sample-meeting';

describe('sampleMeetingEvent', () => {
  const now = new Date('2026-12-07T12:00:00.000Z');

  it("is the provider's sample with a new id, the time now and the account's ids, and validates", () => {
    const event = sampleMeetingEvent({ accountId: 'acc_1', teamId: 'team_1' }, 'evt_sample_1', now);
    expect(event.id).toBe('evt_sample_1');
    expect(event.createdAt).toBe(now.getTime());
    expect(event.data.organization).toEqual({ accountId: 'acc_1', teamId: 'team_1' });
    expect(event.data.meeting).toEqual(providerSample().data.meeting);
    expect(event.assets).toEqual(providerSample().assets);
    expect(validatePayload(event).ok).toBe(true);
  });

  it("keeps the sample's team when the connection covers every team of its account", () => {
    const event = sampleMeetingEvent({ accountId: 'acc_1', teamId: null }, 'evt_sample_2', now);
    expect(event.data.organization).toEqual({ accountId: 'acc_1', teamId: providerSample().data.organization.teamId });
  });

  it('leaves the sample itself unchanged', () => {
    const before = JSON.stringify(providerSample());
    sampleMeetingEvent({ accountId: 'acc_9', teamId: 'team_9' }, 'evt_sample_3', now);
    expect(JSON.stringify(providerSample())).toBe(before);
  });
});
