import type { ActionItem } from './meeting-completed.model';

/**
 * What the note gets to know about action items. `unavailable` is kept apart from `none` so the note can
 * say the list could not be read instead of silently implying there were no action items.
 * `omitted` counts items dropped by the count limit, so the note can say the list is incomplete.
 */
export type ActionItemsResult =
  | { status: 'ok'; items: ActionItem[]; omitted?: number }
  | { status: 'none' }
  | { status: 'unavailable'; reason: string };

/** Enough for any real meeting; beyond this a note becomes unreadable and an ATS may refuse it. */
export const MAX_ACTION_ITEMS = 100;
export const MAX_ACTION_ITEM_TEXT = 1000;
const MAX_ASSIGNEE = 200;
const MAX_DUE_DATE = 100;

const WRAPPER_KEYS = ['actionItems', 'items', 'data', 'action_items'] as const;
const TEXT_KEYS = ['text', 'title', 'description', 'name'] as const;
const ASSIGNEE_KEYS = ['assignee', 'assignedTo', 'assigned_to'] as const;
const DUE_KEYS = ['dueDate', 'due_date', 'due'] as const;

/** Parses the raw body fetched from `actionItemsUrl`. */
export function parseActionItemsText(body: string): ActionItemsResult {
  let json: unknown;
  try {
    json = JSON.parse(body.replace(/^\uFEFF/, ''));
  } catch {
    return { status: 'unavailable', reason: 'the action items document is not valid JSON' };
  }
  return parseActionItems(json);
}

/** Parses already-decoded JSON: a list of strings or objects, bare or wrapped in a well-known key. */
export function parseActionItems(json: unknown): ActionItemsResult {
  const list = findList(json);
  if (list === null) {
    return {
      status: 'unavailable',
      reason: `the action items document is not a list (nor an object with ${WRAPPER_KEYS.join(', ')} holding one)`,
    };
  }
  const items: ActionItem[] = [];
  let unreadable = 0;
  let omitted = 0;
  for (const entry of list) {
    const item = readItem(entry);
    if (item === null) {
      unreadable += 1;
    } else if (items.length >= MAX_ACTION_ITEMS) {
      omitted += 1;
    } else {
      items.push(item);
    }
  }
  if (items.length === 0 && unreadable > 0) {
    return { status: 'unavailable', reason: `none of the ${unreadable} action items has a readable text` };
  }
  return omitted > 0 ? { status: 'ok', items, omitted } : { status: 'ok', items };
}

function findList(json: unknown): unknown[] | null {
  if (Array.isArray(json)) return json;
  if (!isRecord(json)) return null;
  for (const key of WRAPPER_KEYS) {
    const value = json[key];
    if (Array.isArray(value)) return value;
  }
  return null;
}

function readItem(entry: unknown): ActionItem | null {
  if (typeof entry === 'string') {
    const text = clip(entry, MAX_ACTION_ITEM_TEXT);
    return text === null ? null : { text, assignee: null, dueDate: null };
  }
  if (!isRecord(entry)) return null;
  const text = firstString(entry, TEXT_KEYS, MAX_ACTION_ITEM_TEXT);
  if (text === null) return null;
  return { text, assignee: readAssignee(entry), dueDate: readDueDate(entry) };
}

function readAssignee(entry: Record<string, unknown>): string | null {
  for (const key of ASSIGNEE_KEYS) {
    const value = entry[key];
    if (typeof value === 'string') {
      const name = clip(value, MAX_ASSIGNEE);
      if (name !== null) return name;
    } else if (isRecord(value)) {
      const name = firstString(value, ['name', 'displayName', 'email'], MAX_ASSIGNEE);
      if (name !== null) return name;
    }
  }
  return null;
}

function readDueDate(entry: Record<string, unknown>): string | null {
  for (const key of DUE_KEYS) {
    const value = entry[key];
    if (typeof value === 'string') {
      const due = clip(value, MAX_DUE_DATE);
      if (due !== null) return due;
    } else if (typeof value === 'number' && Number.isFinite(value)) {
      // Epoch numbers: below 1e11 they can only be seconds (1e11 ms is 1973).
      const date = new Date(value < 1e11 ? value * 1000 : value);
      if (!Number.isNaN(date.getTime())) return date.toISOString();
    }
  }
  return null;
}

function firstString(record: Record<string, unknown>, keys: readonly string[], max: number): string | null {
  for (const key of keys) {
    const value = record[key];
    if (typeof value === 'string') {
      const text = clip(value, max);
      if (text !== null) return text;
    }
  }
  return null;
}

/** Trims, drops control characters that could disturb a note layout, and shortens overlong text. */
function clip(value: string, max: number): string | null {
  const cleaned = value.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '').trim();
  if (cleaned === '') return null;
  const chars = Array.from(cleaned);
  return chars.length <= max ? cleaned : `${chars.slice(0, max - 1).join('')}…`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
