import { Group, Loader, Text } from '@mantine/core';

/** What a page shows while its data is on the way (its frame and heading are already drawn). */
export function Loading({ what }: { what: string }) {
  return (
    <Group gap="xs" my="sm" aria-busy="true">
      <Loader size="xs" aria-hidden="true" />
      <Text size="sm">Loading {what}…</Text>
    </Group>
  );
}
