import { useEffect, useState } from 'preact/hooks';

/* Hash routes (#/systems/…): the server serves one page, the browser's back button works. */
export const currentPath = () => decodeURI(location.hash.replace(/^#/, '')) || '/';
export const navigate = (path: string) => { location.hash = path; };

export function useRoute(): string {
  const [path, setPath] = useState(currentPath());
  useEffect(() => {
    const f = () => setPath(currentPath());
    addEventListener('hashchange', f);
    f(); // a change made before this listener existed (a redirect during the first render)
    return () => removeEventListener('hashchange', f);
  }, []);
  return path;
}

/** `match('/systems/:id', '/systems/abc')` → `{id: 'abc'}`, or undefined. */
export function match(pattern: string, path: string): Record<string, string> | undefined {
  const p = pattern.split('/');
  const a = path.split('?')[0].split('/');
  if (p.length !== a.length) return undefined;
  const out: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(':')) out[p[i].slice(1)] = decodeURIComponent(a[i]);
    else if (p[i] !== a[i]) return undefined;
  }
  return out;
}

/** query parameters of the current hash route */
export const routeQuery = () => new URLSearchParams(currentPath().split('?')[1] ?? '');
