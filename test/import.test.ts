import { expect } from 'chai';
import { api, bearer, makeActors, makeUser, uniq, type Actors } from './helpers/factories';

const csvOf = (rows: string[][]) => rows.map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\n');

describe('bulk import of systems', () => {
  let a: Actors;
  before(async () => { a = await makeActors(); });

  const importCsv = (csv: string, token = a.admin) =>
    api().post('/api/v1/systems/import').set(bearer(token)).set('Content-Type', 'text/csv').send(csv);

  it('when a CSV with quoting and Vietnamese text is imported, then every row is created with the organization resolved by code', async () => {
    const p = uniq('CSV-');
    const owner = a.users.owner;
    const csv = csvOf([
      ['code', 'name', 'organization', 'level', 'levelApprovalReference', 'levelApprovalDate', 'endpoints', 'allowedPorts', 'owners', 'tags'],
      [`${p}-1`, 'Hệ thống "Một cửa", điện tử', a.org.code, '3', '12/QĐ-BTC', '2024-05-01', 'https://a.example.org;b.example.org:8443', '443;8443', owner.email, 'dịch vụ công;thuế'],
      [`${p}-2`, 'Cơ sở dữ liệu quốc gia về dân cư', a.otherOrg.code.toLowerCase(), '4', '', '', '', '', '', ''],
    ]);
    const res = await importCsv(csv);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.include({ created: 2, updated: 0 });
    const list = await api().get('/api/v1/systems').query({ q: p }).set(bearer(a.admin));
    const first = list.body.items.find((s: { code: string }) => s.code === `${p}-1`);
    expect(first.name).to.equal('Hệ thống "Một cửa", điện tử');
    expect(first.organization).to.equal(a.org.id);
    expect(first.endpoints).to.deep.equal(['https://a.example.org', 'b.example.org:8443']);
    expect(first.allowedPorts).to.deep.equal([443, 8443]);
    expect(first.owners).to.deep.equal([owner.id]);
    expect(first.levelApproval.reference).to.equal('12/QĐ-BTC');
    expect(first.compliance.state).to.equal('not_assessed');
  });

  it('when the same codes are imported again, then they are updated, not duplicated', async () => {
    const p = uniq('RE-');
    const rows = [{ code: `${p}-1`, name: 'Lần một', organization: a.org.code, level: 2 }];
    expect((await api().post('/api/v1/systems/import').set(bearer(a.admin)).send(rows)).body).to.include({ created: 1, updated: 0 });
    const again = await api().post('/api/v1/systems/import').set(bearer(a.admin)).send([{ ...rows[0], name: 'Lần hai' }, { code: `${p}-2`, name: 'Mới', organization: a.org.id, level: 1 }]);
    expect(again.body).to.include({ created: 1, updated: 1 });
    const list = await api().get('/api/v1/systems').query({ q: p }).set(bearer(a.admin));
    expect(list.body.total).to.equal(2);
    expect(list.body.items[0].name).to.equal('Lần hai');
  });

  it('when any row is bad, then nothing is written and every problem is listed with row, field and reason', async () => {
    const p = uniq('BAD-');
    const other = await makeUser('owner', a.otherOrg);
    const csv = csvOf([
      ['code', 'name', 'organization', 'level', 'owners'],
      [`${p}-1`, 'Hợp lệ', a.org.code, '2', ''],
      [`${p}-2`, 'Cấp sai', a.org.code, '9', ''],
      [`${p}-3`, 'Tổ chức lạ', 'NO-SUCH-ORG', '1', ''],
      [`${p}-1`, 'Trùng mã', a.org.code, '1', ''],
      [`${p}-5`, 'Chủ sai', a.org.code, '1', other.email],
      ['', 'Thiếu mã', a.org.code, '1', ''],
    ]);
    const res = await importCsv(csv);
    // a CSV's rows are described by no schema: every problem in them is a broken rule (422)
    expect(res.status).to.equal(422);
    const d = res.body.error.details as { row: number; field: string; reason: string }[];
    expect(d.map((e) => [e.row, e.field])).to.deep.include.members([[2, 'level'], [3, 'organization'], [4, 'code'], [5, 'owners'], [6, 'code']]);
    expect(d.every((e) => typeof e.reason === 'string' && e.reason.length > 0)).to.equal(true);
    const list = await api().get('/api/v1/systems').query({ q: p }).set(bearer(a.admin));
    expect(list.body.total).to.equal(0);
    // JSON rows: one that breaks the documented row schema is a 400; rules alone are a 422
    const json = (rows: object[]) => api().post('/api/v1/systems/import').set(bearer(a.admin)).send(rows);
    const schemaBroken = await json([{ code: `${p}-7`, name: 'Cấp sai', organization: a.org.code, level: 9 }, { code: `${p}-8`, name: 'Tổ chức lạ', organization: 'NO-SUCH-ORG', level: 1 }]);
    expect(schemaBroken.status).to.equal(400);
    expect(schemaBroken.body.error.details.map((e: { row: number; field: string }) => [e.row, e.field])).to.deep.equal([[1, 'level'], [2, 'organization']]);
    const ruleBroken = await json([{ code: `${p}-8`, name: 'Tổ chức lạ', organization: 'NO-SUCH-ORG', level: 1 }]);
    expect(ruleBroken.status).to.equal(422);
    expect((await api().get('/api/v1/systems').query({ q: p }).set(bearer(a.admin))).body.total).to.equal(0);
  });

  it('when the CSV has an unknown column or no rows, then 422; when the body is neither CSV nor JSON, then 400', async () => {
    const res = await importCsv('code,name,organisation,level\nX-1,Tên,ORG,1\n');
    expect(res.status).to.equal(422);
    expect(res.body.error.details[0]).to.include({ row: 1, field: 'organisation' });
    const xml = await api().post('/api/v1/systems/import').set(bearer(a.admin)).set('Content-Type', 'application/xml').send('<a/>');
    expect(xml.status).to.equal(400);
    const empty = await importCsv('code,name,organization,level\n');
    expect(empty.status).to.equal(422);
  });

  it('when dryRun is asked, then the counts come back and nothing is written', async () => {
    const p = uniq('DRY-');
    const res = await api().post('/api/v1/systems/import?dryRun=true').set(bearer(a.admin)).send([{ code: `${p}-1`, name: 'Thử', organization: a.org.code, level: 1 }]);
    expect(res.body).to.deep.equal({ created: 1, updated: 0, unchanged: 0, dryRun: true });
    expect((await api().get('/api/v1/systems').query({ q: p }).set(bearer(a.admin))).body.total).to.equal(0);
  });

  it('when 124 rows are imported, then all are there and each has its audit event', async () => {
    const p = uniq('BULK-');
    const rows = Array.from({ length: 124 }, (_, i) => ({ code: `${p}-${String(i + 1).padStart(3, '0')}`, name: `Hệ thống số ${i + 1}`, organization: i % 2 ? a.org.code : a.otherOrg.code, level: (i % 5) + 1 }));
    const res = await api().post('/api/v1/systems/import').set(bearer(a.admin)).send(rows);
    expect(res.body).to.include({ created: 124, updated: 0 });
    expect((await api().get('/api/v1/systems').query({ q: p }).set(bearer(a.admin))).body.total).to.equal(124);
    const audit = await api().get('/api/v1/audit').query({ action: 'system.create', limit: 100 }).set(bearer(a.admin));
    expect(audit.body.total).to.be.at.least(124);
  });
});
