// Browser tests of the operator console: Debian's Chromium driven by playwright-core against the built service.
// Every page is checked with axe (no serious or critical violation) and screenshotted into console/e2e/screenshots/.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import { root, sample, startDebrief } from './debrief-service.mjs';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const shots = join(root, 'console', 'e2e', 'screenshots');
mkdirSync(shots, { recursive: true });
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let service;
let browser;
let page;

async function accessible(label) {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    bad.map((v) => `${label}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    [],
  );
}

async function shoot(name) {
  // From the top, so the fixed header stands where it belongs in the full-page picture.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

/** Opens a console URL as a fresh load (a shared link). How fast is measured by `npm run bench:console`, not here. */
async function open(path, heading) {
  await page.goto(`${service.base}/console${path}`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

async function signIn(token) {
  await page.goto(`${service.base}/console`);
  await page.getByLabel(/token/i).fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
}

describe('operator console', { timeout: 300_000 }, () => {
  let connectionId;
  let syncId;
  before(async () => {
    service = await startDebrief();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  });
  after(async () => {
    await browser?.close();
    await service?.stop();
  });

  it('signs in with an admin token kept in session storage only, and signs out', async () => {
    await page.goto(`${service.base}/console`);
    await page.getByLabel(/token/i).waitFor();
    await accessible('sign-in');
    await shoot('sign-in');
    await page.getByLabel(/token/i).fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'invalid admin token' }).waitFor();
    await signIn(service.adminToken);
    const stored = await page.evaluate(() => ({ session: Object.values(sessionStorage), local: Object.values(localStorage), cookie: document.cookie }));
    assert.deepEqual(stored, { session: [service.adminToken], local: [], cookie: '' });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel(/token/i).waitFor();
    assert.deepEqual(await page.evaluate(() => Object.values(sessionStorage)), []);
    await signIn(service.adminToken);
  });

  it('connects a sandbox ATS with the form generated from its contract, and tests it', async () => {
    await open('/connections', 'Connections');
    await page.getByLabel('Provider').selectOption('sandbox');
    await page.getByLabel('Name (required)').fill('Sandbox ATS');
    await page.getByLabel('Account id (required)').fill('acc_554433');
    // Two namesakes: the sample meeting about "First Last" cannot be attributed beyond doubt.
    await page.getByLabel(/^candidates/).fill(
      JSON.stringify([
        { id: 'cand-first-1', firstName: 'First', lastName: 'Last', emails: ['first.one@example.com'], phones: ['+14155550101'] },
        { id: 'cand-first-2', firstName: 'First', lastName: 'Last', emails: ['first.two@example.com'], phones: ['+14155550102'] },
      ]),
    );
    await page.getByLabel(/^rateLimit/).fill('{"limit": "many"}');
    await page.getByRole('button', { name: 'Create connection' }).click();
    // The API's message about a setting stands at that setting's field.
    const rateLimit = page.getByLabel(/^rateLimit/);
    await rateLimit.and(page.locator('[aria-invalid="true"]')).waitFor();
    // The message is tied to the field, so a screen reader reads it with the field.
    const describedBy = (await rateLimit.getAttribute('aria-describedby')) ?? '';
    const messages = await Promise.all(describedBy.split(' ').filter(Boolean).map((id) => page.locator(`[id="${id}"]`).textContent()));
    assert.ok(messages.some((m) => m && m.length > 0), `no message describes rateLimit: ${describedBy}`);
    await rateLimit.fill('');
    await page.getByRole('button', { name: 'Create connection' }).click();
    await page.getByRole('status').filter({ hasText: 'Connected Sandbox ATS' }).waitFor();
    connectionId = (await page.getByRole('status').filter({ hasText: 'Connected Sandbox ATS' }).locator('code').textContent()).trim();
    await page.getByRole('button', { name: 'Test Sandbox ATS' }).click();
    await page.getByRole('status').filter({ hasText: 'Every required check passed.' }).waitFor();
    // The first directory refresh starts when the connection is created; the card shows its progress.
    await open('/connections', 'Connections');
    await page.getByText(/Directory: 2 candidates · complete/).waitFor();
    await accessible('connections');
    await shoot('connections');
  });

  it('shows the sync a signed webhook created, on the overview and in the filtered list', async () => {
    const sent = await service.sendWebhook(sample());
    assert.deepEqual(sent, { status: 200, body: { status: 'accepted' } });
    await open('', 'Overview');
    await page.getByTestId('review-count').filter({ hasText: '1' }).waitFor({ timeout: 30_000 });
    await page.getByRole('link', { name: /1 meeting waiting for review/ }).waitFor({ timeout: 30_000 });
    await accessible('overview');
    await shoot('overview');
    await page.getByRole('link', { name: /^1 needs review for Sandbox ATS/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Syncs' }).waitFor();
    assert.match(page.url(), /status=needs_review/);
    const row = page.getByRole('row').filter({ hasText: 'evt_789456123' });
    await row.waitFor();
    await accessible('syncs');
    await shoot('syncs');
    await row.getByRole('link').click();
    await page.getByRole('heading', { level: 1, name: /^Sync / }).waitFor();
    syncId = page.url().split('/').pop();
    await page.getByText('Project Sync: Q4 Roadmap').waitFor();
    await accessible('sync');
    await shoot('sync-needs-review');
  });

  it('filters syncs by event id through the URL, so a filtered list can be shared', async () => {
    await open('/syncs?eventId=evt_789456123', 'Syncs');
    await page.getByRole('row').filter({ hasText: 'evt_789456123' }).waitFor();
    await open('/syncs?eventId=evt_nothing', 'Syncs');
    await page.getByText('No sync matches these filters.').waitFor();
  });

  it('resolves a review item after confirmation, and the note reaches the sandbox ATS', async () => {
    await open('/review', 'Review queue');
    await page.getByRole('link', { name: /^Review [0-9a-f]{8}$/ }).click();
    const second = page.getByRole('article', { name: 'Candidate First Last' }).filter({ hasText: 'cand-first-2' });
    await second.getByText('first.two@example.com').waitFor();
    await page.getByLabel(/Search the connection's candidates/).fill('first.one@example.com');
    await page.getByRole('button', { name: 'Search candidates' }).click();
    await page.getByRole('status').filter({ hasText: '1 found' }).waitFor();
    await accessible('review');
    await shoot('review');
    await second.getByRole('button', { name: 'Post to First Last' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await shoot('review-confirm');
    // Nothing is posted before the confirmation.
    assert.equal(Number((await service.db.query('SELECT count(*) AS n FROM sandbox_notes')).rows[0].n), 0);
    await dialog.getByRole('button', { name: 'Yes, post to First Last' }).click();
    await page.getByRole('heading', { level: 1, name: /^Sync / }).waitFor();
    await page.getByRole('heading', { level: 1 }).locator('[data-status="synced"]').waitFor({ timeout: 30_000 });
    await page.getByRole('figure', { name: 'Note as the ATS shows it' }).waitFor();
    const notes = (await service.db.query('SELECT candidate_id, title FROM sandbox_notes')).rows;
    assert.equal(notes.length, 1);
    assert.equal(notes[0].candidate_id, 'cand-first-2');
    await page.getByText(notes[0].title).first().waitFor();
    await page.getByTestId('review-count').filter({ hasText: '0' }).waitFor({ timeout: 15_000 });
    await accessible('sync synced');
    await shoot('sync');
  });

  it('edits the field mapping: validation at the path, a live preview that changes, versions in the history that can be opened and loaded', async () => {
    await open(`/connections/${connectionId}/mapping`, /^Field mapping of/);
    const preview = page.getByRole('figure', { name: 'Note as the ATS shows it' });
    await preview.waitFor();
    const editor = page.getByLabel('Mapping document (JSON)');
    await page.getByText('No saved version: the built-in default is in force.').waitFor();
    const doc = JSON.parse(await editor.inputValue());
    const withTitle = (titleTemplate) => JSON.stringify({ ...doc, titleTemplate }, null, 2);
    await editor.fill(withTitle('Interview notes: {{meeting.name}}'));
    await preview.getByText('Interview notes: Project Sync: Q4 Roadmap').waitFor();
    await editor.fill(withTitle('{{meeting.nope}}'));
    await page.getByTestId('mapping-problems').filter({ hasText: 'titleTemplate' }).waitFor();
    assert.equal(await editor.getAttribute('aria-invalid'), 'true');
    await editor.fill(withTitle('Interview notes: {{meeting.name}}'));
    await preview.getByText('Interview notes: Project Sync: Q4 Roadmap').waitFor();
    await page.getByRole('button', { name: 'Save as a new version' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved as version 1' }).waitFor();
    await page.getByRole('button', { name: 'Open version 1' }).waitFor();

    // A second version; the history lists both, newest first.
    await editor.fill(withTitle('Debrief: {{meeting.name}}'));
    await preview.getByText('Debrief: Project Sync: Q4 Roadmap').waitFor();
    await page.getByRole('button', { name: 'Save as a new version' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved as version 2' }).waitFor();
    await page.getByRole('button', { name: 'Open version 2' }).waitFor();
    const versions = page.getByRole('region', { name: 'Mapping versions table' }).getByRole('rowheader');
    assert.deepEqual(await versions.allTextContents(), ['2', '1']);

    // Version 1 opens beside the editor, compared line by line with what the editor holds (version 2).
    await page.getByRole('button', { name: 'Open version 1' }).click();
    const diff = page.getByLabel('Version 1 compared with the editor');
    await diff.waitFor();
    const changed = await diff.locator('[data-kind="removed"], [data-kind="added"]').allTextContents();
    assert.equal(changed.length, 2, changed.join('\n'));
    assert.match(changed[0], /^− +"titleTemplate": "Interview notes: \{\{meeting\.name\}\}",?$/);
    assert.match(changed[1], /^\+ +"titleTemplate": "Debrief: \{\{meeting\.name\}\}",?$/);

    // Loaded into the editor (from the keyboard), it previews again; saving it would make it version 3.
    await page.getByRole('button', { name: 'Load version 1 into the editor' }).focus();
    await page.keyboard.press('Enter');
    await page.getByText('The editor holds version 1 unchanged.').waitFor();
    assert.equal(JSON.parse(await editor.inputValue()).titleTemplate, 'Interview notes: {{meeting.name}}');
    await preview.getByText('Interview notes: Project Sync: Q4 Roadmap').waitFor();

    // Version 2 (in force) against the editor, which now holds version 1.
    await page.getByRole('button', { name: 'Open version 2' }).click();
    await page.getByLabel('Version 2 compared with the editor').getByText(/^\+\s+"titleTemplate": "Interview notes: \{\{meeting\.name\}\}"/).waitFor();
    await accessible('mapping with a version open');
    await shoot('mapping');
    const inForce = await service.admin('GET', `/admin/connections/${connectionId}/mapping`);
    assert.equal(inForce.body.version, 2);
    assert.equal(inForce.body.mapping.titleTemplate, 'Debrief: {{meeting.name}}');
    const first = await service.admin('GET', `/admin/connections/${connectionId}/mapping/versions/1`);
    assert.equal(first.body.mapping.titleTemplate, 'Interview notes: {{meeting.name}}');
  });

  it('runs a job now and shows the audit log', async () => {
    await open('/jobs', 'Jobs');
    await page.getByRole('button', { name: 'Run rematch now' }).click();
    await page.getByRole('row').filter({ hasText: 'rematch' }).filter({ hasText: /succeeded|partial/ }).first().waitFor({ timeout: 20_000 });
    await accessible('jobs');
    await shoot('jobs');
    await open('/audit', 'Audit log');
    await page.getByRole('cell', { name: 'sync.resolve' }).waitFor();
    await accessible('audit');
    await shoot('audit');
  });

  it("sends the provider's sample from the console alone and follows it to the review queue", async () => {
    await open('/connections', 'Connections');
    await page.getByRole('button', { name: 'Send the sample meeting to Sandbox ATS' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(/as its webhook would/).waitFor();
    await dialog.getByRole('button', { name: 'Yes, send the sample to Sandbox ATS' }).click();
    const sent = page.getByRole('status', { name: 'Sample sent to Sandbox ATS' });
    await sent.getByText('1 sync created').waitFor();
    const eventId = (await sent.locator('code').textContent()).trim();
    assert.match(eventId, /^evt_sample_/);
    await accessible('connections after sending the sample');
    await shoot('connections-sample-sent');
    await sent.getByRole('link', { name: "Follow the sample's syncs" }).click();
    await page.getByRole('heading', { level: 1, name: 'Syncs' }).waitFor();
    // Two candidates are named "First Last": the sample waits for a person, like the signed one did.
    await page.getByRole('row').filter({ hasText: eventId }).locator('[data-status="needs_review"]').waitFor({ timeout: 30_000 });
    await page.getByTestId('review-count').filter({ hasText: '1' }).waitFor({ timeout: 15_000 });
    const stored = await service.admin('GET', `/admin/events/${eventId}`);
    assert.equal(stored.body.signatureScheme, 'admin');
    assert.equal(stored.body.accountId, 'acc_554433');
  });

  it('gives a read-only token a read-only console', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(service.readOnlyToken);
    await page.getByText('(read-only)').waitFor();
    await open('/connections', 'Connections');
    await page.getByRole('button', { name: 'Test Sandbox ATS' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Test Sandbox ATS' }).isDisabled(), true);
    assert.equal(await page.getByRole('button', { name: 'Delete Sandbox ATS' }).isDisabled(), true);
    assert.equal(await page.getByRole('button', { name: 'Send the sample meeting to Sandbox ATS' }).isDisabled(), true);
    assert.equal(await page.getByRole('button', { name: 'Create connection' }).count(), 0);
    await page.getByRole('note').filter({ hasText: 'read-only' }).first().waitFor();
    await accessible('connections read-only');
    await shoot('connections-read-only');
    await open(`/syncs/${syncId}`, /^Sync /);
    assert.equal(await page.getByRole('button', { name: 'Retry' }).isDisabled(), true);
    await open(`/connections/${connectionId}/mapping`, /^Field mapping of/);
    assert.equal(await page.getByRole('button', { name: 'Save as a new version' }).isDisabled(), true);
    // Previews change nothing: read-only tokens get them.
    await page.getByRole('figure', { name: 'Note as the ATS shows it' }).waitFor();
  });
});
