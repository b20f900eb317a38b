/* Seeds ten years of a 124-system programme straight into the database, through the models. */
import { Types } from 'mongoose';
import * as store from '../../src/db/store';
import { Organization } from '../../src/modules/organizations/organization.model';
import { User } from '../../src/modules/users/user.model';
import { System } from '../../src/modules/systems/system.model';
import { Assessment, AssessmentControls } from '../../src/modules/assessments/assessment.model';
import { Finding, type FindingDoc } from '../../src/modules/findings/finding.model';
import { Archive, Board, entryOf, placeOf, type Entry } from '../../src/modules/findings/finding.board';
import { Token } from '../../src/modules/auth/token.model';
import { AuditHead, AuditIndex, INDEX_BUCKET } from '../../src/modules/audit/audit.model';
import { insertInOrder, link, readHead, type EventBody } from '../../src/modules/audit/audit.chain';
import { keysOf } from '../../src/modules/audit/audit.index';
import * as checklists from '../../src/modules/checklists/checklist.service';
import * as settings from '../../src/modules/settings/settings.service';
import { hashPassword } from '../../src/modules/users/password';
import { summarize } from '../../src/modules/assessments/assessment.workflow';
import { sha256 } from '../../src/shared/canonical';
import { SEVERITIES, type FindingStatus } from '../../src/shared/enums';

export interface Sizes { systems: number; assessments: number; findings: number; closedFindings: number; auditEvents: number; tokens: number }
export const TEN_YEARS: Sizes = { systems: 124, assessments: 1200, findings: 15_000, closedFindings: 12_000, auditEvents: 300_000, tokens: 5000 };

const YEAR = 365 * 86_400_000;
const oid = () => new Types.ObjectId();
let seed = 42;
const rnd = () => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31; };
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];

export interface Seeded {
  password: string;
  admin: { id: string; email: string }; inspector: { id: string; email: string }; owner: { id: string; email: string; organization: string };
  systemIds: string[]; findingIds: string[];
}

