import { expect } from 'chai';
import mongoose from 'mongoose';
import { withLock } from '../src/db/lock';

describe('document locks (FerretDB does not make conditional updates atomic)', () => {
  it('when 30 writers increment one counter under the lock, then no increment is lost', async () => {
    const c = mongoose.connection.db!.collection('lock_test');
    const _id = new mongoose.Types.ObjectId();
    await c.insertOne({ _id, n: 0 });
    await Promise.all(Array.from({ length: 30 }, () => withLock(`test:${_id}`, async () => {
      const doc = await c.findOne({ _id });
      await c.updateOne({ _id }, { $set: { n: (doc!.n as number) + 1 } });
    })));
    expect((await c.findOne({ _id }))!.n).to.equal(30);
  });

  it('when the holder crashed and its lock expired, then the next caller takes it over', async () => {
    const key = `test:expired:${Date.now()}`;
    await mongoose.connection.db!.collection('locks').insertOne({ _id: key as never, owner: 'dead', expiresAt: new Date(Date.now() - 1000) });
    expect(await withLock(key, async () => 'ran')).to.equal('ran');
  });

  it('when a lock is held past the wait, then the caller gets 409 busy', async () => {
    const key = `test:held:${Date.now()}`;
    await mongoose.connection.db!.collection('locks').insertOne({ _id: key as never, owner: 'other', expiresAt: new Date(Date.now() + 60_000) });
    try {
      await withLock(key, async () => 'ran', { waitMs: 200 });
      expect.fail('should not run');
    } catch (err) {
      expect(err).to.include({ status: 409, code: 'busy' });
    }
  });
});
