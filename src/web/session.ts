import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

export interface Me { id: string; email: string; name: string; roles: ('admin' | 'inspector' | 'owner')[]; organization?: string | null }
export const SessionContext = createContext<{ me: Me; refresh: () => void } | undefined>(undefined);

/** The logged-in user (pages are only rendered after login). */
export function useMe(): Me {
  const s = useContext(SessionContext);
  if (!s) throw new Error('no session');
  return s.me;
}
export const hasRole = (me: Me, ...roles: Me['roles']) => roles.some((r) => me.roles.includes(r));
