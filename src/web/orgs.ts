import { useEffect, useState } from 'preact/hooks';
import { allPages } from './api';

/* Organization names by id, read once per page load (owners get their own organization only). */
type Org = { id: string; code: string; name: string };
let cached: Promise<Map<string, { code: string; name: string }>> | undefined;
export function loadOrganizations() {
  cached ??= allPages<Org>('/organizations').then((all) => new Map(all.map((o) => [o.id, { code: o.code, name: o.name }])))
    .catch((err) => { cached = undefined; throw err; });
  return cached;
}
export function useOrganizations() {
  const [orgs, setOrgs] = useState<Map<string, { code: string; name: string }>>(new Map());
  useEffect(() => { loadOrganizations().then(setOrgs, () => undefined); }, []);
  return orgs;
}
