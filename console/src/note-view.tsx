import { Badge, Group, List, Text } from '@mantine/core';

/** The note as the ATS shows it: HTML ATSs get the rendered HTML (in a sandbox: no script, no navigation), others the text. */
export function NoteView({ title, text, html, format, visibility }: { title: string; text?: string | null; html?: string | null; format: 'html' | 'text'; visibility: string | null }) {
  const isPrivate = visibility !== null && visibility !== 'public';
  return (
    <figure aria-label="Note as the ATS shows it" style={{ margin: 0 }}>
      <Group component="figcaption" gap="xs" mb="xs">
        <Text fw={700}>{title}</Text>
        {isPrivate && (
          <Badge color="grape.9" variant="filled" data-testid="private-badge">
            Private{visibility !== 'private' ? ` (${visibility})` : ''}
          </Badge>
        )}
      </Group>
      {format === 'html' && html ? (
        <iframe className="note-frame" title={`Note: ${title}`} sandbox="" srcDoc={`<!doctype html><meta charset="utf-8"><body style="font-family:sans-serif">${html}</body>`} />
      ) : (
        <div className="note-text" data-testid="note-text">
          {text}
        </div>
      )}
    </figure>
  );
}

export interface EvidenceItem {
  kind: string;
  candidateId: string;
  detail: string;
}

export function EvidenceList({ evidence }: { evidence: EvidenceItem[] }) {
  if (evidence.length === 0) return <Text>No evidence.</Text>;
  return (
    <List size="sm" spacing={4}>
      {evidence.map((e, i) => (
        <List.Item key={`${e.kind}-${i}`}>
          <strong>{e.kind.replace('_', ' ')}</strong>: {e.detail}
        </List.Item>
      ))}
    </List>
  );
}
