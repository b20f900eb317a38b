import mongoose from 'mongoose';
import { fault, sameId } from './faults';

/*
 * Distrust of the wire where a wrong answer is dangerous (CONVENTIONS 13). FerretDB 1.24.2 used to
 * answer requests that expect no answer (w=0 writes); the pooled connection then handed each
 * command the previous command's reply: token lookups answered with another user's token, cache
 * lookups with documents of another collection. The server is patched (op-msg-more-to-come) and the
 * service sends no w=0 write; this module makes sure a desynchronised answer can never be taken
 * for data anyway:
 *
 * - every lookup by _id (findOne, findOneAndUpdate/Replace/Delete with an {_id: value} filter, which
 *   is what mongoose's findById and the store's writes send, and connect-mongo's session reads)
 *   must return a document carrying that _id; anything else throws a DatabaseFault (503);
 * - every reply must answer its own request (responseTo = the request's id): a reply to another
 *   request is a DatabaseFault and its connection is closed (installReplyCheck);
 * - every reply is checked against its command (a cursor of the right namespace, a write count):
 *   a reply of another shape is counted and logged as a mismatched reply;
 * - an unacknowledged write (write concern w=0) is counted and logged: nothing of the service may send one.
 */
type Filter = Record<string, unknown> | undefined;
type Doc = { _id?: unknown } | null | undefined;

/** The _id a filter asks for, when it asks for exactly one value (not an operator). */
function askedId(filter: Filter): unknown {
  const id = filter?._id;
  if (id === undefined || id === null) return undefined;
  if (typeof id === 'string' || typeof id === 'number' || id instanceof mongoose.Types.ObjectId) return id;
  return undefined;
}

function check(collection: string, filter: Filter, doc: Doc): void {
  const id = askedId(filter);
  if (id !== undefined && doc && !sameId(doc._id, id)) throw fault('wrong_document', `a lookup by _id in ${collection} returned a document with another _id`, collection);
}

let installed = false;

/** Wraps the driver's by-_id lookups once per process (every client, pool or lane, goes through them). */
export function installIdGuard(): void {
  if (installed) return;
  installed = true;
  const proto = mongoose.mongo.Collection.prototype as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const findOne = proto.findOne;
  proto.findOne = async function (this: { collectionName: string }, filter?: unknown, ...rest: unknown[]) {
    const doc = await findOne.call(this, filter, ...rest) as Doc;
    check(this.collectionName, filter as Filter, doc);
    return doc;
  };
  for (const name of ['findOneAndUpdate', 'findOneAndReplace', 'findOneAndDelete']) {
    const original = proto[name];
    proto[name] = async function (this: { collectionName: string }, filter?: unknown, ...rest: unknown[]) {
      const res = await original.call(this, filter, ...rest) as Doc & { value?: Doc; lastErrorObject?: unknown };
      // with includeResultMetadata (mongoose) the document is in `value`
      const doc = res && typeof res === 'object' && 'lastErrorObject' in res ? res.value : res;
      check(this.collectionName, filter as Filter, doc);
      return res;
    };
  }
}

type Message = { requestId?: number; moreToCome?: boolean; responseTo?: number };
type WireConnection = { cleanup(err: Error): void };
type ConnectionProto = {
  sendWire(this: WireConnection, message: Message, options: { noResponse?: boolean }, responseType?: unknown): AsyncGenerator<unknown>;
  readMany(this: WireConnection, options: unknown): AsyncGenerator<Message>;
};
const expecting = new WeakMap<object, number>();
const patchedDrivers = new WeakSet<object>();

/**
 * The driver reads "the next message on the socket" as the reply to its request and never compares
 * the reply's responseTo with the request's id. Here it does: a reply to another request (one a
 * server sent to a request that expected none, left waiting in the socket) is a database fault, and
 * the connection is closed so that the pool never hands it out again one reply behind. Installed on
 * the driver copy mongoose uses and on the top-level one (connect-mongo, GridFS), once each.
 */
