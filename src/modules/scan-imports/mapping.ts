import fs from 'node:fs';
import path from 'node:path';
import Joi from 'joi';
import YAML from 'yaml';
import * as checklists from '../checklists/checklist.service';
import { IMPORT_TOOLS, type ImportTool, type ImportedItem } from './types';

/** checklists/mappings/scan-imports.yaml: which control an imported finding gives evidence against. */
export const MAPPING_FILE = path.resolve('checklists', 'mappings', 'scan-imports.yaml');

const controlId = Joi.string().pattern(/^[A-Z]{3}\.[A-Z]{2,6}\.\d{2}$/);
const pattern = Joi.string().min(1).max(500).custom((v: string) => { new RegExp(v, 'i'); return v; }, 'a regular expression');
const rule = Joi.object({
  rule: pattern, title: pattern, cwe: Joi.array().items(Joi.number().integer().min(1).max(100_000)).min(1).max(200),
  control: controlId.required(),
}).or('rule', 'title', 'cwe');
const schema = Joi.object({
  version: Joi.number().integer().min(1).required(),
  checklist: Joi.object({ framework: Joi.string().required() }).required(),
  tools: Joi.object(Object.fromEntries(IMPORT_TOOLS.map((t) => [t, Joi.object({ default: controlId.required(), rules: Joi.array().items(rule).max(500) }).required()]))).required(),
});

interface Rule { rule?: RegExp; title?: RegExp; cwe?: number[]; control: string }
export interface Mapping {
  version: number;
  checklist: { framework: string };
  controlFor(tool: ImportTool, item: Pick<ImportedItem, 'rule' | 'title' | 'cwe'>): string;
}

/** Reads and validates the mapping file; every problem names the file and the path in it. */
export function parseMapping(text: string, file = MAPPING_FILE): Mapping {
  let raw: unknown;
  try { raw = YAML.parse(text); } catch (err) { throw new Error(`${file}: not YAML: ${(err as Error).message.split('\n')[0]}`); }
  const { error, value } = schema.validate(raw, { abortEarly: true, convert: false });
  if (error) throw new Error(`${file}: ${error.details[0].path.join('.') || '(top)'}: ${error.details[0].message}`);
  const tools = new Map<ImportTool, { default: string; rules: Rule[] }>();
  for (const t of IMPORT_TOOLS) {
    const d = value.tools[t] as { default: string; rules?: { rule?: string; title?: string; cwe?: number[]; control: string }[] };
    tools.set(t, { default: d.default, rules: (d.rules ?? []).map((r) => ({ ...r, rule: r.rule ? new RegExp(r.rule, 'i') : undefined, title: r.title ? new RegExp(r.title, 'i') : undefined })) });
  }
  return {
    version: value.version, checklist: value.checklist,
    controlFor(tool, item) {
      const t = tools.get(tool)!;
      const hit = t.rules.find((r) => (!r.rule || r.rule.test(item.rule)) && (!r.title || r.title.test(item.title)) && (!r.cwe || r.cwe.some((c) => item.cwe?.includes(c))));
      return hit?.control ?? t.default;
    },
  };
}

/** Every control the mapping names exists in the newest version of the framework it names (imported at start-up). */
export async function checkControls(m: Mapping, text: string, file = MAPPING_FILE): Promise<void> {
  const found = await checklists.latest(m.checklist.framework);
  if (!found) throw new Error(`${file}: no checklist of ${m.checklist.framework} is imported`);
  const ids = new Set((await checklists.get(found.id)).controls.map((c) => c.id));
  const named = [...text.matchAll(/(?:default|control):\s*([A-Z]{3}\.[A-Z]{2,6}\.\d{2})/g)].map((x) => x[1]);
  const unknown = named.filter((id) => !ids.has(id));
  if (unknown.length) throw new Error(`${file}: control ${unknown[0]} is not in ${found.framework} ${found.version}`);
}

let cached: Promise<Mapping> | undefined;
/** The mapping in force: read and checked once per process (start-up calls it, so a bad file stops the service). */
export function mapping(file = MAPPING_FILE): Promise<Mapping> {
  cached ??= (async () => {
    const text = fs.readFileSync(file, 'utf8');
    const m = parseMapping(text, file);
    await checkControls(m, text, file);
    return m;
  })().catch((err) => { cached = undefined; throw err; });
  return cached;
}
