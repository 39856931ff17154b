import { BoundedCache } from '../common/bounded-cache';
import { escapeHtml, safeHref } from '../common/html-text';
import type { ActionItem, MeetingCompleted } from '../meeting/meeting-completed.model';
import type { ActionItemsResult } from '../meeting/action-items.parser';
import {
  type FieldMapping,
  type NoteSection,
  type TitlePlaceholder,
  PLACEHOLDER_PATTERN,
  normaliseNoteName,
} from './field-mapping.schema';

export type { ActionItemsResult } from '../meeting/action-items.parser';

export interface RenderedNote {
  title: string;
  /** Plain text, URLs written out; ends with the reference line. */
  text: string;
  /** The same note as HTML; every value escaped, ends with the reference line as visible text. */
  html: string;
  /** Notes the mapping sends to ATS custom fields instead of the body, by field name. */
  customFields: Record<string, string>;
}

export interface RenderOptions {
  /** Unique string written into the body so the note can be found again after an uncertain post. */
  referenceMarker: string;
  /** Leave every asset link out (private meeting on an ATS that cannot restrict a note). */
  omitLinks?: boolean;
}

/** ATS subject lines are short; some refuse long ones outright. */
export const MAX_TITLE_LENGTH = 255;
export const REFERENCE_PREFIX = 'Debrief ref:';

/**
 * One section in a neutral form; the text and HTML writers each turn it into their format, so both
 * bodies always carry the same content.
 */
type Block =
  | { kind: 'fields'; rows: { label: string; value: string }[] }
  | { kind: 'prose'; title: string; body: string }
  | { kind: 'list'; title: string; items: ListEntry[] }
  | { kind: 'notice'; title: string; body: string };

type ListEntry = { kind: 'item'; text: string; detail: string | null } | { kind: 'link'; label: string; url: string };

export function renderNote(
  meeting: MeetingCompleted,
  actionItems: ActionItemsResult,
  mapping: FieldMapping,
  options: RenderOptions,
): RenderedNote {
  const { blocks: noteBlocks, customFields } = noteContent(meeting, mapping);
  const blocks: Block[] = [];
  for (const section of mapping.sections) {
    blocks.push(...sectionBlocks(section, meeting, actionItems, mapping, options, noteBlocks));
  }
  const reference = `${REFERENCE_PREFIX} ${options.referenceMarker}`;
  return {
    title: renderTitle(meeting, mapping),
    text: [...blocks.map(blockText), reference].join('\n\n'),
    html: [...blocks.map(blockHtml), `<p>${escapeHtml(reference)}</p>`].join('\n'),
    customFields,
  };
}

function sectionBlocks(
  section: NoteSection,
  meeting: MeetingCompleted,
  actionItems: ActionItemsResult,
  mapping: FieldMapping,
  options: RenderOptions,
  noteBlocks: Block[],
): Block[] {
  switch (section) {
    case 'details':
      return detailsBlock(meeting, mapping);
    case 'notes':
      return noteBlocks;
    case 'actionItems':
      return actionItemsBlock(actionItems, mapping);
    case 'links':
      return linksBlock(meeting, mapping, options.omitLinks === true);
  }
}

function detailsBlock(meeting: MeetingCompleted, mapping: FieldMapping): Block[] {
  const m = meeting.meeting;
  const rows = [
    { label: 'Meeting', value: oneLine(m.name) },
    { label: 'Date', value: m.startTime === null ? '' : formatInstant(m.startTime, mapping.timeZone) },
    { label: 'Owner', value: oneLine(m.ownerName) },
    { label: 'Participants', value: m.participants.map((p) => oneLine(p)).filter((p) => p !== '').join(', ') },
  ].filter((row) => row.value !== '');
  return rows.length === 0 ? [] : [{ kind: 'fields', rows }];
}

function noteContent(
  meeting: MeetingCompleted,
  mapping: FieldMapping,
): { blocks: Block[]; customFields: Record<string, string> } {
  const rules = new Map(
    Object.entries(mapping.databaseNotes.fields).map(([name, rule]) => [normaliseNoteName(name), rule] as const),
  );
  const blocks: Block[] = [];
  const fields = new Map<string, string[]>();
  for (const note of meeting.assets.databaseNotes) {
    const body = multiLine(note.note);
    if (body === '') continue;
    const name = oneLine(note.name);
    const rule = rules.get(normaliseNoteName(name));
    if (rule === undefined) {
      if (mapping.databaseNotes.unlisted === 'include') blocks.push({ kind: 'prose', title: name || 'Notes', body });
    } else if (typeof rule === 'string') {
      blocks.push({ kind: 'prose', title: rule, body });
    } else if ('customField' in rule) {
      fields.set(rule.customField, [...(fields.get(rule.customField) ?? []), body]);
    }
    // { omit: true } leaves the note out entirely.
  }
  // fromEntries defines own properties, so a field named "__proto__" cannot reach the prototype.
  const customFields = Object.fromEntries([...fields].map(([field, bodies]) => [field, bodies.join('\n\n')]));
  return { blocks, customFields };
}

