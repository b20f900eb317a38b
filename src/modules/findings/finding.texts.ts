import type { FindingDoc } from './finding.model';
import type { Bilingual } from '../../shared/bilingual';
import { displayDate } from '../../shared/display';
import { RESULT_TEXT } from '../../shared/words';

/*
 * The words of a finding raised from the catalogue, in both languages: the title and requirement
 * of the checklist control (vi / en), the result, and the inspector's note as written. History
 * lines name the document (the assessment of a system on a day, in the display time zone) and the
 * person by name, never by id.
 */

export interface FailingControl {
  ref: string; title: Bilingual; requirement: Bilingual; result: 'partial' | 'not_met'; note?: string;
}

export type FindingTexts = Pick<FindingDoc, 'title' | 'titleVi' | 'description' | 'descriptionVi'>;

export function controlFindingTexts(c: FailingControl): Required<FindingTexts> {
  const note = c.note?.trim();
  return {
    title: `${c.ref} ${c.title.en}`,
    titleVi: `${c.ref} ${c.title.vi}`,
    description: `${RESULT_TEXT[c.result].en}: ${c.requirement.en}${note ? `\nInspector's note: ${note}` : ''}`,
    descriptionVi: `${RESULT_TEXT[c.result].vi}: ${c.requirement.vi}${note ? `\nGhi chú của người đánh giá: ${note}` : ''}`,
  };
}

/** "Đánh giá HT-001 ngày 06/12/2026" / "Assessment of HT-001 on 6 Dec 2026" */
export const assessmentName = (systemCode: string, at: Date): Bilingual => ({
  vi: `Đánh giá ${systemCode} ngày ${displayDate(at, 'vi')}`,
  en: `Assessment of ${systemCode} on ${displayDate(at, 'en')}`,
});

/** The first line of a finding's history: which assessment raised it, and who assessed. */
export function raisedByAssessment(systemCode: string, at: Date, inspector?: string): Bilingual {
  const doc = assessmentName(systemCode, at);
  return {
    vi: `Phát sinh từ ${doc.vi}${inspector ? `, người đánh giá: ${inspector}` : ''}`,
    en: `From the ${doc.en}${inspector ? `, inspector: ${inspector}` : ''}`,
  };
}

export function metOnResubmission(systemCode: string, at: Date): Bilingual {
  const doc = assessmentName(systemCode, at);
  return { vi: `Biện pháp đã đạt khi ${doc.vi} được gửi lại`, en: `Control met when the ${doc.en} was resubmitted` };
}

/** "Lần rà quét HT-001 ngày 06/12/2026" / "scan of HT-001 on 6 Dec 2026" */
export const scanName = (systemCode: string, at: Date): Bilingual => ({
  vi: `lần rà quét ${systemCode} ngày ${displayDate(at, 'vi')}`,
  en: `scan of ${systemCode} on ${displayDate(at, 'en')}`,
});

/** "báo cáo Nessus nhập ngày 06/12/2026" / "Nessus report imported on 6 Dec 2026" */
export const importName = (tool: string, at: Date): Bilingual => ({
  vi: `báo cáo ${tool} được nhập ngày ${displayDate(at, 'vi')}`,
  en: `${tool} report imported on ${displayDate(at, 'en')}`,
});

/** One line about a document (`doc`) seeing a finding: raised by, still seen by, no longer seen by. */
export function seenBy(kind: 'raised' | 'again' | 'gone', doc: Bilingual, detail?: string): Bilingual {
  const vi = { raised: `Phát hiện bởi ${doc.vi}`, again: `Vẫn phát hiện trong ${doc.vi}`, gone: `Không còn phát hiện trong ${doc.vi}` }[kind];
  const en = { raised: `Found by the ${doc.en}`, again: `Still seen by the ${doc.en}`, gone: `No longer seen by the ${doc.en}` }[kind];
  return { vi, en: detail ? `${en}${detail}` : en };
}
