import { useEffect, useState } from 'preact/hooks';
import { api } from './api';

/* Organization names by id, read once per page load (owners get their own organization only). */
let cached: Promise<Map<string, { code: string; name: string }>> | undefined;
export function loadOrganizations() {
  cached ??= api.get<{ items: { id: string; code: string; name: string }[] }>('/organizations?limit=100')
    .then(async (first) => {
      const all = [...first.items];
      for (let page = 2; all.length < (first as unknown as { total: number }).total && page < 50; page++) {
        all.push(...(await api.get<{ items: typeof all }>(`/organizations?limit=100&page=${page}`)).items);
      }
      return new Map(all.map((o) => [o.id, { code: o.code, name: o.name }]));
    })
    .catch((err) => { cached = undefined; throw err; });
  return cached;
}
export function useOrganizations() {
  const [orgs, setOrgs] = useState<Map<string, { code: string; name: string }>>(new Map());
  useEffect(() => { loadOrganizations().then(setOrgs, () => undefined); }, []);
  return orgs;
}