function actionItemsBlock(result: ActionItemsResult, mapping: FieldMapping): Block[] {
  const { title } = mapping.actionItems;
  if (result.status === 'none') return [];
  if (result.status === 'unavailable') {
    // The technical reason is for operators (it stays on the sync); a recruiter only needs to know to look elsewhere.
    return [{ kind: 'notice', title, body: 'The action items could not be retrieved for this note.' }];
  }
  const items: ListEntry[] = result.items
    .map((item) => ({ kind: 'item' as const, text: multiLine(item.text), detail: actionItemDetail(item, mapping) }))
    .filter((item) => item.text !== '');
  if (items.length === 0) return [];
  if (result.omitted !== undefined && result.omitted > 0) {
    items.push({ kind: 'item', text: `… and ${result.omitted} more`, detail: null });
  }
  return [{ kind: 'list', title, items }];
}

function actionItemDetail(item: ActionItem, mapping: FieldMapping): string | null {
  const parts: string[] = [];
  const assignee = mapping.actionItems.showAssignee ? oneLine(item.assignee) : '';
  if (assignee !== '') parts.push(assignee);
  const due =
    mapping.actionItems.showDueDate && item.dueDate !== null ? formatDueDate(item.dueDate, mapping.timeZone) : '';
  if (due !== '') parts.push(`due ${due}`);
  return parts.length === 0 ? null : parts.join(', ');
}

function linksBlock(meeting: MeetingCompleted, mapping: FieldMapping, omitLinks: boolean): Block[] {
  const links = mapping.links;
  if (omitLinks) {
    return [{ kind: 'notice', title: links.title, body: 'Links are not included because this meeting is private.' }];
  }
  const items: ListEntry[] = [];
  for (const material of meeting.assets.followUpMaterials) {
    const name = oneLine(material.name) || 'Recap';
    if (links.recapTxt.include && material.txtUrl) {
      items.push({ kind: 'link', label: `${name} (${links.recapTxt.label})`, url: material.txtUrl });
    }
    if (links.recapPdf.include && material.pdfUrl) {
      items.push({ kind: 'link', label: `${name} (${links.recapPdf.label})`, url: material.pdfUrl });
    }
  }
  const { transcriptionUrl, recordingUrl } = meeting.assets;
  if (links.transcript.include && transcriptionUrl) {
    items.push({ kind: 'link', label: links.transcript.label, url: transcriptionUrl });
  }
  if (links.recording.include && recordingUrl) {
    items.push({ kind: 'link', label: links.recording.label, url: recordingUrl });
  }
  const usable = items.filter((item) => item.kind !== 'link' || item.url.trim() !== '');
  return usable.length === 0 ? [] : [{ kind: 'list', title: links.title, items: usable }];
}

// ---------------------------------------------------------------------------------------------------------------
// Title

export function renderTitle(meeting: MeetingCompleted, mapping: FieldMapping): string {
  const m = meeting.meeting;
  const values: Record<TitlePlaceholder, string> = {
    'meeting.name': oneLine(m.name) || 'Meeting',
    'meeting.startTime': m.startTime === null ? '' : formatInstant(m.startTime, mapping.timeZone),
    'meeting.ownerName': oneLine(m.ownerName),
    'meeting.id': oneLine(m.id),
    'meeting.atsRecordName': oneLine(m.atsRecordName),
    'event.id': oneLine(meeting.eventId),
  };
  // The callback form inserts values literally: a "$&" or "{{…}}" inside a meeting name stays text.
  const filled = mapping.titleTemplate.replace(PLACEHOLDER_PATTERN, (_whole, name: string) =>
    Object.prototype.hasOwnProperty.call(values, name) ? values[name as TitlePlaceholder] : '',
  );
  const tidy = tidyTitle(filled);
  const title = tidy === '' ? 'Meeting notes' : tidy;
  const chars = Array.from(title);
  return chars.length <= MAX_TITLE_LENGTH ? title : `${chars.slice(0, MAX_TITLE_LENGTH - 1).join('')}…`;
}

