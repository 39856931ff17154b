/** Query parameter names whose values are never logged (`?token=…`, `?access_token=…`, `?api_key=…`). */
const SECRET_PARAMETER = /token|key|sig|secret|passw|pwd|credential|auth|session|code/i;

/**
 * The URL as an access-log line may show it: the values of query parameters whose names look secret are
 * replaced, whatever else the query holds. The path and the other parameters stay as sent.
 */
export function redactUrl(url: string): string {
  const start = url.indexOf('?');
  if (start === -1) return url;
  const query = url
    .slice(start + 1)
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      const rawName = eq === -1 ? part : part.slice(0, eq);
      let name = rawName;
      try {
        name = decodeURIComponent(rawName.replace(/\+/g, ' '));
      } catch {
        // an undecodable name is judged as sent
      }
      return eq !== -1 && SECRET_PARAMETER.test(name) ? `${rawName}=[redacted]` : part;
    })
    .join('&');
  return `${url.slice(0, start)}?${query}`;
}
