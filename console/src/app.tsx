import { AppShell, Badge, Burger, Button, Container, Group, NavLink, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useRef, type RefObject } from 'react';
import { Link, NavLink as RouterLink, Route, Routes, useLocation } from 'react-router';
import { useAuth } from './auth';
import { overviewQuery, prefetchRoute } from './queries';
import { Loading } from './loading';

// Every page is its own chunk, loaded when its route is first opened: the entry chunk holds the frame only.
const SignInPage = lazy(() => import('./pages/sign-in.page'));
const OverviewPage = lazy(() => import('./pages/overview.page'));
const SyncsPage = lazy(() => import('./pages/syncs.page'));
const SyncPage = lazy(() => import('./pages/sync.page'));
const ReviewPage = lazy(() => import('./pages/review.page'));
const ConnectionsPage = lazy(() => import('./pages/connections.page'));
const MappingPage = lazy(() => import('./pages/mapping.page'));
const JobsPage = lazy(() => import('./pages/jobs.page'));
const AuditPage = lazy(() => import('./pages/audit.page'));

/** The overview's counts, shared by every page (the review count in the header). */
export function useOverview() {
  return useQuery(overviewQuery);
}

function ReviewCount() {
  const overview = useOverview();
  const n = overview.data?.needsReview;
  return (
    <Badge color="orange.9" variant="filled" circle={n !== undefined && n < 10} aria-label={n === undefined ? 'count loading' : `${n} waiting`} data-testid="review-count">
      {n ?? '…'}
    </Badge>
  );
}

const TITLES: Array<[RegExp, string]> = [
  [/^\/syncs\/[^/]+/, 'Sync'],
  [/^\/syncs/, 'Syncs'],
  [/^\/review/, 'Review queue'],
  [/^\/connections\/[^/]+\/mapping/, 'Field mapping'],
  [/^\/connections/, 'Connections'],
  [/^\/jobs/, 'Jobs'],
  [/^\/audit/, 'Audit log'],
  [/^\/?$/, 'Overview'],
];

/** Each page has its own title, and the focus moves to its heading on navigation (screen readers hear it). */
function usePageTitle() {
  const { pathname } = useLocation();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  useEffect(() => {
    const title = TITLES.find(([re]) => re.test(pathname))?.[1] ?? 'Not found';
    document.title = `${title} · Debrief console`;
    if (first.current) first.current = false;
    else main.current?.focus();
  }, [pathname]);
  return main;
}

const NAV: Array<{ to: string; label: string; end?: boolean }> = [
  { to: '/', label: 'Overview', end: true },
  { to: '/syncs', label: 'Syncs' },
  { to: '/review', label: 'Review queue' },
  { to: '/connections', label: 'Connections' },
  { to: '/jobs', label: 'Jobs' },
  { to: '/audit', label: 'Audit log' },
];

export function App() {
  const auth = useAuth();
  const main = usePageTitle();
  const { pathname, search } = useLocation();
  const client = useQueryClient();
  const [opened, { toggle, close }] = useDisclosure(false);
  useEffect(close, [pathname, close]);
  // Render and this effect run before the page's chunk has arrived: its data is on its way alongside.
  useEffect(() => {
    if (auth.signedIn) prefetchRoute(client, pathname, search);
  }, [auth.signedIn, client, pathname, search]);
  if (!auth.signedIn) {
    return (
      <Container size="sm" component="main" ref={main as RefObject<HTMLDivElement>} tabIndex={-1} py="xl">
        <Suspense fallback={<Loading what="the sign-in form" />}>
          <SignInPage />
        </Suspense>
      </Container>
    );
  }
  const isActive = (to: string, end?: boolean) => (end ? pathname === to : pathname === to || pathname.startsWith(`${to}/`));
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Menu" />
            <Title order={2} size="h4">
              <Link to="/" style={{ color: 'inherit', textDecoration: 'none' }}>
                Debrief console
              </Link>
            </Title>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Text size="sm" c="dimmed" visibleFrom="xs">
              {auth.actor ?? '…'}
              {auth.readOnly && auth.actor ? ' (read-only)' : ''}
            </Text>
            <Button variant="default" size="xs" onClick={auth.signOut}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Console">
        {NAV.map((item) => (
          <NavLink
            key={item.to}
            component={RouterLink}
            to={item.to}
            end={item.end}
            label={item.label}
            active={isActive(item.to, item.end)}
            rightSection={item.to === '/review' ? <ReviewCount /> : undefined}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main id="main" ref={main} tabIndex={-1}>
        <Suspense fallback={<Loading what="the page" />}>
          <Routes>
            <Route path="/" element={<OverviewPage />} />
            <Route path="/syncs" element={<SyncsPage />} />
            <Route path="/syncs/:id" element={<SyncPage />} />
            <Route path="/review" element={<ReviewPage />} />
            <Route path="/review/:id" element={<ReviewPage />} />
            <Route path="/connections" element={<ConnectionsPage />} />
            <Route path="/connections/:id/mapping" element={<MappingPage />} />
            <Route path="/jobs" element={<JobsPage />} />
            <Route path="/audit" element={<AuditPage />} />
            <Route path="*" element={<Title order={1}>Page not found</Title>} />
          </Routes>
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}
