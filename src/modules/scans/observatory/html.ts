import { Parser } from 'htmlparser2';
import { HTML_TYPES, mimeType, type ObservedResponse } from './types';

type Attributes = Record<string, string>;

/** The opening tags named `tag` (attributes lower-cased, entities decoded), in document order. */
export function collectElements(html: string, tag: string): Attributes[] {
  const found: Attributes[] = [];
  const parser = new Parser(
    { onopentag: (name, attributes) => { if (name === tag) found.push(attributes); } },
    { lowerCaseTags: true, lowerCaseAttributeNames: true, decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  return found;
}

export interface HttpEquiv {
  csp: string[];
  referrer: string[];
}

/**
 * The policies a page sets in <meta>, as the Observatory reads them: every
 * http-equiv="content-security-policy", and the last name="referrer" (not strictly http-equiv,
 * but the Observatory treats it as such). Only read when the response is typed HTML.
 */
export function httpEquiv(response: ObservedResponse | null): HttpEquiv {
  const found: HttpEquiv = { csp: [], referrer: [] };
  if (!response?.body || !HTML_TYPES.has(mimeType(response.headers))) return found;
  for (const meta of collectElements(response.body, 'meta')) {
    if ('http-equiv' in meta && 'content' in meta) {
      if (meta.content && meta['http-equiv'].toLowerCase().trim() === 'content-security-policy') found.csp.push(meta.content);
    } else if (meta.name?.toLowerCase().trim() === 'referrer' && meta.content) {
      found.referrer = [meta.content];
    }
  }
  return found;
}
