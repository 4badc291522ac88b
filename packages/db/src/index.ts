export * from './schema.js';
export {
  isDatabaseUnreachable,
  isForeignKeyViolation,
  isUniqueViolation,
  openDatabase,
  type DatabaseHandle,
  type DatabaseOptions,
} from './connect.js';
export { migrateToLatest } from './migrate.js';
export { lsnValue, openReadReplica, primaryWalPosition, type ReadReplica, type ReplicaEvents } from './replica.js';
export { CompiledQuery, Kysely, sql, type RawBuilder, type Selectable, type Transaction } from 'kysely';
