/**
 * The most start times any window of `intervalMs` holds, the window closed at both ends: the strictest way an
 * ATS could count a sliding window.
 */
export function busiestWindow(starts: number[], intervalMs: number): number {
  const t = [...starts].sort((a, b) => a - b);
  let most = 0;
  for (let lo = 0, hi = 0; hi < t.length; hi++) {
    while (t[hi]! - t[lo]! > intervalMs) lo++;
    most = Math.max(most, hi - lo + 1);
  }
  return most;
}