export function installReplyCheck(): void {
  for (const [i, from] of [require.resolve('mongoose'), __filename].entries()) {
    let mod: { Connection?: { prototype: ConnectionProto } } | undefined;
    try { mod = require(require.resolve('mongodb/lib/cmap/connection', { paths: [from] })); } catch { mod = undefined; }
    const proto = mod?.Connection?.prototype;
    // the driver mongoose uses must have the hooks: a driver upgrade that moves them must not silently drop the check
    if (typeof proto?.sendWire !== 'function' || typeof proto.readMany !== 'function') {
      if (i === 0) throw new Error('db/guard: the MongoDB driver mongoose uses has no Connection.sendWire/readMany to check replies with; review installReplyCheck for this driver version');
      continue;
    }
    if (patchedDrivers.has(proto)) continue;
    patchedDrivers.add(proto);
    const { sendWire, readMany } = proto;
    proto.sendWire = function (message, options, responseType) {
      if (options?.noResponse || message.moreToCome || typeof message.requestId !== 'number') expecting.delete(this);
      else expecting.set(this, message.requestId);
      return sendWire.call(this, message, options, responseType);
    };
    proto.readMany = async function* (options) {
      const expected = expecting.get(this);
      expecting.delete(this);
      let first = true;
      for await (const response of readMany.call(this, options)) {
        if (first && expected !== undefined && response.responseTo !== expected) {
          const f = fault('mismatched_reply', 'a reply to another request arrived (the connection was one reply behind); the connection is closed');
          this.cleanup(f);
          throw f;
        }
        first = false;
        yield response;
      }
    };
  }
}

interface Started { name: string; collection?: string; unacknowledged: boolean }

/** What a reply to `s` must look like; a description of the problem, or undefined when it fits. */
export function replyProblem(s: Started, reply: Record<string, unknown> | undefined): string | undefined {
  if (s.unacknowledged || !reply || reply.ok !== 1) return undefined;
  const cursor = reply.cursor as { ns?: unknown } | undefined;
  switch (s.name) {
    case 'find': case 'aggregate': case 'getMore': case 'listIndexes': {
      if (!cursor || typeof cursor !== 'object') return `a ${s.name} reply without a cursor`;
      const ns = String(cursor.ns ?? '');
      if (s.collection && !ns.endsWith(`.${s.collection}`)) return `a ${s.name} on ${s.collection} answered with a cursor of ${ns}`;
      return undefined;
    }
    case 'insert': case 'update': case 'delete': case 'count':
      return typeof reply.n === 'number' ? undefined : `a ${s.name} reply without a count`;
    case 'findAndModify':
      return 'value' in reply ? undefined : 'a findAndModify reply without a value';
    default:
      return undefined;
  }
}

/** The collection a command names (find: 'x', getMore: {collection: 'x'}, aggregate: 'x' or 1). */
function collectionOf(name: string, command: Record<string, unknown>): string | undefined {
  const v = name === 'getMore' ? command.collection : command[name];
  return typeof v === 'string' ? v : undefined;
}

const watched = new WeakSet<object>();

/** Checks every reply of `client` against its command (needs monitorCommands). */
export function watchReplies(client: InstanceType<typeof mongoose.mongo.MongoClient>): void {
  if (watched.has(client)) return;
  watched.add(client);
  const started = new Map<number, Started>();
  client.on('commandStarted', (e) => {
    const command = e.command as Record<string, unknown>;
    const unacknowledged = (command.writeConcern as { w?: unknown } | undefined)?.w === 0;
    if (unacknowledged) fault('unacknowledged_write', `an unacknowledged (write concern w=0) ${e.commandName} was sent`, collectionOf(e.commandName, command));
    if (started.size > 10_000) started.clear(); // events of a dropped connection never come: stay bounded
    started.set(e.requestId, { name: e.commandName, collection: collectionOf(e.commandName, command), unacknowledged });
  });
  client.on('commandSucceeded', (e) => {
    const s = started.get(e.requestId);
    started.delete(e.requestId);
    const problem = s && replyProblem(s, e.reply as Record<string, unknown>);
    if (problem) fault('mismatched_reply', problem, s!.collection);
  });
  client.on('commandFailed', (e) => { started.delete(e.requestId); });
}
