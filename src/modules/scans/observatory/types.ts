import type { Outcome, TestName } from './outcomes';

/** Response headers by lower-case name, every received line kept (all `set-cookie` lines included). */
export type HeaderMap = Record<string, string[]>;

export interface ObservedResponse {
  /** the URL that answered (after redirects) */
  url: string;
  status: number;
  headers: HeaderMap;
  /** the body as text, when it is HTML (or untyped); at most the first 2 MB */
  body?: string;
}

export interface RedirectHop {
  url: string;
  status: number;
  location?: string;
}

export interface ObservatoryInput {
  /** the host the system lists: scripts are compared with it (SRI) */
  host: string;
  /** the final response of the fetch of the site; null when nothing answered */
  response: ObservedResponse | null;
  /** the fetch was made over https (the Observatory's "https session" succeeded) */
  https: boolean;
  /** every https hop of that fetch presented a certificate that chains to a trusted root and matches the name */
  certificateValid: boolean;
  /**
   * Every Set-Cookie line received during that fetch, with the URL that sent it (redirect hops
   * included: the Observatory's cookie jar sees them). Defaults to the final response's lines.
   */
  cookies?: { url: string; lines: string[] }[];
  /** the chain observed from http://host/ (first entry = that URL), or null when http did not answer */
  http: { chain: RedirectHop[]; certificateValid: boolean } | null;
  /** the answer to the CORS preflight (OPTIONS with Origin) on the final URL, when there was one */
  cors?: { origin: string; headers: HeaderMap } | null;
}

export interface ObservatoryTest {
  name: TestName;
  outcome: Outcome;
  modifier: number;
  pass: boolean;
}

export type ObservatoryGrade =
  | {
      canGrade: true;
      /** clamped at 0, not rounded: can exceed 100 with extra credit */
      score: number;
      uncurvedScore: number;
      grade: string;
      tests: ObservatoryTest[];
      testsPassed: number;
      testsFailed: number;
      /** evaluated, not graded (COEP, COOP): modifier 0, `pass` says whether the header is valid */
      informational: ObservatoryTest[];
    }
  | { canGrade: false; reason: string };

/** Every value of a header, in order. */
export function headerValues(headers: HeaderMap | undefined, name: string): string[] {
  return headers?.[name.toLowerCase()] ?? [];
}

/**
 * A header as the Observatory sees it: Node (under axios) folds repeated lines into one value
 * joined with ", ", so a header sent twice reads as a list — several tests rely on that to call
 * a repeated header invalid.
 */
export function joinedHeader(headers: HeaderMap | undefined, name: string): string | null {
  const values = headerValues(headers, name);
  return values.length ? values.join(', ') : null;
}

/** The media type exactly as the Observatory takes it: text before the first ';', neither trimmed nor lower-cased. */
export function mimeType(headers: HeaderMap | undefined): string {
  return (headerValues(headers, 'content-type')[0] ?? '').split(';', 1)[0];
}

export const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);
