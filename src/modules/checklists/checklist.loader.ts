import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import * as store from '../../db/store';
import { Checklist } from './checklist.model';
import { checklistFile, FILE_VALIDATION, type ChecklistFile } from './checklist.schemas';
import * as audit from '../audit/audit.service';
import { canonicalJson, sha256 } from '../../shared/canonical';
import type { Ctx } from '../../shared/actor';

export interface ChecklistIssue { path: string; reason: string }

/** A checklist file that cannot be imported; the message names the file, the path in it and why. */
export class ChecklistFileError extends Error {
  override readonly name = 'ChecklistFileError';
  constructor(public readonly file: string, public readonly issues: ChecklistIssue[]) {
    const shown = issues.slice(0, 10).map((i) => `${file}: ${i.path ? `${i.path}: ` : ''}${i.reason}`);
    if (issues.length > shown.length) shown.push(`${file}: … and ${issues.length - shown.length} more problems`);
    super(shown.join('\n'));
  }
}

export interface ParsedChecklist { file: string; content: ChecklistFile; contentHash: string }

const MAX_FILE_BYTES = 5 * 1024 * 1024;
const MAX_FILES = 200;

const displayName = (file: string) => {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
};

/** Parses and validates one checklist text; `file` only names it in errors. */
export function parseChecklist(text: string, file: string): ParsedChecklist {
  const doc = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    throw new ChecklistFileError(file, doc.errors.map((e) => ({
      path: e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '',
      reason: `invalid YAML: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`,
    })));
  }
  const raw: unknown = doc.toJS({ maxAliasCount: 100 });
  const { value, error } = checklistFile.validate(raw, FILE_VALIDATION);
  if (error) throw new ChecklistFileError(file, error.details.map((d) => ({ path: d.path.join('.'), reason: d.message })));
  const content = value as ChecklistFile;
  // hashed on the parsed content, not the bytes: comments, quoting and layout do not count as changes
  return { file, content, contentHash: sha256(canonicalJson(content)) };
}

export function readChecklistFile(file: string): ParsedChecklist {
  const name = displayName(file);
  const size = fs.statSync(file).size;
  if (size > MAX_FILE_BYTES) throw new ChecklistFileError(name, [{ path: '', reason: `file is larger than ${MAX_FILE_BYTES} bytes` }]);
  return parseChecklist(fs.readFileSync(file, 'utf8'), name);
}

const keyOf = (c: { framework: string; version: string }) => `${c.framework} ${c.version}`;

function countsByLevel(c: ChecklistFile): Record<string, number> {
  return Object.fromEntries(c.levels.map((l) => [String(l), c.controls.filter((k) => k.levels.includes(l)).length]));
}

function assertSameContent(p: ParsedChecklist, stored: { contentHash: string }) {
  if (stored.contentHash === p.contentHash) return;
  throw new ChecklistFileError(p.file, [{
    path: 'version',
    reason: `${keyOf(p.content)} is already imported with different content; an imported checklist is immutable, so a changed file needs a new version`,
  }]);
}

/** Imports one validated checklist unless its version exists; true when this call imported it. */
export async function importChecklist(ctx: Ctx, p: ParsedChecklist): Promise<boolean> {
  const { framework, version } = p.content;
  const existing = await Checklist.findOne({ framework, version }, { contentHash: 1 }).lean();
  if (existing) {
    assertSameContent(p, existing);
    return false;
  }
  let created;
  try {
    created = await store.insertOne<{ _id: { toString(): string } }>(Checklist, {
      ...p.content, contentHash: p.contentHash, controlCount: p.content.controls.length, countsByLevel: countsByLevel(p.content), importedAt: new Date(),
    });
  } catch (err) {
    if (!(err instanceof store.DuplicateKeyError)) throw err;
    // another instance imported the same version at the same moment: it must be the same content
    const winner = await Checklist.findOne({ framework, version }, { contentHash: 1 }).lean();
    if (!winner) throw err;
    assertSameContent(p, winner);
    return false;
  }
  await audit.record(ctx, {
    action: 'checklist.import', entity: 'checklist', entityId: created._id.toString(),
    after: { framework, version, title: p.content.title, publishedAt: p.content.publishedAt, contentHash: p.contentHash, controlCount: p.content.controls.length, file: p.file },
  });
  return true;
}

/**
 * Validates every *.yaml / *.yml file of `dir` (sorted) before importing any, then imports each
 * version that is not in the database yet. Returns "FRAMEWORK version" keys.
 */
export async function loadChecklistDir(dir: string, ctx: Ctx): Promise<{ imported: string[]; unchanged: string[] }> {
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((f) => /\.ya?ml$/i.test(f)).sort();
  } catch (err) {
    throw new ChecklistFileError(displayName(dir), [{ path: '', reason: `cannot read the checklist directory (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` }]);
  }
  if (names.length > MAX_FILES) throw new ChecklistFileError(displayName(dir), [{ path: '', reason: `more than ${MAX_FILES} checklist files` }]);
  const parsed = names.map((n) => readChecklistFile(path.join(dir, n)));
  const seen = new Map<string, string>();
  for (const p of parsed) {
    const other = seen.get(keyOf(p.content));
    if (other) throw new ChecklistFileError(p.file, [{ path: 'version', reason: `${keyOf(p.content)} is also defined in ${other}` }]);
    seen.set(keyOf(p.content), p.file);
  }
  const result = { imported: [] as string[], unchanged: [] as string[] };
  for (const p of parsed) (await importChecklist(ctx, p) ? result.imported : result.unchanged).push(keyOf(p.content));
  return result;
}
