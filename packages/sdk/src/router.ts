import type { AppRouter as ServerRouter } from '@careernexus/api';
import type { AnyTRPCProcedure, TRPCBuiltRouter, TRPCMutationProcedure, TRPCQueryProcedure, TRPCSubscriptionProcedure } from '@trpc/server';

/**
 * The server's router as a client sees it: each procedure's kind, input, output and error shape,
 * without the server's context and metadata (which name its database and logger types). The
 * build writes this type out in full into dist/router.d.ts, so the package needs no server code.
 */
type ClientProcedure<P> = P extends {
  _def: { type: infer Type; $types: { input: infer Input; output: infer Output; errorShape: infer ErrorShape } };
}
  ? Type extends 'query'
    ? TRPCQueryProcedure<{ input: Input; output: Output; errorShape: ErrorShape; meta: object }>
    : Type extends 'mutation'
      ? TRPCMutationProcedure<{ input: Input; output: Output; errorShape: ErrorShape; meta: object }>
      : TRPCSubscriptionProcedure<{ input: Input; output: Output; errorShape: ErrorShape; meta: object }>
  : never;

type ClientRecord<Record> = {
  [Key in keyof Record]: Record[Key] extends AnyTRPCProcedure ? ClientProcedure<Record[Key]> : ClientRecord<Record[Key]>;
};

type ServerRoot = ServerRouter['_def']['_config']['$types'];

/** What a failed call carries: tRPC's error shape, with the server's error body under `data.body`. */
export type ErrorShape = ServerRoot['errorShape'];

export type AppRouter = TRPCBuiltRouter<
  { ctx: object; meta: object; errorShape: ErrorShape; transformer: ServerRoot['transformer'] },
  ClientRecord<ServerRouter['_def']['record']>
>;
