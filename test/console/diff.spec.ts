import { diffLines, foldUnchanged } from '../../console/src/diff';

describe('the line comparison of a mapping version with the editor', () => {
  const doc = (title: string, extra = '') => JSON.stringify({ sections: ['notes'], titleTemplate: title, ...(extra ? { timeZone: extra } : {}) }, null, 2);

  it('shows one changed line as removed then added, the rest as shared', () => {
    const lines = diffLines(doc('A {{meeting.name}}'), doc('B {{meeting.name}}'));
    expect(lines.filter((l) => l.kind !== 'same')).toEqual([
      { kind: 'removed', text: '  "titleTemplate": "A {{meeting.name}}"' },
      { kind: 'added', text: '  "titleTemplate": "B {{meeting.name}}"' },
    ]);
    expect(lines.filter((l) => l.kind === 'same').map((l) => l.text)).toEqual(['{', '  "sections": [', '    "notes"', '  ],', '}']);
  });

  it('finds nothing to show for identical documents', () => {
    expect(diffLines(doc('A'), doc('A')).every((l) => l.kind === 'same')).toBe(true);
  });

  it('keeps every line of both sides, in order', () => {
    const before = doc('A');
    const after = doc('B', 'Europe/Paris');
    const lines = diffLines(before, after);
    expect(lines.filter((l) => l.kind !== 'added').map((l) => l.text).join('\n')).toBe(before);
    expect(lines.filter((l) => l.kind !== 'removed').map((l) => l.text).join('\n')).toBe(after);
    expect(lines.filter((l) => l.kind === 'added').map((l) => l.text)).toEqual(['  "titleTemplate": "B",', '  "timeZone": "Europe/Paris"']);
  });

  it('shows a very large pair of documents as replaced rather than spending seconds on it', () => {
    const big = Array.from({ length: 3_000 }, (_, i) => `line ${i}`).join('\n');
    const lines = diffLines(big, `${big}\nmore`);
    expect(lines.filter((l) => l.kind === 'removed')).toHaveLength(3_000);
    expect(lines.filter((l) => l.kind === 'added')).toHaveLength(3_001);
  });

  it('folds long runs of shared lines to the three next to each change, with how many were left out', () => {
    const before = Array.from({ length: 30 }, (_, i) => `line ${i}`);
    const after = [...before];
    after[15] = 'changed';
    const rows = foldUnchanged(diffLines(before.join('\n'), after.join('\n')));
    expect(rows).toEqual([
      { kind: 'skipped', count: 12 },
      { kind: 'same', text: 'line 12' },
      { kind: 'same', text: 'line 13' },
      { kind: 'same', text: 'line 14' },
      { kind: 'removed', text: 'line 15' },
      { kind: 'added', text: 'changed' },
      { kind: 'same', text: 'line 16' },
      { kind: 'same', text: 'line 17' },
      { kind: 'same', text: 'line 18' },
      { kind: 'skipped', count: 11 },
    ]);
    // Short runs stay whole: folding them would hide no more than it shows.
    expect(foldUnchanged(diffLines('a\nb\nc', 'a\nB\nc')).some((r) => r.kind === 'skipped')).toBe(false);
  });
});
