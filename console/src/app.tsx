import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useRef } from 'react';
import { Link, NavLink, Route, Routes, useLocation } from 'react-router';
import { api, unwrap } from './api/client';
import { useAuth } from './auth';
import { SignInPage } from './pages/sign-in.page';
import { Loading } from './ui';
import { OverviewPage } from './pages/overview.page';

const SyncsPage = lazy(() => import('./pages/syncs.page'));
const SyncPage = lazy(() => import('./pages/sync.page'));
const ReviewPage = lazy(() => import('./pages/review.page'));
const ConnectionsPage = lazy(() => import('./pages/connections.page'));
const MappingPage = lazy(() => import('./pages/mapping.page'));
const JobsPage = lazy(() => import('./pages/jobs.page'));
const AuditPage = lazy(() => import('./pages/audit.page'));

/** The overview's counts, shared by every page (the review count in the header). */
export function useOverview() {
  return useQuery({ queryKey: ['overview'], queryFn: () => unwrap(api.GET('/admin/overview')), refetchInterval: 10_000 });
}

function ReviewCount() {
  const overview = useOverview();
  const n = overview.data?.needsReview;
  return (
    <NavLink to="/review">
      Review queue{' '}
      <span className="count" aria-label={n === undefined ? 'count loading' : `${n} waiting`} data-testid="review-count">
        {n ?? '…'}
      </span>
    </NavLink>
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

export function App() {
  const auth = useAuth();
  const main = usePageTitle();
  if (!auth.signedIn) {
    return (
      <main className="container" ref={main} tabIndex={-1}>
        <SignInPage />
      </main>
    );
  }
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="container">
        <nav aria-label="Console">
          <ul>
            <li>
              <Link to="/">
                <strong>Debrief console</strong>
              </Link>
            </li>
          </ul>
          <ul>
            <li>
              <NavLink to="/" end>
                Overview
              </NavLink>
            </li>
            <li>
              <NavLink to="/syncs">Syncs</NavLink>
            </li>
            <li>
              <ReviewCount />
            </li>
            <li>
              <NavLink to="/connections">Connections</NavLink>
            </li>
            <li>
              <NavLink to="/jobs">Jobs</NavLink>
            </li>
            <li>
              <NavLink to="/audit">Audit log</NavLink>
            </li>
            <li>
              <span className="actor">{auth.actor}{auth.readOnly ? ' (read-only)' : ''}</span>{' '}
              <button type="button" className="secondary outline" onClick={auth.signOut}>
                Sign out
              </button>
            </li>
          </ul>
        </nav>
      </header>
      <main className="container" id="main" ref={main} tabIndex={-1}>
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
            <Route path="*" element={<h1>Page not found</h1>} />
          </Routes>
        </Suspense>
      </main>
    </>
  );
}
