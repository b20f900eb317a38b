import type { Bilingual } from '../types';
import { createDocument, type PageSettings } from './document';
import { Flow } from './flow';
import { fill } from './format';
import { stampPages } from './pages';
import type { Style } from './text';

/** What both reports share: a flowing document whose every page ends with "Trang X / Y — Page X of Y". */
export function startReport(page: PageSettings, meta: { title: string; subject: string; keywords: string; author: string; date: Date }) {
  const { doc, finish } = createDocument(page, meta);
  const flow = new Flow(doc);
  return {
    doc,
    flow,
    async end(footer: { pageNumber: Bilingual; running: string; style: Style; rule: string }): Promise<Buffer> {
      stampPages(doc, {
        pageNumber: (p, n) => `${fill(footer.pageNumber.vi, { page: p, pages: n })} — ${fill(footer.pageNumber.en, { page: p, pages: n })}`,
        running: footer.running, style: footer.style, rule: footer.rule,
      });
      return finish();
    },
  };
}