/** Missing values leave separators behind ("Sync — "); strip them so a sparse meeting still gets a clean title. */
function tidyTitle(title: string): string {
  let result = oneLine(title).replace(/\(\s*\)|\[\s*\]/g, '');
  let previous: string;
  do {
    previous = result;
    result = result
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/^[-–—:|,·/]+\s*/, '')
      .replace(/\s*[-–—:|,·/]+$/, '')
      .replace(/\s+([-–—|·/])\s+[-–—|·/](\s+|$)/g, ' $1 ');
  } while (result !== previous);
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// Formats

function blockText(block: Block): string {
  switch (block.kind) {
    case 'fields':
      return block.rows.map((row) => `${row.label}: ${row.value}`).join('\n');
    case 'prose':
    case 'notice':
      return `${block.title}\n${block.body}`;
    case 'list':
      return [block.title, ...block.items.map(listEntryText)].join('\n');
  }
}

function listEntryText(entry: ListEntry): string {
  // http(s) URLs are written normalised (quotes and spaces percent-encoded) so a text-to-link pass in the ATS
  // cannot stretch a link over the text that follows it.
  if (entry.kind === 'link') return `- ${entry.label}: ${safeHref(entry.url) ?? entry.url.trim()}`;
  const text = entry.text.replace(/\n/g, '\n  ');
  return entry.detail === null ? `- ${text}` : `- ${text} — ${entry.detail}`;
}

/**
 * Only p, strong, br, ul, li and a are used: the tags every ATS rich-text sanitiser we target keeps.
 */
function blockHtml(block: Block): string {
  switch (block.kind) {
    case 'fields': {
      const rows = block.rows.map((row) => `<strong>${escapeHtml(row.label)}:</strong> ${escapeHtml(row.value)}`);
      return `<p>${rows.join('<br>')}</p>`;
    }
    case 'prose':
    case 'notice':
      return `<p><strong>${escapeHtml(block.title)}</strong></p>\n${proseHtml(block.body)}`;
    case 'list': {
      const items = block.items.map((item) => `<li>${listEntryHtml(item)}</li>`);
      return `<p><strong>${escapeHtml(block.title)}</strong></p>\n<ul>\n${items.join('\n')}\n</ul>`;
    }
  }
}

function listEntryHtml(entry: ListEntry): string {
  if (entry.kind === 'link') {
    const href = safeHref(entry.url);
    // A javascript: or data: URL must never become clickable; it is shown as text so nothing is lost silently.
    return href === null
      ? `${escapeHtml(entry.label)}: ${escapeHtml(entry.url.trim())}`
      : `<a href="${escapeHtml(href)}">${escapeHtml(entry.label)}</a>`;
  }
  const text = escapeHtml(entry.text).replace(/\n/g, '<br>');
  return entry.detail === null ? text : `${text} — ${escapeHtml(entry.detail)}`;
}

function proseHtml(body: string): string {
  return body
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${escapeHtml(paragraph).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
}

const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/** A single-line value: control characters and line breaks would break a title or a "Label: value" row. */
function oneLine(value: string | null): string {
  if (value === null) return '';
  return value.replace(/[\r\n\t]+/g, ' ').replace(CONTROL, '').replace(/\s+/g, ' ').trim();
}

/** Free text keeps its paragraphs but loses control characters and runs of blank lines. */
function multiLine(value: string | null): string {
  if (value === null) return '';
  return value
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL, '')
    .split('\n')
    .map((line) => line.replace(/[ \t]+$/g, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * "2025-10-10 12:23 (Europe/Berlin)": numeric parts only, so the output does not depend on the ICU
 * locale data of the machine, and the zone is named so a reader in another office is not misled.
 */
export function formatInstant(iso: string, timeZone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return oneLine(iso);
  const parts = instantFormatter(timeZone).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')} (${timeZone})`;
}

// Building an Intl.DateTimeFormat costs far more than using one; a connection uses one zone, so keep one per zone.
const instantFormatters = new BoundedCache<string, Intl.DateTimeFormat>(500);

function instantFormatter(timeZone: string): Intl.DateTimeFormat {
  return instantFormatters.getOrCompute(
    timeZone,
    () =>
      new Intl.DateTimeFormat('en-US', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }),
  );
}

/** A date-only due date is a calendar day, not an instant: shifting it into a time zone would move the day. */
function formatDueDate(value: string, timeZone: string): string {
  const text = oneLine(value);
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return text;
  if (/^\d{4}-\d{2}-\d{2}T/.test(text)) return formatInstant(text, timeZone);
  return text;
}
