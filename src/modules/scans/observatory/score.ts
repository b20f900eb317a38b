/*
 * The Observatory's curve and grade chart (src/scanner/index.js, src/grader/grader.js), as
 * restated in shared/domain/http-observatory-scoring.md.
 */
export const MINIMUM_SCORE_FOR_EXTRA_CREDIT = 90;

const GRADE_CHART: [number, string][] = [
  [100, 'A+'], [95, 'A'], [90, 'A'], [85, 'A-'], [80, 'B+'], [75, 'B'], [70, 'B'], [65, 'B-'],
  [60, 'C+'], [55, 'C'], [50, 'C'], [45, 'C-'], [40, 'D+'], [35, 'D'], [30, 'D'], [25, 'D-'],
  [20, 'F'], [15, 'F'], [10, 'F'], [5, 'F'], [0, 'F'],
];

/** Above 100 reads as 100; otherwise rounded down to a multiple of 5 and looked up. */
export function gradeForScore(score: number): string {
  const clamped = Math.max(score, 0);
  const key = Math.min(clamped - (clamped % 5), 100);
  const row = GRADE_CHART.find(([min]) => key >= min);
  return row ? row[1] : 'F';
}

export interface Score {
  /** 100 plus every penalty */
  uncurved: number;
  /** the uncurved score, plus the bonuses when it is already an A (≥ 90); clamped at 0 */
  score: number;
  grade: string;
}

/** Bonuses count only once the penalties leave at least 90: bonuses cannot buy back a bad grade. */
export function scoreModifiers(modifiers: number[]): Score {
  const uncurved = 100 + modifiers.filter((m) => m < 0).reduce((a, b) => a + b, 0);
  const withExtraCredit = 100 + modifiers.reduce((a, b) => a + b, 0);
  const score = Math.max(uncurved >= MINIMUM_SCORE_FOR_EXTRA_CREDIT ? withExtraCredit : uncurved, 0);
  return { uncurved, score, grade: gradeForScore(score) };
}
