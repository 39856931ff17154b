import { MAX_ACTION_ITEMS, MAX_ACTION_ITEM_TEXT, parseActionItems, parseActionItemsText } from './action-items.parser';

describe('parseActionItems: accepted shapes', () => {
  it('reads a list of strings, trimmed, skipping blanks', () => {
    expect(parseActionItems(['  Send the offer ', '', 'Book the onsite'])).toEqual({
      status: 'ok',
      items: [
        { text: 'Send the offer', assignee: null, dueDate: null },
        { text: 'Book the onsite', assignee: null, dueDate: null },
      ],
    });
  });

  it.each(['text', 'title', 'description', 'name'])('reads objects with a %s field', (key) => {
    expect(parseActionItems([{ [key]: 'Send the offer' }])).toEqual({
      status: 'ok',
      items: [{ text: 'Send the offer', assignee: null, dueDate: null }],
    });
  });

  it('prefers text over title over description over name, skipping empty ones', () => {
    expect(parseActionItems([{ name: 'n', description: 'd', title: ' ', text: '' }])).toMatchObject({
      items: [{ text: 'd' }],
    });
  });

  it('reads the assignee as a string or as an object with name or email', () => {
    const result = parseActionItems([
      { text: 'a', assignee: 'Alex Rivers' },
      { text: 'b', assignee: { name: 'Jane Doe', email: 'jane@example.com' } },
      { text: 'c', assignee: { email: 'sam@example.com' } },
      { text: 'd', assignee: { id: 7 } },
      { text: 'e', assigned_to: 'Kim' },
    ]);
    expect(result.status === 'ok' && result.items.map((i) => i.assignee)).toEqual([
      'Alex Rivers',
      'Jane Doe',
      'sam@example.com',
      null,
      'Kim',
    ]);
  });

  it('reads the due date from dueDate, due_date or due; epoch numbers become ISO', () => {
    const result = parseActionItems([
      { text: 'a', dueDate: '2025-10-17' },
      { text: 'b', due_date: '2025-10-18T09:00:00Z' },
      { text: 'c', due: 'next Friday' },
      { text: 'd', due: 1760659200 },
      { text: 'e', due: 1760659200000 },
      { text: 'f', due: { day: 1 } },
    ]);
    expect(result.status === 'ok' && result.items.map((i) => i.dueDate)).toEqual([
      '2025-10-17',
      '2025-10-18T09:00:00Z',
      'next Friday',
      '2025-10-17T00:00:00.000Z',
      '2025-10-17T00:00:00.000Z',
      null,
    ]);
  });

  it.each(['actionItems', 'items', 'data', 'action_items'])('reads a list wrapped in { %s: [...] }', (key) => {
    expect(parseActionItems({ meta: { count: 1 }, [key]: ['Send the offer'] })).toMatchObject({
      status: 'ok',
      items: [{ text: 'Send the offer' }],
    });
  });

  it('mixes strings and objects and skips unreadable entries among readable ones', () => {
    expect(parseActionItems(['one', { title: 'two' }, 3, null, { note: 'x' }])).toMatchObject({
      status: 'ok',
      items: [{ text: 'one' }, { text: 'two' }],
    });
  });

  it('answers ok with no items for an empty list', () => {
    expect(parseActionItems([])).toEqual({ status: 'ok', items: [] });
    expect(parseActionItems({ items: [] })).toEqual({ status: 'ok', items: [] });
  });

  it('parses raw text, with or without a byte order mark', () => {
    expect(parseActionItemsText('\uFEFF{"actionItems":[{"text":"Go"}]}')).toMatchObject({ status: 'ok', items: [{ text: 'Go' }] });
  });
});

describe('parseActionItems: limits', () => {
  it(`keeps at most ${MAX_ACTION_ITEMS} items and counts the rest`, () => {
    const list = Array.from({ length: MAX_ACTION_ITEMS + 7 }, (_, i) => `Item ${i}`);
    const result = parseActionItems(list);
    expect(result.status === 'ok' && result.items).toHaveLength(MAX_ACTION_ITEMS);
    expect(result).toMatchObject({ omitted: 7 });
  });

  it(`shortens text beyond ${MAX_ACTION_ITEM_TEXT} characters`, () => {
    const result = parseActionItems(['x'.repeat(MAX_ACTION_ITEM_TEXT + 50)]);
    const text = result.status === 'ok' ? result.items[0]!.text : '';
    expect(Array.from(text)).toHaveLength(MAX_ACTION_ITEM_TEXT);
    expect(text.endsWith('…')).toBe(true);
  });

  it('drops control characters', () => {
    expect(parseActionItems(['Send\u0000 the\u0007 offer\u001b'])).toMatchObject({ items: [{ text: 'Send the offer' }] });
  });
});

describe('parseActionItems: refusals', () => {
  it.each([
    ['null', null],
    ['a number', 42],
    ['a string', 'Send the offer'],
    ['an object without a known list', { todos: ['a'] }],
    ['a wrapper whose value is not a list', { items: 'a' }],
  ])('refuses %s', (_label, json) => {
    expect(parseActionItems(json)).toEqual({ status: 'unavailable', reason: expect.stringMatching(/not a list/) });
  });

  it('refuses a list where nothing is readable', () => {
    expect(parseActionItems([1, {}, { text: 5 }])).toEqual({
      status: 'unavailable',
      reason: 'none of the 3 action items has a readable text',
    });
  });

  it('refuses text that is not JSON', () => {
    expect(parseActionItemsText('<html>nope</html>')).toEqual({
      status: 'unavailable',
      reason: 'the action items document is not valid JSON',
    });
  });
});
