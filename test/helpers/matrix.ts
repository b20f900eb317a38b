import { expect } from 'chai';
import { api, bearer, makeActors, type Actors } from './factories';

export type Who = 'anonymous' | 'admin' | 'inspector' | 'owner' | 'otherOwner';
export const WHO: Who[] = ['anonymous', 'admin', 'inspector', 'owner', 'otherOwner'];

export interface MatrixCase {
  name: string;
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** builds fresh target data for each call, so writes never interfere */
  setup: (a: Actors) => Promise<{ path: string; body?: unknown; file?: { data: Buffer; name: string; type: string } }>;
  expect: Record<Who, number>;
  /** the call spends the caller's token (logout): give each call its own actors */
  freshActors?: boolean;
}

export const READ_ALL = { anonymous: 401, admin: 200, inspector: 200, owner: 200, otherOwner: 200 };
export const ONLY = (ok: number, ...roles: Who[]) =>
  Object.fromEntries(WHO.map((w) => [w, w === 'anonymous' ? 401 : roles.includes(w) ? ok : 403])) as Record<Who, number>;

/** Every case as every role, inside and outside its scope, asserting the exact status. */
export function runMatrix(title: string, cases: MatrixCase[]): void {
  describe(title, () => {
    let shared: Actors;
    before(async () => { shared = await makeActors(); });
    for (const c of cases) {
      describe(c.name, () => {
        for (const who of WHO) {
          it(`when called as ${who}, then it answers ${c.expect[who]}`, async () => {
            const actors = c.freshActors ? await makeActors() : shared;
            const { path, body, file } = await c.setup(actors);
            let req = api()[c.method](path);
            if (who !== 'anonymous') req = req.set(bearer(actors[who]));
            const res = file ? await req.attach('file', file.data, { filename: file.name, contentType: file.type })
              : body === undefined ? await req : await req.send(body as object);
            expect(res.status, JSON.stringify(res.body)).to.equal(c.expect[who]);
            if (res.status >= 400) expect(res.body.error).to.include.keys('code', 'message');
          });
        }
      });
    }
  });
}
