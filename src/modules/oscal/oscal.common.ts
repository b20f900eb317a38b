import crypto from 'node:crypto';
import type { Bilingual } from '../checklists/checklist.schemas';

/** The OSCAL version every document declares: the schemas in test/fixtures/oscal and compliance-trestle 5 accept it. */
export const OSCAL_VERSION = '1.2.1';

/** The namespace of Attest's own props and parts (a URN: it names, it is not fetched). */
export const NS = 'urn:attest:oscal';

/** Fixed namespace of every derived UUID; never change it, or every exported UUID changes. */
const UUID_NAMESPACE = Buffer.from('5c965f28fa9d48468201ea90e641d4a6', 'hex');

/** A name-based UUID (version 5, SHA-1) of `name` in `namespace` (16 bytes), RFC 9562 §5.5. */
export function uuidV5(namespace: Buffer, name: string): string {
  const hash = crypto.createHash('sha1').update(namespace).update(name, 'utf8').digest();
  const b = Buffer.from(hash.subarray(0, 16));
  b[6] = (b[6] & 0x0f) | 0x50;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * The UUID of an object in one role: `<kind>:<object id>:<role>` in Attest's namespace, so the same
 * object in the same role gets the same UUID in every export.
 */
export const uuidFor = (...name: (string | number)[]): string => uuidV5(UUID_NAMESPACE, name.join(':'));

/** OSCAL date-time-with-timezone (UTC). */
export const iso = (d: Date | string): string => new Date(d).toISOString();

/** The latest of some dates: a document's last-modified comes from its data, never from the clock. */
export function latest(...dates: (Date | string | undefined | null)[]): string {
  const times = dates.filter((d): d is Date | string => !!d).map((d) => new Date(d).getTime()).filter(Number.isFinite);
  return iso(new Date(times.length ? Math.max(...times) : 0));
}

export interface Prop { name: string; value: string; ns?: string; class?: string; remarks?: string }

/** One of Attest's props; OSCAL prop values are one line without leading or trailing blanks. */
export function prop(name: string, value: string | number, extra: { class?: string; remarks?: string } = {}): Prop {
  const v = String(value).replace(/\s+/g, ' ').trim();
  return { name, ns: NS, value: v || '-', ...extra };
}

/** Vietnamese beside the English: the English text is the OSCAL title, the Vietnamese one a prop. */
export const viTitle = (t: Bilingual): Prop => prop('title', t.vi, { class: 'vi' });

/** OSCAL markup-line: one line of text (no line breaks). */
export const line = (s: string): string => s.replace(/\s+/g, ' ').trim() || '-';

/** Media types of OSCAL JSON documents (IANA registrations of NIST). */
export const MEDIA = {
  catalog: 'application/oscal.catalog+json',
  profile: 'application/oscal.profile+json',
  ssp: 'application/oscal.ssp+json',
  ar: 'application/oscal.ar+json',
  poam: 'application/oscal.poam+json',
} as const;

/** The file names the CLI writes, also named in back-matter links so that the set reads offline. */
export const FILES = {
  catalog: 'catalog.json',
  profile: (level: number) => `profile-level-${level}.json`,
  ssp: 'ssp.json',
  ar: 'assessment-results.json',
  poam: 'poam.json',
};

export interface Resource {
  uuid: string;
  title?: string;
  description?: string;
  props?: Prop[];
  rlinks?: { href: string; 'media-type'?: string; hashes?: { algorithm: string; value: string }[] }[];
  remarks?: string;
}

export interface Party { uuid: string; type: 'organization' | 'person'; name: string; 'short-name'?: string; props?: Prop[] }

/** The metadata every document carries. */
export function metadata(m: { title: string; lastModified: string; version: string; props?: Prop[]; parties?: Party[]; roles?: { id: string; title: string }[]; responsible?: { 'role-id': string; 'party-uuids': string[] }[]; published?: string }) {
  return {
    title: line(m.title),
    ...(m.published && { published: m.published }),
    'last-modified': m.lastModified,
    version: m.version,
    'oscal-version': OSCAL_VERSION,
    ...(m.props?.length && { props: m.props }),
    ...(m.roles?.length && { roles: m.roles }),
    ...(m.parties?.length && { parties: m.parties }),
    ...(m.responsible?.length && { 'responsible-parties': m.responsible }),
  };
}