export async function seedHistory(sizes: Sizes, log: (m: string) => void): Promise<Seeded> {
  const now = Date.now();
  const start = now - 10 * YEAR;
  const password = 'Bench-Password-2026';
  const hash = await hashPassword(password);
  const types = ['ministry', 'sector', 'province', 'state_enterprise', 'telecom_enterprise'] as const;
  const orgs = Array.from({ length: 40 }, (_, i) => ({ _id: oid(), code: `ORG-${String(i + 1).padStart(2, '0')}`, name: `Tổ chức thử nghiệm số ${i + 1}`, type: types[i % types.length] }));
  await store.insertMany(Organization, orgs);
  const user = (email: string, roles: string[], organization?: Types.ObjectId) => ({ _id: oid(), email, name: `Người dùng ${email}`, passwordHash: hash, roles, organization, active: true });
  const admin = user('admin@bench.example', ['admin']);
  const inspectors = Array.from({ length: 8 }, (_, i) => user(`inspector${i}@bench.example`, ['inspector']));
  const owners = orgs.map((o, i) => user(`owner${i}@bench.example`, ['owner'], o._id));
  await store.insertMany(User, [admin, ...inspectors, ...owners]);
  const actors = [admin, ...inspectors, ...owners];

  const active = await settings.activeChecklistId();
  const byLevel = new Map<number, Awaited<ReturnType<typeof checklists.controlsFor>>>();
  for (const level of [1, 2, 3, 4, 5]) byLevel.set(level, await checklists.controlsFor(active, level));
  const systems = Array.from({ length: sizes.systems }, (_, i) => {
    const org = orgs[i % orgs.length];
    return { _id: oid(), code: `HT-${String(i + 1).padStart(3, '0')}`, name: `Hệ thống thông tin số ${i + 1}`, organization: org._id, level: 1 + (i % 5), owners: [owners[i % orgs.length]._id], endpoints: [`https://ht${i + 1}.example.org`], status: 'active', tags: ['bench'] };
  });
  await store.insertMany(System, systems);
  log(`organizations ${orgs.length}, users ${actors.length}, systems ${systems.length}`);

  // assessments: spread over ten years, ~1 200 approved, results from the real checklist of each level
  let results = 0;
  const lastApproved = new Map<string, { id: Types.ObjectId; at: Date; count: number }>();
  const assessments: object[] = [];
  const frozen: object[] = [];
  for (let i = 0; i < sizes.assessments; i++) {
    const s = systems[i % systems.length];
    const { checklist, controls } = byLevel.get(s.level)!;
    const at = new Date(start + ((i + 0.5) / sizes.assessments) * (now - start));
    const rs = controls.map((c) => {
      const r = rnd() < 0.9 ? 'met' : pick(['partial', 'not_met', 'not_applicable'] as const);
      return { controlId: c.id, result: r, note: r === 'met' ? '' : 'Quan sát trong đợt kiểm tra tại chỗ', evidence: [{ kind: 'link', url: `https://evidence.example.org/${i}/${c.id}.pdf`, title: 'Biên bản' }], version: 1, updatedBy: inspectors[0]._id.toString(), updatedAt: at };
    });
    results += rs.length;
    const _id = oid();
    frozen.push({ _id, controls });
    assessments.push({
      _id, system: s._id, organization: s.organization, systemCode: s.code, systemName: s.name, level: s.level,
      checklist: { id: new Types.ObjectId(checklist.id), framework: checklist.framework, version: checklist.version },
      status: 'approved', results: rs, summary: summarize(rs as never), createdBy: pick(inspectors)._id.toString(),
      submittedBy: inspectors[1]._id.toString(), submittedAt: at, approvedBy: admin._id.toString(), approvedAt: at,
      history: [{ at, by: 'x', to: 'draft' }, { at, by: 'x', from: 'draft', to: 'in_progress' }, { at, by: 'x', from: 'in_progress', to: 'submitted' }, { at, by: 'x', from: 'submitted', to: 'approved' }],
      version: rs.length + 3, createdAt: at, updatedAt: at,
    });
    lastApproved.set(s._id.toString(), { id: _id, at, count: (lastApproved.get(s._id.toString())?.count ?? 0) + 1 });
  }
  await store.insertMany(AssessmentControls, frozen);
  await store.insertMany(Assessment, assessments);
  for (const s of systems) {
    const l = lastApproved.get(s._id.toString());
    if (l) await store.updateById(System, s._id, { $set: { lastApprovedAssessment: l.id, assessmentCount: l.count } });
  }
  log(`assessments ${assessments.length} with ${results} results`);

  // findings: 12 000 closed (verified), the rest in the working states
  const openStates: FindingStatus[] = ['open', 'in_remediation', 'resolved', 'reopened', 'risk_accepted'];
  const findings = Array.from({ length: sizes.findings }, (_, i) => {
    const s = systems[Math.floor(rnd() * systems.length)];
    const closed = i < sizes.closedFindings;
    const created = new Date(start + (i / sizes.findings) * (now - start));
    const status: FindingStatus = closed ? 'verified' : pick(openStates);
    const owner = owners[orgs.findIndex((o) => o._id.equals(s.organization))];
    return {
      _id: oid(), system: s._id, organization: s.organization, systemCode: s.code, level: s.level, source: { type: pick(['assessment', 'scan', 'manual'] as const) },
      title: `Phát hiện số ${i + 1}: cấu hình chưa đạt yêu cầu`, description: 'Mô tả chi tiết của phát hiện trong đợt đánh giá.', severity: pick(SEVERITIES), status,
      assignee: rnd() < 0.7 ? owner._id : undefined, dueAt: new Date(created.getTime() + (closed ? 30 : 60 + rnd() * 300) * 86_400_000),
      dedupeKey: `bench:${i}`, firstSeenAt: created, lastSeenAt: created, createdBy: inspectors[0]._id.toString(), version: 3,
      ...(status === 'risk_accepted' && { riskAcceptance: { requestedBy: owner._id.toString(), requestedAt: created, justification: 'Hệ thống sẽ được thay thế', compensatingControls: 'Phân vùng mạng', expiresAt: new Date(now + 90 * 86_400_000), approvedBy: admin._id.toString(), approvedAt: created } }),
      history: [{ at: created, by: 'x', action: 'created', to: 'open' }, { at: created, by: 'x', action: 'transition', from: 'open', to: 'in_remediation' }, { at: created, by: 'x', action: 'comment', comment: 'Đang khắc phục' }],
      createdAt: created, updatedAt: created,
    };
  });
  await store.insertMany(Finding, findings);
  log(`findings ${findings.length} (${sizes.closedFindings} closed)`);
  // the finding boards and archives a running service keeps (otherwise the first start builds them one write at a time)
  const places = new Map<string, { model: typeof Board; _id: string; items: Record<string, Entry>; version: number }>();
  for (const f of findings as unknown as FindingDoc[]) {
    const { model, docId } = placeOf(f);
    const doc = places.get(`${model.modelName}/${docId}`) ?? { model, _id: docId, items: {}, version: 0 };
    doc.items[f._id.toString()] = entryOf(f);
    places.set(`${model.modelName}/${docId}`, doc);
  }
  for (const m of [Board, Archive]) await store.insertMany(m, [...places.values()].filter((d) => d.model === m).map(({ model: _m, ...d }) => d));
  log(`finding boards and archives ${places.size}`);

  await store.insertMany(Token, Array.from({ length: sizes.tokens }, (_, i) => ({ _id: sha256(`bench-token-${i}`), user: pick(actors)._id, expiresAt: new Date(i < sizes.tokens * 0.9 ? now - rnd() * YEAR : now + 3600_000), createdAt: new Date(now - rnd() * YEAR) })));
  log(`tokens ${sizes.tokens}`);

  // the audit chain: real hashes, so that /audit/verify has the whole chain to check
  const entities = [...systems.map((s) => ['system', s._id.toString()]), ...findings.map((f) => ['finding', f._id.toString()])];
  const recorded = await readHead(); // events of the checklist import and settings come first
  let head = { seq: recorded.seq, hash: recorded.hash };
  const index = new Map<string, number[]>();
  const CHUNK = 5000;
  for (let n = 0; n < sizes.auditEvents; n += CHUNK) {
    const bodies: EventBody[] = Array.from({ length: Math.min(CHUNK, sizes.auditEvents - n) }, (_, k) => {
      const [entity, entityId] = pick(entities);
      const a = pick(actors);
      return { at: new Date(start + ((n + k) / sizes.auditEvents) * (now - start)), actor: { id: a._id.toString(), email: a.email, name: a.name }, action: `${entity}.update`, entity, entityId, before: { status: 'open' }, after: { status: 'in_remediation' }, requestId: `bench-${n + k}` };
    });
    const linked = link(head, bodies);
    await insertInOrder(linked.map((l) => l.doc));
    const last = linked[linked.length - 1].event;
    head = { seq: last.seq, hash: last.hash };
    for (const { event: d } of linked) for (const k of keysOf(d)) {
      const key = `${k}#${Math.floor(d.seq / INDEX_BUCKET)}`;
      const list = index.get(key) ?? [];
      list.push(d.seq);
      index.set(key, list);
    }
  }
  const dirs = new Map<string, number[]>();
  for (const key of index.keys()) {
    const [k, b] = [key.slice(0, key.lastIndexOf('#')), Number(key.slice(key.lastIndexOf('#') + 1))];
    dirs.set(k, [...(dirs.get(k) ?? []), b]);
  }
  // index documents the checklist import already started are extended; the rest are inserted
  const existing = new Set((await AuditIndex.find({}, { _id: 1 }).lean()).map((d) => d._id));
  const fresh: object[] = [];
  for (const [_id, seqs] of index) {
    if (existing.has(_id)) await store.updateById(AuditIndex, _id, { $push: { seqs: { $each: seqs } } });
    else fresh.push({ _id, seqs });
  }
  for (const [_id, buckets] of dirs) {
    if (existing.has(_id)) await store.updateById(AuditIndex, _id, { $addToSet: { buckets: { $each: buckets } } });
    else fresh.push({ _id, buckets });
  }
  await store.insertMany(AuditIndex, fresh);
  await store.updateById(AuditIndex, 'watermark', { $set: { max: head.seq } }, { upsert: true });
  await store.updateById(AuditHead, 'head', { $set: { seq: head.seq, hash: head.hash } }, { upsert: true });
  log(`audit events ${head.seq}, index documents ${index.size + dirs.size + 1}`);

  const ownerOrg = owners[0].organization!.toString();
  return {
    password,
    admin: { id: admin._id.toString(), email: admin.email }, inspector: { id: inspectors[0]._id.toString(), email: inspectors[0].email },
    owner: { id: owners[0]._id.toString(), email: owners[0].email, organization: ownerOrg },
    systemIds: systems.map((s) => s._id.toString()), findingIds: findings.map((f) => f._id.toString()),
  };
}
