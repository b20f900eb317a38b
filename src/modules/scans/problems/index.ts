import type { Failure } from '../checks/types';
import { SERVICES } from '../checks/ports';
import { SEVERITIES } from '../../../shared/enums';
import { httpProblems } from './http';
import { tlsProblems } from './tls';
import type { Bilingual, Problem, ProblemTable } from './types';

export type { Bilingual, Problem } from './types';

const portProblems: ProblemTable = {
  keyOf: (code) => (/^port\.open\.\d+$/.test(code) ? code : undefined),
  describe(key) {
    const port = Number(key.slice('port.open.'.length));
    const service = SERVICES[port];
    const named = service ? ` (${service})` : '';
    return {
      title: { vi: `Cổng ${port}${named} đang mở nhưng không nằm trong các cổng được phép`, en: `Port ${port}${named} is open but not among the allowed ports` },
      fix: { vi: 'Đóng cổng hoặc chặn nó ở tường lửa; nếu hệ thống cần cổng này, thêm nó vào danh sách cổng được phép.', en: "Close the port or block it at the firewall; if the system needs it, add it to the system's allowed ports." },
    };
  },
};

const TABLES = [httpProblems, tlsProblems, portProblems];

/** A code no table knows (a newer check than this table): its own problem, named by check and code. */
const unknown = (check: string, code: string): { title: Bilingual; fix: Bilingual } => ({
  title: { vi: `Kiểm tra tự động ${check} không đạt: ${code}`, en: `Automated check ${check} failed: ${code}` },
  fix: { vi: 'Xem bằng chứng bên dưới và khắc phục điều kiểm tra mô tả.', en: 'See the evidence below and fix what the check describes.' },
});

/**
 * The distinct problems among one result's failures: each becomes its own finding, so an owner
 * who fixes HSTS sees that finding verified while the CSP one stays open. Worst first.
 */
export function problemsOf(check: string, failures: Failure[]): Problem[] {
  const groups = new Map<string, { table?: ProblemTable; failures: Failure[] }>();
  for (const f of failures) {
    const table = TABLES.find((t) => t.keyOf(f.code) !== undefined);
    const key = table?.keyOf(f.code) ?? f.code;
    const g = groups.get(key) ?? { table, failures: [] };
    g.failures.push(f);
    groups.set(key, g);
  }
  const rank = (p: Problem) => Math.min(...p.failures.map((f) => SEVERITIES.indexOf(f.severity)));
  return [...groups].map(([key, g]) => {
    const codes = g.failures.map((f) => f.code);
    return { key, ...(g.table ? g.table.describe(key, codes) : unknown(check, key)), failures: g.failures };
  }).sort((a, b) => rank(a) - rank(b) || a.key.localeCompare(b.key));
}

/** Whether a code has words of its own (not the fallback). */
export const knownCode = (code: string) => TABLES.some((t) => t.keyOf(code) !== undefined);
