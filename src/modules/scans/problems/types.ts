import type { Failure } from '../checks/types';

/** Words in both languages of the console and the documents. */
export interface Bilingual { vi: string; en: string }

/**
 * One distinct problem at one target: what a scan finding is about. Its `key` (stable across
 * runs, e.g. `strict-transport-security`, `legacy-protocols`, `port.open.3306`) keys the finding
 * with the system, the check and the target; its title may change with what is seen (HSTS missing
 * → HSTS too short) while the finding stays the same.
 */
export interface Problem {
  key: string;
  title: Bilingual;
  /** what to do about it, one sentence each */
  fix: Bilingual;
  failures: Failure[];
}

/** How the failures of one area group into problems and read in both languages. */
export interface ProblemTable {
  /** the problem a failure code belongs to, or undefined when the table does not know the code */
  keyOf(code: string): string | undefined;
  /** title and fix of a problem from the codes seen for it (always at least one) */
  describe(key: string, codes: string[]): { title: Bilingual; fix: Bilingual };
}
