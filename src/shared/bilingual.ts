/** Words a person reads, in both languages of the service: Vietnamese first, English second. */
export interface Bilingual { vi: string; en: string }

export const bi = (vi: string, en: string): Bilingual => ({ vi, en });

export const isBilingual = (x: unknown): x is Bilingual =>
  !!x && typeof x === 'object' && typeof (x as Bilingual).vi === 'string' && typeof (x as Bilingual).en === 'string';
